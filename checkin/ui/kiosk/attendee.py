"""One attendee's way through the kiosk, from the start screen to the badge or the desk.

    start ──scan──────────────────────────────┐
      └─no code─▶ phone ─4 digits─▶ pick ─name─┼─(confirm)─▶ decided ─▶ badge ─▶ done
                                               └──────────────────────▶ referral (a number)

Every step that reads or writes the event runs on the window's DbRunner (checkin.kiosk's
SelfCheckIn); the badge preview on a thread of its own. An answer that comes back after the
kiosk went back to its start (idle, Esc) belongs to nobody on screen and is dropped: each
attendee is a session, counted."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from ...kiosk import BADGE, CONFIRM, NONE, NOT_FOUND, PRINTER, Answer, Candidate, confirm_mode
from ...model import ADMITTED_PAYMENTS, Outcome, Registrant
from ...printing.fields import entitled_slots
from ...printing.preview import badge_png
from ...printing.queue import DEFAULT_TEMPLATES
from .badge_screen import BadgeScreen
from .confirm_screen import ConfirmScreen
from .done_screen import DoneScreen
from .phone_screen import PhoneScreen
from .pick_screen import PickScreen
from .referral_screen import ReferralScreen
from .staff_screen import Referral
from .start_screen import StartScreen

log = logging.getLogger(__name__)


class AttendeeFlow(QObject):
    def __init__(self, window, *, tick_ms: int = 1000, done_ms: int = 8000):
        super().__init__(window)
        self.w = window
        self.start = StartScreen()
        self.phone = PhoneScreen()
        self.pick = PickScreen()
        self.confirm = ConfirmScreen()
        self.badge = BadgeScreen(tick_ms)
        self.done = DoneScreen()
        self.referral = ReferralScreen()
        self.screens = (self.start, self.phone, self.pick, self.confirm, self.badge, self.done,
                        self.referral)
        self.referrals: list[Referral] = []  # this run's, for staff (after the PIN)
        self.busy = False  # a step is on the DB thread
        self.person: Registrant | None = None  # admitted, the badge to print
        self.chosen: Candidate | None = None  # picked among the phone matches
        self._session = 0
        self.done_timer = QTimer(self, singleShot=True, interval=done_ms,
                                 timeout=window.go_home)
        self.start.no_code.connect(self._no_code)
        self.phone.entered.connect(self._find)
        self.phone.back.connect(window.go_home)
        self.pick.picked.connect(self._picked)
        self.pick.again.connect(self._no_code)
        self.pick.ask.connect(lambda: self.refer(NOT_FOUND))
        self.confirm.entered.connect(self._confirmed)
        self.confirm.back.connect(lambda: self.w.show_screen(self.pick))
        self.badge.print_now.connect(self.print_badge)
        self.badge.ask.connect(lambda: self.refer(BADGE, self.person.code if self.person
                                                  else None))
        self.done.done.connect(window.go_home)
        self.referral.done.connect(window.go_home)

    # -- where a new attendee may start -----------------------------------------------------
    def accepting(self) -> bool:
        """A scan starts a new attendee on the start screen, on the phone path not yet
        confirmed, or once the last attendee's answer is on screen; never while the printer
        cannot print, a step is running, or staff have the kiosk."""
        return (not self.busy and self.w.watch.ready and self.w.screen_now in (
            self.start, self.phone, self.pick, self.done, self.referral))

    def may_interrupt(self) -> bool:
        """Nobody is checked in yet on screen: the kiosk may close now."""
        return not self.busy and self.w.screen_now in (self.start, self.phone, self.pick,
                                                       self.confirm)

    def reset(self) -> None:
        self._session += 1
        self.busy = False
        self.done_timer.stop()
        self.person = self.chosen = None
        for screen in self.screens:
            screen.clear()

    def _run(self, job, then) -> None:
        """`job` on the DB thread, `then(result)` if this attendee is still on screen."""
        session, self.busy = self._session, True

        def done(result) -> None:
            if session == self._session:
                self.busy = False
                then(result)

        def failed(message: str) -> None:
            log.warning("kiosk step failed: %s", message)
            if session == self._session:
                self.busy = False
                self._show_referral(Answer(referral=None))  # the desk, without a number

        self.w.runner.run(job, done, failed)

    # -- a scanned code ---------------------------------------------------------------------
    def decide_scan(self, payload: str, answered) -> None:
        """The ScanGate's decide: one scan at a time, taken only where one may start."""
        if not self.accepting():
            answered(None)
            return
        self.reset()
        self.start.set_busy(True)
        self.w.show_screen(self.start)
        core = self.w.core

        def then(answer: Answer) -> None:
            self.start.set_busy(False)
            self._answered(answer)

        self._run(lambda: core.scan(payload), then)
        self.w.runner.run(lambda: None, lambda _: answered(None))  # after it: the next scan

    # -- without a code -----------------------------------------------------------------------
    def _no_code(self) -> None:
        self.reset()
        self.w.show_screen(self.phone)

    def _find(self, tail: str) -> None:
        core = self.w.core

        def found(matches) -> None:
            self.pick.show_matches(matches)
            self.w.show_screen(self.pick)

        self._run(lambda: core.find(tail), found)

    def _picked(self, code: str) -> None:
        self.chosen = next((c for c in self.pick.matches.candidates if c.code == code), None)
        mode = confirm_mode(self.w.store.config)
        if mode == NONE:
            if self.chosen is not None and self.chosen.twin:
                self.refer(CONFIRM, code)  # two look alike and nothing tells them apart
            else:
                self._pick(code, "")
            return
        self.confirm.ask(mode, self.chosen.name if self.chosen else "")
        self.w.show_screen(self.confirm)

    def _confirmed(self, typed: str) -> None:
        if self.chosen is not None:
            self._pick(self.chosen.code, typed)

    def _pick(self, code: str, typed: str) -> None:
        core = self.w.core
        self._run(lambda: core.pick(code, typed), self._answered)

    # -- the answer -------------------------------------------------------------------------
    def _answered(self, answer: Answer) -> None:
        if answer.tries_left is not None:
            self.confirm.wrong(answer.tries_left)
            self.w.show_screen(self.confirm)
        elif answer.admitted:
            self._admitted(answer)
        else:
            self._show_referral(answer)

    def _admitted(self, answer: Answer) -> None:
        decision = answer.decision
        self.person = person = answer.registrant
        self.w.sounds.play(decision)
        self.badge.show_person(person.name, self.w.store.config.kiosk.auto_print_seconds)
        self.w.show_screen(self.badge)
        store, session = self.w.store, self._session
        template = self.w.printing.templates.get("badge") or DEFAULT_TEMPLATES["badge"]

        def drawn(png: bytes) -> None:
            if session == self._session:
                self.badge.show_image(png)

        self.w.render_runner.run(lambda: badge_png(store, person.code, template), drawn,
                                 lambda message: log.warning("badge preview: %s", message))

    def print_badge(self) -> None:
        person = self.person
        if person is None:
            return
        session = self._session

        def refused(message: str) -> None:  # not queued (printed before, at a desk): no badge
            log.warning("kiosk badge of %s not queued: %s", person.code, message)
            if session == self._session:
                self.refer(PRINTER, person.code)

        self.w.printing.print(person.code, failed=refused)
        vouchers = []
        if self.w.printing.auto_vouchers and (person.payment is None
                                              or person.payment in ADMITTED_PAYMENTS):
            vouchers = [slot.name for slot in entitled_slots(person, self.w.store.config)]
            if vouchers:
                self.w.printing.print(person.code, "vouchers")
        self.done.show_printing(vouchers, self.w.settings.kiosk_printer_side)
        self.w.show_screen(self.done)
        self.done_timer.start()

    def print_finished(self, code: str, document: str, state: str, detail: str) -> None:
        """A print job ended (PrintPanel.finished): printed, said; failed, the kiosk closes
        after this attendee, who is sent to the desk for their badge."""
        mine = self.person is not None and code == self.person.code
        if state == "failed":
            self.w.watch.job_failed(detail)
            if mine and self.w.screen_now in (self.badge, self.done):
                self.done_timer.stop()
                self.refer(PRINTER, code)
        elif state == "done" and document == "badge" and mine:
            self.done.show_printed()

    # -- to the staffed desk ----------------------------------------------------------------
    def refer(self, group: str, code: str | None = None) -> None:
        core = self.w.core
        code = code or (self.chosen.code if self.chosen else None)
        self.done_timer.stop()
        self._run(lambda: core.refer(group, code, reason="kiosk"), self._show_referral)

    def _show_referral(self, answer: Answer) -> None:
        self.w.sounds.play(Outcome.ALREADY)  # a gentle tone: the queue hears no "refused"
        if answer.number is not None:
            decision = answer.decision
            person = self.person
            code = (decision.code if decision else None) or (person.code if person else None) \
                or (self.chosen.code if self.chosen else None)
            name = (decision.name if decision else None) or (person.name if person else None)
            self.referrals.append(Referral(answer.number, answer.referral,
                                           self.w.desk.now().strftime("%H:%M:%S"), code, name))
        self.referral.show_referral(answer.referral, answer.number)
        self.w.show_screen(self.referral)
