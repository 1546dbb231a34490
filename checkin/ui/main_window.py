"""The desk window: station and operator at the top, the scan screen, the Find tab (search
list beside the person panel), the dashboard, a status bar with camera, printer, sync and
counts. Everything slow runs on worker threads; every DB write goes through the one DbRunner
(the sync worker, when the desk is enrolled, writes in short transactions of its own).

What changed reaches the views by one path, `self.changes` (checkin/ui/changes.py): a decided
scan, an undo, an action or edit in the person panel, a walk-in, a sync round that brought
something and a print that ended each publish one typed Changes; the status-bar count
(_on_changes here), the search list, the person panel and the sync each subscribe once with
their on_changes and refresh only what the Changes concerns (a scan never rebuilds the index).
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..desk import Desk
from ..model import REGISTRATION, Decision, Registrant
from ..policy import current_meal
from ..presentation import station_label
from ..printing.printers import Printer
from ..scanner.sources import CameraSource, FrameSource
from ..search import SearchIndex
from ..stats import station_summary
from ..store import Store
from . import i18n
from .answer_overlay import AnswerOverlay
from .backfill_dialog import BackfillDialog
from .changes import ChangeBus, Changes
from .clock_warning import ClockWarning
from .dashboard import Dashboard
from .organiser import BADGE_STYLE, IDLE_LOCK_MS, SHORTCUT, OrganiserMode, PinDialog
from .person_panel import PersonPanel
from .print_panel import PrintPanel, default_printer
from .scan_gate import ScanGate
from .scan_screen import ScanScreen
from .scanner_worker import ScannerWorker, start_worker
from .search_panel import SearchPanel
from .sync_panel import DeskSync, SyncStatusWidget
from .tasks import DbRunner
from .walkin_dialog import WalkInDialog, prefill_from_search
from .wedge_filter import WedgeFilter

__all__ = ["DeskWindow", "SearchPanel", "stations"]


_PLAIN_LABEL = Qt.ItemDataRole.UserRole + 1  # a station's label without the "now" mark


STATION_META = "desk.station"  # the station this desk served last


def remember_station(store: Store, station: str) -> None:
    with store.transaction() as conn:
        store.set_meta(conn, STATION_META, station)


def stations(store: Store) -> list[tuple[str, str]]:
    """(label, station) for every station the event has, labelled as the whole window
    labels stations (checkin.presentation)."""
    config = store.config
    keys = ([REGISTRATION] + [f"meal:{m.id}" for m in config.meals]
            + [f"forum:{f.id}" for f in config.forums] + [f"list:{x.id}" for x in config.lists])
    return [(station_label(key, config), key) for key in keys]


class DeskWindow(QMainWindow):
    closed = Signal()  # after its threads stopped: windows that read its event close too

    def __init__(self, store: Store, *, operator: str | None = None, chinese: bool | None = None,
                 open_source: Callable[[], FrameSource] | None = None,
                 printer: Printer | None = None, sync_interval: float = 2.0,
                 organiser_idle_ms: int = IDLE_LOCK_MS):
        super().__init__()
        self.store = store
        # The core's reasons in the window's language (None: the translations installed).
        chinese = i18n.chinese() if chinese is None else chinese
        self._desk = Desk(store, operator=operator, chinese=chinese)
        self.runner = DbRunner(self)
        # Index builds (0.8 s at 100,000 people) only read: on their own thread they never
        # hold up a scan queued on the writer's.
        self.search_runner = DbRunner(self, name="desk-search")
        self.setWindowTitle(self.tr("Checkin Desk — {0}").format(store.config.name))

        self.station_box = QComboBox()
        for label, station in stations(store):
            self.station_box.addItem(label, station)
            self.station_box.setItemData(self.station_box.count() - 1, label, _PLAIN_LABEL)
        self.station_box.currentIndexChanged.connect(self._station_changed)
        self.mark_current_meal()
        self._restored = False
        self.who = QLabel()
        self.refresh_who()
        # The role: desk (phone numbers and e-mails masked) until the organiser PIN unlocks it.
        self.organiser = OrganiserMode(store, self.runner, lambda: self.desk.operator, self,
                                       idle_ms=organiser_idle_ms)
        self.organiser_badge = QLabel(self.tr("Organiser"))
        self.organiser_badge.setStyleSheet(BADGE_STYLE)
        self.organiser_badge.setToolTip(self.tr(
            "Organiser mode: phone numbers and e-mails are shown whole. It locks after a few "
            "minutes without input, or with {0}.").format(SHORTCUT))
        self.organiser_badge.setVisible(False)
        self.pin_dialog: PinDialog | None = None
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Station:")))
        top.addWidget(self.station_box, stretch=1)
        top.addWidget(self.organiser_badge)
        top.addWidget(self.who)

        # The one change path (checkin/ui/changes.py): every producer below publishes one
        # Changes here; every view subscribes once and refreshes what concerns it.
        self.changes = ChangeBus(self)
        bus = self.changes
        self.scan = ScanScreen(self.desk, self.runner)
        self._restore_station()
        self._station_changed()  # the banner says the station from the start
        self.scan.load_recent()  # the last scans of this desk, also after a restart
        # A decided scan (also a Find check-in, an override, a walk-in's: they are announced
        # on the scan screen) and an undo; the undo names no code: anyone shown is read again.
        self.scan.decided.connect(lambda decision: bus.publish(Changes.decided(decision)))
        self.scan.undone.connect(lambda _ref: bus.publish(Changes(admissions=True)))
        self.printing = PrintPanel(store, self.runner, printer or default_printer(),
                                   operator=self.desk.operator)
        self.search = SearchPanel(SearchIndex(store, auto_refresh=False), self._check_in_chosen,
                                  lambda: store.config, runner=self.search_runner)
        self.person = PersonPanel(store, self.desk, self.runner, self.printing,
                                  station=lambda: self.scan.station,
                                  announce=self.scan.show_decision)
        self.search.selected.connect(self.person.show_person)
        self.search.walk_in_button.clicked.connect(self.open_walk_in)
        self.person.changed.connect(bus.publish)  # its actions and edits
        self.person.unmasked.connect(self.organiser.shown)
        self.organiser.changed.connect(self._role_changed)
        self.printing.finished.connect(
            lambda *result: bus.publish(Changes.print_finished(*result)))
        self.find = QSplitter(Qt.Orientation.Horizontal)
        self.find.setChildrenCollapsible(False)
        self.find.addWidget(self.search)
        self.find.addWidget(self.person)
        self.find.setStretchFactor(0, 2)
        self.find.setStretchFactor(1, 3)
        self.find.setSizes([440, 900])
        self.search.setMinimumWidth(300)
        self.person.setMinimumWidth(600)
        self.walk_in_dialog: WalkInDialog | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scan, self.tr("Scan (F1)"))
        self.tabs.addTab(self.find, self.tr("Find (F2)"))
        self.dashboard = Dashboard(store, self.runner, operator=lambda: self.desk.operator)
        self.tabs.addTab(self.dashboard, self.tr("Dashboard (F3)"))
        self.clock_warning = ClockWarning(lambda: self.desk)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addLayout(top)
        layout.addWidget(self.clock_warning)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.camera_state = QLabel(self.tr("Camera: {0}").format("—"))
        self.counts = QLabel()
        self.scan.decided.connect(self.printing.after_decision)
        # Sync with the central list (only when enrolled: no thread otherwise).
        self.sync = DeskSync(store, self, interval=sync_interval)
        self.sync_state = SyncStatusWidget(self.sync)
        self.sync.pulled.connect(bus.publish)  # a round's registrants and other desks' events
        self.sync.round_finished.connect(self.clock_warning.refresh)
        # A resolution goes up now, even while backing off (not a Changes: nothing to redraw).
        self.dashboard.resolved.connect(lambda _: self.sync.trigger())
        # The subscribers, once each. The dashboard is none: hidden it counts nothing, shown
        # it refreshes every 5 s on the DbRunner, never on each scan or round.
        for on_changes in (self._on_changes, self.search.on_changes, self.person.on_changes,
                           self.sync.on_changes):
            bus.changed.connect(on_changes)
        self.statusBar().addWidget(self.camera_state)
        self.statusBar().addWidget(self.printing, 1)  # room for why a print failed
        self.statusBar().addPermanentWidget(self.sync_state)
        self.statusBar().addPermanentWidget(self.counts)
        QShortcut(QKeySequence("F1"), self, activated=lambda: self.tabs.setCurrentIndex(0))
        QShortcut(QKeySequence("F2"), self, activated=self._find)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self._find)
        QShortcut(QKeySequence("F3"), self, activated=lambda: self.tabs.setCurrentIndex(2))
        QShortcut(QKeySequence("F11"), self, activated=self.toggle_full_screen)
        QShortcut(QKeySequence("F4"), self, activated=lambda: self.select_station("meal"))
        QShortcut(QKeySequence("F6"), self, activated=self.toggle_exit_mode)
        QShortcut(QKeySequence("Ctrl+N"), self, activated=self.open_walk_in)
        # File → Organiser mode… (the launcher puts it in the menu); the shortcut works
        # with the menu bar hidden too.
        self.organiser_action = QAction(self.tr("Organiser mode…"), self)
        self.organiser_action.setShortcut(QKeySequence(SHORTCUT))
        self.organiser_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.organiser_action.triggered.connect(self.toggle_organiser)
        self.addAction(self.organiser_action)
        # File → Enter a paper sheet… (补录): an organiser's job, enabled while unlocked.
        self.backfill_action = QAction(self.tr("Enter a paper sign-in sheet…"), self)
        self.backfill_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.backfill_action.setEnabled(False)
        self.backfill_action.triggered.connect(self.open_backfill)
        self.addAction(self.backfill_action)
        self.backfill_dialog: BackfillDialog | None = None

        # Every scan, handheld or camera, passes the gate: never decided behind a dialog, nor
        # before an alert the event asks to acknowledge was seen (Space).
        self.gate = ScanGate(self._decide_scan, self)
        self.gate.answered_signal.connect(self._answered_through_gate)
        self.acknowledge_key = QShortcut(QKeySequence(Qt.Key.Key_Space), self,
                                         activated=self.acknowledge_alert)
        self.acknowledge_key.setContext(Qt.ShortcutContext.WindowShortcut)
        self.acknowledge_key.setEnabled(False)
        self.held = QLabel()
        self.held.setStyleSheet("color:white; background:#b26a00; font-weight:bold; "
                                "padding:2px 8px; border-radius:4px")
        self.held.setVisible(False)
        self.statusBar().addPermanentWidget(self.held)
        self.gate.held_changed.connect(self._held_changed)
        self.overlay = AnswerOverlay(self.tabs)
        self.wedge = WedgeFilter(parent=self)
        self.wedge.scanned.connect(self.gate.offer)
        QApplication.instance().installEventFilter(self.wedge)
        self._camera_thread = None
        self._camera: ScannerWorker | None = None
        self.camera = "opening"
        self.start_camera(open_source or (lambda: CameraSource(0)))
        # Build the search index now, off the GUI thread: the first keystroke must not wait.
        self.search.refresh_index()
        self._counts_timer = QTimer(self, interval=5000, timeout=self._every_few_seconds)
        self._counts_timer.start()
        self.refresh_counts()
        self.sync.start()

    @property
    def desk(self) -> Desk:
        return self._desk

    @desk.setter
    def desk(self, desk: Desk) -> None:
        """One desk for every part of the window (tests give it a fixed clock)."""
        self._desk = desk
        for part in ("scan", "person"):
            if hasattr(self, part):
                getattr(self, part).desk = desk
        if hasattr(self, "clock_warning"):
            self.clock_warning.refresh()  # its clock says which day it is

    # -- the organiser role ------------------------------------------------------------
    def toggle_organiser(self) -> None:
        """Organiser mode…: ask for the PIN; when unlocked, lock again."""
        if self.organiser.unlocked:
            self.organiser.lock("manual")
            return
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            self.pin_dialog.raise_()
            self.pin_dialog.activateWindow()
            return
        dialog = PinDialog(self.store, self.organiser.idle_ms, self)
        dialog.submitted.connect(lambda pin: self._unlock(dialog, pin))
        self.pin_dialog = dialog
        dialog.open()

    def _unlock(self, dialog: PinDialog, pin: str) -> None:
        dialog.saving(True)
        self.organiser.try_unlock(pin, dialog.answer)

    def _role_changed(self) -> None:
        unlocked = self.organiser.unlocked
        self.organiser_badge.setVisible(unlocked)
        self.organiser_action.setText(self.tr("Lock organiser mode") if unlocked
                                      else self.tr("Organiser mode…"))
        self.person.set_role(self.organiser.role)
        self.backfill_action.setEnabled(unlocked)
        if not unlocked and self.backfill_dialog is not None:
            self.backfill_dialog.close()  # entering paper sheets is an organiser's job
        if not unlocked and self.organiser.lock_reason == "idle":
            self.person.say(self.tr("Organiser mode locked after {0} minutes without input: "
                                    "phone numbers and e-mails are masked again").format(
                max(1, round(self.organiser.idle_ms / 60_000))))

    def _on_changes(self, changes: Changes) -> None:
        """The window's own subscriber: the count in the status bar follows admissions and
        registrant data; a print that failed is said on the banner too (the guest is still at
        the desk)."""
        if changes.admissions or changes.registrants:
            self.refresh_counts()
        for result in changes.printed:
            if result.state == "failed":
                what = self.tr("Badge") if result.document == "badge" else self.tr("Vouchers")
                note = self.tr("{0} NOT printed ({1}): {2}").format(
                    what, result.code, result.detail)
                self.scan.banner.show_note(note)
                self.overlay.show_note(note)

    def _every_few_seconds(self) -> None:
        self.refresh_counts()
        self.clock_warning.refresh()
        self.mark_current_meal()
        if self.search.index.stale and not self.search_runner.busy:  # e.g. the sync pulled
            self.search.refresh_index()

    def open_backfill(self) -> BackfillDialog | None:
        """Ctrl+Shift+B in organiser mode: the paper sheet form, on the current station."""
        if not self.organiser.unlocked:
            return None
        if self.backfill_dialog is None or not self.backfill_dialog.isVisible():
            self.backfill_dialog = BackfillDialog(self.desk, self.runner, stations(self.store),
                                                  self._is_door, self.scan.station, self)
            self.backfill_dialog.entered.connect(
                lambda d: self.changes.publish(Changes(admissions=True, new_facts=d.ok, code=d.code)))
            self.backfill_dialog.open()
        self.backfill_dialog.raise_()
        return self.backfill_dialog

    def open_walk_in(self) -> None:
        """Ctrl+N from anywhere in the window, or the Find tab's button."""
        if self.walk_in_dialog is not None and self.walk_in_dialog.isVisible():
            self.walk_in_dialog.raise_()
            self.walk_in_dialog.activateWindow()
            return
        searched = self.search.query.text() if not self.search.results.count() else ""
        self.walk_in_dialog = WalkInDialog(self.desk, self.runner, self.store.config, self,
                                           prefill=prefill_from_search(searched))
        self.walk_in_dialog.registered.connect(self._walked_in)
        self.walk_in_dialog.open()

    def _walked_in(self, reg: Registrant, decision: Decision | None) -> None:
        """Like a check-in at the desk: the banner on the scan screen, the badge printed
        (when auto-print is on), the person in the panel."""
        self.changes.publish(Changes(registrants=True, code=reg.code))
        self.person.show_person(reg.code)
        if decision is not None:
            self.tabs.setCurrentWidget(self.scan)
            self.scan.show_decision(decision)

    def mark_current_meal(self) -> None:
        """The meal slot being served now (or next) is marked in the station list; F4 picks it."""
        slot = current_meal(self.store.config, self.desk.now())
        now = f"meal:{slot.id}" if slot else None
        for index in range(self.station_box.count()):
            label = self.station_box.itemData(index, _PLAIN_LABEL)
            if self.station_box.itemData(index) == now:
                label = self.tr("{0}  (now, F4)").format(label)
            if self.station_box.itemText(index) != label:
                self.station_box.setItemText(index, label)

    def select_station(self, station: str) -> None:
        """'meal' alone picks the slot being served now (or next); others by key."""
        if station == "meal":
            slot = current_meal(self.store.config, self.desk.now())
            station = f"meal:{slot.id}" if slot else REGISTRATION
        else:
            station = self.desk.parse_station(station).key
        index = self.station_box.findData(station)
        if index >= 0:
            self.station_box.setCurrentIndex(index)

    def toggle_full_screen(self) -> None:
        """For a projector: the dashboard alone, full screen (F11 again to come back)."""
        if self.isFullScreen():
            self.showNormal()
        else:
            self.tabs.setCurrentWidget(self.dashboard)
            self.showFullScreen()

    def _find(self) -> None:
        self.tabs.setCurrentWidget(self.find)
        self.search.query.setFocus()
        self.search.query.selectAll()

    def _answer_anywhere(self, decision: Decision) -> None:
        """A scan's answer is seen wherever the volunteer is: over Find or the dashboard
        (the scan screen already shows it); on Find the person panel shows the person too."""
        if self.tabs.currentWidget() is self.scan:
            return
        self.overlay.show_decision(decision, self.store.config.category(decision.category),
                                   self.scan.banner.station)
        if self.tabs.currentWidget() is self.find and decision.code:
            self.person.show_person(decision.code)

    def _decide_scan(self, payload: str, answered) -> None:
        self.scan.submit(payload, then=answered, failed=lambda _message: answered(None))

    def _answered_through_gate(self, decision: Decision) -> None:
        self._answer_anywhere(decision)
        if self.gate.awaiting_acknowledgement:
            note = self.tr("Press Space when you have seen this: the next scan waits")
            for banner in (self.scan.banner, self.overlay.banner):
                banner.show_note(note)
                banner.hold()
            self.acknowledge_key.setEnabled(True)
            self._held_changed(len(self.gate.held))

    def acknowledge_alert(self) -> None:
        """Space, while an alert waits: seen; the next scan is decided."""
        self.acknowledge_key.setEnabled(False)
        for banner in (self.scan.banner, self.overlay.banner):
            banner.release()
        self.gate.acknowledge()

    def _held_changed(self, count: int) -> None:
        if self.gate.awaiting_acknowledgement:
            text = self.tr("⏸ Press Space to acknowledge the alert ({0} scan(s) waiting)")
        else:
            text = self.tr("⏸ {0} scan(s) held: decided when the form is closed")
        self.held.setText(text.format(count))
        self.held.setVisible(count > 0 or self.gate.awaiting_acknowledgement)

    def _check_in_chosen(self, code: str) -> None:
        """Enter on a Find result: the person panel checks them in and says the answer there
        (the banner is on the other tab); the scan screen records it as for a scan."""
        self.person.show_person(code)
        self.person.check_in()

    def toggle_exit_mode(self) -> None:
        """F6 at a forum door: scans record people leaving, or entering again. The banner
        says which, so a volunteer never scans the wrong way for long."""
        if self._at_a_door():
            self.scan.exit_mode = not self.scan.exit_mode
            self._show_station()
            self.refresh_counts()

    def _show_station(self) -> None:
        label = self.station_box.itemData(self.station_box.currentIndex(), _PLAIN_LABEL) or ""
        if self._at_a_door():
            label = (self.tr("{0} · EXIT (F6: entry)") if self.scan.exit_mode
                     else self.tr("{0} · ENTRY (F6: exit)")).format(label)
        self.scan.banner.set_station(label)

    def _at_a_door(self) -> bool:
        return self._is_door(self.scan.station)

    def _is_door(self, station: str | None) -> bool:
        """A forum door, or a check-in list with exits: people are scanned in and out."""
        kind, _sep, key = str(station).partition(":")
        listed = self.store.config.checkin_list(key) if kind == "list" else None
        return kind == "forum" or bool(listed and listed.exits)

    def _station_changed(self) -> None:
        station = self.station_box.currentData()
        self.scan.station = station
        self.scan.exit_mode = False  # a new station starts the way people come in
        self._show_station()
        if getattr(self, "_restored", False):  # the choice of a person: kept for a restart
            store = self.store
            self.runner.run(lambda: remember_station(store, station), lambda _: None)
            self.refresh_counts()

    def _restore_station(self) -> None:
        """The station this desk served when it was last closed (a restart mid-lunch stays
        at lunch)."""
        index = self.station_box.findData(self.store.meta(STATION_META))
        if index >= 0:
            self.station_box.setCurrentIndex(index)
        self._restored = True

    def refresh_who(self) -> None:
        """The desk's name and the operator, always in view (the name can change in settings)."""
        self.who.setText(self.tr("Desk: {0} · Operator: {1}").format(
            self.store.device_name, self.desk.operator))

    def start_camera(self, open_source: Callable[[], FrameSource]) -> None:
        self.stop_camera()
        self._camera = ScannerWorker(open_source)
        self._camera.payload.connect(self.gate.offer)
        self._camera.preview.connect(self.scan.show_frame)
        self._camera.state_changed.connect(self._camera_changed)
        self._camera_thread = start_worker(self._camera)

    def _camera_changed(self, state: str, message: str) -> None:
        """The camera's state in the window's language; what the camera or OpenCV said (in
        English) is in the tooltip, for whoever fixes it."""
        self.camera = state  # live, lost, opening, finished, error (the label is translated)
        words = {"live": self.tr("live"), "lost": self.tr("lost"), "opening": self.tr("opening"),
                 "finished": self.tr("stopped"), "error": self.tr("error")}.get(state, state)
        what = {"lost": self.tr("unplugged or used by another app: trying again; the handheld "
                                "scanner still works"),
                "error": self.tr("cannot be used: the handheld scanner and typing still "
                                 "work"),
                "live": ""}.get(state, message)  # live: its backend, in the tooltip; else ours
        self.camera_state.setText(self.tr("Camera: {0}").format(words)
                                  + (f" — {what}" if message and what else ""))
        self.camera_state.setToolTip(message)

    def refresh_counts(self) -> None:
        """The count of the station served: arrived at registration, served of entitled at
        a meal, entered of the seats at a forum door. (Events not yet sent are the sync
        widget's "pending", beside this label.)"""
        store, station = self.store, self.scan.station
        label = self.station_box.itemData(self.station_box.currentIndex(), _PLAIN_LABEL) or ""

        def done(count) -> None:
            if count["kind"] == "meal":
                text = self.tr("{0}: served {1} of {2} entitled").format(
                    label, count["done"], count["of"])
            elif count["kind"] == "forum":
                text = (self.tr("{0}: inside {1} of {2} seats, entered {3}").format(
                    label, count["inside"], count["of"], count["done"])
                    if count["of"] is not None else
                    self.tr("{0}: inside {1}, entered {2}").format(
                        label, count["inside"], count["done"]))
            else:
                text = self.tr("Arrived {0} / {1}").format(count["done"], count["of"])
            self.counts.setText(text)

        self.runner.run(lambda: station_summary(store, station), done)

    def stop_camera(self) -> None:
        """Stop the camera worker and wait for its thread (before a new camera, or closing)."""
        if self._camera is not None:
            self._camera.stop()
            self._camera_thread.quit()
            self._camera_thread.wait(5000)
            self._camera = self._camera_thread = None

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        QApplication.instance().removeEventFilter(self.wedge)
        self.organiser.lock("closed")  # its input filter goes with it
        self.sync.stop()  # joins the sync thread (a request in flight ends within its timeout)
        self.stop_camera()
        self._counts_timer.stop()
        self.runner.stop()
        self.search_runner.stop()
        gc.unfreeze()  # what was frozen (SearchPanel._index_built) may be collected again
        self.printing.close_queue()
        super().closeEvent(event)
        self.closed.emit()

