"""`checkin decode`: read QR codes from photos, folders, a video or a camera.

The decoders (numpy, OpenCV ...) are imported inside the functions, so `checkin --help` and
the desk commands start fast. No Qt here: that lives in checkin/ui only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from .support import EXIT_ERROR, CliError, CommandLine


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("decode", cmd_decode, "read QR codes from photos, folders, a video or a camera")
    p.add_argument("images", nargs="*", metavar="IMAGE_OR_DIR")
    p.add_argument("--camera", type=int, metavar="N", help="read camera N and print codes as read")
    p.add_argument("--video", type=Path, help="read a recorded video and print codes as read")
    p.add_argument("--resolution", default="1280x720", help="camera resolution (default 1280x720)")


def cmd_decode(args) -> int:
    """Read QR codes from images/folders (one JSON object per image), a video or a camera."""
    from ..scanner.pipeline import DecodePipeline
    from ..scanner.sources import SourceError, image_files, load_image

    pipeline = DecodePipeline()
    for name, reason in pipeline.missing.items():
        print(f"checkin: decoder {name} unavailable: {reason}", file=sys.stderr)
    if args.camera is not None or args.video:
        return _decode_stream(args, pipeline)
    if not args.images:
        raise CliError("name images or folders to decode, or use --camera N / --video FILE")
    try:
        files = image_files(args.images)
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    failed = 0
    for path in files:
        result = {"file": str(path), "codes": [], "ms": None}
        try:
            frame = load_image(path)
        except SourceError as exc:
            failed += 1
            result["error"] = str(exc)
            print(f"checkin: {exc}", file=sys.stderr)
        else:
            start = time.perf_counter()
            result["codes"] = [c.text for c in pipeline.decode(frame)]
            result["ms"] = round((time.perf_counter() - start) * 1000, 2)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        elif "error" not in result:
            codes = " | ".join(result["codes"]) or "(no code)"
            print(f"{path}: {codes}  [{result['ms']} ms]", flush=True)
    return EXIT_ERROR if failed else 0


def _decode_stream(args, pipeline) -> int:
    """Print each code once as it comes into view, until the video ends or Ctrl-C."""
    from ..scanner.session import read_codes
    from ..scanner.sources import CameraSource, SourceError, VideoFileSource

    try:
        if args.video:
            source = VideoFileSource(args.video)
        else:
            width, _, height = args.resolution.partition("x")
            if not (width.isdigit() and height.isdigit()):
                raise CliError(f"--resolution takes WIDTHxHEIGHT, e.g. 1280x720, not {args.resolution!r}")
            source = CameraSource(args.camera, width=int(width), height=int(height))
    except SourceError as exc:
        raise CliError(str(exc)) from exc
    def say(state: str, message: str) -> None:
        if message:
            print(f"checkin: {message}", file=sys.stderr)

    def show(text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        print(json.dumps({"time": stamp, "code": text}, ensure_ascii=False) if args.json
              else f"{stamp}  {text}", flush=True)

    try:
        read_codes(source, pipeline, on_code=show, on_state=say)
    except KeyboardInterrupt:
        pass
    finally:
        source.close()
    return 0
