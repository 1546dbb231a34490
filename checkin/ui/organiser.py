"""The organiser role in the desk window (issue 7, docs/personal-data.md).

A desk shows phone numbers and e-mails masked (138****8000, z***@example.org). The organiser
unlocks them with the event's organiser PIN (File → Organiser mode…, Ctrl+Shift+P): the PIN is
checked by `checkin.privacy.unlock` on the desk's DbRunner (every attempt, right or wrong, is
audited there, and 5 wrong ones lock the role for a while). The role ends with the same menu
entry ("Lock organiser mode"), or by itself after IDLE_LOCK_MS without a key press or a mouse
click anywhere in the app. Each person whose personal data is shown whole is recorded once
per unlock (audit `personal_data_shown`), also on the DbRunner.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from .. import masking, privacy
from ..privacy import PrivacyError, Role
from ..store import Store, audit
from .forms import action_buttons, message_line
from .tasks import DbRunner

IDLE_LOCK_MS = 5 * 60 * 1000  # the organiser role ends after this long without input
SHORTCUT = "Ctrl+Shift+P"  # (PIN) not Ctrl+Shift+U: IBus takes that for Unicode entry
LOCKOUT_MINUTES = int(privacy.LOCKOUT_WINDOW.total_seconds() // 60)
BADGE_STYLE = ("background:#6a1b9a; color:white; font-weight:bold; padding:2px 10px;"
               "border-radius:6px")

# What an unlock attempt came to (OrganiserMode.try_unlock's answer).
OK, WRONG, LOCKED, NO_PIN, EMPTY = "ok", "wrong", "locked", "no_pin", "empty"

_INPUT = (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
          QEvent.Type.Wheel, QEvent.Type.TouchBegin)


def attempt_unlock(store: Store, pin: str, operator: str) -> tuple[str, int]:
    """(outcome, wrong PINs left before the lockout) of one attempt. Runs on the DbRunner:
    privacy.unlock writes the audit entry (right, wrong or refused while locked)."""
    try:
        privacy.unlock(store, pin, operator=operator, purpose="desk window")
    except PrivacyError:
        if not privacy.has_organiser_pin(store):
            return NO_PIN, 0
        now = audit.parse_time(audit.now(store))
        failures = audit.recent_failed_unlocks(store.reader(), store.device_id,
                                               privacy.LOCKOUT_WINDOW, now)
        left = privacy.LOCKOUT_ATTEMPTS - failures
        return (WRONG, left) if left > 0 else (LOCKED, 0)
    return OK, 0


def personal_fields(reg, events) -> list[str]:
    """What masking hides of this person (the fields, and "history" when an event's details
    hold a phone or an e-mail): nothing, then nothing is shown unmasked."""
    masked = privacy.display_registrant(reg, Role.DESK)
    fields = [f for f in ("phone", "email", *masking.NEVER_UNMASKED, "remarks", "extra")
              if getattr(masked, f) != getattr(reg, f)]
    if any(masking.mask_data(e.data or {}) != (e.data or {}) for e in events):
        fields.append("history")
    return fields


class OrganiserMode(QObject):
    """The window's role: desk (masked) until the organiser PIN unlocks it. `changed` is
    emitted (no payload: read `.role`) when it is unlocked or locked again."""

    changed = Signal()

    def __init__(self, store: Store, runner: DbRunner, operator: Callable[[], str],
                 parent: QObject | None = None, idle_ms: int = IDLE_LOCK_MS):
        super().__init__(parent)
        self.store, self.runner, self.operator = store, runner, operator
        self.role = Role.DESK
        self.idle_ms = idle_ms  # tests make it short
        self.lock_reason = ""  # why the role ended last: "idle" or "manual"
        self.unlocks = 0  # numbers the unlocks: SHOWN is recorded once per person in each
        self._shown: set[str] = set()
        self._timer = QTimer(self, singleShot=True, timeout=lambda: self.lock("idle"))
        self._watching = False

    @property
    def unlocked(self) -> bool:
        return self.role == Role.ORGANISER

    def has_pin(self) -> bool:
        return privacy.has_organiser_pin(self.store)

    def try_unlock(self, pin: str, answer: Callable[[str, int], None]) -> None:
        """Check `pin` on the DbRunner; `answer(outcome, attempts left)` on the GUI thread
        (after the role changed, when it is right)."""
        pin = pin.strip()
        if not pin:
            answer(EMPTY, 0)
            return
        store, operator = self.store, self.operator()

        def done(result: tuple[str, int]) -> None:
            outcome, left = result
            if outcome == OK:
                self._unlocked()
            answer(outcome, left)

        self.runner.run(lambda: attempt_unlock(store, pin, operator), done,
                        lambda message: answer(message, 0))

    def _unlocked(self) -> None:
        self.unlocks += 1
        self._shown.clear()
        self.role = Role.ORGANISER
        self.lock_reason = ""
        if not self._watching:
            QApplication.instance().installEventFilter(self)
            self._watching = True
        self._timer.start(self.idle_ms)
        self.changed.emit()

    def lock(self, reason: str = "manual") -> None:
        """Back to the desk role (masked)."""
        self._timer.stop()
        if self._watching:
            QApplication.instance().removeEventFilter(self)
            self._watching = False
        if self.role == Role.DESK:
            return
        self.role = Role.DESK
        self.lock_reason = reason
        self._shown.clear()
        self.changed.emit()

    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else 0

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if self._watching and event.type() in _INPUT:
            self._timer.start(self.idle_ms)  # input: the idle time starts again
        return False

    def shown(self, code: str, fields: str) -> None:
        """The panel shows `code`'s personal data whole: recorded once per unlock."""
        if not self.unlocked or code in self._shown:
            return
        self._shown.add(code)
        store, operator = self.store, self.operator()
        details = {"where": "desk window", "fields": fields.split(","),
                   "unlock": self.unlocks}
        self.runner.run(lambda: audit.log(store, audit.SHOWN, operator=operator, code=code,
                                          details=details), lambda _: None)


class PinDialog(QDialog):
    """Asks for the organiser PIN. `submitted(pin)`; `show_error` keeps it open for another
    try. Without a PIN in the event it says how to set one, and asks nothing."""

    submitted = Signal(str)

    def __init__(self, store: Store, idle_ms: int = IDLE_LOCK_MS, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Organiser mode"))
        self.setMinimumWidth(460)
        note = QLabel(self.tr(
            "Organiser mode shows phone numbers and e-mails whole. Every attempt is recorded "
            "in the audit trail; it locks again after {0} minutes without input.").format(
                max(1, round(idle_ms / 60_000))), wordWrap=True)
        self.pin = QLineEdit(placeholderText=self.tr("organiser PIN"))
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = message_line()
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton(self.tr("Unlock"))
        self.action.clicked.connect(self._submit)
        buttons = action_buttons(self, self.action, self.tr("Cancel"))
        self.cancel = self.cancel_button
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.pin)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        if not privacy.has_organiser_pin(store):
            self.pin.setEnabled(False)
            self.action.setEnabled(False)
            self.show_error(self.tr(
                "This event has no organiser PIN, so phone numbers and e-mails stay masked on "
                "this desk. To set one, run on this computer:\n"
                "checkin privacy pin --save --db \"{0}\"\n"
                "(or put the line `checkin privacy pin` prints under [privacy] in the event "
                "file and run `checkin init` with it), then choose Organiser mode again.").format(
                    store.path))

    def _submit(self) -> None:
        if not self.pin.text().strip():
            self.show_error(self.tr("Type the organiser PIN"))
            return
        self.submitted.emit(self.pin.text())

    def saving(self, busy: bool) -> None:
        self.action.setEnabled(not busy)  # one attempt at a time (each one is audited)

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.adjustSize()  # room for the wrapped lines (no text cut off)

    def answer(self, outcome: str, left: int) -> None:
        """What the attempt came to, in plain words (the dialog closes when it was right)."""
        self.saving(False)
        if outcome == OK:
            self.accept()
            return
        self.pin.clear()
        self.pin.setFocus()
        if outcome == WRONG:
            self.show_error(self.tr(
                "Wrong PIN (the attempt is recorded). {0} more wrong PINs lock organiser mode "
                "on this desk for {1} minutes.").format(left, LOCKOUT_MINUTES))
        elif outcome == LOCKED:
            self.action.setEnabled(False)
            self.show_error(self.tr(
                "Too many wrong PINs: organiser mode is locked on this desk; try again in "
                "{0} minutes (the attempt is recorded).").format(LOCKOUT_MINUTES))
        elif outcome == EMPTY:
            self.show_error(self.tr("Type the organiser PIN"))
        elif outcome == NO_PIN:
            self.show_error(self.tr("This event has no organiser PIN."))
        else:  # the database said no: its words
            self.show_error(self.tr("Could not check the PIN: {0}").format(outcome))
