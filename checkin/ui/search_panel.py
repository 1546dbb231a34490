"""The Find tab's list: type-ahead over name, pinyin, initials, phone tail, organisation and
code. Enter checks a person in only when there is exactly one match or a row was picked on
purpose (arrow keys, a click): "wang" and Enter out of habit admits nobody among 17 王s.
Rows show the category's colour, the organisation and the phone's last digits, so two 王伟
can be told apart; selecting one shows them in the detail panel."""

from __future__ import annotations

import gc
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
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
from ..model import EventConfig
from ..search import Hit, SearchIndex
from .changes import Changes
from .tasks import DbRunner

CODE = Qt.ItemDataRole.UserRole
NO_COLOUR = "#9e9e9e"


def phone_tail(phone: str | None) -> str:
    """'…8000' from any phone, masked or not: enough to tell two people apart."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    return f"…{digits[-4:]}" if len(digits) >= 4 else ""


class SearchPanel(QWidget):
    selected = Signal(str)  # the code of the result now selected

    def __init__(self, index: SearchIndex, check_in: Callable[[str], None],
                 config: Callable[[], EventConfig] | None = None, parent=None, *,
                 runner: DbRunner | None = None):
        super().__init__(parent)
        self.index, self.check_in = index, check_in
        self.runner = runner  # builds the index off the GUI thread (None: here, at once)
        self._config = config or EventConfig
        self._stale = False
        self.picked = False  # a row chosen on purpose since the query last changed
        self.query = QLineEdit(placeholderText=self.tr(
            "Name / pinyin / initials / phone tail / organisation / code  (Ctrl+F)"))
        self.query.setClearButtonEnabled(True)
        self.query.installEventFilter(self)  # ↑ ↓ pick a row without leaving the field
        self.count = QLabel()
        self.count.setStyleSheet("color:#444; font-weight:bold")
        self.results = QListWidget()
        self.results.setAlternatingRowColors(True)
        self.hint = QLabel()
        self.walk_in_button = QPushButton(self.tr("Walk-in (Ctrl+N)"))
        self.query.textChanged.connect(self.refresh)
        self.query.returnPressed.connect(self._enter)
        self.results.itemActivated.connect(lambda item: self._enter(item, picked=True))
        self.results.itemClicked.connect(self._pick)
        self.results.currentItemChanged.connect(self._current_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.query)
        layout.addWidget(self.count)
        layout.addWidget(self.results, stretch=1)
        layout.addWidget(self.hint)
        layout.addWidget(self.walk_in_button)
        self._say_hint()

    def refresh(self, text: str, keep: str | None = None) -> None:
        """Show the hits for `text`; select `keep` (a code) when it is among them."""
        self.results.blockSignals(True)  # one 'selected' at the end, not one per row
        kept = keep is not None and self.picked
        try:
            self.results.clear()
            config = self._config()
            for hit in self.index.search(text) if text.strip() else []:
                self.results.addItem(self._row(hit, config))
            row = next((r for r in range(self.results.count())
                        if self.results.item(r).data(CODE) == keep), None)
            if self.results.count():
                self.results.setCurrentRow(row if row is not None else 0)
        finally:
            self.results.blockSignals(False)
        self.picked = kept and row is not None  # a re-run keeps a pick; a new query does not
        shown = self.results.count()
        self.count.setText(self.tr("{0} match(es)").format(shown) if text.strip() else "")
        self._say_hint()
        if bool(text.strip()) and not shown:  # the person shown before must not stay one
            self.selected.emit("")  # Ctrl+Enter from a check-in
        self._current_changed(self.results.currentItem())

    def _row(self, hit: Hit, config: EventConfig) -> QListWidgetItem:
        mark = "✓" if hit.arrived else ("✗" if hit.missing else "·")
        first = f"{mark} {hit.name}    {hit.category or ''}"
        second = "  ".join(x for x in (hit.organisation, phone_tail(hit.phone), hit.code) if x)
        item = QListWidgetItem(f"{first}\n     {second}")
        category = config.category(hit.category)
        swatch = QPixmap(16, 32)
        swatch.fill(QColor(category.colour if category else NO_COLOUR))
        item.setIcon(QIcon(swatch))
        item.setData(CODE, hit.code)
        item.setToolTip(f"{hit.name} {hit.organisation or ''} {hit.code}")
        return item

    def _say_hint(self) -> None:
        """What Enter does now, in words: it must never surprise anyone."""
        shown, text = self.results.count(), self.query.text().strip()
        if text and not shown:
            words, warn = self.tr("No match: register a walk-in (Ctrl+N)"), True
        elif shown > 1 and not self.picked:
            words, warn = self.tr("{0} matches: pick one with ↑ ↓ or a click, or type more; "
                                  "Enter checks in only a person you picked").format(shown), True
        else:
            words, warn = self.tr("Enter checks the selected person in"), False
        self.hint.setText(words)
        self.hint.setStyleSheet("color:#a66f00; font-weight:bold" if warn else "color:#666")

    def rerun(self) -> None:
        """Search again (arrival marks, edited names), keeping the selected person. While
        the tab is hidden (scanning), only once it is shown again: a scan costs nothing."""
        if not self.isVisible():
            self._stale = True
        elif self.query.text().strip():
            self.refresh(self.query.text(), keep=self.current_code())

    def on_changes(self, changes: Changes) -> None:
        """The window's changes: registrant data rebuilds the index (then searches again);
        admissions and marks search again (only once the tab is shown: a scan costs nothing)."""
        if changes.registrants:
            self.refresh_index()
        if changes.admissions or changes.marks:
            self.rerun()

    def refresh_index(self) -> None:
        """Registrant data changed (an edit, a walk-in, a sync, an import): rebuild the index
        off the GUI thread, then search again."""
        if self.runner is None:
            self.index.refresh()
            self.rerun()
        else:
            self.runner.run(self.index.refresh, self._index_built)

    def _index_built(self, _=None) -> None:
        # The index is hundreds of thousands of long-lived objects: out of the collector's
        # sight, a full garbage collection no longer pauses every thread for ~50 ms mid-scan
        # (the window unfreezes when it closes).
        gc.freeze()
        self.rerun()

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
            if self.results.hasFocus() and not self.picked:  # arrow keys in the list
                self._pick()
            self.selected.emit(item.data(CODE))

    def _pick(self, item: QListWidgetItem | None = None) -> None:
        """A row chosen on purpose: Enter may now check that person in."""
        if item is not None:
            self.results.setCurrentItem(item)
        self.picked = self.results.currentItem() is not None
        self._say_hint()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if watched is self.query and event.type() == QEvent.Type.KeyPress \
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.results.count():
            step = -1 if event.key() == Qt.Key.Key_Up else 1
            row = self.results.currentRow() if self.picked else (-1 if step > 0 else 0)
            self.results.setCurrentRow(max(0, min(self.results.count() - 1, row + step)))
            self._pick()
            return True
        return super().eventFilter(watched, event)

    def _enter(self, item: QListWidgetItem | None = None, *, picked: bool = False) -> None:
        """Enter: the one match, or the row picked on purpose; otherwise nobody."""
        if not (picked or self.picked or self.results.count() == 1):
            self._say_hint()
            return
        item = item or self.results.currentItem()
        if item is not None:
            self.check_in(StaffChoice(item.data(CODE)))  # chosen by staff, not scanned
            self.query.clear()
