"""Whole desk flows in the real window (offscreen): camera, handheld scanner, typing,
search, meal station, undo. The camera is a recorded video of a real QR code."""

import datetime as dt

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY, LUNCH_TIME  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.model import Outcome  # noqa: E402
from checkin.printing.printers import FolderPrinter, PrinterError  # noqa: E402
from checkin.scanner.sources import ImageFolderSource, VideoFileSource  # noqa: E402
from checkin.store import eventlog  # noqa: E402
from checkin.ui.banner import COLOURS, REFUSED  # noqa: E402
from checkin.ui.main_window import DeskWindow  # noqa: E402
from testkit.frames import code_shown_for  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊
OTHER = "SHIC2026-000003"  # 朱思佳


def make_window(qtbot, store, source, printer=None):
    window = DeskWindow(store, operator="ui", open_source=source, printer=printer)
    window.desk = window.scan.desk = Desk(store, operator="ui", chinese=True, now=lambda: EVENT_DAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    qtbot.waitUntil(lambda: window.search.index.generation >= 0, timeout=10_000)  # built
    return window


@pytest.fixture
def idle_window(qtbot, event_store, tmp_path):
    window = make_window(qtbot, event_store, lambda: ImageFolderSource([]),
                         FolderPrinter(tmp_path / "printed"))
    yield window
    window.close()


def wait_outcome(qtbot, window, outcome, timeout=15_000):
    qtbot.waitUntil(lambda: window.scan.banner.outcome == outcome, timeout=timeout)


def test_camera_checks_in_once_and_banner_turns_green(qtbot, event_store, tmp_path):
    video = code_shown_for(tmp_path / "desk.avi", PAID, seconds=2.0)
    window = make_window(qtbot, event_store, lambda: VideoFileSource(video))
    try:
        wait_outcome(qtbot, window, Outcome.OK, timeout=60_000)
        assert window.scan.banner.colour == COLOURS[Outcome.OK]
        assert "范俊" in window.scan.banner.text()
        qtbot.waitUntil(lambda: "stopped" in window.camera_state.text(), timeout=60_000)
        assert window.scan.recent.count() == 1  # two seconds in view: one check-in
    finally:
        window.close()


def test_same_code_again_is_amber_with_when_and_where(qtbot, idle_window):
    idle_window.scan.submit(PAID)
    wait_outcome(qtbot, idle_window, Outcome.OK)
    idle_window.scan.submit(PAID)
    wait_outcome(qtbot, idle_window, Outcome.ALREADY)
    assert idle_window.scan.banner.colour == COLOURS[Outcome.ALREADY]
    assert "已于08:30:00" in idle_window.scan.banner.text()


def test_handheld_scanner_keystrokes_check_in_wherever_focus_is(qtbot, idle_window):
    idle_window.tabs.setCurrentIndex(1)
    idle_window.search.query.setFocus()
    qtbot.waitUntil(idle_window.search.query.hasFocus, timeout=5000)
    qtbot.keyClicks(idle_window.search.query, PAID)  # a scanner types the whole code at once
    qtbot.keyClick(idle_window.search.query, Qt.Key.Key_Return)
    wait_outcome(qtbot, idle_window, Outcome.OK)
    assert idle_window.search.query.text() == ""  # the burst was not left in the field


def test_typed_code_and_unknown_code(qtbot, idle_window):
    idle_window.scan.code_field.setText("SHIC2026-999999")
    idle_window.scan._typed()
    wait_outcome(qtbot, idle_window, Outcome.NOT_FOUND)
    assert idle_window.scan.banner.colour == REFUSED


def test_pinyin_search_and_enter_checks_in(qtbot, idle_window):
    idle_window.search.query.setText("fanjun")
    assert "范俊" in idle_window.search.results.item(0).text()
    idle_window.search._enter()
    wait_outcome(qtbot, idle_window, Outcome.OK)
    idle_window.search.query.setText("fanjun")
    assert idle_window.search.results.item(0).text().startswith("✓")


def test_meal_station_refuses_a_second_lunch_and_undo_gives_it_back(qtbot, idle_window):
    idle_window.desk = idle_window.scan.desk = Desk(idle_window.store, operator="ui",
                                                    chinese=True, now=lambda: LUNCH_TIME)
    index = idle_window.station_box.findData("meal:0626-lunch")
    idle_window.station_box.setCurrentIndex(index)
    idle_window.scan.submit(OTHER)
    wait_outcome(qtbot, idle_window, Outcome.OK)
    idle_window.scan.submit(OTHER)
    wait_outcome(qtbot, idle_window, Outcome.ALREADY)
    banner = idle_window.scan.banner  # a second lunch is refused: red, and says which meal
    assert banner.colour == REFUSED and "MEAL ALREADY TAKEN" in banner.text()
    assert "6月26日午餐" in banner.text()
    idle_window.scan.recent.setCurrentRow(1)  # the admission, below the 'already'
    idle_window.scan.undo_selected()
    qtbot.waitUntil(lambda: "undone" in idle_window.scan.recent.item(1).text(), timeout=10_000)
    idle_window.scan.submit(OTHER)
    wait_outcome(qtbot, idle_window, Outcome.OK)


def test_counts_follow_check_ins(qtbot, idle_window):
    qtbot.waitUntil(lambda: "Arrived 0 / 2401" in idle_window.counts.text(), timeout=10_000)
    idle_window.scan.submit(PAID)
    qtbot.waitUntil(lambda: "Arrived 1 / 2401" in idle_window.counts.text(), timeout=10_000)


def test_layout_holds_at_1366x768(qtbot, idle_window):
    QApplication.processEvents()
    assert idle_window.width() <= 1366 and idle_window.height() <= 768
    assert idle_window.scan.banner.height() >= 260


def test_dashboard_counts_change_with_check_ins(qtbot, idle_window):
    board = idle_window.dashboard
    assert board.last_stats is None  # hidden: not counted
    idle_window.tabs.setCurrentWidget(board)
    qtbot.waitUntil(lambda: board.last_stats is not None, timeout=10_000)
    assert board.last_stats["arrived"] == 0
    idle_window.scan.submit(PAID)
    wait_outcome(qtbot, idle_window, Outcome.OK)
    board.refresh()
    qtbot.waitUntil(lambda: board.last_stats["arrived"] == 1, timeout=10_000)
    assert "Arrived 1 / 2401" in board.total.text()
    arrived = board.by_category.bar_sets[1]
    assert sum(arrived.at(i) for i in range(arrived.count())) == 1
    assert board.per_quarter.bar_sets[0].at(0) == 1  # 08:30 on the event day


def test_badge_prints_on_check_in_and_a_failing_printer_never_blocks_scanning(
        qtbot, event_store, tmp_path):
    class Jammed:
        name = "jammed"
        fixed = False

        def print_pdf(self, pdf, title):
            if not self.fixed:
                raise PrinterError("printer 'jammed' is out of paper")
            (tmp_path / f"{title}.pdf").write_bytes(pdf)

    printer = Jammed()
    window = make_window(qtbot, event_store, lambda: ImageFolderSource([]), printer)
    try:
        window.scan.submit(PAID)
        wait_outcome(qtbot, window, Outcome.OK)
        qtbot.waitUntil(lambda: "out of paper" in window.printing.state.text(), timeout=20_000)
        assert window.printing.retry_button.isVisibleTo(window)
        banner = window.scan.banner.text()  # said where the desk looks, under the green answer
        assert "NOT printed" in banner and "out of paper" in banner and "范俊" in banner
        window.scan.submit(OTHER)  # the next person is not held up by the printer
        qtbot.waitUntil(lambda: window.scan.recent.count() == 2, timeout=10_000)
        printer.fixed = True
        window.printing.retry_failed()
        qtbot.waitUntil(lambda: (tmp_path / f"badge {PAID}.pdf").exists(), timeout=20_000)
        qtbot.waitUntil(lambda: not window.printing.retry_button.isVisibleTo(window),
                        timeout=20_000)
    finally:
        window.close()


def test_meal_mode_preselects_the_current_slot(qtbot, idle_window):
    idle_window.desk._now = lambda: dt.datetime(2026, 6, 26, 12, 5)
    idle_window.select_station("meal")
    assert idle_window.scan.station == "meal:0626-lunch"
    idle_window.select_station("forum:F2")
    assert idle_window.scan.station == "forum:F2"


def test_the_station_list_marks_the_meal_being_served_and_f4_picks_it(qtbot, idle_window):
    box = idle_window.station_box

    def marked() -> list[str]:
        return [box.itemData(i) for i in range(box.count()) if "F4" in box.itemText(i)]

    idle_window.desk._now = lambda: dt.datetime(2026, 6, 26, 12, 5)
    idle_window.mark_current_meal()
    assert marked() == ["meal:0626-lunch"]
    qtbot.keyClick(idle_window, Qt.Key.Key_F4)
    assert idle_window.scan.station == "meal:0626-lunch"
    idle_window.desk._now = lambda: dt.datetime(2026, 6, 27, 11, 0)  # next day, before lunch
    idle_window.mark_current_meal()
    assert marked() == ["meal:0627-lunch"]  # the mark moves with the clock
    assert "F4" not in box.itemText(box.findData("meal:0626-lunch"))


def test_a_wrong_clock_is_said_across_the_window(qtbot, idle_window):
    """Never compared with the central list, a date outside the event points at the clock;
    measured against it, a clock hours off says how far and that the list's time is used."""
    import time

    from checkin import clockcheck

    window, store = idle_window, idle_window.store
    assert not window.clock_warning.isVisible()  # the event day, never measured: nothing known
    window.desk = Desk(store, operator="ui", chinese=True, now=lambda: dt.datetime(2000, 1, 1, 8))
    assert window.clock_warning.isVisible()
    assert "2000-01-01" in window.clock_warning.text() and "请检查本机日期和时间" in \
        window.clock_warning.text()
    sent = time.time()  # the list answered: its clock is two hours ahead of this laptop's
    clockcheck.record(store, clockcheck.TimeSample(sent, sent + 0.01,
                                                   int((sent + 2 * 3600) * 1000)))
    window.desk = Desk(store, operator="ui", chinese=False, now=lambda: EVENT_DAY)
    text = window.clock_warning.text()
    assert window.clock_warning.isVisible() and "2 h behind the central list" in text
    assert window.clock_warning.height() > 30  # a strip, not a footnote


def test_dashboard_shows_one_arrival_and_every_forum_name_whole(qtbot, idle_window):
    """1 arrival against hundreds expected is a visible bar; forum names are not cut."""
    from checkin.ui.charts import MIN_BAR_PX

    board = idle_window.dashboard
    idle_window.tabs.setCurrentWidget(board)
    idle_window.scan.submit(PAID)
    wait_outcome(qtbot, idle_window, Outcome.OK)
    board.refresh()
    qtbot.waitUntil(lambda: board.last_stats is not None and board.last_stats["arrived"] == 1,
                    timeout=10_000)
    QApplication.processEvents()
    chart = board.by_category
    arrived = chart.bar_sets[1]
    category = next(i for i in range(arrived.count()) if arrived.at(i) == 1)
    assert chart.bar_sets[0].at(category) > 100  # beside a tall 'expected' bar
    assert chart.bar_rect(1, category).height() >= MIN_BAR_PX
    forums = [f.name for f in idle_window.store.config.forums]
    labels = board.forums.x_axis.categories()
    for index, name in enumerate(forums):
        assert "…" not in labels[index], labels[index]
        assert board.forums.tooltip(index).splitlines()[0] == name


def test_a_forum_door_scans_entries_and_f6_turns_it_to_exits(qtbot, idle_window):
    window = idle_window
    window.station_box.setCurrentIndex(window.station_box.findData("forum:F1"))
    assert window.scan.banner.station.endswith("ENTRY (F6: exit)")
    window.scan.submit(PAID)
    wait_outcome(qtbot, window, Outcome.OK)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.scan.exit_mode
    assert window.scan.banner.station.endswith("EXIT (F6: entry)")
    window.scan.banner.clear_answer()
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.OK
                    and "范俊" in window.scan.banner.text(), timeout=15_000)
    assert eventlog.door(window.store.reader(), PAID, "forum:F1").inside is False
    qtbot.waitUntil(lambda: "inside 0 of 400 seats, entered 1" in window.counts.text(),
                    timeout=10_000)
    window.station_box.setCurrentIndex(window.station_box.findData("registration"))
    assert not window.scan.exit_mode  # another station starts with people coming in


def test_the_event_files_own_lists_are_stations_and_a_list_with_exits_is_a_door(
        qtbot, event_store, tmp_path):
    import dataclasses

    from checkin.model import CheckinList

    lists = [CheckinList(id="gift", name="欢迎礼包"),
             CheckinList(id="hall", name="展厅", exits=True, reentry=True)]
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(event_store.config, lists=lists))
    window = make_window(qtbot, event_store, lambda: ImageFolderSource([]),
                         FolderPrinter(tmp_path / "printed"))
    try:
        box = window.station_box
        assert box.itemText(box.findData("list:gift")).endswith("欢迎礼包")
        box.setCurrentIndex(box.findData("list:gift"))
        qtbot.keyClick(window, Qt.Key.Key_F6)
        assert not window.scan.exit_mode  # a gift is handed over, nobody leaves through it
        window.scan.submit(PAID)
        wait_outcome(qtbot, window, Outcome.OK)
        window.scan.banner.clear_answer()
        window.scan.submit(PAID)
        wait_outcome(qtbot, window, Outcome.ALREADY)  # one gift each
        box.setCurrentIndex(box.findData("list:hall"))
        assert window.scan.banner.station.endswith("ENTRY (F6: exit)")
    finally:
        window.close()
