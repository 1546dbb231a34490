"""`checkin decode`: read QR codes from photos, folders, a video or a camera.

The decoders (numpy, OpenCV ...) are imported inside the functions, so `checkin --help` and
the desk commands start fast. No Qt here: that lives in checkin/ui only.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..i18n import _
from .support import EXIT_ERROR, CliError, CommandLine


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("decode", cmd_decode, _("read QR codes from photos, folders, a video or a camera"))
    p.add_argument("images", nargs="*", metavar="IMAGE_OR_DIR")
    p.add_argument("--camera", type=int, metavar="N",
                   help=_("read camera N and print codes as read"))
    p.add_argument("--video", type=Path, help=_("read a recorded video and print codes as read"))
    p.add_argument("--resolution", default="1280x720",
                   help=_("camera resolution (default {0})").format("1280x720"))
    p.add_argument("--decoder", action="append", choices=DECODER_NAMES,
                   help=_("only this decoder (repeatable; default: every one installed)"))


DECODER_NAMES = ("zxing-cpp", "pyzbar", "opencv")  # checkin/scanner/decoders.py, best first


def cmd_decode(args) -> int:
    """Read QR codes from images/folders (one JSON object per image), a video or a camera."""
    from ..scanner.decoders import available_decoders
    from ..scanner.pipeline import DecodePipeline
    from ..scanner.sources import SourceError, image_files, load_image

    usable, missing = available_decoders()
    if args.decoder:  # one decoder on its own: is it installed, and does it read this?
        missing = {n: why for n, why in missing.items() if n in args.decoder}
        if missing:
            raise CliError("; ".join(missing.values()))
        usable = {n: d for n, d in usable.items() if n in args.decoder}
    pipeline = DecodePipeline(decoders=usable)
    for name, reason in missing.items():
        print("checkin: " + _("decoder {name} unavailable: {reason}").format(
            name=name, reason=reason), file=sys.stderr)
    if args.camera is not None or args.video:
        return _decode_stream(args, pipeline)
    if not args.images:
        raise CliError(_("name images or folders to decode, or use --camera N / --video FILE"))
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
            codes = " | ".join(result["codes"]) or _("(no code)")
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
            width, _sep, height = args.resolution.partition("x")
            if not (width.isdigit() and height.isdigit()):
                raise CliError(_("--resolution takes WIDTHxHEIGHT, e.g. {0}, not {1}").format(
                    "1280x720", repr(args.resolution)))
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
