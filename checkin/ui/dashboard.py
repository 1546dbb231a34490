"""Live headcounts for organisers: arrived vs expected, arrivals per 15 minutes, meals per
slot, forum attendance against capacity. Refreshes itself; F11 for a projector."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from ..stats import arrivals_per_quarter_hour, headcounts
from ..store import Store
from .tasks import DbRunner

GREEN, GREY, BLUE = "#2e7d32", "#b0bec5", "#1565c0"


class BarChart:
    """A bar chart built once; refreshes only change values and categories (creating and
    deleting Qt series on every refresh churns objects Python and Qt both track)."""

    def __init__(self, title: str, sets: list[tuple[str, str]]):
        self.chart = QChart()
        self.chart.setTitle(title)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.series = QBarSeries()
        self.bar_sets = []
        for label, colour in sets:
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            self.series.append(bar_set)
            self.bar_sets.append(bar_set)
        self.chart.addSeries(self.series)
        self.x_axis = QBarCategoryAxis()
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)

    def show(self, categories: list[str], values: list[list[int]]) -> None:
        self.x_axis.setCategories(categories or ["—"])
        for bar_set, numbers in zip(self.bar_sets, values, strict=True):
            bar_set.remove(0, bar_set.count())
            bar_set.append([float(v) for v in numbers])
        self.y_axis.setRange(0, max([1, *(v for numbers in values for v in numbers)]) * 1.1)


class Dashboard(QWidget):
    def __init__(self, store: Store, runner: DbRunner, refresh_ms: int = 5000, parent=None):
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.total = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.total.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.by_category = BarChart("到场 / 应到 · Arrived vs expected",
                                    [("应到 expected", GREY), ("已到 arrived", GREEN)])
        self.per_quarter = BarChart("每15分钟到场 · Arrivals per 15 min", [("到场 arrivals", BLUE)])
        self.meals = BarChart("用餐 · Meals per slot",
                              [("应领 entitled", GREY), ("已领 redeemed", GREEN)])
        self.forums = BarChart("分论坛 · Forum attendance",
                               [("座位 capacity", GREY), ("入场 entered", GREEN)])
        grid = QGridLayout()
        for i, chart in enumerate((self.by_category, self.per_quarter, self.meals, self.forums)):
            grid.addWidget(chart.view, i // 2, i % 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addLayout(grid, stretch=1)
        self.last_stats: dict | None = None
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
        self.runner.run(lambda: (headcounts(store), arrivals_per_quarter_hour(store)), self._show)

    def _show(self, result) -> None:
        stats, quarters = result
        self.last_stats = stats
        share = stats["arrived"] / stats["expected"] * 100 if stats["expected"] else 0
        self.total.setText(f"已到 {stats['arrived']} / {stats['expected']} 人 ({share:.0f}%)")
        cats = stats["by_category"]
        self.by_category.show([c["category"] for c in cats],
                              [[c["expected"] for c in cats], [c["arrived"] for c in cats]])
        self.per_quarter.show([q for q, _ in quarters], [[n for _, n in quarters]])
        meals = stats["meals"]
        self.meals.show([m["name"] for m in meals],
                        [[m["entitled"] for m in meals], [m["redeemed"] for m in meals]])
        forums = stats["forums"]
        self.forums.show([f["name"] for f in forums],
                         [[f["capacity"] or 0 for f in forums], [f["entered"] for f in forums]])
