"""Keeping a kiosk a kiosk: the keys that would leave it ask for the organiser PIN instead,
and a kiosk nobody touches goes back to its start, its screen cleared.

Both watch the whole application (event filters), so no widget with focus can swallow Esc
or keep the kiosk from going idle. What a window manager does itself (Alt+Tab, a close
button) reaches the window as a close request, which the window refuses in the same way."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

_CTRL = Qt.KeyboardModifier.ControlModifier
_ALT = Qt.KeyboardModifier.AltModifier
# Keys that would leave, close, hide or rearrange a window: each asks for the PIN.
_LEAVING = {(Qt.Key.Key_Escape, None), (Qt.Key.Key_F4, _ALT), (Qt.Key.Key_Q, _CTRL),
            (Qt.Key.Key_W, _CTRL), (Qt.Key.Key_F11, None), (Qt.Key.Key_M, _CTRL),
            (Qt.Key.Key_H, _CTRL), (Qt.Key.Key_Tab, _ALT)}
_INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
          QEvent.Type.Wheel)


def leaving_key(event: QKeyEvent) -> bool:
    mods = event.modifiers() & (_CTRL | _ALT)
    return any(event.key() == key and (mod is None or mods == mod) for key, mod in _LEAVING)


class Lockdown(QObject):
    """Calls `ask()` for any key that would leave the kiosk, and swallows that key."""

    def __init__(self, ask: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.ask = ask
        self.active = False

    def start(self) -> None:
        if not self.active:
            QApplication.instance().installEventFilter(self)
            self.active = True

    def stop(self) -> None:
        if self.active:
            QApplication.instance().removeEventFilter(self)
            self.active = False

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        if not isinstance(event, QKeyEvent) or not leaving_key(event):
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # no shortcut may take it: it comes as a key press, to us
        elif not event.isAutoRepeat():
            self.ask()  # swallowed here, so seen once: it never reaches a parent
        return True


class HoldToAsk(QObject):
    """On a touch screen without a keyboard, staff hold a finger on `widget` (the event's
    name) for `ms`: the same PIN screen as Esc. A tap does nothing."""

    def __init__(self, widget, ask: Callable[[], None], ms: int = 3000):
        super().__init__(widget)
        self.timer = QTimer(self, singleShot=True, interval=ms, timeout=ask)
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            self.timer.start()
        elif event.type() in (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd,
                              QEvent.Type.Leave):
            self.timer.stop()
        return False


class IdleWatch(QObject):
    """`idle()` after `ms` without a touch, a click or a key anywhere in the app; input
    starts the count again. `ms` <= 0: never."""

    def __init__(self, ms: int, idle: Callable[[], None], parent: QObject | None = None):
        super().__init__(parent)
        self.ms = ms
        self.timer = QTimer(self, singleShot=True, timeout=idle)
        self.active = False

    def start(self) -> None:
        if not self.active:
            QApplication.instance().installEventFilter(self)
            self.active = True
        self.touch()

    def stop(self) -> None:
        self.timer.stop()
        if self.active:
            QApplication.instance().removeEventFilter(self)
            self.active = False

    def touch(self) -> None:
        if self.ms > 0:
            self.timer.start(self.ms)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in _INPUT:
            self.touch()
        return False
