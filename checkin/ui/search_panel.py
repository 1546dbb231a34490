"""The Find tab's list: type-ahead over name, pinyin, initials, phone tail, organisation and
code. Enter on a result checks that person in; selecting one shows them in the detail panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..desk import StaffChoice
from ..search import SearchIndex

CODE = Qt.ItemDataRole.UserRole


class SearchPanel(QWidget):
    selected = Signal(str)  # the code of the result now selected

    def __init__(self, index: SearchIndex, check_in: Callable[[str], None], parent=None):
        super().__init__(parent)
        self.index, self.check_in = index, check_in
        self._stale = False
        self.query = QLineEdit(placeholderText=self.tr(
            "Name / pinyin / initials / phone tail / organisation / code  (Ctrl+F)"))
        self.query.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setAlternatingRowColors(True)
        self.hint = QLabel(self.tr("Enter checks the selected person in"))
        self.hint.setStyleSheet("color:#666")
        self.walk_in_button = QPushButton(self.tr("Walk-in (Ctrl+N)"))
        self.query.textChanged.connect(self.refresh)
        self.query.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(lambda item: self._enter(item))
        self.results.currentItemChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query)
        layout.addWidget(self.results, stretch=1)
        layout.addWidget(self.hint)
        layout.addWidget(self.walk_in_button)

    def refresh(self, text: str, keep: str | None = None) -> None:
        """Show the hits for `text`; select `keep` (a code) when it is among them."""
        self.results.blockSignals(True)  # one 'selected' at the end, not one per row
        try:
            self.results.clear()
            for hit in self.index.search(text) if text.strip() else []:
                mark = "✓" if hit.arrived else ("✗" if hit.missing else "·")
                first = f"{mark} {hit.name}    {hit.category or ''}"
                second = "  ".join(x for x in (hit.organisation, hit.code) if x)
                item = QListWidgetItem(f"{first}\n     {second}")
                item.setData(CODE, hit.code)
                item.setToolTip(f"{hit.name} {hit.organisation or ''} {hit.code}")
                self.results.addItem(item)
            row = next((r for r in range(self.results.count())
                        if self.results.item(r).data(CODE) == keep), 0)
            if self.results.count():
                self.results.setCurrentRow(row)
        finally:
            self.results.blockSignals(False)
        nothing = bool(text.strip()) and not self.results.count()
        self.hint.setText(self.tr("No match: register a walk-in (Ctrl+N)") if nothing
                          else self.tr("Enter checks the selected person in"))
        self.hint.setStyleSheet("color:#a66f00; font-weight:bold" if nothing else "color:#666")
        if nothing:  # the person shown before must not stay one Ctrl+Enter from a check-in
            self.selected.emit("")
        self._current_changed(self.results.currentItem())

    def rerun(self) -> None:
        """Search again (arrival marks, edited names), keeping the selected person. While
        the tab is hidden (scanning), only once it is shown again: a scan costs nothing."""
        if not self.isVisible():
            self._stale = True
        elif self.query.text().strip():
            self.refresh(self.query.text(), keep=self.current_code())

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.rerun()

    def current_code(self) -> str | None:
        item = self.results.currentItem()
        return item.data(CODE) if item is not None else None

    def _current_changed(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.selected.emit(item.data(CODE))

    def _enter(self, item: QListWidgetItem | None = None) -> None:
        item = item or self.results.currentItem()
        if item is not None:
            self.check_in(StaffChoice(item.data(CODE)))  # chosen by staff, not scanned
            self.query.clear()
