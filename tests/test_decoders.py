"""The decoder pipeline on real images through the real libraries (no mocks except to make a
library unimportable), payload text decoding, and the decoding bench as a smoke test."""

from __future__ import annotations

import importlib
import subprocess
import sys

import cv2
import numpy as np
import pytest
import zxingcpp
from conftest import BLACKBOX, ROOT

from checkin.scanner import decoders as decoders_module
from checkin.scanner.decoders import (
    OpenCVDecoder,
    PyzbarDecoder,
    ZxingDecoder,
    available_decoders,
)
from checkin.scanner.payload import MAX_PAYLOAD_BYTES, PayloadError, qr_bytes_to_text
from checkin.scanner.pipeline import FALLBACK_PASSES, PASSES, DecodePipeline
from testkit.frames import frame_set, payload_bytes, webcam_frame

# Rates are compared with a budget no frame reaches, so a loaded CI machine cannot skip a
# pass; the 25 ms budget and the timings are the bench's business (bench/decoding.py).
NO_BUDGET = 10_000.0


def qr_image(content, scale: int = 4, ec: str = "M") -> np.ndarray:
    """A generated QR code (grey, quiet zone included) of str (UTF-8) or bytes (binary)."""
    barcode = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode, ec_level=ec)
    return np.asarray(barcode.to_image(scale=scale))


def on_canvas(*codes: np.ndarray, size=(720, 1280)) -> tuple[np.ndarray, list[tuple]]:
    """Codes pasted side by side on a white BGR frame; returns the frame and their boxes."""
    canvas = np.full(size, 255, np.uint8)
    boxes, x = [], 40
    for code in codes:
        h, w = code.shape
        y = (size[0] - h) // 2
        canvas[y:y + h, x:x + w] = code
        boxes.append((x, y, x + w, y + h))
        x += w + 60
    return cv2.cvtColor(canvas, cv2.COLOR_GRAY2BGR), boxes


def texts(codes) -> list[str]:
    return [c.text for c in codes]


# ------------------------------------------------------------------ the two image sets


@pytest.fixture(scope="module")
def blackbox():
    images = sorted(BLACKBOX.glob("qrcode-*/*.png"))
    assert len(images) == 145, f"the ZXing black-box photos are missing from {BLACKBOX}"
    return [(p.with_suffix(".txt").read_bytes().decode("utf-8"), cv2.imread(str(p)), p)
            for p in images]


@pytest.fixture(scope="module")
def synthetic():
    return frame_set(36, seed=7)  # the first 36 frames of the bench's set


def zxing_alone(gray) -> list[str]:
    """zxing-cpp as a programmer would call it alone: QR family, its own (Plain) text."""
    return [b.text for b in zxingcpp.read_barcodes(
        gray, formats=zxingcpp.BarcodeFormat.QRCode, text_mode=zxingcpp.TextMode.Plain)]


def test_pipeline_reads_every_blackbox_photo_zxing_reads_and_more(blackbox):
    pipeline = DecodePipeline(budget_ms=NO_BUDGET)
    by_zxing, by_pipeline = set(), set()
    for expected, image, path in blackbox:
        if expected in zxing_alone(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)):
            by_zxing.add(path)
        if expected in texts(pipeline.decode(image)):
            by_pipeline.add(path)
    assert by_zxing - by_pipeline == set()
    assert len(by_pipeline) > len(by_zxing)


def test_pipeline_reads_no_wrong_text_on_any_photo(blackbox):
    pipeline = DecodePipeline(budget_ms=NO_BUDGET)
    wrong = {path.name: found for expected, image, path in blackbox
             if (found := texts(pipeline.decode(image))) and expected not in found}
    assert wrong == {}  # (qrcode-1/16.png holds two codes: the other one is not wrong)


def test_pipeline_beats_each_decoder_on_synthetic_frames(synthetic):
    usable, missing = available_decoders()
    assert missing == {}
    pipeline = DecodePipeline(budget_ms=NO_BUDGET)
    hits = dict.fromkeys([*usable, "pipeline"], 0)
    for expected, frame, _ in synthetic:
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        found = texts(pipeline.decode(frame))
        if not expected:
            assert found == [], "a code read on a frame that has none"
            continue
        hits["pipeline"] += expected in found
        for name, decoder in usable.items():
            hits[name] += expected in texts(decoder.decode(gray))
    assert all(hits["pipeline"] >= n for n in hits.values()), hits
    assert hits["pipeline"] > hits["zxing-cpp"], hits


def test_pipeline_reads_every_clean_frame_of_the_set(synthetic):
    pipeline = DecodePipeline()  # the default budget: a clean frame is read by the first pass
    clean = [(t, f) for t, f, c in synthetic if c["tier"] == "clean"]
    assert len(clean) >= 8
    for expected, frame in clean:
        assert texts(pipeline.decode(frame)) == [expected]


@pytest.mark.parametrize(("text", "conditions"), [
    ("SHIC2026-000123", {}),
    ("SHIC2026-000123", {"carrier": "paper"}),
    ("SHIC2026-000123", {"invert": True}),  # dark mode
    ("https://reg.shic2026.cn/c/SHIC2026-000123?s=Zm9vYmFy", {"yaw": 25, "module_px": 3.0}),
    ("v1." + "eyJjIjoiU0hJQzIwMjYtMDAwMTIzIn0" * 3 + ".c2lnbmF0dXJl" * 3, {"ec": "L"}),
    ("张伟|北京协和医院|SHIC2026-000123", {}),
    ("张伟|北京协和医院|SHIC2026-000123", {"encoding": "gb18030"}),
    ("签到 郑爽", {"encoding": "gb18030"}),  # GB18030 bytes that are also valid UTF-8
    ("王芳 SHIC2026-000777", {"encoding": "utf-8-bom"}),
])
def test_clean_webcam_frames_decode_to_the_exact_text(text, conditions):
    frame = webcam_frame(text, seed=11, **conditions)
    assert frame.shape == (720, 1280, 3) and frame.dtype == np.uint8
    assert texts(DecodePipeline().decode(frame)) == [text]


def test_synthetic_frames_are_deterministic_and_include_empty_frames():
    a, b = webcam_frame("SHIC2026-000001", seed=5), webcam_frame("SHIC2026-000001", seed=5)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, webcam_frame("SHIC2026-000001", seed=6))
    frames = frame_set(12, seed=3)
    assert [t for t, _, _ in frames].count("") >= 1
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(frames[:4], frame_set(4, seed=3),
                                                        strict=True))
    with pytest.raises(TypeError):
        webcam_frame("x", seed=1, blurriness=3)


# ------------------------------------------------------------------ several codes, points


def test_every_code_in_a_frame_is_returned_with_its_corners():
    codes = ["SHIC2026-000001", "SHIC2026-000002", "张伟 SHIC2026-000003"]
    frame, boxes = on_canvas(*(qr_image(c) for c in codes))
    found = {c.text: c for c in DecodePipeline().decode(frame)}
    assert set(found) == set(codes)
    for text, (x0, y0, x1, y1) in zip(codes, boxes, strict=True):
        points = found[text].points
        assert len(points) == 4
        assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in points), (text, points)


@pytest.mark.parametrize("name", ["zxing 1.5x sharpened", "zxing 2x sharpened",
                                  "pyzbar half inverted", "opencv"])
def test_points_of_scaled_passes_are_in_original_frame_coordinates(name):
    frame, [(x0, y0, x1, y1)] = on_canvas(qr_image("SHIC2026-000042", scale=6),
                                          size=(600, 1000))
    if name == "pyzbar half inverted":
        frame = 255 - frame
    only = tuple(p for p in PASSES + FALLBACK_PASSES if p.name == name)
    [code] = DecodePipeline(passes=only).decode(frame)
    xs, ys = [x for x, _ in code.points], [y for _, y in code.points]
    module = 6  # a corner may sit a module off where a library reports the finder's edge
    assert x0 - module <= min(xs) and max(xs) <= x1 + module, code.points
    assert y0 - module <= min(ys) and max(ys) <= y1 + module, code.points
    assert max(xs) - min(xs) > 0.6 * (x1 - x0)  # not the half-size coordinates


def test_grayscale_and_bgra_frames_are_accepted():
    frame, _ = on_canvas(qr_image("SHIC2026-000007"))
    pipeline = DecodePipeline()
    assert texts(pipeline.decode(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))) == ["SHIC2026-000007"]
    assert texts(pipeline.decode(cv2.cvtColor(frame, cv2.COLOR_BGR2BGRA))) == ["SHIC2026-000007"]
    with pytest.raises(ValueError):
        pipeline.decode(frame.astype(np.float32))


# ------------------------------------------------------------------ garbage and oversize


def test_a_random_bytes_code_is_dropped_not_raised():
    garbage = np.random.default_rng(1).bytes(300)
    frame, _ = on_canvas(qr_image(garbage, scale=3))
    pipeline = DecodePipeline(budget_ms=NO_BUDGET)
    assert pipeline.decode(frame) == []
    assert {e.reason_code for e in pipeline.rejected} == {"undecodable"}


def test_a_3000_character_code_is_refused_as_too_long():
    frame, _ = on_canvas(qr_image("A" * 3000, scale=3, ec="L"), size=(720, 1280))
    pipeline = DecodePipeline()
    assert pipeline.decode(frame) == []
    assert {e.reason_code for e in pipeline.rejected} == {"too_long"}


def test_a_good_code_next_to_a_garbage_one_is_still_read():
    frame, _ = on_canvas(qr_image("SHIC2026-000009"), qr_image(b"\xff\xfe\x00\x01" * 40))
    pipeline = DecodePipeline()
    assert texts(pipeline.decode(frame)) == ["SHIC2026-000009"]
    assert [e.reason_code for e in pipeline.rejected] == ["undecodable"]


# ------------------------------------------------------------------ payload text


@pytest.mark.parametrize(("raw", "hint", "expected"), [
    (b"SHIC2026-000123", None, "SHIC2026-000123"),
    ("张伟|北京协和医院".encode(), None, "张伟|北京协和医院"),
    (b"\xef\xbb\xbf" + "张伟".encode(), None, "张伟"),
    ("张伟|北京协和医院".encode("gb18030"), None, "张伟|北京协和医院"),
    ("会议签到 SHIC2026-000123".encode("gbk"), None, "会议签到 SHIC2026-000123"),
    # zxing-cpp guesses Shift_JIS for short GB18030 names: its half-width katakana lose.
    ("张伟".encode("gb18030"), "ﾕﾅﾎｰ", "张伟"),
    ("段奕".encode("gb18030"), "ｶﾎﾞﾈ", "段奕"),
    # GB18030 bytes that are valid UTF-8 too (two Hebrew/IPA marks): GB18030 wins.
    ("郑爽".encode("gb18030"), "֣ˬ", "郑爽"),
    # A Japanese payload stays Japanese, with or without the decoder's reading.
    ("Google モバイル".encode("shift_jis"), "Google モバイル", "Google モバイル"),
    ("*ﾃﾞｻﾞｲﾝQR*".encode("shift_jis"), None, "*ﾃﾞｻﾞｲﾝQR*"),
    # Neither UTF-8 nor GB18030, and the decoder applied a charset (an ECI): trust it.
    ("Привет мир".encode("iso8859_5"), "Привет мир", "Привет мир"),
    ("José García".encode(), None, "José García"),
    (b"\x01\x10AD:SUB:\xb0\xa2;;", None, "\x01\x10AD:SUB:阿;;"),  # Hanzi mode, GS1-like
])
def test_payload_bytes_become_the_right_text(raw, hint, expected):
    assert qr_bytes_to_text(raw, hint) == expected


@pytest.mark.parametrize(("raw", "reason"), [
    (b"", "empty"),
    (b"   \r\n", "empty"),
    (b"\xef\xbb\xbf", "empty"),
    (b"A" * (MAX_PAYLOAD_BYTES + 1), "too_long"),
    (np.random.default_rng(2).bytes(200), "undecodable"),
    (bytes(range(1, 32)) * 2, "undecodable"),
])
def test_bad_payloads_are_refused_with_a_reason(raw, reason):
    with pytest.raises(PayloadError) as refused:
        qr_bytes_to_text(raw, raw.decode("latin-1"))
    assert refused.value.reason_code == reason
    assert isinstance(refused.value, ValueError)


def test_payload_of_exactly_the_maximum_is_accepted():
    assert len(qr_bytes_to_text(b"7" * MAX_PAYLOAD_BYTES)) == MAX_PAYLOAD_BYTES


def test_each_decoder_reads_gb18030_bytes_as_chinese():
    text = "张伟|北京协和医院|SHIC2026-000123"
    gray = qr_image(payload_bytes(text, "gb18030").decode("latin-1"))  # byte mode, no ECI
    assert texts(ZxingDecoder().decode(gray)) == [text]
    assert texts(OpenCVDecoder().decode(gray)) == [text]
    assert texts(PyzbarDecoder().decode(gray)) in ([text], [])  # zbar's Big5 guess may lose it


def test_opencv_does_not_raise_on_a_hanzi_mode_code(blackbox):
    [image] = [img for _, img, path in blackbox if path.parts[-2:] == ("qrcode-2", "33.png")]
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    assert OpenCVDecoder().decode(gray) == []  # cv2.error "mode 13" is caught
    assert texts(ZxingDecoder().decode(gray)) == ["\x01\x10AD:SUB:阿;;"]


# ------------------------------------------------------------------ missing libraries


def test_a_missing_library_is_reported_not_raised(monkeypatch):
    real_import = importlib.import_module

    def fail_for_zbar(name, *args):
        if name.startswith("pyzbar"):
            raise ImportError("Unable to find zbar shared library")
        if name == "zxingcpp":
            raise ModuleNotFoundError("No module named 'zxingcpp'")
        return real_import(name, *args)

    monkeypatch.setattr(decoders_module.importlib, "import_module", fail_for_zbar)
    usable, missing = available_decoders()
    assert set(usable) == {"opencv"}
    assert missing["pyzbar"].startswith("libzbar0 is not installed")
    assert missing["zxing-cpp"].startswith("zxing-cpp is not installed")
    pipeline = DecodePipeline()
    assert set(pipeline.missing) == {"pyzbar", "zxing-cpp"}
    assert [p.decoder for p in pipeline.passes] == ["opencv"]
    frame, _ = on_canvas(qr_image("SHIC2026-000010"))
    assert texts(pipeline.decode(frame)) == ["SHIC2026-000010"]  # OpenCV alone still reads


def test_a_module_blocked_in_sys_modules_is_reported(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyzbar.pyzbar", None)  # import raises ImportError
    usable, missing = available_decoders()
    assert "pyzbar" not in usable and "pyzbar is not installed" in missing["pyzbar"]
    assert {"zxing-cpp", "opencv"} <= set(usable)


# ------------------------------------------------------------------ the bench runs


def test_decoding_bench_quick_run_prints_every_table():
    result = subprocess.run([sys.executable, "-m", "bench.decoding", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "zxing-blackbox" in out and "synthetic 1280x720" in out and "stress 1280x720" in out
    for row in ("| pipeline ", "| zxing-cpp alone", "| pyzbar alone", "| OpenCV alone"):
        assert out.count(row) == 3, row
    assert "decode rate" in out and "wrong" in out and "p95 ms" in out and "verdict" in out
    assert "## Load:" in out and "frames answered differently" in out
    assert "wrong decodes under load: " in out
