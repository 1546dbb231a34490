"""Where every scan from the handheld scanner or the camera goes first: nothing is decided
behind an open dialog.

With no dialog open a scan is decided at once. While one is open (the walk-in form, settings,
the PIN, a question), a scan is held, said on the window (`held_changed`), and decided when
the last dialog closes, in the order it came; a dialog that can use a scanned code (the
walk-in form's code field, when it has focus) takes it instead (`take_scan`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog


def open_dialog() -> QDialog | None:
    """A dialog of this application on screen, if any (modal or not)."""
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog):
        return modal
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QDialog) and w.isVisible()), None)


class ScanGate(QObject):
    held_changed = Signal(int)  # how many scans wait for the dialogs to close

    def __init__(self, decide: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self._decide = decide
        self.held: list[str] = []
        self._watching: set[int] = set()

    def offer(self, payload: str) -> None:
        dialog = open_dialog()
        if dialog is None:
            self._decide(payload)
            return
        take = getattr(dialog, "take_scan", None)
        if take is not None and take(payload):
            return
        self.held.append(payload)
        self._watch(dialog)
        self.held_changed.emit(len(self.held))

    def _watch(self, dialog: QDialog) -> None:
        key = id(dialog)
        if key in self._watching:
            return
        self._watching.add(key)

        def closed(_result: int) -> None:
            self._watching.discard(key)
            QTimer.singleShot(0, self._release)  # once the dialog is gone from the screen

        dialog.finished.connect(closed)

    def _release(self) -> None:
        dialog = open_dialog()
        if dialog is not None:  # another one is still open: wait for it too
            self._watch(dialog)
            return
        held, self.held = self.held, []
        self.held_changed.emit(0)
        for payload in held:
            self._decide(payload)
