"""Live headcounts for organisers: arrived vs expected, arrivals per 15 minutes, meals per
slot, forum attendance against capacity. Refreshes itself; F11 for a projector.

When the desk is enrolled with a central list, a column on the right lists the desks this desk
has heard from (each one's latest event as received here: honest offline, it is what this desk
knows) and the open sync conflicts, which an organiser resolves here (a `resolve` event,
recorded on the DbRunner and sent up by the next round)."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    QEvent,
    QMargins,
    QPointF,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from ..printing import textfit
from ..privacy import mask_text
from ..stats import arrivals_per_quarter_hour, headcounts
from ..store import Store
from ..sync import status as st
from ..sync.conflicts import Conflict, open_conflicts, resolve
from .forms import action_buttons, message_line
from .sync_panel import event_zone, state_word
from .tasks import DbRunner

translate = QCoreApplication.translate  # lupdate finds translate("Context", "...")

GREEN, GREY, BLUE = "#2e7d32", "#b0bec5", "#1565c0"
COLUMN_WIDTH = 310  # px of the desks-and-conflicts column (charts keep the rest of 1366)
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


# -- desks and conflicts (read on the DbRunner) ---------------------------------------
def desks_seen(store: Store) -> list[dict]:
    """Every desk this desk knows of, with its latest event as received here (wall time of
    that desk's clock) and how many of its events are here; this desk first."""
    conn = store.reader()
    names = dict(conn.execute("SELECT device_id, name FROM devices").fetchall())
    rows = {device: (latest, count) for device, latest, count in conn.execute(
        "SELECT device_id, max(wall_time), count(*) FROM events GROUP BY device_id")}
    desks = []
    for device in set(names) | set(rows) | {store.device_id}:
        latest, count = rows.get(device, (None, 0))
        desks.append({"device_id": device, "name": store.device_label(device),
                      "latest": latest, "events": count, "this": device == store.device_id})
    desks.sort(key=lambda d: d["name"])
    desks.sort(key=lambda d: d["latest"] or "", reverse=True)  # the most recent first
    desks.sort(key=lambda d: not d["this"])  # this desk on top
    return desks


def when_text(stamp: str | None, zone: dt.tzinfo | None = None,
              today: dt.date | None = None) -> str:
    """08:31:02 on the same day as today, 06-25 08:31 otherwise, — never. Stamps with a UTC
    offset are shown in `zone` (the event's time zone, as the banner and histories are)."""
    if not stamp:
        return "—"
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:19]
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    today = today or dt.datetime.now(zone).date()
    return moment.strftime("%H:%M:%S" if moment.date() == today else "%m-%d %H:%M")


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


def station_label(store: Store, station: str | None) -> str:
    if not station:
        return "—"
    if station == "registration":
        return translate("Station", "Registration")
    kind, _, key = station.partition(":")
    config = store.config
    if kind == "meal":
        slot = next((m for m in config.meals if m.id == key), None)
        return translate("Station", "Meal: {0}").format(slot.name if slot else key)
    if kind == "forum":
        forum = next((f for f in config.forums if f.id == key), None)
        return translate("Station", "Forum: {0}").format(forum.name if forum else key)
    return station


def conflict_lines(store: Store, conflict: Conflict) -> tuple[str, str]:
    """(who and where, what happened) for the conflicts list."""
    who = " ".join(p for p in (conflict.code, conflict.name) if p) or "—"
    zone = event_zone(store)
    head = (f"{who} · {station_label(store, conflict.station)} · "
            f"{conflict_type(conflict.type)}")
    if conflict.type == "double_admission":
        what = "  /  ".join(f"{e['device']} {when_text(e['wall_time'], zone)}"
                            for e in conflict.events)
    else:
        # The server's sentence may quote a value: a phone or an e-mail in it is masked.
        what = mask_text(str(conflict.detail.get("message") or conflict.detail.get("fields")
                             or ""))
        if conflict.events:
            e = conflict.events[0]
            what = f"{e['device']} {when_text(e['wall_time'], zone)} {what}".strip()
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
                when = when_text(event["wall_time"], event_zone(store))
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
                               [(self.tr("capacity"), GREY), (self.tr("entered"), GREEN)])
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
        self._listed: list | None = None  # what the conflicts list shows now
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
        forums = stats["forums"]
        self.forums.show([f["name"] for f in forums],
                         [[f["capacity"] or 0 for f in forums], [f["entered"] for f in forums]])

    # -- desks and conflicts ------------------------------------------------------------
    def _show_sync(self, status: st.SyncStatus, desks: list[dict],
                   conflicts: list[Conflict]) -> None:
        column = self.sync_column
        column.setVisible(status.state != st.NOT_ENROLLED)
        if status.state == st.NOT_ENROLLED:
            return
        self.desks, self.conflicts = desks, conflicts
        zone = event_zone(self.store)
        column.own.setText(self.tr("This desk: {0} · last sync {1} · pending {2}").format(
            state_word(status.state), when_text(status.last_success, zone), status.pending))
        column.desks.setRowCount(len(desks))
        for row, desk in enumerate(desks):
            name = desk["name"] + (self.tr(" (this desk)") if desk["this"] else "")
            cells = [name, when_text(desk["latest"], zone), str(desk["events"])]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{desk['name']} ({desk['device_id']})"
                                + (self.tr(" — this desk") if desk["this"] else ""))
                column.desks.setItem(row, col, item)
        column.desks.resizeRowsToContents()
        column.conflicts_title.setText(self.tr("Conflicts ({0})").format(len(conflicts)))
        lines = [conflict_lines(self.store, c) for c in conflicts]
        listed = [(c.uuid, line) for c, line in zip(conflicts, lines, strict=True)]
        if listed == self._listed and column.conflicts.count():
            return  # unchanged: keep the selection and the scroll position as they are
        self._listed = listed
        current = column.conflicts.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current else None
        column.conflicts.clear()
        for conflict, (head, what) in zip(conflicts, lines, strict=True):
            item = QListWidgetItem(f"{head}\n    {what}")
            item.setData(Qt.ItemDataRole.UserRole, conflict.uuid)
            column.conflicts.addItem(item)
            if conflict.uuid == selected:
                column.conflicts.setCurrentItem(item)
        if not conflicts:
            empty = QListWidgetItem(self.tr("No open conflicts"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            column.conflicts.addItem(empty)
        column.resolve_button.setEnabled(column.conflicts.currentRow() >= 0 and bool(conflicts))

    def selected_conflict(self) -> Conflict | None:
        item = self.sync_column.conflicts.currentItem()
        uuid = item.data(Qt.ItemDataRole.UserRole) if item else None
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

