"""Paper that desks really have, in millimetres (width, height)."""

from __future__ import annotations

PAGE_SIZES_MM: dict[str, tuple[float, float]] = {
    "A4": (210, 297),
    "A6": (105, 148),
    "4x3in": (101.6, 76.2),  # Zebra / DYMO 4"x3" labels
    "90x54": (90, 54),  # business-card size badge inserts
    "100x70": (100, 70),  # Brother QL 100x70 die-cut labels
    "62mm": (62, 100),  # Brother QL 62 mm continuous tape, cut at 100 mm
    "receipt80": (80, 120),  # thermal receipt printers, 80 mm paper
    "receipt58": (58, 90),  # thermal receipt printers, 58 mm paper
}


def page_size_mm(name: str) -> tuple[float, float]:
    try:
        return PAGE_SIZES_MM[name]
    except KeyError:
        raise ValueError(f"unknown page {name!r}; known: {', '.join(PAGE_SIZES_MM)}") from None
