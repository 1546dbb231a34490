"""Who the welcome wall (签到大屏) names, and how it shows them: one rule for the central
service's /wall/<event> page and the desk's own wall window.

A person who asked not to be shown (`wall_hidden`) is never named, nor their organisation;
they still count in the total. What a card carries is the name in the event's chosen form and
the organisation, nothing else (no code, phone, category): the wall is photographed.
"""

from __future__ import annotations

from .masking import mask_name


def shown_name(name: str | None, show: str) -> str | None:
    """The name as `[wall] show` wants it: "name" whole, "masked" 张*明, "counts" none."""
    if show == "counts":
        return None
    whole = " ".join(str(name or "").split())
    if not whole:
        return None
    return whole if show == "name" else mask_name(whole)


def card(name: str | None, organisation: str | None, hidden: bool, show: str) -> dict | None:
    """{"name", "organisation"} for the wall, or None: the person is not shown."""
    if hidden:
        return None
    shown = shown_name(name, show)
    if shown is None:
        return None
    return {"name": shown, "organisation": " ".join(str(organisation or "").split())}


ACCENT = "#ffb300"  # [wall] colour when the event gives none
BACKGROUND = "#0b1320"  # [wall] background when the event gives none


def ink(background: str) -> tuple[str, str, str]:
    """Text, muted text and panel colours that read on `background` ("#rgb" or "#rrggbb"):
    a light background the organiser chose gets dark text."""
    hex_ = background.lstrip("#")
    if len(hex_) == 3:
        hex_ = "".join(c * 2 for c in hex_)
    red, green, blue = (int(hex_[i:i + 2], 16) / 255 for i in (0, 2, 4))
    if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.55:
        return "#10151b", "#46515e", "rgba(0,0,0,.07)"
    return "#f5f7fa", "#aab8c8", "rgba(255,255,255,.08)"
