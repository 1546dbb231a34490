"""The dashboard's sync column: the desks this desk has heard from (each one's latest event
as received here: honest offline, it is what this desk knows) and the open sync conflicts,
with the form an organiser resolves one in. Shown only when the desk is enrolled with a
central list."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..masking import mask_text
from ..presentation import station_label, time_shown
from ..store import Store
from ..sync import status as st
from ..sync.conflicts import Conflict
from .forms import action_buttons, message_line
from .sync_panel import event_zone, state_word

COLUMN_WIDTH = 310  # px of the desks-and-conflicts column (charts keep the rest of 1366)

CONFLICT_TYPES = {  # translated when shown
    "double_admission": QT_TRANSLATE_NOOP("Dashboard", "admitted at two desks"),
    "stale_edit": QT_TRANSLATE_NOOP("Dashboard", "edit on old data"),
    "code_taken": QT_TRANSLATE_NOOP("Dashboard", "code already taken"),
    "unknown_code": QT_TRANSLATE_NOOP("Dashboard", "code unknown centrally"),
    "rejected": QT_TRANSLATE_NOOP("Dashboard", "refused by the server"),
    "invalid": QT_TRANSLATE_NOOP("Dashboard", "not usable"),
}


def conflict_type(kind: str) -> str:
    return QCoreApplication.translate("Dashboard", CONFLICT_TYPES[kind]) \
        if kind in CONFLICT_TYPES else kind


def _time(stamp: str | None, zone: dt.tzinfo | None) -> str:
    """A time as the whole window shows it (checkin.presentation); — for never."""
    return time_shown(stamp, zone) or "—"


def conflict_lines(store: Store, conflict: Conflict) -> tuple[str, str]:
    """(who and where, what happened) for the conflicts list."""
    who = " ".join(p for p in (conflict.code, conflict.name) if p) or "—"
    zone = event_zone(store)
    head = (f"{who} · {station_label(conflict.station, store.config) or '—'} · "
            f"{conflict_type(conflict.type)}")
    if conflict.type == "double_admission":
        what = "  /  ".join(f"{e['device']} {_time(e['wall_time'], zone)}"
                            for e in conflict.events)
    else:
        # The server's sentence may quote a value: a phone or an e-mail in it is masked.
        what = mask_text(str(conflict.detail.get("message") or conflict.detail.get("fields")
                             or ""))
        if conflict.events:
            e = conflict.events[0]
            what = f"{e['device']} {_time(e['wall_time'], zone)} {what}".strip()
    return head, what


class ResolveDialog(QDialog):
    """An organiser closes a conflict: which admission stands (double admissions), why,
    and who decided. `submitted(keep uuid or "", reason, resolved by)`."""

    submitted = Signal(str, str, str)

    def __init__(self, store: Store, conflict: Conflict, operator: str, parent=None):
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(self.tr("Resolve a conflict"))
        self.setMinimumWidth(520)
        head, what = conflict_lines(store, conflict)
        note = QLabel(f"{head}\n{what}")
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(note)
        self.keep = QButtonGroup(self)
        if conflict.type == "double_admission":
            box = QVBoxLayout()
            for i, event in enumerate(conflict.events):
                first = self.tr("(in force)") if i == 0 else ""
                when = _time(event["wall_time"], event_zone(store))
                radio = QRadioButton(f"{event['device']} · {when} · {event['operator']} {first}")
                radio.setProperty("uuid", event["uuid"])
                radio.setChecked(i == 0)
                self.keep.addButton(radio)
                box.addWidget(radio)
            form.addRow(self.tr("Keep"), box)
            hint = QLabel(self.tr("The person counts once; the kept admission stands."))
            hint.setWordWrap(True)
            hint.setStyleSheet("color:#607d8b")
            form.addRow("", hint)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["", self.tr("same person scanned twice"),
                              self.tr("checked with the person"),
                              self.tr("central data stands")])
        self.who = QLineEdit(operator)
        self.who.setPlaceholderText(self.tr("who decides"))
        self.reason.currentTextChanged.connect(lambda _: self.message.setVisible(False))
        form.addRow(self.tr("Reason"), self.reason)
        form.addRow(self.tr("Resolved by"), self.who)
        self.message = message_line()
        self.action = QPushButton(self.tr("Resolve"))
        self.action.clicked.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(action_buttons(self, self.action, self.tr("Cancel")))

    def kept(self) -> str:
        button = self.keep.checkedButton()
        return str(button.property("uuid")) if button is not None else ""

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.action.setEnabled(True)

    def _submit(self) -> None:
        reason, who = self.reason.currentText().strip(), self.who.text().strip()
        missing = ([] if reason else [self.tr("A reason is required")]) + \
            ([] if who else [self.tr("Say who decides")])
        if missing:
            self.show_error("\n".join(missing))
            return
        self.message.setVisible(False)
        self.action.setEnabled(False)  # one click, one event
        self.submitted.emit(self.kept(), reason, who)


class SyncColumn(QWidget):
    """Desks' last sync and the open conflicts, beside the charts."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setFixedWidth(COLUMN_WIDTH)
        title = QLabel(self.tr("Desks' last sync"))
        title.setStyleSheet("font-weight:bold; font-size:11pt")
        self.own = QLabel()
        self.own.setWordWrap(True)
        note = QLabel(self.tr("Latest event: the newest record this desk has received from "
                              "each desk (its clock)."))
        note.setWordWrap(True)
        note.setStyleSheet("color:#607d8b; font-size:8pt")
        self.desks = QTableWidget(0, 3)
        self.desks.setHorizontalHeaderLabels(
            [self.tr("Desk"), self.tr("Latest"), self.tr("Events")])
        self.desks.verticalHeader().setVisible(False)
        self.desks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.desks.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.desks.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.desks.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.conflicts_title = QLabel()
        self.conflicts_title.setStyleSheet("font-weight:bold; font-size:11pt")
        self.conflicts = QListWidget()
        self.conflicts.setWordWrap(True)
        self.conflicts.setAlternatingRowColors(True)
        self.resolve_button = QPushButton(self.tr("Resolve selected…"))
        self.resolve_button.setEnabled(False)
        self.conflicts.currentRowChanged.connect(
            lambda row: self.resolve_button.setEnabled(row >= 0))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.own)
        layout.addWidget(self.desks, stretch=2)
        layout.addWidget(note)
        layout.addWidget(self.conflicts_title)
        layout.addWidget(self.conflicts, stretch=3)
        layout.addWidget(self.resolve_button)
        self._listed: list | None = None  # what the conflicts list shows now

    def show_sync(self, store: Store, status: st.SyncStatus, desks: list[dict],
                  conflicts: list[Conflict]) -> None:
        """This desk's sync state, each desk's latest event and the open conflicts. The
        conflicts list is rebuilt only when it changed, so a selection survives a refresh."""
        zone = event_zone(store)
        self.own.setText(self.tr("This desk: {0} · last sync {1} · pending {2}").format(
            state_word(status.state), _time(status.last_success, zone), status.pending))
        self.desks.setRowCount(len(desks))
        for row, desk in enumerate(desks):
            name = desk["name"] + (self.tr(" (this desk)") if desk["this"] else "")
            cells = [name, _time(desk["latest"], zone), str(desk["events"])]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{desk['name']} ({desk['device_id']})"
                                + (self.tr(" — this desk") if desk["this"] else ""))
                self.desks.setItem(row, col, item)
        self.desks.resizeRowsToContents()
        self.conflicts_title.setText(self.tr("Conflicts ({0})").format(len(conflicts)))
        lines = [conflict_lines(store, c) for c in conflicts]
        listed = [(c.uuid, line) for c, line in zip(conflicts, lines, strict=True)]
        if listed == self._listed and self.conflicts.count():
            return  # unchanged: keep the selection and the scroll position as they are
        self._listed = listed
        current = self.conflicts.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current else None
        self.conflicts.clear()
        for conflict, (head, what) in zip(conflicts, lines, strict=True):
            item = QListWidgetItem(f"{head}\n    {what}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.uuid)
            self.conflicts.addItem(item)
            if conflict.uuid == selected:
                self.conflicts.setCurrentItem(item)
        if not conflicts:
            empty = QListWidgetItem(self.tr("No open conflicts"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.conflicts.addItem(empty)
        self.resolve_button.setEnabled(self.conflicts.currentRow() >= 0 and bool(conflicts))

    def selected_uuid(self) -> str | None:
        item = self.conflicts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
