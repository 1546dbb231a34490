"""The pipeline's budget counts work, not wall time; its extra passes read hard frames exactly;
it reads only the symbologies asked for and never a wrong text. Real libraries, no mocks;
nothing here asserts a timing."""

from __future__ import annotations

import subprocess
import sys
import time

import cv2
import numpy as np
import pytest
import zxingcpp

from bench.decoding import stress_set
from checkin.scanner.pipeline import FALLBACK_PASSES, PASSES, DecodePipeline
from testkit.frames import frame_set, webcam_frame

NO_BUDGET = 10_000.0


def texts(codes) -> list[str]:
    return [c.text for c in codes]


def decode_all(pipeline: DecodePipeline, frames) -> list[tuple]:
    """(texts, the pass that found them, the passes the budget left out) for each frame."""
    out = []
    for _, frame, _ in frames:
        found = texts(pipeline.decode(frame))
        out.append((found, pipeline.last_pass, tuple(pipeline.last_skipped)))
    return out


@pytest.fixture(scope="module")
def frames():
    """Empty, clean and hard frames: the budget matters on the ones the first pass misses."""
    return frame_set(12, seed=7) + stress_set(10, seed=5)


def test_a_clock_that_races_changes_no_answer(frames, monkeypatch):
    expected = decode_all(DecodePipeline(), frames)
    assert any(skipped for _, _, skipped in expected), "the set must reach the budget"
    now = [0.0]

    def racing() -> float:  # every reading a second later: a machine busy beyond measure
        now[0] += 1.0
        return now[0]

    for name in ("perf_counter", "monotonic", "time", "thread_time", "process_time"):
        monkeypatch.setattr(time, name, racing)
    assert decode_all(DecodePipeline(), frames) == expected


def test_every_core_busy_gives_the_same_answers(frames):
    expected = decode_all(DecodePipeline(), frames)
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        assert decode_all(DecodePipeline(), frames) == expected
    finally:
        for process in spinners:
            process.kill()
            process.wait()


def test_the_budget_leaves_out_the_same_passes_on_every_empty_frame():
    pipeline = DecodePipeline()
    empty = [f for t, f, _ in frame_set(30, seed=7) if not t]
    assert len(empty) >= 2
    skipped = set()
    for frame in empty:
        assert pipeline.decode(frame) == []
        skipped.add(tuple(pipeline.last_skipped))
        assert 0 < pipeline.last_work_ms <= pipeline.budget_ms
    assert skipped == {("zxing 2x sharpened",)}  # 1280x720: everything else fits in 25 ms


@pytest.mark.parametrize(("text", "seed", "conditions"), [
    ("SHIC2026-000123", 2, {"brightness": 0.15, "noise": 5.0}),  # a dim screen, noisy sensor
    ("SHIC2026-000123", 3, {"brightness": 0.15, "noise": 5.0}),
    ("SHIC2026-000123", 2, {"glare": 0.9, "brightness": 0.5}),  # half the code washed out
    ("张伟|北京协和医院|SHIC2026-000123", 4, {"glare": 0.9, "brightness": 0.5}),
    ("SHIC2026-000123", 1, {"defocus": 2.0}),
    ("SHIC2026-000123", 5, {"defocus": 2.0}),
])
def test_frames_the_plain_pass_misses_are_read_exactly(text, seed, conditions):
    frame = webcam_frame(text, seed=seed, **conditions)
    pipeline = DecodePipeline()  # the default budget
    assert texts(pipeline.decode(frame)) == [text]
    assert pipeline.last_pass != "zxing"


def test_stress_frames_are_read_and_never_wrong():
    pipeline = DecodePipeline()
    samples = stress_set(20, seed=11)
    found = [texts(pipeline.decode(frame)) for _, frame, _ in samples]
    assert all(f in ([], [t]) for f, (t, _, _) in zip(found, samples, strict=True)), found
    assert sum(f == [t] for f, (t, _, _) in zip(found, samples, strict=True)) >= 14


def micro_qr_frame(text: str) -> np.ndarray:
    code = np.asarray(zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.MicroQRCode)
                      .to_image(scale=8))
    gray = cv2.copyMakeBorder(code, 200, 200, 400, 400, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def test_only_full_size_qr_is_read_unless_the_event_asks_for_more():
    frame = micro_qr_frame("14996")  # the text a grainy table top once gave as a Micro QR
    pipeline = DecodePipeline(budget_ms=NO_BUDGET)
    assert pipeline.decode(frame) == []
    assert pipeline.last_skipped == []  # every pass looked
    wider = DecodePipeline(budget_ms=NO_BUDGET, symbologies=("qr", "micro-qr"))
    assert texts(wider.decode(frame)) == ["14996"]


def test_zxing_passes_only_while_zxing_is_installed():
    assert {p.decoder for p in DecodePipeline().passes} == {"zxing-cpp"}
    assert DecodePipeline().passes == PASSES
    from checkin.scanner.decoders import available_decoders

    usable, _ = available_decoders()
    del usable["zxing-cpp"]
    assert DecodePipeline(decoders=usable).passes == FALLBACK_PASSES
