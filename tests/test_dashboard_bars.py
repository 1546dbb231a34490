"""The dashboard's bar charts: a small count beside a large one is still a visible bar, and
every category name can be read whole (wrapped under its bars, and in the tooltip)."""

import re

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QEvent  # noqa: E402
from PySide6.QtGui import QColor, QHelpEvent  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

from checkin.ui.charts import GREEN, GREY, MAX_LABEL_LINES, MIN_BAR_PX, BarChart  # noqa: E402

FORUMS = ["医疗AI大模型与智能体", "医疗数据要素", "智慧医疗与医共体", "医疗信息技术创新",
          "新质医疗网络与量子通信", "主动健康与体卫融合"]


def shown(qtbot, chart: BarChart, width=560, height=270) -> BarChart:
    qtbot.addWidget(chart.view)
    chart.view.resize(width, height)
    chart.view.show()
    qtbot.waitExposed(chart.view)
    QApplication.processEvents()
    return chart


def plain(label: str) -> list[str]:
    """An axis label's lines as a reader sees them."""
    text = label.replace("\u200b", "").replace("&amp;", "&").replace("&lt;", "<")
    text = re.sub(r"</?center>", "", text.replace("&gt;", ">"))
    return text.split("<br>")


def colour_at(chart: BarChart, rect) -> QColor:
    image = chart.view.grab().toImage()
    point = chart.view.mapFromScene(rect.center())
    return QColor(image.pixel(point.x(), point.y()))


def near(colour: QColor, hex_colour: str) -> bool:
    want = QColor(hex_colour)
    return max(abs(colour.red() - want.red()), abs(colour.green() - want.green()),
               abs(colour.blue() - want.blue())) < 40


def test_a_small_count_beside_a_large_one_is_a_visible_bar(qtbot):
    chart = BarChart("Arrived vs expected", [("expected", GREY), ("arrived", GREEN)])
    shown(qtbot, chart)
    chart.show(["参赛团队", "学生", "展商"], [[932, 53, 32], [3, 1, 0]])
    QApplication.processEvents()
    assert chart.bar_sets[1].at(0) == 3  # the set holds the true count (and its label says 3)
    for category in (0, 1):
        bar = chart.bar_rect(1, category)
        assert bar.height() >= MIN_BAR_PX and bar.width() > 5
        assert near(colour_at(chart, bar), GREEN), category  # really drawn, in the set colour
    tall = chart.bar_rect(0, 0)
    assert tall.height() > 100 and tall.bottom() == pytest.approx(chart.bar_rect(1, 0).bottom())
    assert chart.bar_rect(1, 2).height() == 0  # nobody: no bar
    assert not near(colour_at(chart, chart.bar_rect(1, 2).adjusted(0, -2, 0, 0)), GREEN)
    assert {(s, round(r.left())) for s, r in chart.short_bars()} == {
        (1, round(chart.bar_rect(1, 0).left())), (1, round(chart.bar_rect(1, 1).left()))}


def test_bars_of_a_fair_size_are_left_as_qtcharts_draws_them(qtbot):
    chart = shown(qtbot, BarChart("t", [("n", GREEN)]))
    chart.show(["a", "b"], [[100, 60]])
    QApplication.processEvents()
    assert chart.short_bars() == []
    assert chart.bar_rect(0, 1).height() == pytest.approx(chart.bar_rect(0, 0).height() * 0.6,
                                                          rel=0.02)


def test_forum_names_are_shown_whole_and_in_the_tooltip(qtbot):
    chart = BarChart("Forum attendance", [("capacity", GREY), ("entered", GREEN)])
    shown(qtbot, chart, width=660)  # a quarter of the 1366 px window, beside the other charts
    chart.show(FORUMS, [[300, 150, 300, 150, 300, 150], [20, 25, 23, 0, 0, 3]])
    QApplication.processEvents()
    labels = chart.x_axis.categories()
    for name, label in zip(FORUMS, labels, strict=True):
        lines = plain(label)
        assert "".join(lines) == name and "…" not in label, (name, label)
        assert 1 <= len(lines) <= MAX_LABEL_LINES
    assert plain(labels[4]) == ["新质医疗网络", "与量子通信"]  # at a word boundary
    for index, name in enumerate(FORUMS):
        assert chart.tooltip(index).splitlines()[0] == name
    assert chart.tooltip(5).splitlines()[1] == "capacity 150 · entered 3"
    # hovering over a forum's column (here: over its label, under the plot) says its name
    plot = chart.chart.plotArea()
    column = chart.bar_rect(0, 4).center().x()
    point = chart.chart.mapToScene(column, plot.bottom() + 12)
    assert chart.category_at(point) == 4
    assert chart.category_at(chart.chart.mapToScene(column, plot.top() - 15)) is None  # title
    at = chart.view.mapFromScene(point)
    event = QHelpEvent(QEvent.Type.ToolTip, at, chart.view.viewport().mapToGlobal(at))
    QApplication.sendEvent(chart.view.viewport(), event)
    assert QToolTip.text() == chart.tooltip(4)
    QToolTip.hideText()


def test_a_name_too_long_for_its_lines_is_shortened_on_the_axis_only(qtbot):
    long_name = "中国研究型医院学会医疗信息化分会智慧医疗专业委员会年度学术会议暨青年论坛"
    chart = shown(qtbot, BarChart("t", [("n", GREEN)]), width=400)
    names = [long_name, "R&D <lab>", *FORUMS[:4]]
    chart.show(names, [[1, 2, 3, 4, 5, 6]])
    QApplication.processEvents()
    labels = chart.x_axis.categories()
    assert len(plain(labels[0])) == MAX_LABEL_LINES and labels[0].endswith("…</center>")
    assert chart.tooltip(0).splitlines()[0] == long_name  # whole in the tooltip
    assert " ".join(plain(labels[1])) == "R&D <lab>"  # escaped: QtCharts labels are rich text
    assert "<lab>" not in labels[1]


def test_labels_follow_the_width(qtbot):
    chart = shown(qtbot, BarChart("t", [("n", GREEN)]), width=1300)
    chart.show(FORUMS, [[1, 2, 3, 4, 5, 6]])
    QApplication.processEvents()
    assert [plain(label) for label in chart.x_axis.categories()] == [[n] for n in FORUMS]
    chart.view.resize(520, 270)
    QApplication.processEvents()
    wrapped = [plain(label) for label in chart.x_axis.categories()]
    assert any(len(lines) > 1 for lines in wrapped)
    assert ["".join(lines) for lines in wrapped] == FORUMS


def test_times_under_narrow_bars_are_never_broken(qtbot):
    times = [f"{8 + q // 4:02d}:{q % 4 * 15:02d}" for q in range(14)]
    chart = shown(qtbot, BarChart("Arrivals per 15 min", [("arrivals", GREEN)]), width=480)
    chart.show(times, [list(range(14))])
    QApplication.processEvents()
    labels = [plain(label) for label in chart.x_axis.categories()]
    shown_at = [i for i, lines in enumerate(labels) if lines != [""]]
    assert 3 <= len(shown_at) < len(times)  # one every few columns, evenly, and whole
    assert len({b - a for a, b in zip(shown_at[:-1], shown_at[1:], strict=True)}) == 1
    assert all(labels[i] == [times[i]] for i in shown_at)
    assert chart.tooltip(1).splitlines()[0] == "08:15"  # every column still says its time
    chart.view.resize(1300, 270)
    QApplication.processEvents()
    assert [plain(label) for label in chart.x_axis.categories()] == [[t] for t in times]
