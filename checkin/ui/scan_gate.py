"""Where every scan from the handheld scanner or the camera goes first: nothing is decided
behind an open dialog, or before an alert was seen.

Scans are decided one at a time, in the order they came. While a dialog is open (the walk-in
form, settings, the PIN, a question) a scan is held, said on the window (`held_changed`), and
decided when the last dialog closes; a dialog that can use a scanned code (the walk-in form's
code field, when it has focus) takes it instead (`take_scan`). When an answer carries alerts
the event asks staff to acknowledge, the next scan waits for `acknowledge()` (Space).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ..model import Decision

# decide(payload, answered): decide one scan, then call answered(decision or None on error)
Decide = Callable[[str, Callable[[Decision | None], None]], None]


def open_dialog(window: QWidget | None = None) -> QDialog | None:
    """A dialog over the desk window, if any: a modal one, or a visible dialog of `window`
    (another window's dialogs, a start screen left open, do not hold its scans)."""
    modal = QApplication.activeModalWidget()
    if isinstance(modal, QDialog) and (window is None or _belongs_to(modal, window)):
        return modal
    return next((w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QDialog) and w.isVisible()
                 and (window is None or _belongs_to(w, window))), None)


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False


class ScanGate(QObject):
    held_changed = Signal(int)  # how many scans wait (for a dialog, an acknowledgement)
    answered_signal = Signal(object)  # the Decision of a scan that passed, once decided

    def __init__(self, decide: Decide, window: QWidget | None = None):
        super().__init__(window)
        self._window = window
        self._decide = decide
        self.held: list[str] = []
        self.awaiting_acknowledgement = False
        self._deciding = False
        self._watching: set[int] = set()

    def offer(self, payload: str) -> None:
        dialog = open_dialog(self._window)
        if dialog is not None:
            take = getattr(dialog, "take_scan", None)
            if take is not None and take(payload):
                return
            self._watch(dialog)
        self.held.append(payload)
        if dialog is not None or self.awaiting_acknowledgement or self._deciding:
            self.held_changed.emit(len(self.held))
        else:
            self._release()

    def acknowledge(self) -> None:
        """Staff have seen the alert: the next scan may be decided."""
        if self.awaiting_acknowledgement:
            self.awaiting_acknowledgement = False
            self._release()

    def _answered(self, decision: Decision | None) -> None:
        self._deciding = False
        if decision is not None:
            if decision.acknowledge:
                self.awaiting_acknowledgement = True
            self.answered_signal.emit(decision)
        self._release()

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
        """Decide the next held scan, if nothing stands in its way."""
        if self._deciding or self.awaiting_acknowledgement or not self.held:
            self.held_changed.emit(len(self.held))
            return
        dialog = open_dialog(self._window)
        if dialog is not None:  # another one is open: wait for it too
            self._watch(dialog)
            self.held_changed.emit(len(self.held))
            return
        payload = self.held.pop(0)
        self.held_changed.emit(len(self.held))
        self._deciding = True
        self._decide(payload, self._answered)
