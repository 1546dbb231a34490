"""One change path in the desk window (checkin/ui/changes.py): a scan, an undo, an edit, a
print and a sync round each publish one Changes, and every view shows it. In the real window
(offscreen) on a real event database; the count's own 5-second timer is stopped, so only the
change path can update it."""

from types import SimpleNamespace

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from ui_helpers import find_window, select  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.model import Decision, Outcome  # noqa: E402
from checkin.printing.printers import PrinterError  # noqa: E402
from checkin.ui.changes import ChangeBus, Changes, PrintResult  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊
WAIT = 15_000


@pytest.fixture
def window(qtbot, event_store, tmp_path):
    window = find_window(qtbot, event_store, tmp_path / "printed")
    window._counts_timer.stop()  # the count follows the changes alone
    qtbot.waitUntil(lambda: window.counts.text() == "Arrived 0 / 2401", timeout=WAIT)
    yield window
    window.close()


def row_of(window, code):
    results = window.search.results
    return next((results.item(r).text() for r in range(results.count())
                 if results.item(r).data(Qt.ItemDataRole.UserRole) == code), "")


def test_a_scan_shows_in_the_count_the_person_panel_and_the_marks_and_undo_takes_it_back(
        qtbot, window):
    select(window, "fanjun", PAID)
    assert "Not checked in" in window.person.status.text()
    assert row_of(window, PAID).startswith("·")
    window.tabs.setCurrentWidget(window.scan)  # scanning, the person still open on Find
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.counts.text() == "Arrived 1 / 2401", timeout=WAIT)
    qtbot.waitUntil(lambda: "Checked in" in window.person.status.text(), timeout=WAIT)
    assert "check-in" in [row[1] for row in window.person.history_rows()]
    window.tabs.setCurrentWidget(window.find)  # the list searched again once shown
    qtbot.waitUntil(lambda: row_of(window, PAID).startswith("✓"), timeout=WAIT)

    window.tabs.setCurrentWidget(window.scan)
    window.scan.undo_selected()  # this desk's last admission
    qtbot.waitUntil(lambda: window.counts.text() == "Arrived 0 / 2401", timeout=WAIT)
    qtbot.waitUntil(lambda: "Not checked in" in window.person.status.text(), timeout=WAIT)
    window.tabs.setCurrentWidget(window.find)
    qtbot.waitUntil(lambda: row_of(window, PAID).startswith("·"), timeout=WAIT)


def test_a_scan_does_not_rebuild_the_search_index(qtbot, window, monkeypatch):
    builds = []
    refresh = window.search.index.refresh
    monkeypatch.setattr(window.search.index, "refresh",
                        lambda *a, **k: (builds.append(1), refresh(*a, **k)))
    window.tabs.setCurrentWidget(window.scan)
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.counts.text() == "Arrived 1 / 2401", timeout=WAIT)
    qtbot.waitUntil(lambda: not window.search_runner.busy, timeout=WAIT)
    assert builds == []


def test_an_edit_in_the_person_panel_is_found_by_search_and_shown_in_the_list(qtbot, window):
    select(window, "fanjun", PAID)
    window.person.edit_button.click()
    dialog = window.person.dialog
    dialog.fields["name"].setText("范俊杰")
    dialog.reason.setText("typo on badge")
    dialog.action.click()
    # the list shown ("fanjun") is searched again on the rebuilt index, by itself
    qtbot.waitUntil(lambda: "范俊杰" in row_of(window, PAID), timeout=WAIT)
    assert window.person.name.text() == "范俊杰"
    # the new pinyin is found once the index is rebuilt off the GUI thread: a query typed
    # before that is searched again when the rebuild ends
    window.search.query.setText("fanjunjie")
    qtbot.waitUntil(lambda: "范俊杰" in row_of(window, PAID), timeout=WAIT)


def test_a_finished_print_shows_in_the_person_panel(qtbot, window):
    select(window, "fanjun", PAID)
    window.person.check_in_button.click()  # auto-print of the badge
    qtbot.waitUntil(lambda: window.person.print_note.text() == "Printed: badge", timeout=WAIT)
    assert window.person.print_note.isVisibleTo(window.person)
    qtbot.waitUntil(lambda: "print" in [row[1] for row in window.person.history_rows()],
                    timeout=WAIT)


def test_a_failed_print_is_said_in_the_person_panel_and_on_the_banner(qtbot, window):
    class Jammed:
        name = "jammed"

        def print_pdf(self, pdf, title):
            raise PrinterError("printer 'jammed' is out of paper")

    window.printing.configure(printer=Jammed())
    select(window, "fanjun", PAID)
    window.person.check_in_button.click()
    qtbot.waitUntil(lambda: "Printing failed" in window.person.print_note.text(), timeout=WAIT)
    assert "out of paper" in window.person.print_note.text()
    banner = window.scan.banner.text()
    assert "NOT printed" in banner and PAID in banner and "out of paper" in banner


def test_a_sync_round_publishes_one_change_and_every_view_follows(qtbot, window):
    select(window, "fanjun", PAID)
    elsewhere = Desk(window.store, operator="desk2", now=lambda: EVENT_DAY)
    elsewhere.edit(PAID, {"name": "范君"}, reason="central list")  # as a round writes them
    assert elsewhere.scan(PAID).ok
    window.sync._worker_report(SimpleNamespace(registrants=1, events=1))
    with qtbot.waitSignal(window.changes.changed, timeout=WAIT) as published:
        window.sync._pick_up()
    assert published.args == [Changes(registrants=True, admissions=True)]
    qtbot.waitUntil(lambda: window.counts.text() == "Arrived 1 / 2401", timeout=WAIT)
    assert window.person.name.text() == "范君" and "Checked in" in window.person.status.text()
    qtbot.waitUntil(lambda: row_of(window, PAID).startswith("✓ 范君"), timeout=WAIT)


def test_a_round_that_brought_nothing_publishes_nothing(qtbot, window):
    window.sync._worker_report(SimpleNamespace(registrants=0, events=0))
    with qtbot.assertNotEmitted(window.changes.changed):
        window.sync._pick_up()


# -- the Changes themselves -------------------------------------------------------------
def test_changes_merge_keeps_every_flag_and_print_and_the_code_only_when_shared():
    scan = Changes(admissions=True, new_facts=True, code=PAID)
    printed = Changes.print_finished(PAID.lower(), "badge", "done", "")
    both = scan.merge(printed)
    assert both.admissions and both.new_facts and not both.registrants
    assert both.printed == (PrintResult(PAID.lower(), "badge", "done", ""),)
    assert both.code == PAID  # the same person, whatever the case
    other = scan | Changes(registrants=True, code="SHIC2026-000003")
    assert other.registrants and other.admissions and other.code is None  # anyone now
    assert (scan | Changes(marks=True)).code is None  # a change to anyone stays one
    assert Changes().merge(scan) == scan and scan.merge(Changes()) == scan
    assert not Changes() and scan and printed


def test_a_decision_concerns_its_code_and_sends_only_an_admission_up():
    ok = Decision(Outcome.OK, "registration", code=PAID, event_uuid="u1")
    assert Changes.decided(ok) == Changes(admissions=True, new_facts=True, code=PAID)
    refused = Decision(Outcome.NOT_ELIGIBLE, "registration", code=PAID)
    assert Changes.decided(refused) == Changes(admissions=True, code=PAID)
    assert not Changes.decided(Decision(Outcome.INVALID, "registration"))  # nobody's code


def test_the_bus_says_what_changed_and_keeps_quiet_about_nothing(qtbot):
    bus = ChangeBus()
    seen = []
    bus.changed.connect(seen.append)
    bus.publish(Changes())
    bus.publish(Changes(marks=True, code=PAID))
    assert seen == [Changes(marks=True, code=PAID)]
