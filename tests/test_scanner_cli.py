"""`checkin decode` as a user runs it on a folder of photos, a video and bad files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import zxingcpp
from conftest import BLACKBOX

from testkit.frames import code_shown_for, frame_with

CHECKIN = str(Path(sys.executable).parent / "checkin")


def decode(*args):
    return subprocess.run([CHECKIN, "decode", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=os.environ)


def test_a_folder_of_photos_one_json_object_per_image(tmp_path):
    photos = tmp_path / "photos"
    shutil.copytree(BLACKBOX / "qrcode-1", photos, ignore=shutil.ignore_patterns("*.txt"))
    cv2.imwrite(str(photos / "zz-empty.png"), frame_with([]))
    result = decode(photos, "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    images = sorted(p for p in photos.iterdir())
    assert [Path(o["file"]).name for o in lines] == [p.name for p in images]
    assert lines[-1]["codes"] == [] and lines[-1]["ms"] >= 0
    expected = {p.stem: (BLACKBOX / "qrcode-1" / f"{p.stem}.txt").read_text(encoding="utf-8")
                for p in images if p.stem != "zz-empty"}
    hits = sum(expected[Path(o["file"]).stem] in o["codes"] for o in lines[:-1])
    # At least what zxing-cpp alone reads from the same photos (the best single library).
    alone = sum(expected[p.stem] in [r.text for r in zxingcpp.read_barcodes(
        cv2.imread(str(p), cv2.IMREAD_GRAYSCALE), text_mode=zxingcpp.TextMode.Plain)]
        for p in images if p.stem in expected)
    assert hits >= alone > 0


def test_plain_output_and_bad_files(tmp_path):
    good = tmp_path / "code.png"
    cv2.imwrite(str(good), frame_with(["SHIC2026-000009"]))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 not a jpeg")
    result = decode(good, broken)
    assert result.returncode == 2
    assert "SHIC2026-000009" in result.stdout
    assert "broken.jpg" in result.stderr and "Traceback" not in result.stderr
    missing = decode(tmp_path / "nope")
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_video_prints_each_code_once(tmp_path):
    video = code_shown_for(tmp_path / "desk.avi", "SHIC2026-000004", seconds=2.0)
    result = decode("--video", video, "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["code"] for line in result.stdout.splitlines()] == ["SHIC2026-000004"]


def test_each_decoder_on_its_own_reads_the_code(tmp_path):
    """--decoder checks one library (zbar on a new laptop, the bundle's libzbar)."""
    from checkin.commands.scanner import DECODER_NAMES
    from checkin.scanner.decoders import available_decoders

    usable, _missing = available_decoders()
    assert set(DECODER_NAMES) == set(usable) | set(_missing)  # the CLI offers each one there is
    code = tmp_path / "code.png"
    cv2.imwrite(str(code), frame_with(["SHIC2026-000009"]))
    for name in usable:
        result = decode(code, "--decoder", name, "--json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["codes"] == ["SHIC2026-000009"], name
    assert decode(code, "--decoder", "nonsense").returncode == 2  # argparse names the choices
