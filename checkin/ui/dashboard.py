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


def _bar_chart(title: str) -> tuple[QChart, QChartView]:
    chart = QChart()
    chart.setTitle(title)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(220)
    return chart, view


def _fill(chart: QChart, categories: list[str], sets: list[tuple[str, str, list[int]]]) -> None:
    """Replace the chart's bars: sets are (label, colour, values per category)."""
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)
    series = QBarSeries()
    for label, colour, values in sets:
        bar_set = QBarSet(label)
        bar_set.setColor(QColor(colour))
        bar_set.append([float(v) for v in values])
        series.append(bar_set)
    chart.addSeries(series)
    x_axis = QBarCategoryAxis()
    x_axis.append(categories or ["—"])
    y_axis = QValueAxis()
    y_axis.setRange(0, max([1, *(v for _, _, values in sets for v in values)]) * 1.1)
    y_axis.setLabelFormat("%d")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(x_axis)
    series.attachAxis(y_axis)


class Dashboard(QWidget):
    def __init__(self, store: Store, runner: DbRunner, refresh_ms: int = 5000, parent=None):
        super().__init__(parent)
        self.store, self.runner = store, runner
        self.total = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.total.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.by_category, by_category_view = _bar_chart("到场 / 应到 · Arrived vs expected")
        self.per_quarter, per_quarter_view = _bar_chart("每15分钟到场 · Arrivals per 15 min")
        self.meals, meals_view = _bar_chart("用餐 · Meals per slot")
        self.forums, forums_view = _bar_chart("分论坛 · Forum attendance")
        grid = QGridLayout()
        grid.addWidget(by_category_view, 0, 0)
        grid.addWidget(per_quarter_view, 0, 1)
        grid.addWidget(meals_view, 1, 0)
        grid.addWidget(forums_view, 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.total)
        layout.addLayout(grid, stretch=1)
        self.last_stats: dict | None = None
        self._timer = QTimer(self, interval=refresh_ms, timeout=self.refresh)
        self._timer.start()
        self.refresh()

    def refresh(self) -> None:
        """Counts are read on the DB thread; the charts are redrawn here when they arrive."""
        store = self.store
        self.runner.run(lambda: (headcounts(store), arrivals_per_quarter_hour(store)), self._show)

    def _show(self, result) -> None:
        stats, quarters = result
        self.last_stats = stats
        share = stats["arrived"] / stats["expected"] * 100 if stats["expected"] else 0
        self.total.setText(f"已到 {stats['arrived']} / {stats['expected']} 人 ({share:.0f}%)")
        categories = [c["category"] for c in stats["by_category"]]
        _fill(self.by_category, categories, [
            ("应到 expected", GREY, [c["expected"] for c in stats["by_category"]]),
            ("已到 arrived", GREEN, [c["arrived"] for c in stats["by_category"]])])
        _fill(self.per_quarter, [q for q, _ in quarters],
              [("到场 arrivals", BLUE, [n for _, n in quarters])])
        _fill(self.meals, [m["name"] for m in stats["meals"]], [
            ("应领 entitled", GREY, [m["entitled"] for m in stats["meals"]]),
            ("已领 redeemed", GREEN, [m["redeemed"] for m in stats["meals"]])])
        _fill(self.forums, [f["name"] for f in stats["forums"]], [
            ("座位 capacity", GREY, [f["capacity"] or 0 for f in stats["forums"]]),
            ("入场 entered", GREEN, [f["entered"] for f in stats["forums"]])])
