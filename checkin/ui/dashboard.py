"""Live headcounts for organisers: arrived vs expected, arrivals per 15 minutes, meals per
slot, forum attendance against capacity. Refreshes itself; F11 for a projector.

When the desk is enrolled with a central list, a column on the right lists the desks this desk
has heard from and the open sync conflicts (checkin/ui/conflicts_view.py), which an organiser
resolves here (a `resolve` event, recorded on the DbRunner and sent up by the next round).
The charts are drawn by checkin/ui/charts.py; every figure is read on the DbRunner."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..stats import arrivals_per_quarter_hour, headcounts
from ..store import Store
from ..store.desk_views import desks_seen
from ..sync import status as st
from ..sync.conflicts import Conflict, open_conflicts, resolve
from .charts import BLUE, GREEN, GREY, BarChart
from .conflicts_view import ResolveDialog, SyncColumn
from .tasks import DbRunner

__all__ = ["Dashboard", "desks_seen"]  # desks_seen: the screenshots fill the column with it


class Dashboard(QWidget):
    resolved = Signal(str)  # the resolve event's uuid (same thread): the window syncs it now

    def __init__(self, store: Store, runner: DbRunner, refresh_ms: int = 5000, parent=None,
                 operator: Callable[[], str] | None = None):
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.operator = operator or (lambda: "")
        self.total = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.total.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.by_category = BarChart(self.tr("Arrived vs expected"),
                                    [(self.tr("expected"), GREY), (self.tr("arrived"), GREEN)])
        self.per_quarter = BarChart(self.tr("Arrivals per 15 min"),
                                    [(self.tr("arrivals"), BLUE)])
        self.meals = BarChart(self.tr("Meals per slot"),
                              [(self.tr("entitled"), GREY), (self.tr("redeemed"), GREEN)])
        self.forums = BarChart(self.tr("Forum attendance"),
                               [(self.tr("capacity"), GREY), (self.tr("entered"), GREEN),
                                (self.tr("inside now"), BLUE)])
        grid = QGridLayout()
        for i, chart in enumerate((self.by_category, self.per_quarter, self.meals, self.forums)):
            grid.addWidget(chart.view, i // 2, i % 2)
        self.sync_column = SyncColumn()
        self.sync_column.setVisible(False)  # shown once the desk is known to be enrolled
        self.sync_column.resolve_button.clicked.connect(self.resolve_selected)
        self.sync_column.conflicts.itemDoubleClicked.connect(lambda _: self.resolve_selected())
        body = QHBoxLayout()
        body.addLayout(grid, stretch=1)
        body.addWidget(self.sync_column)
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addLayout(body, stretch=1)
        self.last_stats: dict | None = None
        self.desks: list[dict] = []
        self.conflicts: list[Conflict] = []
        self.dialog: ResolveDialog | None = None
        self._timer = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        self.refresh()  # at once when opened; the timer keeps it fresh while shown

    def refresh(self) -> None:
        """Counts are read on the DB thread; the charts are redrawn here when they arrive.
        Nothing is counted while the dashboard is hidden: the desk's scans come first."""
        if not self.isVisible():
            return
        store = self.store

        def count():
            status = st.load(store)
            synced = status.state != st.NOT_ENROLLED
            return (headcounts(store), arrivals_per_quarter_hour(store), status,
                    desks_seen(store) if synced else [],
                    open_conflicts(store) if synced else [])  # ~0.12 s at 100k: not here

        self.runner.run(count, self._show)

    def _show(self, result) -> None:
        stats, quarters, status, desks, conflicts = result
        self.last_stats = stats
        self._show_sync(status, desks, conflicts)
        share = stats["arrived"] / stats["expected"] * 100 if stats["expected"] else 0
        self.total.setText(self.tr("Arrived {0} / {1} ({2}%)").format(
            stats["arrived"], stats["expected"], f"{share:.0f}"))
        cats = stats["by_category"]
        self.by_category.show([c["category"] for c in cats],
                              [[c["expected"] for c in cats], [c["arrived"] for c in cats]])
        self.per_quarter.show([q for q, _ in quarters], [[n for _, n in quarters]])
        meals = stats["meals"]
        self.meals.show([m["name"] for m in meals],
                        [[m["entitled"] for m in meals], [m["redeemed"] for m in meals]])
        forums = stats["forums"] + stats.get("lists", [])  # a list's bars read as a door's
        self.forums.show([f["name"] for f in forums],
                         [[f["capacity"] or 0 for f in forums], [f["entered"] for f in forums],
                          [f["inside"] for f in forums]])

    # -- desks and conflicts ------------------------------------------------------------
    def _show_sync(self, status: st.SyncStatus, desks: list[dict],
                   conflicts: list[Conflict]) -> None:
        column = self.sync_column
        column.setVisible(status.state != st.NOT_ENROLLED)
        if status.state == st.NOT_ENROLLED:
            return
        self.desks, self.conflicts = desks, conflicts
        column.show_sync(self.store, status, desks, conflicts)

    def selected_conflict(self) -> Conflict | None:
        uuid = self.sync_column.selected_uuid()
        return next((c for c in self.conflicts if c.uuid == uuid), None)

    def resolve_selected(self) -> ResolveDialog | None:
        """Open the resolve form for the selected conflict (the first one if none is)."""
        conflict = self.selected_conflict() or (self.conflicts[0] if self.conflicts else None)
        if conflict is None:
            return None
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.reject()
        self.dialog = ResolveDialog(self.store, conflict, self.operator(), self)
        self.dialog.submitted.connect(
            lambda keep, reason, who: self._resolve(conflict, keep, reason, who))
        self.dialog.open()
        return self.dialog

    def _resolve(self, conflict: Conflict, keep: str, reason: str, who: str) -> None:
        store, dialog = self.store, self.dialog

        def done(event) -> None:
            if dialog is not None:
                dialog.accept()
            self.resolved.emit(event.uuid)
            self.refresh()

        def failed(message: str) -> None:
            if dialog is not None:
                dialog.show_error(message)

        self.runner.run(lambda: resolve(store, conflict.uuid, operator=who, reason=reason,
                                        keep=keep or None), done, failed)

