"""zxing-cpp, pyzbar and OpenCV behind one small, Qt-free interface.

Each decoder takes a grayscale uint8 image and returns the codes it read, their text already
decoded by `qr_bytes_to_text` (payloads it refuses are dropped and kept in `rejected`, never
raised). `available_decoders()` imports each library on its own, so a missing wheel or a
missing system library (pyzbar needs libzbar0) costs that decoder only, with a reason to show.

What each library needs to be told, found by measuring on the ZXing black-box photos:
- zxing-cpp 3.x: `BarcodeFormat.QRCode` is the whole QR family (Model 1, Model 2, Micro QR,
  rMQR: see `barcode_formats_list`). Only the symbologies the event uses are read, full-size QR
  by default (`SYMBOLOGIES`): a Micro QR symbol is small enough to be "found" in the grain of a
  table top (a phone frame once read as `14996`), and a wrong text is worse than none.
  TextMode.Plain keeps control characters as they are (the default HRI mode renders 0x01 as
  "<SOH>", which lost one black-box image). The bytes are raw unless the
  symbol declared an ECI, in which case zxing-cpp's text is the transcoded truth.
- pyzbar: only the QR symbology is enabled (zbar scans every symbology it knows by default).
  zbar transcodes to UTF-8 itself, guessing Big5 or Shift_JIS for other bytes; a GB18030 payload
  is recovered by undoing that guess (see `_zbar_bytes`).
- OpenCV: `detectAndDecodeBytes` returns bytes (`detectAndDecode` raises UnicodeDecodeError
  on non-UTF-8 payloads), but raises cv2.error on Kanji/Hanzi-mode symbols, and hands back a
  byte-mode payload without ECI transcoded from Latin-1 to UTF-8 (undone in `_opencv_bytes`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from .payload import PayloadError, looks_chinese, looks_japanese, qr_bytes_to_text

if TYPE_CHECKING:
    import numpy as np

Points = tuple[tuple[int, int], ...]

# What an event can ask the scanner to read, as zxing-cpp format names. zbar and OpenCV read
# full-size QR only, whatever is asked.
SYMBOLOGIES = {
    "qr": ("QRCodeModel1", "QRCodeModel2"),
    "micro-qr": ("MicroQRCode",),
    "rmqr": ("RMQRCode",),
}
DEFAULT_SYMBOLOGIES = ("qr",)


@dataclass(frozen=True)
class DecodedCode:
    text: str  # decoded payload text (via qr_bytes_to_text)
    raw: bytes  # the bytes text was decoded from (UTF-8 of the library's text after an ECI)
    decoder: str  # "zxing-cpp" | "pyzbar" | "opencv"
    points: Points = ()  # corners in the ORIGINAL frame's pixel coordinates


class Decoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[DecodedCode]: ...


class _Base:
    """Turns (raw, decoder_text, points) into DecodedCode, dropping refused payloads."""

    name = ""

    def __init__(self) -> None:
        self.rejected: list[PayloadError] = []  # payloads refused in the last decode() call

    def decode(self, gray: np.ndarray) -> list[DecodedCode]:
        self.rejected = []
        codes = []
        for raw, hint, points in self._symbols(gray):
            try:
                text = qr_bytes_to_text(raw, hint)
            except PayloadError as exc:
                self.rejected.append(exc)
                continue
            codes.append(DecodedCode(text, bytes(raw), self.name, points))
        return codes

    def _symbols(self, gray):  # pragma: no cover - overridden
        raise NotImplementedError


class ZxingDecoder(_Base):
    """zxing-cpp's multi-symbol reader, of the symbologies asked for (full-size QR by default).

    try_downscale and try_invert are zxing-cpp's own extra passes (a pyramid of smaller copies,
    and light-on-dark symbols); the pipeline turns them off for passes that already did that.
    """

    name = "zxing-cpp"
    _ECI_IDS = frozenset({"]Q2", "]Q4", "]Q6"})  # symbology ids of QR symbols with an ECI

    def __init__(self, *, try_downscale: bool = True, try_invert: bool = True,
                 binarizer: str = "LocalAverage",
                 symbologies: tuple[str, ...] = DEFAULT_SYMBOLOGIES) -> None:
        super().__init__()
        self._zx = importlib.import_module("zxingcpp")
        self.symbologies = symbologies
        formats = [getattr(self._zx.BarcodeFormat, f) for s in symbologies for f in SYMBOLOGIES[s]]
        self._options = {
            "formats": formats,
            "text_mode": self._zx.TextMode.Plain,
            "try_downscale": try_downscale,
            "try_invert": try_invert,
            "try_rotate": False,  # only 1D readers look for rotated symbols; QR is found anyway
            "binarizer": getattr(self._zx.Binarizer, binarizer),
        }

    def _symbols(self, gray):
        zx = self._zx
        for code in zx.read_barcodes(gray, **self._options):
            if not code.valid:
                continue
            pos = code.position
            points = tuple((int(p.x), int(p.y)) for p in
                           (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left))
            if code.symbology_identifier in self._ECI_IDS and \
                    code.content_type != zx.ContentType.Binary:
                # The symbol names its character set and zxing-cpp applied it: that is the text.
                yield code.text.encode("utf-8"), None, points
            else:
                yield code.bytes, code.text, points


class PyzbarDecoder(_Base):
    """zbar through pyzbar, QR symbology only."""

    name = "pyzbar"

    def __init__(self) -> None:
        super().__init__()
        self._pyzbar = importlib.import_module("pyzbar.pyzbar")  # loads libzbar
        self._symbols_arg = [self._pyzbar.ZBarSymbol.QRCODE]

    def _symbols(self, gray):
        for sym in self._pyzbar.decode(gray, symbols=self._symbols_arg):
            points = tuple((int(p.x), int(p.y)) for p in sym.polygon)
            raw, hint = _zbar_bytes(sym.data)
            if hint is not None and raw == sym.data and _private_use(hint):
                # zbar read GB18030 bytes as Big5 and hit Big5's user-defined area (glibc maps
                # it to private-use characters): the bytes cannot be recovered, the text is wrong.
                self.rejected.append(PayloadError("undecodable", "zbar could not read the charset"))
                continue
            yield raw, hint, points


class OpenCVDecoder(_Base):
    """OpenCV's QRCodeDetector (one symbol per call; the multi variant is much slower)."""

    name = "opencv"

    def __init__(self) -> None:
        super().__init__()
        self._cv2 = importlib.import_module("cv2")
        self._detector = self._cv2.QRCodeDetector()
        self._bytes = hasattr(self._detector, "detectAndDecodeBytes")

    def _symbols(self, gray):
        try:
            if self._bytes:
                data, points, _ = self._detector.detectAndDecodeBytes(gray)
            else:  # OpenCV < 4.11: text only
                text, points, _ = self._detector.detectAndDecode(gray)
                data = text.encode("utf-8") if text else None
        except (self._cv2.error, UnicodeDecodeError):
            return  # Kanji/Hanzi mode, or a payload OpenCV could not turn into text
        if not data or points is None:
            return
        corners = tuple((int(round(x)), int(round(y))) for x, y in points.reshape(-1, 2))
        raw, hint = _opencv_bytes(bytes(data))
        yield raw, hint, corners


def _zbar_bytes(data: bytes) -> tuple[bytes, str | None]:
    """Undo zbar's charset guess when the payload was really GB18030 (zbar reads it as Big5 or
    Shift_JIS and hands back UTF-8 of that). Returns (raw, zbar's text)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data, None
    if text.isascii():
        return data, text
    for codec in ("big5", "shift_jis", "latin-1"):
        try:
            original = text.encode(codec)
        except UnicodeEncodeError:
            continue
        if _is_gb18030_chinese(original) and not looks_japanese(text):
            return original, text
    return data, text


def _private_use(text: str) -> bool:
    return any("\ue000" <= c <= "\uf8ff" for c in text)


def _opencv_bytes(data: bytes) -> tuple[bytes, str | None]:
    """OpenCV transcodes a byte-mode payload without ECI from Latin-1 to UTF-8 unless it is
    already valid UTF-8; undo that when the original was GB18030 Chinese."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data, None
    if not text.isascii():
        try:
            original = text.encode("latin-1")
        except UnicodeEncodeError:
            return data, text
        if _is_gb18030_chinese(original):
            return original, None
    return data, text


def _is_gb18030_chinese(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return False  # valid UTF-8 was not transcoded by the library
    except UnicodeDecodeError:
        pass
    try:
        return looks_chinese(raw.decode("gb18030"))
    except UnicodeDecodeError:
        return False


_FACTORIES = {"zxing-cpp": ZxingDecoder, "pyzbar": PyzbarDecoder, "opencv": OpenCVDecoder}
_HINTS = {
    "zxing-cpp": "pip install zxing-cpp",
    "pyzbar": "pip install pyzbar, and the zbar library (apt install libzbar0; brew install zbar)",
    "opencv": "pip install opencv-python-headless",
}


def available_decoders(symbologies: tuple[str, ...] = DEFAULT_SYMBOLOGIES,
                       ) -> tuple[dict[str, Decoder], dict[str, str]]:
    """(usable decoders by name, {name: why not} for the others). Never raises."""
    usable: dict[str, Decoder] = {}
    missing: dict[str, str] = {}
    for name, factory in _FACTORIES.items():
        try:
            usable[name] = (ZxingDecoder(symbologies=symbologies) if factory is ZxingDecoder
                            else factory())
        except ImportError as exc:  # ModuleNotFoundError, or zbar's "Unable to find zbar"
            missing[name] = _why(name, exc)
        except Exception as exc:  # a broken install: wrong ABI, missing symbol
            missing[name] = f"{name} failed to load: {type(exc).__name__}: {exc}"
    return usable, missing


def _why(name: str, exc: BaseException) -> str:
    if name == "pyzbar" and "zbar" in str(exc).lower() and "pyzbar" not in str(exc):
        return f"libzbar0 is not installed: {exc} ({_HINTS[name]})"
    return f"{name} is not installed: {exc} ({_HINTS[name]})"
