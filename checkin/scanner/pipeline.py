"""Decode a camera frame with ordered passes under a time budget, first success wins.

zxing-cpp on the plain frame reads most codes in ~1.5 ms (1280x720), so it always runs first.
When it finds nothing, cheap variants of the frame go to zxing-cpp again, each rescuing a kind
of frame the plain pass misses, then pyzbar and OpenCV, until a pass finds a code or the budget
is spent. The order is greedy by codes rescued per millisecond, measured on the ZXing photos
and two synthetic sets (bench/decoding.py --passes; figures in bench/README.md):

    pass                  rescues (photos + 520 synthetic frames)   cost at 1280x720
    zxing                 -                                         ~1.5 ms
    zxing gamma 0.7       dim screens, dark mode (11)               ~1.5 ms
    zxing GH half         photos with coarse modules (2)            ~0.3 ms
    zxing GH stretch      low-contrast photos (3)                   ~0.8 ms
    zxing gamma 2         glare: darkening pulls washed-out modules apart (4)  ~1.5 ms
    zxing sharpened       defocus (unsharp mask) (4)                ~2.5 ms
    zxing 2x              small, far codes (5)                      ~7 ms
    pyzbar                (2) over budget at 1280x720; leads without zxing-cpp  ~18 ms
    pyzbar half inverted  dark mode and glare, which zbar reads differently (2)  ~5 ms
    opencv                last resort, on a copy at most 800 px wide  ~8 ms

("GH" is zxing-cpp's global-histogram binarizer; the default is a local-average one.) The
zxing passes add up to ~15 ms on a 1280x720 frame, so plain pyzbar is then over the default
budget and left out; it still runs on smaller images and leads when zxing-cpp is missing.
Frames larger than 1280 px are decoded as they are by the first pass and downscaled to 1280 px
for the others. Crops around likely codes were measured too: cropping and upscaling around the
true position of each missed code rescued one frame in 26 beyond these passes, so there is no
localiser.

A pass is skipped when its expected cost (a running mean of its earlier runs on frames of the
same size; before that, a per-megapixel guess measured on a 2-core laptop) would overrun the
budget; the first pass always runs. A frame without a code costs every pass the budget
allows: ~24 ms at 1280x720 with the default 25 ms budget.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .decoders import DecodedCode, Decoder, ZxingDecoder, available_decoders

try:
    import cv2
except ImportError:  # reported by available_decoders(); only the plain passes can run
    cv2 = None

log = logging.getLogger(__name__)

WORK_MAX_SIDE = 1280  # the variant passes work on a copy no larger than this
OPENCV_MAX_SIDE = 800  # OpenCV's detector is slow: it gets a smaller copy
UPSCALE_MAX_SIDE = 2600  # no 2x pass on a copy that would grow beyond this

_GAMMA_07 = np.array([255 * (i / 255) ** 0.7 for i in range(256)], np.uint8)
_GAMMA_2 = np.array([255 * (i / 255) ** 2.0 for i in range(256)], np.uint8)


def _resize(gray: np.ndarray, scale: float) -> np.ndarray:
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.resize(gray, None, fx=scale, fy=scale, interpolation=interp)


def _sharpen(gray: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """Unsharp mask: gray + amount * (gray - blurred)."""
    blurred = cv2.GaussianBlur(gray, (0, 0), sigma)
    return cv2.addWeighted(gray, 1.0 + amount, blurred, -amount, 0)


def _fit(gray: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    side = max(gray.shape[:2])
    if side <= max_side or cv2 is None:
        return gray, 1.0
    scale = max_side / side
    return _resize(gray, scale), scale


# A preparation turns the working image into the image a decoder sees, and says how much it
# scaled it (None: the pass does not apply to an image of this size).
Prepared = tuple[np.ndarray, float] | None


def _plain(gray):
    return gray, 1.0


def _gamma(lut):
    return lambda gray: (cv2.LUT(gray, lut), 1.0)


def _half(gray):
    return (_resize(gray, 0.5), 0.5) if min(gray.shape[:2]) >= 160 else None


def _stretch(gray):
    return cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX), 1.0


def _sharpened(gray):
    return _sharpen(gray, 1.0, 1.5), 1.0


def _double(gray):
    return (_resize(gray, 2.0), 2.0) if 2 * max(gray.shape[:2]) <= UPSCALE_MAX_SIDE else None


def _half_inverted(gray):
    half = _half(gray)
    return (255 - half[0], 0.5) if half else None


def _small(gray):
    return _fit(gray, OPENCV_MAX_SIDE)


@dataclass(frozen=True)
class Pass:
    name: str
    decoder: str  # "zxing-cpp" | "pyzbar" | "opencv"
    prepare: Callable[[np.ndarray], Prepared]
    ms_per_mpx: float  # cost guess before the pass has run (2-core laptop; megapixels in)
    zxing: dict = field(default_factory=dict)  # ZxingDecoder options for this pass
    on_frame: bool = False  # True: the full-size frame, not the working copy


_GH = {"binarizer": "GlobalHistogram"}
PASSES: tuple[Pass, ...] = (
    Pass("zxing", "zxing-cpp", _plain, 1.5, on_frame=True),
    Pass("zxing gamma 0.7", "zxing-cpp", _gamma(_GAMMA_07), 1.6),
    Pass("zxing GH half", "zxing-cpp", _half, 0.4, _GH),
    Pass("zxing GH stretch", "zxing-cpp", _stretch, 0.9, _GH),
    Pass("zxing gamma 2", "zxing-cpp", _gamma(_GAMMA_2), 1.6),
    Pass("zxing sharpened", "zxing-cpp", _sharpened, 2.7),
    Pass("zxing 2x", "zxing-cpp", _double, 7.5),
    Pass("pyzbar", "pyzbar", _plain, 19.0),
    Pass("pyzbar half inverted", "pyzbar", _half_inverted, 5.2),
    Pass("opencv", "opencv", _small, 9.0),
)


class DecodePipeline:
    """Ordered decoding passes over one frame; one instance per worker thread."""

    def __init__(self, budget_ms: float = 25.0, decoders: dict | None = None,
                 passes: tuple[Pass, ...] = PASSES):
        if decoders is None:
            decoders, self.missing = available_decoders()
        else:
            self.missing = {}
        if cv2 is None:
            self.missing.setdefault("opencv", "opencv-python-headless is not installed")
        self.budget_ms = budget_ms
        self._decoders: dict[str, Decoder] = dict(decoders)
        self._variants: dict[tuple, Decoder] = {}
        self.passes = tuple(p for p in passes if p.decoder in self._decoders
                            and (cv2 is not None or p.prepare is _plain))
        if decoders and not self.passes:
            self.passes = tuple(Pass(n, n, _plain, 10.0, on_frame=True) for n in self._decoders)
        self._cost: dict[tuple, float] = {}  # (pass name, frame shape) -> mean ms
        self.last_pass: str | None = None  # the pass that found the last frame's code(s)
        self.last_skipped: list[str] = []  # passes the budget left out on the last frame
        self.rejected: list = []  # PayloadErrors of the last frame's refused codes (why)

    def decode(self, frame: np.ndarray) -> list[DecodedCode]:
        """Codes in a BGR or grayscale uint8 frame, unique by text, in the order found."""
        start = time.perf_counter()
        gray = _grayscale(frame)
        work = None
        self.last_pass, self.last_skipped, self.rejected = None, [], []
        for index, step in enumerate(self.passes):
            if step.on_frame:
                source, base_scale = gray, 1.0
            else:
                if work is None:
                    work = _fit(gray, WORK_MAX_SIDE)
                source, base_scale = work
            key = (step.name, gray.shape)
            expected = self._cost.get(key, step.ms_per_mpx * source.size / 1e6)
            elapsed = (time.perf_counter() - start) * 1e3
            if index and elapsed + expected > self.budget_ms:
                self.last_skipped.append(step.name)
                continue
            began = time.perf_counter()
            refused = len(self.rejected)
            codes = self._run(step, source, base_scale)
            spent = (time.perf_counter() - began) * 1e3
            self._cost[key] = 0.7 * self._cost[key] + 0.3 * spent if key in self._cost else spent
            if codes or len(self.rejected) > refused:
                # Found: good codes, or a garbage one that every further pass would refuse again.
                self.last_pass = step.name
                return codes
        return []

    def _run(self, step: Pass, source: np.ndarray, base_scale: float) -> list[DecodedCode]:
        prepared = step.prepare(source)
        if prepared is None:
            return []
        image, scale = prepared
        decoder = self._decoder(step)
        try:
            found = decoder.decode(np.ascontiguousarray(image))
        except Exception:  # a library bug on one frame must not stop the camera
            log.warning("decoder pass %r failed", step.name, exc_info=True)
            return []
        self.rejected.extend(getattr(decoder, "rejected", ()))
        total = base_scale * scale
        codes: dict[str, DecodedCode] = {}
        for code in found:
            if code.text not in codes:
                points = tuple((round(x / total), round(y / total)) for x, y in code.points)
                codes[code.text] = DecodedCode(code.text, code.raw, code.decoder, points)
        return list(codes.values())

    def _decoder(self, step: Pass) -> Decoder:
        base = self._decoders[step.decoder]
        if not step.zxing or not isinstance(base, ZxingDecoder):
            return base
        key = tuple(sorted(step.zxing.items()))
        if key not in self._variants:
            self._variants[key] = ZxingDecoder(**step.zxing)
        return self._variants[key]


def _grayscale(frame: np.ndarray) -> np.ndarray:
    frame = np.asarray(frame)
    if frame.dtype != np.uint8:
        raise ValueError(f"frame must be uint8, not {frame.dtype}")
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 1:
        return frame[:, :, 0]
    if frame.ndim == 3 and frame.shape[2] in (3, 4):
        if cv2 is not None:
            code = cv2.COLOR_BGR2GRAY if frame.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
            return cv2.cvtColor(frame, code)
        weights = np.array([0.114, 0.587, 0.299], np.float32)  # B, G, R as OpenCV weighs them
        return (frame[:, :, :3] @ weights).astype(np.uint8)
    raise ValueError(f"frame must be HxW or HxWx3/4, not {frame.shape}")
