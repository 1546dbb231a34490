"""Register someone who is not on the list (a walk-in), check them in and print the badge.

The form starts from what was searched for (a name, a phone, a code), checks what it can as
it is typed (a name is required, a phone is 11 digits, an e-mail looks like one) and says so
next to the form; payment is always chosen (with amount and method when paid), meals and
forums ticked. A scan while its code field has focus fills that field (nothing is decided
behind the form); Esc on a form with something typed asks before throwing it away. The
registration and check-in run on the desk's DB thread in one transaction (Desk.walk_in), so
the GUI never waits for the disk.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import normalize as norm
from ..desk import Desk
from ..model import FREE, PAID, PAYMENT_METHODS, REFUNDED, UNPAID, EventConfig
from .forms import BAD_FIELD, action_buttons, message_line
from .tasks import DbRunner

translate = QCoreApplication.translate  # the catalogue extraction finds translate("Context", "...")

DEFAULT_CATEGORY = "参会代表"


def payment_combo(parent: QWidget, current: str | None = PAID) -> QComboBox:
    """The payment words the desk knows, shown in the window's language, stored as the
    event's data has them (Chinese)."""
    box = QComboBox(parent)
    for word, shown in ((PAID, translate("Payment", "paid")),
                        (UNPAID, translate("Payment", "unpaid")),
                        (FREE, translate("Payment", "free")),
                        (REFUNDED, translate("Payment", "refunded"))):
        box.addItem(shown, word)
    if current and box.findData(current) < 0:
        box.addItem(current, current)  # a word an export used: kept as it is
    box.setPlaceholderText(translate("Payment", "choose…"))
    box.setCurrentIndex(box.findData(current) if current else -1)  # None: staff must choose
    return box


def category_combo(parent: QWidget, config: EventConfig, current: str | None) -> QComboBox:
    """The event's categories with their badge colour."""
    box = QComboBox(parent)
    names = [c.name for c in config.categories]
    if current and current not in names:
        names.append(current)
    if not names:
        names = [DEFAULT_CATEGORY]
    for name in names:
        category = config.category(name)
        swatch = QPixmap(14, 14)
        swatch.fill(QColor(category.colour if category else "#9e9e9e"))
        box.addItem(swatch, name, name)
    index = box.findData(current or DEFAULT_CATEGORY)
    box.setCurrentIndex(max(index, 0))
    return box


# Stored as the key, shown in the window's language: translated when the form is built
# (the language is installed after this module is imported).
METHOD_WORDS = {
    "cash": QT_TRANSLATE_NOOP("Payment", "cash"),
    "wechat": QT_TRANSLATE_NOOP("Payment", "WeChat Pay"),
    "alipay": QT_TRANSLATE_NOOP("Payment", "Alipay"),
    "card": QT_TRANSLATE_NOOP("Payment", "bank card"),
    "transfer": QT_TRANSLATE_NOOP("Payment", "bank transfer"),
    "invoice": QT_TRANSLATE_NOOP("Payment", "invoice to follow"),
}


def method_combo(parent: QWidget) -> QComboBox:
    box = QComboBox(parent)
    for key in PAYMENT_METHODS:
        box.addItem(translate("Payment", METHOD_WORDS[key]) if key in METHOD_WORDS else key,
                    key)
    box.setPlaceholderText(translate("Payment", "how…"))
    box.setCurrentIndex(-1)
    return box


def ticked_list(parent: QWidget, items: list[tuple[str, str]]) -> QListWidget:
    """(key, label) rows with a tick box each (meals, forums)."""
    box = QListWidget(parent)
    for key, label in items:
        row = QListWidgetItem(label)
        row.setData(Qt.ItemDataRole.UserRole, key)
        row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        row.setCheckState(Qt.CheckState.Unchecked)
        box.addItem(row)
    box.setMaximumHeight(max(28, 22 * min(len(items), 4) + 6))
    return box


def ticked(box: QListWidget) -> list[str]:
    return [box.item(i).data(Qt.ItemDataRole.UserRole) for i in range(box.count())
            if box.item(i).checkState() == Qt.CheckState.Checked]


def prefill_from_search(text: str) -> dict[str, str]:
    """What a search that found nobody already says about the person: digits are a phone,
    a code-like word (letters with digits) is a code, anything else a name."""
    text = text.strip()
    if not text:
        return {}
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) >= 7:
        return {"phone": digits}
    if any(c.isdigit() for c in text) and any(c.isalpha() for c in text) and " " not in text:
        return {"code": text.upper()}
    return {"name": text}


def field_problem(key: str, value: str) -> str | None:
    """What is wrong with one typed field, in plain words (None: fine)."""
    value = value.strip()
    if key == "name":
        return None if norm.name(value)[0] else translate("Field", "A name is required")
    if key == "phone" and value and norm.phone(value)[1]:
        return translate("Field", "The phone must be an 11-digit mobile number (e.g. 13800138000)")
    if key == "email" and value and norm.email(value)[1]:
        return translate("Field", "The e-mail does not look like an address")
    return None


class WalkInDialog(QDialog):
    # (Registrant, Decision | None) once registered; emitted on the GUI thread
    registered = Signal(object, object)

    def __init__(self, desk: Desk, runner: DbRunner, config: EventConfig, parent=None,
                 prefill: dict[str, str] | None = None):
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.setWindowTitle(self.tr("Walk-in registration"))
        self.setMinimumWidth(560)
        self.name = QLineEdit(placeholderText=self.tr("required"))
        self.phone = QLineEdit(placeholderText="13800138000")
        self.email = QLineEdit()
        self.organisation = QLineEdit()
        self.title = QLineEdit()
        self.code = QLineEdit(placeholderText=self.tr("optional: scan or type their code"))
        self.category = category_combo(self, config, DEFAULT_CATEGORY)
        self.payment = payment_combo(self, None)  # chosen, never assumed: a rushed "paid"
        # lets an unpaid walk-in in for free
        self.amount = QLineEdit(placeholderText=self.tr("e.g. 480"))
        self.method = method_combo(self)
        self.meals = ticked_list(self, [(m.id, m.name) for m in config.meals])
        self.forums = ticked_list(self, [(f.id, f.name) for f in config.forums])
        self._problems: dict[str, str] = {}
        self.fields = {"name": self.name, "phone": self.phone, "email": self.email,
                       "organisation": self.organisation, "title": self.title}
        form = QFormLayout()
        form.addRow(self.tr("Name *"), self.name)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("E-mail"), self.email)
        form.addRow(self.tr("Organisation"), self.organisation)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Code"), self.code)
        form.addRow(self.tr("Category"), self.category)
        form.addRow(self.tr("Payment *"), self.payment)
        form.addRow(self.tr("Amount (yuan)"), self.amount)
        form.addRow(self.tr("Paid by"), self.method)
        if config.meals:
            form.addRow(self.tr("Meals"), self.meals)
        if config.forums:
            form.addRow(self.tr("Forums"), self.forums)
        self.message = message_line()
        self.submit_button = QPushButton(self.tr("Register, check in and print"))
        self.submit_button.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(action_buttons(self, self.submit_button, self.tr("Cancel")))
        for key, field in self.fields.items():
            field.editingFinished.connect(lambda key=key: self._check(key))
            field.textEdited.connect(lambda _text, field=field: field.setStyleSheet(""))
        self.payment.currentIndexChanged.connect(self._payment_chosen)
        self._payment_chosen()
        for key, value in (prefill or {}).items():
            {**self.fields, "code": self.code}[key].setText(value)
        self._start = self._typed()  # what a "changed" form is measured against
        self.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _typed(self) -> tuple:
        return (tuple(f.text() for f in (*self.fields.values(), self.code, self.amount)),
                self.payment.currentIndex(), self.method.currentIndex(),
                tuple(ticked(self.meals)), tuple(ticked(self.forums)))

    def changed(self) -> bool:
        return self._typed() != self._start

    def _payment_chosen(self) -> None:
        """Amount and method only mean something for a paid walk-in."""
        paid = self.payment.currentData() == PAID
        self.amount.setEnabled(paid)
        self.method.setEnabled(paid)

    def take_scan(self, payload: str) -> bool:
        """A scan while the code field has focus is this form's (the ScanGate asks)."""
        if not self.code.hasFocus():
            return False
        self.code.setText(payload.strip())
        return True

    def discard(self) -> None:
        """Close without asking (a program closing the form, not a person)."""
        super().reject()

    def reject(self) -> None:
        """Esc, Cancel or the window's close: a form with something typed asks first."""
        if self.changed() and self.submit_button.isEnabled():
            answer = QMessageBox.question(
                self, self.tr("Discard this walk-in?"),
                self.tr("What was typed for this walk-in will be lost."),
                QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Discard:
                return
        super().reject()

    def values(self) -> dict:
        values = {key: field.text().strip() for key, field in self.fields.items()}
        values = {key: value for key, value in values.items() if value}
        values["category"] = self.category.currentData()
        values["payment"] = self.payment.currentData()
        if self.code.text().strip():
            values["code"] = self.code.text().strip()
        if values["payment"] == PAID and self.amount.text().strip():
            values["amount"] = self.amount.text().strip()
        values["meals"], values["forums"] = ticked(self.meals), ticked(self.forums)
        return values

    def method_chosen(self) -> str | None:
        return self.method.currentData() if self.payment.currentData() == PAID else None

    def _check(self, key: str) -> str | None:
        """Check one field as it is left: mark it and say what is wrong under the form."""
        problem = field_problem(key, self.fields[key].text())
        self.fields[key].setStyleSheet(BAD_FIELD if problem else "")
        if problem:
            self._problems[key] = problem
        else:
            self._problems.pop(key, None)
        self.show_error("\n".join(self._problems.values()))
        return problem

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def submit(self) -> None:
        if [p for p in (self._check(key) for key in self.fields) if p]:
            self.fields[next(iter(self._problems))].setFocus()
            return
        if self.payment.currentIndex() < 0:
            self.show_error(self.tr("Choose the payment: paid (on site too), unpaid or free"))
            self.payment.setFocus()
            return
        if self.payment.currentData() == PAID and self.method.currentIndex() < 0:
            self.show_error(self.tr("Choose how they paid: cash, WeChat Pay, Alipay, card, "
                                    "transfer or invoice to follow"))
            self.method.setFocus()
            return
        self.submit_button.setEnabled(False)  # one click, one registration
        self.message.setVisible(False)
        desk, fields, method = self.desk, self.values(), self.method_chosen()

        def done(result) -> None:
            reg, decision = result
            self.registered.emit(reg, decision)
            self.accept()

        def failed(message: str) -> None:
            self.submit_button.setEnabled(True)
            self.show_error(self.tr("Not registered: {0}").format(message))

        self.runner.run(lambda: desk.walk_in(fields, check_in=True, payment_method=method),
                        done, failed)
