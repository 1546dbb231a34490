"""The self check-in kiosk window (自助签到): full screen, touch first, one attendee at a time.

It reuses the desk's parts rather than copies: the Desk and its one DbRunner (every decision
and record off the GUI thread), the ScanGate for every scan (camera worker and handheld
scanner through the WedgeFilter), the print queue (PrintPanel, hidden), the sounds, the
organiser PIN (OrganiserMode: audited, locked after wrong tries) and the sync with the
central list. The rules are checkin.kiosk's (no Qt); the attendee's steps are
attendee.AttendeeFlow; this window keeps the kiosk locked down: leaving needs the PIN, an
idle kiosk goes back to its start with the screen cleared, a printer that cannot print
closes self check-in ("please use the staffed desk")."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from ...desk import Desk
from ...kiosk import SelfCheckIn, phone_path_open, record_closed
from ...printing.printers import Printer
from ...scanner.sources import CameraSource, FrameSource
from ...settings import DOCUMENTS, Settings
from .. import i18n
from ..organiser import OK, OrganiserMode
from ..print_panel import PrintPanel, default_printer
from ..scan_gate import ScanGate
from ..scanner_worker import ScannerWorker, start_worker
from ..sounds import SoundPlayer
from ..sync_panel import DeskSync
from ..tasks import DbRunner
from ..wedge_filter import WedgeFilter
from .attendee import AttendeeFlow
from .lockdown import HoldToAsk, IdleWatch, Lockdown
from .paused_screen import PausedScreen
from .pin_screen import PinScreen
from .printer_watch import PrinterWatch
from .staff_screen import StaffScreen
from .style import Metrics, button, label, sheet

log = logging.getLogger(__name__)

OPERATOR = "kiosk"  # who the event log says checked people in, unless told otherwise
PREVIEW_WIDTH = 720  # the camera picture is shown large: a sharper preview than the desk's


class KioskWindow(QWidget):
    leave = Signal(str)  # "desk": the organiser asked for the desk window; "quit"

    def __init__(self, store, *, settings: Settings | None = None, operator: str | None = None,
                 chinese: bool | None = None, printer: Printer | None = None,
                 open_source: Callable[[], FrameSource] | None = None, now=None,
                 full_screen: bool = True, idle_ms: int | None = None, tick_ms: int = 1000,
                 done_ms: int = 8000, probe_ms: int = 15_000,
                 organiser_idle_ms: int = 120_000, sync_interval: float = 2.0):
        super().__init__()
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle(self.tr("Self check-in — {0}").format(store.config.name))
        if full_screen:  # no title bar to close it by, above every other window
            self.setWindowFlags(Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                                | Qt.WindowType.WindowStaysOnTopHint)
        self.full_screen = full_screen
        self.store = store
        self.settings = settings or Settings()
        self.home_language = i18n.language()  # each attendee starts in it
        chinese = i18n.chinese() if chinese is None else chinese
        self.desk = Desk(store, operator=operator or OPERATOR, chinese=chinese, now=now)
        self.core = SelfCheckIn(self.desk)
        self.runner = DbRunner(self, name="kiosk-db")
        self.render_runner = DbRunner(self, name="kiosk-render")  # badge previews
        self._leaving = False
        self._stopped = False
        self._metrics: Metrics | None = None

        printer = printer or default_printer()
        self.printing = PrintPanel(store, self.runner, printer, operator=self.desk.operator,
                                   auto_print=False, parent=self)
        self.printing.hide()  # its queue and signals only: the kiosk says it in its words
        self.printing.configure(templates={d: self.settings.template(d) for d in DOCUMENTS})
        self.printing.auto_vouchers = self.settings.auto_print_vouchers
        self.sounds = SoundPlayer(self.settings.sounds, parent=self)
        self.watch = PrinterWatch(printer, probe_ms, self)
        self.organiser = OrganiserMode(store, self.runner, lambda: self.desk.operator, self,
                                       idle_ms=organiser_idle_ms)

        self.stack = QStackedWidget()
        self.flow = AttendeeFlow(self, tick_ms=tick_ms, done_ms=done_ms)
        self.paused = PausedScreen()
        self.pin = PinScreen()
        self.staff = StaffScreen()
        for screen in (*self.flow.screens, self.paused, self.pin, self.staff):
            self.stack.addWidget(screen)
        self.event_label = label("event", store.config.name, centred=False)
        self.language_button = button("toggle")
        self.language_button.setSizePolicy(self.language_button.sizePolicy().Policy.Fixed,
                                           self.language_button.sizePolicy().Policy.Fixed)
        self.language_button.clicked.connect(self.toggle_language)
        top = QHBoxLayout()
        top.addWidget(self.event_label, stretch=1)
        top.addWidget(self.language_button)
        layout = QVBoxLayout(self)
        # The screen decides the size: a portrait layout's minimum never stops the turn
        # to landscape (each screen lays itself out again for the new shape).
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(top)
        layout.addWidget(self.stack, stretch=1)
        self.flow.start.show_phone_path(phone_path_open(store.config))

        self.pin.submitted.connect(self._check_pin)
        self.pin.cancelled.connect(self.go_home)
        self.staff.back.connect(self._staff_done)
        self.staff.resume.connect(self._resume)
        self.staff.desk.connect(lambda: self.leave_kiosk("desk"))
        self.staff.quit.connect(lambda: self.leave_kiosk("quit"))
        self.organiser.changed.connect(self._role_changed)
        self.watch.changed.connect(self._printer_changed)
        self.printing.finished.connect(self.flow.print_finished)

        # Every scan passes the gate, one at a time; the flow takes it only where an
        # attendee may start (the start screen, or one that is over).
        self.gate = ScanGate(self.flow.decide_scan, self)
        self.wedge = WedgeFilter(parent=self)
        self.wedge.use_profile(self.settings.scanner_profile())
        self.wedge.scanned.connect(self.gate.offer)
        QApplication.instance().installEventFilter(self.wedge)
        self.lockdown = Lockdown(self.ask_pin, self)
        self.lockdown.start()
        self.hold = HoldToAsk(self.event_label, self.ask_pin)  # no keyboard: hold the name
        idle = self.store.config.kiosk.idle_seconds * 1000 if idle_ms is None else idle_ms
        self.idle = IdleWatch(idle, self._idle, self)
        self.idle.start()
        self.sync = DeskSync(store, self, interval=sync_interval)
        self._told = ""  # the printer problem the desks were last told of ("" : open)
        self._camera = self._camera_thread = None
        self.start_camera(open_source or (lambda: CameraSource(0)))
        self.retranslate()
        self.go_home()
        self.watch.start()
        self.sync.start()

    # -- screens ------------------------------------------------------------------------
    def show_screen(self, screen: QWidget) -> None:
        """A screen just shown gets the whole idle time: an answer that came slowly is not
        taken away the moment it appears."""
        self.stack.setCurrentWidget(screen)
        self.idle.touch()

    @property
    def screen_now(self) -> QWidget:
        return self.stack.currentWidget()

    def go_home(self) -> None:
        """Back to the start for the next attendee: nothing of the last one stays on screen,
        the language is the kiosk's own again; closed while the printer cannot print."""
        self.flow.reset()
        self.pin.clear()
        self.staff.clear()
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()  # the PIN field hidden: keys go to no field of the last one
        if i18n.language() != self.home_language:
            self.set_language(self.home_language)
        self.paused.show_problem(self.watch.problem)
        self.show_screen(self.flow.start if self.watch.ready else self.paused)

    def _idle(self) -> None:
        if self.screen_now is self.staff:
            return  # the organiser role locks itself (OrganiserMode's idle time)
        if self.flow.busy:
            self.idle.touch()  # an answer is on its way: it is shown first
            return
        self.go_home()

    # -- language ----------------------------------------------------------------------
    def toggle_language(self) -> None:
        self.set_language(i18n.ENGLISH if i18n.language() == i18n.CHINESE else i18n.CHINESE)

    def set_language(self, language: str) -> None:
        i18n.switch(language)
        self.retranslate()

    def retranslate(self) -> None:
        # Each language named in itself: the button is read by whoever needs the other one.
        self.language_button.setText("English" if i18n.language() == i18n.CHINESE else "中文")
        for index in range(self.stack.count()):
            self.stack.widget(index).retranslate()

    # -- layout ------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        metrics = Metrics(self.width(), self.height())
        if metrics == self._metrics:
            return
        old, self._metrics = self._metrics, metrics
        if old is None or (old.unit, old.portrait) != (metrics.unit, metrics.portrait):
            self.setStyleSheet(sheet(metrics))
            margin = metrics.px(40)
            self.layout().setContentsMargins(margin, metrics.px(20), margin, margin)
            for index in range(self.stack.count()):
                self.stack.widget(index).adapt(metrics)

    # -- the camera ----------------------------------------------------------------------
    def start_camera(self, open_source: Callable[[], FrameSource]) -> None:
        self.stop_camera()
        self._camera = ScannerWorker(open_source, preview_width=PREVIEW_WIDTH)
        self._camera.payload.connect(self.gate.offer)
        self._camera.preview.connect(self.flow.start.mirror.show_frame)
        self._camera.state_changed.connect(self._camera_changed)
        self._camera_thread = start_worker(self._camera)

    def _camera_changed(self, state: str, message: str) -> None:
        mirror = self.flow.start.mirror
        if state in ("lost", "error") or (state == "finished" and not mirror.has_picture()):
            log.log(logging.INFO if state == "finished" else logging.WARNING,
                    "kiosk camera %s: %s", state, message)
            mirror.set_note(self.tr("No camera: use the scanner, or your phone number"))
        elif state == "live":
            mirror.set_note("")

    def stop_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera_thread.quit()
            self._camera_thread.wait(5000)
            self._camera = self._camera_thread = None

    # -- the printer ---------------------------------------------------------------------
    def _printer_changed(self) -> None:
        """Closed while the printer cannot print; an attendee already checked in finishes
        (their referral says so) and the kiosk closes after them."""
        self.paused.show_problem(self.watch.problem)
        self._tell_the_desks("" if self.watch.ready else self.watch.problem)
        if not self.watch.ready and self.flow.may_interrupt():
            self.flow.reset()
            self.show_screen(self.paused)
        elif self.watch.ready and self.screen_now is self.paused:
            self.go_home()

    def _tell_the_desks(self, problem: str) -> None:
        """Closed (why) or open again, in the audit trail: the sync takes it to the central
        list, and the staffed desks' status bars say it."""
        if problem != self._told:
            self._told = problem
            store, operator = self.store, self.desk.operator
            self.runner.run(lambda: record_closed(store, operator, problem), lambda _: None)

    def _resume(self) -> None:
        self.watch.resume()
        self._staff_done()

    # -- staff -------------------------------------------------------------------------
    def ask_pin(self) -> None:
        """Esc, Alt+F4, Ctrl+Q, a close request: the organiser PIN, or nothing happens."""
        if self._leaving or self.screen_now in (self.pin, self.staff):
            return
        self.flow.reset()
        self.pin.start()
        self.show_screen(self.pin)

    def _check_pin(self, pin: str) -> None:
        self.pin.busy()
        self.organiser.try_unlock(pin, self._pin_answer)

    def _pin_answer(self, outcome: str, left: int) -> None:
        if self.screen_now is not self.pin:
            return  # gone idle meanwhile
        if outcome == OK:
            self.pin.clear()
            self.staff.show_state(self.flow.referrals, self.watch.problem)
            self.show_screen(self.staff)
        else:
            self.pin.answer(outcome, left)

    def _role_changed(self) -> None:
        if not self.organiser.unlocked and self.screen_now is self.staff:
            self.go_home()

    def _staff_done(self) -> None:
        self.organiser.lock("manual")
        self.go_home()

    def leave_kiosk(self, how: str) -> None:
        """The organiser leaves: to the desk window (the launcher opens it) or quits."""
        if not self.organiser.unlocked:
            return
        self._leaving = True
        self.organiser.lock("manual")
        self.leave.emit(how)
        if how == "quit":
            self.close()

    # -- the window ----------------------------------------------------------------------
    def changeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().changeEvent(event)
        if (event.type() == QEvent.Type.WindowStateChange and self.full_screen
                and not self._leaving and self.isMinimized()):
            self.showFullScreen()  # a window manager's minimise does not uncover the desktop

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._leaving:
            event.ignore()  # Alt+F4, the window manager's close: staff only
            self.ask_pin()
            return
        self._stop()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Close for good, without the PIN (the launcher's shutdown, tests)."""
        self._leaving = True
        self.close()

    def _stop(self) -> None:
        if self._stopped:
            return  # closed twice (the kiosk's Quit, then the launcher's shutdown)
        self._stopped = True
        QApplication.instance().removeEventFilter(self.wedge)
        self.lockdown.stop()
        self.idle.stop()
        self.organiser.lock("closed")
        self.flow.reset()
        self.watch.stop()
        if self._told:  # a kiosk that is gone is not a closed one: the desks stop saying it
            self._told = ""
            record_closed(self.store, self.desk.operator, "")
        self.sync.stop()
        self.stop_camera()
        self.runner.stop()
        self.render_runner.stop()
        self.printing.close_queue()
