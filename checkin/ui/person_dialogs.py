"""The person panel's forms: reprint with a reason, edit (audited, refused when the person
changed meanwhile), supervisor override with a reason. Each only asks: it emits `submitted`
and the panel does the work on the DbRunner, then calls `accept`, `show_error`, `saving` or
`conflict` on it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from ..model import Registrant
from ..privacy import Role, display_registrant
from ..store import Store
from ..store import registrants as reg_store
from .forms import BAD_FIELD, ERROR_STYLE
from .walkin_dialog import category_combo, field_problem, payment_combo

EDITABLE = ("name", "phone", "email", "organisation", "title", "category", "team", "payment",
            "remarks")


class _Form(QDialog):
    """A small modal form with a message line for what is wrong and one action button."""

    def __init__(self, title: str, action: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.form = QFormLayout()
        self.message = QLabel(wordWrap=True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setVisible(False)
        self.action = QPushButton(action)
        self.action.setDefault(True)
        self.action.clicked.connect(self._submit)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.cancel)
        self.buttons.addWidget(self.action)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def saving(self, busy: bool) -> None:
        self.action.setEnabled(not busy)  # one click, one write

    def _submit(self) -> None:
        raise NotImplementedError


class ReprintDialog(_Form):
    submitted = Signal(str, str)  # document, reason

    def __init__(self, reg: Registrant, name_corrected: bool, parent=None):
        super().__init__(self.tr("Reprint — {0}").format(reg.name), self.tr("Reprint"), parent)
        self.document = QComboBox()
        self.document.addItem(self.tr("Badge"), "badge")
        if reg.meals:
            self.document.addItem(self.tr("Meal vouchers"), "vouchers")
        self.lost = QRadioButton(self.tr("Lost badge"))
        self.corrected = QRadioButton(self.tr("Name corrected"))
        self.other = QRadioButton(self.tr("Other:"))
        self.other_text = QLineEdit(placeholderText=self.tr("reason"))
        self.other_text.textEdited.connect(lambda _: self.other.setChecked(True))
        self.reasons = QButtonGroup(self)
        for button in (self.lost, self.corrected, self.other):
            self.reasons.addButton(button)
        self.corrected.setChecked(name_corrected)
        other = QHBoxLayout()
        other.addWidget(self.other)
        other.addWidget(self.other_text, stretch=1)
        self.form.addRow(self.tr("Print"), self.document)
        self.form.addRow(self.tr("Reason"), self.lost)
        self.form.addRow("", self.corrected)
        self.form.addRow("", other)

    def reason(self) -> str:
        if self.lost.isChecked():
            return self.tr("lost badge")
        if self.corrected.isChecked():
            return self.tr("name corrected")
        if self.other.isChecked():
            return self.other_text.text().strip()
        return ""

    def _submit(self) -> None:
        reason = self.reason()
        if not reason:
            self.show_error(self.tr("A reprint needs a reason: choose one or type it"))
            return
        self.submitted.emit(self.document.currentData(), reason)


class EditDialog(_Form):
    submitted = Signal(object, str)  # the changed fields (a dict), the reason

    def __init__(self, reg: Registrant, store: Store, parent=None, role: Role = Role.DESK):
        super().__init__(self.tr("Edit — {0} ({1})").format(reg.name, reg.code),
                         self.tr("Save"), parent)
        self.store, self.role = store, role
        self.masked: dict[str, str] = {}  # field -> its masked value: empty means unchanged
        self.reload_button = QPushButton(self.tr("Reload"))
        self.reload_button.setVisible(False)
        self.reload_button.clicked.connect(self.reload)
        self.buttons.insertWidget(1, self.reload_button)
        self.fields: dict[str, QLineEdit] = {}
        labels = {"name": self.tr("Name"), "phone": self.tr("Phone"),
                  "email": self.tr("E-mail"), "organisation": self.tr("Organisation"),
                  "title": self.tr("Title"), "team": self.tr("Team"),
                  "remarks": self.tr("Remarks")}
        for key in EDITABLE:
            if key == "category":
                self.category = category_combo(self, store.config, reg.category)
                self.form.addRow(self.tr("Category"), self.category)
            elif key == "payment":
                self.payment = payment_combo(self, reg.payment)
                self.form.addRow(self.tr("Payment"), self.payment)
            else:
                self.fields[key] = QLineEdit()
                self.form.addRow(labels[key], self.fields[key])
        # someone who asked not to be named on the projector (counted all the same)
        self.wall_hidden = QCheckBox(self.tr("Not on the welcome wall"))
        self.form.addRow("", self.wall_hidden)
        self.reason = QLineEdit(placeholderText=self.tr("e.g. typo on badge"))
        self.form.addRow(self.tr("Reason"), self.reason)
        self.masked_note = QLabel(self.tr(
            "Phone numbers and e-mails are masked on this desk: a masked field left empty "
            "keeps what is stored; type a new value to replace it."), wordWrap=True)
        self.masked_note.setStyleSheet("color:#666")
        self.form.addRow(self.masked_note)
        self._show(reg)

    def _show(self, reg: Registrant) -> None:
        """Fill the form with `reg`. For the desk role a value masking hides (a phone, an
        e-mail, remarks with a number in them) is not put in its field as if it were the real
        one: the field starts empty with the masked value as its placeholder."""
        self.registrant = reg  # the version this edit is based on
        shown = display_registrant(reg, self.role)
        self.masked = {}
        for key, field in self.fields.items():
            real, seen = getattr(reg, key) or "", getattr(shown, key) or ""
            if seen != real:
                self.masked[key] = seen
                field.setText("")
                field.setPlaceholderText(self.tr("{0} (unchanged unless you type)").format(seen))
            else:
                field.setText(real)
                field.setPlaceholderText("")
            field.setStyleSheet("")
        self.masked_note.setVisible(bool(self.masked))
        for box, value in ((self.category, reg.category), (self.payment, reg.payment)):
            index = next((i for i in range(box.count()) if box.itemData(i) == value), -1)
            if index < 0:  # a word the event does not list, or none: kept as it is
                box.addItem(value or "—", value)
                index = box.count() - 1
            box.setCurrentIndex(index)
        self.wall_hidden.setChecked(reg.wall_hidden)

    def changes(self) -> dict:
        typed = {key: field.text().strip() for key, field in self.fields.items()}
        for key, seen in self.masked.items():  # left empty (or the mask typed in): kept
            if typed[key] in ("", seen):
                del typed[key]
        typed["category"] = self.category.currentData()
        typed["payment"] = self.payment.currentData()
        changed = {key: value for key, value in typed.items()
                   if (value or "") != (getattr(self.registrant, key) or "")}
        if self.wall_hidden.isChecked() != self.registrant.wall_hidden:
            changed["wall_hidden"] = self.wall_hidden.isChecked()
        return changed

    def _submit(self) -> None:
        problems = []
        for key, field in self.fields.items():
            problem = field_problem(key, field.text())
            field.setStyleSheet(BAD_FIELD if problem else "")
            if problem:
                problems.append(problem)
        if problems:
            self.show_error("\n".join(problems))
            return
        changes = self.changes()
        if not changes:
            self.show_error(self.tr("Nothing was changed"))
            return
        self.show_error("")
        self.submitted.emit(changes, self.reason.text().strip())

    def conflict(self) -> None:
        """Someone changed this person after the form was opened: nothing was written."""
        self.saving(False)
        self.action.setEnabled(False)
        self.reload_button.setVisible(True)
        self.show_error(self.tr(
            "Not saved: this person was changed elsewhere (another desk or an import) while "
            "you were editing, so your changes were not written. Press Reload to see the "
            "current data, then edit again."))

    def reload(self) -> None:
        reg = reg_store.get(self.store.reader(), self.registrant.code)
        if reg is not None:
            self._show(reg)
        self.reload_button.setVisible(False)
        self.action.setEnabled(True)
        self.show_error("")


class OverrideDialog(_Form):
    submitted = Signal(str, str)  # supervisor, reason

    def __init__(self, reg: Registrant, station_label: str, parent=None):
        super().__init__(self.tr("Supervisor override — {0}").format(reg.name),
                         self.tr("Admit"), parent)
        note = QLabel(self.tr("Admit {1} ({2}) at {0} against the rules").format(
            station_label, reg.name, reg.payment or "—"))
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        self.supervisor = QLineEdit(placeholderText=self.tr("supervisor's name"))
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.addItems(["", self.tr("pays on site"),
                              self.tr("payment on its way"),
                              self.tr("invited by the organisers")])
        self.reason.setCurrentIndex(0)
        self.form.addRow(note)
        self.form.addRow(self.tr("Supervisor"), self.supervisor)
        self.form.addRow(self.tr("Reason"), self.reason)

    def _submit(self) -> None:
        supervisor = self.supervisor.text().strip()
        reason = self.reason.currentText().strip()
        missing = []
        if not supervisor:
            missing.append(self.tr("The supervisor's name is required"))
        if not reason:
            missing.append(self.tr("A reason is required"))
        self.supervisor.setStyleSheet(BAD_FIELD if not supervisor else "")
        if missing:
            self.show_error("\n".join(missing))
            return
        self.show_error("")
        self.submitted.emit(supervisor, reason)
