"""The person chosen in the Find tab: every field, the event history, and what the desk can
do for them (check in, reprint, edit, whole team, supervisor override).

Reads are single-row look-ups on the GUI thread's own read connection (quick: the store's
desk_views.person_view); every write runs on the desk's DB thread (DbRunner). When it is
answered the panel emits one Changes, which the window publishes and which comes back to every
view, this panel too (on_changes; see checkin/ui/changes.py). What cannot be done is said in
plain words in the panel, never raised. The history's words are checkin/history.py's
(Qt-free), the forms are in checkin/ui/person_dialogs.py.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..desk import Desk, DeskError, EditConflict
from ..history import PersonHistory, document_word, field_word
from ..model import ADMITTED_PAYMENTS, Decision, LoggedEvent, Outcome, Registrant
from ..pinyin import has_cjk
from ..presentation import desk_name, station_label, time_shown
from ..privacy import Role, display_registrant
from ..store import Store, desk_views
from ..store.audit import event_zone
from .changes import Changes
from .forms import ERROR_STYLE
from .organiser import personal_fields
from .person_dialogs import EditDialog, OverrideDialog, ReprintDialog
from .print_panel import PrintPanel
from .tasks import DbRunner

OK_STYLE = "color:#2e7d32; font-weight:bold"
WARN_STYLE = "color:#a66f00; font-weight:bold"
INFO_STYLE = "color:#37474f"
PINYIN_SHOWN = 24  # characters of pinyin beside the name


class PersonPanel(QWidget):
    """Shows one registrant. `station()` is where the desk checks people in now;
    `announce(decision)` shows an admission on the scan screen (banner, recent list,
    badge printing) exactly as a scan would."""

    # a Changes (an action for the person shown): the window publishes it, and it comes back
    # to every view, this one too, through on_changes
    changed = Signal(object)
    # (code, the fields shown whole, "phone,email,history"): personal data shown unmasked
    unmasked = Signal(str, str)

    def __init__(self, store: Store, desk: Desk, runner: DbRunner, printing: PrintPanel,
                 station: Callable[[], str], announce: Callable[[Decision], None],
                 parent=None):
        super().__init__(parent)
        self.store, self.desk, self.runner, self.printing = store, desk, runner, printing
        self.station, self.announce = station, announce
        self.code: str | None = None
        self.role = Role.DESK  # desk: phone numbers and e-mails masked (set_role)
        self.registrant: Registrant | None = None  # as stored (the forms compare with it)
        self.events: list[LoggedEvent] = []
        self.dialog: QDialog | None = None  # the dialog open now (tests reach it here)
        # codes whose name was edited here: "name corrected" is the obvious reprint reason
        self._names_corrected: set[str] = set()
        self._zone = None  # the event's time zone: times are shown in it
        self._today = None  # the desk's day: a time of today shows without its date

        self.placeholder = QLabel(self.tr("Select a person on the left"),
                                  alignment=Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color:#888; font-size:14pt")
        self.name = QLabel()
        self.name.setStyleSheet("font-size:22pt; font-weight:bold")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name.setWordWrap(True)  # a long Latin name wraps rather than widening the panel
        self.pinyin = QLabel()
        self.pinyin.setStyleSheet("color:#555; font-size:12pt")
        self.category = QLabel()
        self.category.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.status = QLabel()
        self.status.setWordWrap(True)
        header = QHBoxLayout()
        # the name takes the room: a long one (name, hospital and title in one cell) wraps
        # across the panel instead of into a column one character wide
        header.addWidget(self.name, stretch=3)
        header.addWidget(self.pinyin, alignment=Qt.AlignmentFlag.AlignBottom)
        header.addWidget(self.category, alignment=Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.status, stretch=2)

        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(3)
        left = [("code", self.tr("Code")), ("organisation", self.tr("Organisation")),
                ("title", self.tr("Title")), ("phone", self.tr("Phone")),
                ("email", self.tr("E-mail")), ("team", self.tr("Team")),
                ("remarks", self.tr("Remarks")), ("id_number", self.tr("ID number")),
                ("wall", self.tr("Welcome wall"))]
        right = [("payment", self.tr("Payment")), ("meals", self.tr("Meals")),
                 ("forums", self.tr("Forums")), ("extra", self.tr("Extra data")),
                 ("source", self.tr("Source")), ("missing", self.tr("On the list")),
                 ("gender", self.tr("Gender")), ("cme_card", self.tr("CME card number"))]
        for column, rows in ((0, left), (2, right)):
            for row, (key, label) in enumerate(rows):
                caption = QLabel(label)
                caption.setStyleSheet("color:#666")
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                value = QLabel(wordWrap=True)
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                value.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
                self.values[key] = value
                grid.addWidget(caption, row, column)
                grid.addWidget(value, row, column + 1)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 2)

        self.check_in_button = self._button(self.tr("Check in"), "Ctrl+Return",
                                            self.check_in)
        self.check_in_button.setStyleSheet("font-weight:bold")
        self.reprint_button = self._button(self.tr("Reprint badge"), "Ctrl+P",
                                           self.open_reprint)
        self.edit_button = self._button(self.tr("Edit"), "Ctrl+E", self.open_edit)
        self.team_button = self._button(self.tr("Whole team"), "Ctrl+T",
                                        self.check_in_team)
        self.override_button = self._button(self.tr("Override"), "Ctrl+Shift+O",
                                            self.open_override)
        self.buttons = [self.check_in_button, self.reprint_button, self.edit_button,
                        self.team_button, self.override_button]
        self.actions = QGridLayout()
        self.actions.setSpacing(6)
        self._columns = 0
        self._arrange_buttons()

        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_note = QLabel(wordWrap=True)
        self.history = QTableWidget(0, 6)
        self.history.setHorizontalHeaderLabels([
            self.tr("Time"), self.tr("Kind"), self.tr("Station"),
            self.tr("Desk"), self.tr("Operator"), self.tr("Details")])
        self.history.verticalHeader().setVisible(False)
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(False)
        head = self.history.horizontalHeader()
        for column in range(5):
            head.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.history_title = QLabel()

        self.details = QWidget()
        body = QVBoxLayout(self.details)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(header)
        body.addLayout(grid)
        body.addLayout(self.actions)
        body.addWidget(self.message)
        body.addWidget(self.print_note)
        body.addWidget(self.history_title)
        body.addWidget(self.history, stretch=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.details)
        self.show_person(None)

    def _button(self, text: str, keys: str, slot: Callable[[], None]) -> QPushButton:
        """A button with its shortcut (active only while the panel is shown and a person
        is selected) written on it."""
        shortcut = QKeySequence(keys)
        label = shortcut.toString(QKeySequence.SequenceFormat.NativeText).replace("Return", "↵")
        button = QPushButton(f"{text}  {label}")
        button.setShortcut(shortcut)
        button.clicked.connect(slot)
        return button

    def _arrange_buttons(self) -> None:
        """One row when it fits; otherwise rows of three (or two): never a cut-off label."""
        spacing = self.actions.spacing()
        width = self.width() - 12
        columns = len(self.buttons)
        while columns > 2 and sum(sorted(b.sizeHint().width() for b in self.buttons)[-columns:]) \
                + spacing * (columns - 1) > width:
            columns = 3 if columns > 3 else 2
        if columns == self._columns:
            return
        self._columns = columns
        for button in self.buttons:
            self.actions.removeWidget(button)
        for column in range(len(self.buttons)):
            self.actions.setColumnStretch(column, 0)
        for i, button in enumerate(self.buttons):
            self.actions.addWidget(button, i // columns, i % columns)
        for column in range(columns):
            self.actions.setColumnStretch(column, 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._arrange_buttons()

    # -- showing -----------------------------------------------------------------
    def set_role(self, role: Role) -> None:
        """Show personal data masked (desk) or whole (organiser) from now on. An edit form
        opened by the organiser is closed when the role ends (it holds the numbers whole)."""
        if role == self.role:
            return
        self.role = role
        dialog = self.dialog
        if isinstance(dialog, EditDialog) and dialog.isVisible() \
                and dialog.role == Role.ORGANISER and role != Role.ORGANISER:
            dialog.reject()
        self.reload()

    def show_person(self, code: str | None) -> None:
        if code != self.code:
            self.say("")
            self.print_note.setVisible(False)
        self.code = code
        self.reload()

    def on_changes(self, changes: Changes) -> None:
        """The window's changes: a print that ended is said when it is the person shown; a
        change to them (or to anyone, when no code is given) reads them again."""
        for result in changes.printed:
            self.print_finished(result.code, result.document, result.state, result.detail)
        if changes.admissions or changes.registrants or changes.marks:
            if changes.code is None:
                self.reload()
            else:
                self.reload_if(changes.code)

    def reload_if(self, code: str | None) -> None:
        if code and self.code and code.upper() == self.code.upper():
            self.reload()

    def reload(self) -> None:
        """Read the person and their history again (quick: one row, one indexed query)."""
        view = None
        if self.code:
            try:
                view = desk_views.person_view(self.store.reader(), self.code)
                self._zone = event_zone(self.store)
                self._today = self.desk.today()
            except Exception as exc:  # a database problem is said, the desk goes on
                self.say(self.tr("Could not read: {0}").format(exc), ERROR_STYLE)
                return
        reg = view.registrant if view else None
        self.registrant = reg
        self.placeholder.setVisible(reg is None)
        self.details.setVisible(reg is not None)
        for button in self.buttons:
            button.setEnabled(reg is not None)
        if view is None:
            self.events = []
            return
        self.events = view.events
        self.team_button.setEnabled(bool(reg.team))
        self._fill(display_registrant(reg, self.role), view.pinyin, view.arrival)
        self._fill_history(view.events)
        if self.role == Role.ORGANISER:
            fields = personal_fields(reg, view.events)
            if fields:  # the audit trail says who saw whose numbers (once per unlock)
                self.unmasked.emit(reg.code, ",".join(fields))

    def _fill(self, reg: Registrant, pinyin: str, arrival) -> None:
        config = self.store.config
        self.name.setText(reg.name)
        pinyin = pinyin if has_cjk(reg.name) else ""  # Latin: it would say it twice
        # one long unbreakable word: cut, or it squeezes the name
        self.pinyin.setText(pinyin if len(pinyin) <= PINYIN_SHOWN else
                            pinyin[:PINYIN_SHOWN - 1] + "…")
        self.pinyin.setToolTip(pinyin)
        category = config.category(reg.category)
        colour = category.colour if category else "#9e9e9e"
        self.category.setText(reg.category or self.tr("no category"))
        self.category.setStyleSheet(f"background:{colour}; color:white; font-weight:bold;"
                                    "padding:3px 10px; border-radius:6px")
        if arrival is not None:
            self.status.setText(self.tr("✓ Checked in {0} · {1}").format(
                self._time(arrival["wall_time"]), desk_name(self.store, arrival["device_id"])))
            self.status.setStyleSheet(OK_STYLE)
        else:
            self.status.setText(self.tr("Not checked in"))
            self.status.setStyleSheet(INFO_STYLE)
        meals = [config.meal(m).name if config.meal(m) else m for m in reg.meals]
        forums = [config.forum(f).name if config.forum(f) else f for f in reg.forums]
        payment = reg.payment or self.tr("unknown")
        if reg.amount is not None:
            payment += f"  ¥{reg.amount:g}"
        sources = {"import": self.tr("import"), "walk_in": self.tr("walk-in"),
                   "central": self.tr("central list")}
        text = {
            "code": reg.code, "organisation": reg.organisation, "title": reg.title,
            "phone": reg.phone, "email": reg.email, "team": reg.team, "remarks": reg.remarks,
            "payment": payment, "meals": "、".join(meals), "forums": "、".join(forums),
            "extra": "; ".join(f"{k}: {v}" for k, v in reg.extra.items()),
            "source": sources.get(reg.source, reg.source), "gender": reg.gender,
            "id_number": reg.id_number, "cme_card": reg.cme_card,  # masked for the desk role
            "missing": (self.tr("✗ Not in the latest export") if reg.missing
                        else self.tr("yes")),
            "wall": (self.tr("not shown (asked not to be)") if reg.wall_hidden
                     else self.tr("shown")),
        }
        for key, label in self.values.items():
            label.setText(text.get(key) or "—")
        self.values["missing"].setStyleSheet(ERROR_STYLE if reg.missing else "")
        unpaid = reg.payment not in ADMITTED_PAYMENTS
        self.values["payment"].setStyleSheet(ERROR_STYLE if unpaid else "")

    def _fill_history(self, events: list[LoggedEvent]) -> None:
        """The history table, newest first; what was undone is struck through and grey (its
        kind stays readable: it says "(undone)")."""
        words = PersonHistory(self.store.config, self._zone,
                              lambda device_id: desk_name(self.store, device_id), self.role,
                              self._today)
        rows = words.rows(events)
        self.history.setRowCount(len(rows))
        for row, line in enumerate(rows):
            for column, text in enumerate(line.cells()):
                item = QTableWidgetItem(text or "")
                item.setToolTip(text or "")
                if line.cancelled:
                    font = item.font()
                    font.setStrikeOut(column != 1)
                    item.setFont(font)
                    item.setForeground(QBrush(QColor("#9e9e9e")))
                self.history.setItem(row, column, item)
        self.history_title.setText(
            self.tr("History ({0})").format(len(events)) if events
            else self.tr("History: nothing yet"))

    def history_rows(self) -> list[list[str]]:
        """What the history table shows, row by row (newest first)."""
        return [[self.history.item(r, c).text() for c in range(self.history.columnCount())]
                for r in range(self.history.rowCount())]

    def _time(self, wall_time: str | None) -> str:
        """A time as the whole window shows it, on the desk's own day and zone."""
        return time_shown(wall_time, self._zone, self._today)

    def say(self, text: str, style: str = INFO_STYLE) -> None:
        """A line for the person at the desk: what just happened, or why it could not."""
        self.message.setText(text)
        self.message.setStyleSheet(style)
        self.message.setVisible(bool(text))

    def _failed(self, what: str) -> Callable[[str], None]:
        """Say why it could not be done, and show what is stored now (it may be why)."""
        def failed(message: str) -> None:
            self.reload()
            self.say(f"✗ {what}: {message}", ERROR_STYLE)

        return failed

    def _done(self, code: str, *, edited: bool = False) -> None:
        """An action for `code` was answered: the search marks and this panel follow (the
        index too after an edit), through the window's changes."""
        self.changed.emit(Changes(marks=True, registrants=edited, code=code))

    def show_answer(self, decision: Decision) -> None:
        """The desk's answer, in the panel: staff in the Find tab do not see the banner."""
        style = {Outcome.OK: OK_STYLE, Outcome.ALREADY: WARN_STYLE}.get(
            decision.outcome, ERROR_STYLE)
        self.say(decision.reason, style)

    # -- actions -----------------------------------------------------------------
    def check_in(self) -> None:
        if self.registrant is None:
            return
        desk, code, station = self.desk, self.registrant.code, self.station()

        def done(decision: Decision) -> None:
            self.show_answer(decision)
            self.announce(decision)
            self._done(code)

        self.runner.run(lambda: desk.scan(code, station, by_staff=True), done,
                        self._failed(self.tr("Not checked in", "failed")))

    def check_in_team(self) -> None:
        reg = self.registrant
        if reg is None:
            return
        if not reg.team:
            self.say(self.tr("{0} is not in a team").format(reg.name), WARN_STYLE)
            return
        desk, station = self.desk, self.station()

        def done(decisions: list[Decision]) -> None:
            admitted = [d for d in decisions if d.ok]
            already = [d for d in decisions if d.outcome == Outcome.ALREADY]
            refused = [d for d in decisions if d not in admitted and d not in already]
            lines = [self.tr("Team {0}: {1} admitted · {2} already · {3} refused").format(
                reg.team, len(admitted), len(already), len(refused))]
            lines += [f"✗ {d.name or d.code}: {d.reason}" for d in refused]
            self.say("\n".join(lines), ERROR_STYLE if refused else OK_STYLE)
            for decision in decisions:
                self.announce(decision)
            self._done(reg.code)

        self.runner.run(lambda: desk.check_in_team(reg.code, station), done,
                        self._failed(self.tr("Whole team")))

    def open_reprint(self) -> None:
        if self.registrant is None:
            return
        self.dialog = ReprintDialog(self.registrant,
                                    self.registrant.code in self._names_corrected, self)
        self.dialog.submitted.connect(self._reprint)
        self.dialog.open()

    def _reprint(self, document: str, reason: str) -> None:
        dialog, code = self.dialog, self.registrant.code
        sent = self.tr("Sent to the printer: {0} ({1})").format(
            document_word(document), reason)
        try:
            self.printing.reprint(code, document, reason,
                                  done=lambda: self.say(sent, OK_STYLE),
                                  failed=self._failed(self.tr("Not reprinted")))
        except DeskError as exc:
            dialog.show_error(str(exc))
            return
        dialog.accept()

    def print_finished(self, code: str, document: str, state: str, detail: str) -> None:
        """A print job for someone ended: say so when it is the person shown. `detail`: why
        it failed, or for a done job what to check before handing it over."""
        if not (self.code and code.upper() == self.code.upper()):
            return
        if state == "done" and detail:
            self.print_note.setText(self.tr("Printed: {0} — check it: {1}").format(
                document_word(document), detail))
            self.print_note.setStyleSheet(WARN_STYLE)
        elif state == "done":
            self.print_note.setText(self.tr("Printed: {0}").format(
                document_word(document)))
            self.print_note.setStyleSheet(OK_STYLE)
        elif state == "failed":
            self.print_note.setText(self.tr("Printing failed: {0} — {1}").format(
                document_word(document), detail))
            self.print_note.setStyleSheet(ERROR_STYLE)
        self.print_note.setVisible(state in ("done", "failed"))
        self.reload()

    def open_edit(self) -> None:
        if self.registrant is None:
            return
        self.dialog = EditDialog(self.registrant, self.store, self, role=self.role)
        self.dialog.submitted.connect(self._save_edit)
        self.dialog.open()

    def _save_edit(self, changes: dict, reason: str) -> None:
        dialog, desk = self.dialog, self.desk
        code, base = dialog.registrant.code, dialog.registrant.version

        def save():
            try:
                return desk.edit(code, changes, base_version=base, reason=reason), ""
            except EditConflict:
                return None, "conflict"

        def done(result) -> None:
            reg, problem = result
            if problem:
                dialog.conflict()
                self.reload_if(code)
                return
            dialog.accept()
            if "name" in changes:
                self._names_corrected.add(code)
            said = self.tr("Saved: {0}").format(
                ", ".join(field_word(key) for key in sorted(changes)))
            if "name" in changes:
                said += self.tr("  — reprint the badge (Ctrl+P)")
            self.say(said, OK_STYLE)
            self._done(code, edited=True)

        def failed(message: str) -> None:
            dialog.saving(False)
            dialog.show_error(self.tr("Not saved: {0}").format(message))

        dialog.saving(True)
        self.runner.run(save, done, failed)

    def open_override(self) -> None:
        if self.registrant is None:
            return
        station = self.station()
        self.dialog = OverrideDialog(self.registrant, station_label(station, self.store.config),
                                     self)
        self.dialog.submitted.connect(lambda supervisor, reason: self._override(
            station, supervisor, reason))
        self.dialog.open()

    def _override(self, station: str, supervisor: str, reason: str) -> None:
        dialog, desk, code = self.dialog, self.desk, self.registrant.code

        def done(decision: Decision) -> None:
            dialog.accept()
            self.say(self.tr("Admitted by supervisor {0}'s override: {1}").format(
                supervisor, reason), OK_STYLE)
            self.announce(decision)
            self._done(code)

        def failed(message: str) -> None:
            dialog.saving(False)
            dialog.show_error(message)

        dialog.saving(True)
        self.runner.run(lambda: desk.override(code, station, reason, supervisor), done, failed)
