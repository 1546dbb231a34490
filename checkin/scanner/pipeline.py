"""Decode a camera frame with ordered passes under a CPU-work budget, first success wins.

zxing-cpp on the plain frame reads most codes in ~1 ms (1280x720), so it always runs first.
When it finds nothing, prepared copies of the frame go to zxing-cpp again, each rescuing a kind
of frame the earlier passes miss, until a pass finds a code or the budget is spent. The order
is greedy by codes rescued per millisecond over 715 images: the ZXing photos, frame_set(240,
seed=7), 200 two-problem frames and 150 low-contrast/dark/blurred/small/glare frames
(bench/decoding.py --passes; figures in bench/README.md):

    pass                    rescues                                          ms at 1280x720
    zxing                   -                                                ~1
    zxing sharpened         defocus, motion, small codes (34)                ~2
    zxing threshold 11      low contrast, dim and dark screens, glare (30)   ~3.3
    zxing gamma 0.7         dim screens, dark mode (7)                       ~1.2
    zxing GH stretch        low-contrast photos (3)                          ~0.7
    zxing 1.5x sharpened    small, far codes; blur (13)                      ~6
    zxing threshold 7       small codes in low contrast (5, added last)      ~3.3
    zxing threshold 21      coarser modules in low contrast (4)              ~3.3
    zxing sharpened strong  heavier defocus (3)                              ~3.3
    zxing 2x sharpened      the smallest codes (4); over budget at 1280x720  ~11

"threshold N" is OpenCV's mean adaptive threshold over N px after a light blur: it normalises
contrast locally, so a code at 20 grey levels on a dim or half-glared screen becomes black and
white. "GH" is zxing-cpp's global-histogram binarizer. Frames larger than 1280 px are decoded
as they are by the first pass and downscaled to 1280 px for the others.

Only zxing-cpp is used when it is installed: pyzbar and OpenCV rescued nothing beyond these
passes and read wrong texts (zbar repeats or mis-transcodes Chinese segments, OpenCV reads
GB18030 as another charset), and a wrong text is worse than none. They are the fallback when
zxing-cpp is missing (`FALLBACK_PASSES`).

The budget counts work, not wall time: each pass has a fixed cost per megapixel (measured on
the 2-core reference laptop), and a pass runs only while the sum of the costs of the passes run
so far stays within `budget_ms`. The first pass always runs. So the same frame gets the same
passes, and the same answer, however busy the machine is; a slower machine takes longer
instead of reading less. A frame without a code costs every pass that fits: ~24 ms of
work at 1280x720 with the default 25 ms budget (all but the 2x pass).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .decoders import (
    DEFAULT_SYMBOLOGIES,
    DecodedCode,
    Decoder,
    ZxingDecoder,
    available_decoders,
)

try:
    import cv2
except ImportError:  # reported by available_decoders(); only the plain passes can run
    cv2 = None

log = logging.getLogger(__name__)

WORK_MAX_SIDE = 1280  # the variant passes work on a copy no larger than this
OPENCV_MAX_SIDE = 800  # OpenCV's detector is slow: it gets a smaller copy
UPSCALE_MAX_SIDE = 2600  # no upscaled pass on a copy that would grow beyond this

_GAMMA_07 = np.array([255 * (i / 255) ** 0.7 for i in range(256)], np.uint8)


def _resize(gray: np.ndarray, scale: float, interp: int | None = None) -> np.ndarray:
    if interp is None:
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


def _sharpened(sigma: float, amount: float):
    return lambda gray: (_sharpen(gray, sigma, amount), 1.0)


def _threshold(block: int, sigma: float):
    """Local mean threshold after a light blur (the blur keeps sensor noise out of it)."""
    def prepare(gray):
        smooth = cv2.GaussianBlur(gray, (0, 0), sigma)
        return cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C,
                                     cv2.THRESH_BINARY, block, 0), 1.0
    return prepare


def _upscaled(scale: float):
    """Bicubic upscale, then an unsharp mask as wide as the scale: small, soft modules."""
    def prepare(gray):
        if scale * max(gray.shape[:2]) > UPSCALE_MAX_SIDE:
            return None
        return _sharpen(_resize(gray, scale, cv2.INTER_CUBIC), scale, 2.0), scale
    return prepare


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
    ms_per_mpx: float  # its work per megapixel in (2-core reference laptop): what it costs
    zxing: dict = field(default_factory=dict)  # ZxingDecoder options for this pass
    on_frame: bool = False  # True: the full-size frame, not the working copy


_GH = {"binarizer": "GlobalHistogram"}
_NO_PYRAMID = {"try_downscale": False}  # an upscaled copy must not be shrunk back
PASSES: tuple[Pass, ...] = (
    Pass("zxing", "zxing-cpp", _plain, 1.1, on_frame=True),
    Pass("zxing sharpened", "zxing-cpp", _sharpened(1.0, 1.5), 2.3),
    Pass("zxing threshold 11", "zxing-cpp", _threshold(11, 0.7), 3.6),
    Pass("zxing gamma 0.7", "zxing-cpp", _gamma(_GAMMA_07), 1.3),
    Pass("zxing GH stretch", "zxing-cpp", _stretch, 0.8, _GH),
    Pass("zxing 1.5x sharpened", "zxing-cpp", _upscaled(1.5), 6.5, _NO_PYRAMID),
    Pass("zxing threshold 7", "zxing-cpp", _threshold(7, 0.6), 3.6),
    Pass("zxing threshold 21", "zxing-cpp", _threshold(21, 1.0), 3.6),
    Pass("zxing sharpened strong", "zxing-cpp", _sharpened(2.0, 2.0), 3.6),
    Pass("zxing 2x sharpened", "zxing-cpp", _upscaled(2.0), 12.3, _NO_PYRAMID),
)
# Without zxing-cpp: zbar, then OpenCV (pyzbar needs libzbar0; OpenCV is always there).
FALLBACK_PASSES: tuple[Pass, ...] = (
    Pass("pyzbar", "pyzbar", _plain, 19.0, on_frame=True),
    Pass("pyzbar half inverted", "pyzbar", _half_inverted, 5.2),
    Pass("opencv", "opencv", _small, 9.0),
)


class DecodePipeline:
    """Ordered decoding passes over one frame; one instance per worker thread."""

    def __init__(self, budget_ms: float = 25.0, decoders: dict | None = None,
                 passes: tuple[Pass, ...] | None = None,
                 symbologies: tuple[str, ...] = DEFAULT_SYMBOLOGIES):
        if decoders is None:
            decoders, self.missing = available_decoders(symbologies)
        else:
            self.missing = {}
        if cv2 is None:
            self.missing.setdefault("opencv", "opencv-python-headless is not installed")
        self.budget_ms = budget_ms  # work per frame, in reference-laptop milliseconds
        self.symbologies = symbologies
        self._decoders: dict[str, Decoder] = dict(decoders)
        self._variants: dict[tuple, Decoder] = {}
        if passes is None:
            passes = PASSES if "zxing-cpp" in self._decoders else FALLBACK_PASSES
        self.passes = tuple(p for p in passes if p.decoder in self._decoders
                            and (cv2 is not None or p.prepare is _plain))
        if decoders and not self.passes:
            self.passes = tuple(Pass(n, n, _plain, 10.0, on_frame=True) for n in self._decoders)
        self.last_pass: str | None = None  # the pass that found the last frame's code(s)
        self.last_skipped: list[str] = []  # passes the budget left out on the last frame
        self.last_work_ms = 0.0  # the budgeted work of the last frame
        self.rejected: list = []  # PayloadErrors of the last frame's refused codes (why)

    def decode(self, frame: np.ndarray) -> list[DecodedCode]:
        """Codes in a BGR or grayscale uint8 frame, unique by text, in the order found."""
        gray = _grayscale(frame)
        work = None
        spent = self.last_work_ms = 0.0
        self.last_pass, self.last_skipped, self.rejected = None, [], []
        for index, step in enumerate(self.passes):
            if step.on_frame:
                source, base_scale = gray, 1.0
            else:
                if work is None:
                    work = _fit(gray, WORK_MAX_SIDE)
                source, base_scale = work
            cost = step.ms_per_mpx * source.size / 1e6
            if index and spent + cost > self.budget_ms:
                self.last_skipped.append(step.name)
                continue
            spent += cost
            self.last_work_ms = spent
            refused = len(self.rejected)
            codes = self._run(step, source, base_scale)
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
            self._variants[key] = ZxingDecoder(symbologies=self.symbologies, **step.zxing)
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
