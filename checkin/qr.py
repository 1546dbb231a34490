"""QR codes made here (badges, vouchers, letters, the enrolment code, the scanner's test
code), all from zxing-cpp's encoder: one place that says how a code is drawn."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


def image(text: str, *, scale: int = 1, quiet_zone: bool = True,
          ec_level: str = "") -> np.ndarray:
    """A grey-scale picture of the code (0 dark, 255 light), `scale` pixels a module."""
    import zxingcpp  # here: the central service's commands load it only when they draw one

    options = {"ec_level": ec_level} if ec_level else {}
    symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, **options)
    return np.ascontiguousarray(np.asarray(symbol.to_image(scale=scale,
                                                           add_quiet_zones=quiet_zone)))


@lru_cache(maxsize=4096)
def dark_modules(text: str, *, quiet_zone: bool = False, ec_level: str = "M") -> np.ndarray:
    """The code's modules, True where dark (printed codes: error correction M, the quiet
    zone left to the template's margin)."""
    return image(text, quiet_zone=quiet_zone, ec_level=ec_level) < 128
