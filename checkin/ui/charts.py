"""Bar charts for the dashboard (QtCharts), readable on a projector: a small count beside a
large one is still a visible bar, category names stay whole under their bars (wrapped where
badges wrap), and hovering a column says its whole name and counts."""

from __future__ import annotations

import html
import math

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QApplication, QToolTip

from ..printing import textfit

GREEN, GREY, BLUE = "#2e7d32", "#b0bec5", "#1565c0"
# A bar for a non-zero count is drawn at least this tall: 3 arrivals beside 932 expected is
# otherwise under a pixel, and reads as none.
MIN_BAR_PX = 3.0
MAX_LABEL_LINES = 3  # a category name wraps onto up to this many lines under its bars
LABEL_GAP = 8.0  # px between two category labels, about


class BarChart:
    """A bar chart built once; refreshes only change values and categories (creating and
    deleting Qt series on every refresh churns objects Python and Qt both track).

    The bar sets hold the true counts (and their labels say them); a bar too short to see is
    drawn MIN_BAR_PX tall over the chart (`bar_rect`). Category names wrap under their bars
    at word boundaries; hovering anywhere over a category's column shows its whole name and
    counts (`tooltip`)."""

    def __init__(self, title: str, sets: list[tuple[str, str]]):
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 0))  # the bars get the room, not the frame
        self.chart.layout().setContentsMargins(0, 0, 0, 0)
        self.chart.setBackgroundRoundness(0)
        self.chart.setTitle(title)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.series = QBarSeries()
        # the number on each bar: 12 arrivals next to a bar of 300 seats is otherwise a sliver
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.series.setLabelsFormat("@value")
        self.bar_sets = []
        self.set_labels = [label for label, _ in sets]
        self.colours = [QColor(colour) for _, colour in sets]
        for label, colour in sets:
            bar_set = QBarSet(label)
            bar_set.setColor(QColor(colour))
            bar_set.setLabelColor(QColor("#263238"))
            self.series.append(bar_set)
            self.bar_sets.append(bar_set)
        self.chart.addSeries(self.series)
        self.x_axis = QBarCategoryAxis()
        self.x_axis.setTruncateLabels(False)  # fit_labels shortens them
        self.names: list[str] = []  # the categories in full
        self.y_axis = QValueAxis()
        self.y_axis.setLabelFormat("%d")
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.view = _ChartView(self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)

    def fit_labels(self) -> None:
        """Category names whole under their bars: on one line, a size or two smaller when
        the chart is narrow (beside the sync column at 1366 px '参赛团队' still fits), else
        wrapped at word boundaries onto up to MAX_LABEL_LINES lines ('新质医疗网络 / 与量子
        通信'); shortened with … only past that (the tooltip has the whole name). Done here
        because QtCharts' own truncation cuts more than needed (always the last name)."""
        names = self.names or ["—"]
        column = max(1.0, (self.view.width() - 90) / len(names))  # px per category, about
        room = max(20.0, column - LABEL_GAP)
        base = QApplication.font().pointSizeF()
        font = QFont(self.x_axis.labelsFont())
        for size, most in ((base, 1), (base - 1, 1), (base - 1.5, 1), (base - 1, 2),
                           (base - 1.5, 2), (base - 1.5, MAX_LABEL_LINES)):
            font.setPointSizeF(size)
            metrics = QFontMetricsF(font)
            layouts = [label_lines(name, room, metrics) for name in names]
            if all(len(lines) <= most for lines in layouts):
                break
        if all(textfit.unbreakable(name) for name in names):
            # times, codes: one every `step` columns when they cannot all stand side by side
            # (08:00 … 08:30 …), never broken or cut; the tooltip names every column
            widest = max(metrics.horizontalAdvance(name) for name in names)
            step = 1 if widest <= column else math.ceil((widest + LABEL_GAP / 2) / column)
            layouts = [[name] if i % step == 0 else [] for i, name in enumerate(names)]
            room = max(room, step * column - LABEL_GAP)
        shown: list[str] = []
        for name, lines in zip(names, layouts, strict=True):
            if len(lines) > MAX_LABEL_LINES:  # the rest of the name on the last line, cut
                rest = name[textfit.line_starts(name, lines)[MAX_LABEL_LINES - 2]:]
                lines = [*lines[:MAX_LABEL_LINES - 1], rest.strip() + "…"]
            lines = [metrics.elidedText(line, Qt.TextElideMode.ElideRight, room + LABEL_GAP)
                     for line in lines]
            # QtCharts sets axis labels as rich text: '&' and '<' in a name are escaped
            label = "<br>".join(html.escape(line, quote=False) for line in lines)
            if len(lines) > 1:
                label = f"<center>{label}</center>"  # each line under the bars' middle
            while label in shown:  # the axis wants distinct names
                label += "\u200b"
            shown.append(label)
        if self.x_axis.labelsFont().pointSizeF() != font.pointSizeF():
            self.x_axis.setLabelsFont(font)
        if self.x_axis.categories() != shown:
            self.x_axis.setCategories(shown)

    def bar_rect(self, set_index: int, category: int) -> QRectF:
        """Where a bar is drawn (scene coordinates of the view), as QtCharts lays a grouped
        bar series out; a non-zero count at least MIN_BAR_PX tall."""
        count = len(self.bar_sets)
        width = self.series.barWidth()
        left = category - width / 2 + set_index / count * width
        value = self.bar_sets[set_index].at(category)

        def point(x: float, y: float) -> QPointF:
            return self.chart.mapToScene(self.chart.mapToPosition(QPointF(x, y), self.series))

        rect = QRectF(point(left, value), point(left + width / count, 0)).normalized()
        if value > 0 and rect.height() < MIN_BAR_PX:
            rect.setTop(rect.bottom() - MIN_BAR_PX)
        return rect

    def short_bars(self) -> list[tuple[int, QRectF]]:
        """(set, rect) of the non-zero bars QtCharts draws shorter than MIN_BAR_PX."""
        bars = []
        for index, bar_set in enumerate(self.bar_sets):
            for category in range(bar_set.count()):
                value = bar_set.at(category)
                if value <= 0:
                    continue
                true_height = abs(self.chart.mapToPosition(QPointF(category, value),
                                                           self.series).y()
                                  - self.chart.mapToPosition(QPointF(category, 0),
                                                             self.series).y())
                if true_height < MIN_BAR_PX:
                    bars.append((index, self.bar_rect(index, category)))
        return bars

    def tooltip(self, category: int) -> str:
        """The category's whole name and its counts: '新质医疗网络与量子通信\n座位 150 · 入场 3'."""
        if not 0 <= category < len(self.names):
            return ""
        counts = " · ".join(f"{label} {bar_set.at(category):.0f}"
                            for label, bar_set in zip(self.set_labels, self.bar_sets, strict=True)
                            if category < bar_set.count())
        return f"{self.names[category]}\n{counts}"

    def category_at(self, scene_point: QPointF) -> int | None:
        """The category whose column (bars, labels under them) holds this point."""
        plot = self.chart.plotArea()
        point = self.chart.mapFromScene(scene_point)
        legend_top = self.chart.legend().geometry().top() if self.chart.legend().isVisible() \
            else self.chart.geometry().bottom()
        if not self.names or not (plot.left() <= point.x() <= plot.right()
                                  and plot.top() <= point.y() < legend_top):
            return None
        index = round(self.chart.mapToValue(point, self.series).x())
        return index if 0 <= index < len(self.names) else None

    def show(self, categories: list[str], values: list[list[int]]) -> None:
        self.names = list(categories)
        self.fit_labels()
        for bar_set, numbers in zip(self.bar_sets, values, strict=True):
            bar_set.remove(0, bar_set.count())
            bar_set.append([float(v) for v in numbers])
        top = max([1, *(v for numbers in values for v in numbers)])
        top, ticks = nice_axis(top)
        self.y_axis.setRange(0, top)
        self.y_axis.setTickCount(ticks)


def label_lines(name: str, room: float, metrics: QFontMetricsF) -> list[str]:
    """A category name as lines no wider than `room` px, broken where the badges break
    (printing.textfit: at spaces and Chinese word boundaries, never inside a time such as
    08:30, a date or a number). A word or time wider than that may take the gap between two
    columns too; only one wider still is broken inside."""
    def measure(text: str, _size: float) -> float:
        return metrics.horizontalAdvance(text)

    return textfit.wrap(name, room, 1.0, measure, textfit.WEAK) \
        or textfit.wrap(name, room + LABEL_GAP, 1.0, measure, textfit.WEAK) \
        or textfit.wrap(name, room, 1.0, measure, textfit.FORCED) or [name]


class _ChartView(QChartView):
    """The chart's view: refits the labels when resized, draws the bars too short to see
    MIN_BAR_PX tall, and says a category's whole name and counts on hover."""

    def __init__(self, chart: BarChart):
        super().__init__(chart.chart)
        self._bars = chart

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._bars.fit_labels()

    def drawForeground(self, painter: QPainter, rect) -> None:  # noqa: N802 (Qt's name)
        super().drawForeground(painter, rect)
        for set_index, bar in self._bars.short_bars():
            painter.fillRect(bar, self._bars.colours[set_index])

    def viewportEvent(self, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip:
            category = self._bars.category_at(self.mapToScene(event.pos()))
            if category is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), self._bars.tooltip(category), self)
            return True
        return super().viewportEvent(event)


def nice_axis(top: float, most_ticks: int = 6) -> tuple[float, int]:
    """(axis maximum, tick count) with whole, round steps above `top`: 1 -> (2, 3),
    2100 -> (2500, 6), 1642 -> (2000, 5)."""
    if top <= 4:
        return float(int(top) + 1), int(top) + 2
    for magnitude in (10 ** k for k in range(0, 12)):
        for step in (1 * magnitude, 2 * magnitude, 5 * magnitude):
            ticks = -(-top * 1.05 // step)  # steps up to a little above the highest bar
            if ticks + 1 <= most_ticks:
                return float(ticks * step), int(ticks) + 1
    return float(top), 2

