"""What every kiosk screen does: say its words again in the language just chosen, lay itself
out for the screen's shape, and forget what it showed (the next attendee sees none of it)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from .style import Metrics


class Screen(QWidget):
    def retranslate(self) -> None:
        """Set every word (called once built, and after the language button)."""

    def adapt(self, metrics: Metrics) -> None:
        """Portrait or landscape: turn the layouts that turn."""

    def clear(self) -> None:
        """Forget the attendee: digits, names, the badge, the number."""
