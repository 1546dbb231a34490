"""The Find tab's person panel and the walk-in form, in the real window (offscreen): what
the person at the desk sees, and what ends up stored."""

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_helpers import find_window, select  # noqa: E402

from checkin.desk import Desk, DeskError  # noqa: E402
from checkin.model import REGISTRATION, Outcome  # noqa: E402
from checkin.store import eventlog  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.ui.banner import COLOURS  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
UNPAID = "SHIC2026-000005"  # 许敏, 参赛团队 T001, 未缴费
TEAM_T001 = ["SHIC2026-000004", "SHIC2026-000005", "SHIC2026-000006", "SHIC2026-000007",
             "SHIC2026-000008"]
WAIT = 15_000


@pytest.fixture
def printed(tmp_path):
    return tmp_path / "printed"


@pytest.fixture
def window(qtbot, event_store, printed):
    window = find_window(qtbot, event_store, printed)
    yield window
    window.close()


def kinds(window):
    return [row[1] for row in window.person.history_rows()]


def pdfs(folder, code):
    return sorted(folder.glob(f"*badge_{code}*.pdf")) if folder.exists() else []


def admitted(store, code, station=REGISTRATION):
    return eventlog.admission(store.reader(), code, station) is not None


def wait_idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)


def test_selecting_a_result_shows_every_field_and_an_empty_history(qtbot, window):
    select(window, "xumin", UNPAID)
    panel = window.person
    assert panel.details.isVisible() and not panel.placeholder.isVisible()
    assert panel.name.text() == "许敏"
    assert panel.pinyin.text() == "xumin"
    assert panel.category.text() == "参赛团队"
    colour = window.store.config.category("参赛团队").colour
    assert f"background:{colour}" in panel.category.styleSheet()
    shown = {key: label.text() for key, label in panel.values.items()}
    assert shown["phone"] == "198****5997"  # masked for the desk role (issue 7)
    assert shown["email"] == "u***@example.org"
    assert shown["team"] == "T001 面向县域的医共体数据中台"
    assert shown["payment"].startswith("未缴费")
    assert "#c62828" in panel.values["payment"].styleSheet()  # unpaid stands out in red
    assert shown["source"].startswith("import")
    assert "yes" in shown["missing"]
    assert shown["organisation"] not in ("", "—")
    assert panel.history.rowCount() == 0
    assert "nothing yet" in panel.history_title.text()
    assert "Not checked in" in panel.status.text()
    assert panel.team_button.isEnabled()


def test_check_in_from_the_panel_with_its_shortcut(qtbot, window):
    select(window, "fanjun", PAID)
    window.search.query.setFocus()
    qtbot.waitUntil(window.search.query.hasFocus, timeout=5000)
    qtbot.keyClick(window.search.query, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "check-in" in kinds(window), timeout=WAIT)
    assert window.scan.banner.outcome == Outcome.OK
    assert window.scan.banner.colour == COLOURS[Outcome.OK]
    assert window.scan.recent.count() == 1  # one check-in, not the search's Enter as well
    assert "Checked in" in window.person.status.text()
    assert "欢迎" in window.person.message.text()
    assert window.search.results.currentItem().text().startswith("✓")  # the mark follows
    assert admitted(window.store, PAID)


def test_enter_in_find_says_a_refusal_in_the_panel(qtbot, window):
    select(window, "xumin", UNPAID)
    window.search.query.setFocus()
    qtbot.keyClick(window.search.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "未缴费" in window.person.message.text(), timeout=WAIT)
    assert window.person.message.isVisible() and "c62828" in window.person.message.styleSheet()
    assert window.tabs.currentWidget() is window.find  # the answer is where staff look
    assert not admitted(window.store, UNPAID)


def test_a_search_without_hits_shows_nobody_and_offers_a_walk_in(qtbot, window):
    select(window, "fanjun", PAID)
    window.search.query.setText("zzzzqqq")
    assert window.search.results.count() == 0
    assert window.person.placeholder.isVisible() and not window.person.details.isVisible()
    assert "walk-in" in window.search.hint.text()
    window.person.check_in()  # Ctrl+Enter now checks nobody in
    wait_idle(qtbot, window)
    assert not admitted(window.store, PAID)


def test_reprint_asks_a_reason_and_records_it(qtbot, window, printed):
    select(window, "fanjun", PAID)
    window.person.check_in_button.click()
    qtbot.waitUntil(lambda: len(pdfs(printed, PAID)) == 1, timeout=WAIT)  # auto-print
    qtbot.waitUntil(lambda: "print" in kinds(window), timeout=WAIT)
    window.person.reprint_button.click()
    dialog = window.person.dialog
    assert dialog.isVisible()
    dialog.lost.setChecked(True)
    dialog.action.click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: len(pdfs(printed, PAID)) == 2, timeout=WAIT)
    qtbot.waitUntil(lambda: kinds(window).count("print") == 2, timeout=WAIT)
    newest = window.person.history_rows()[0]
    assert newest[1] == "print" and "lost badge" in newest[5] and "reprint" in newest[5]
    prints = [e for e in eventlog.history(window.store.reader(), PAID) if e.kind == "print"]
    assert prints[-1].data["reprint"] is True
    assert "lost badge" in prints[-1].data["reason"]
    assert "Printed" in window.person.print_note.text()


def test_a_badge_printed_squeezed_asks_to_be_checked(qtbot, window, printed):
    # the export's name column held name, hospital and title in one cell
    name = "阿卜杜热合曼·买买提依明（新疆维吾尔自治区人民医院心血管内科主任医师、教授）"
    Desk(window.store, operator="a").edit(PAID, {"name": name})
    select(window, "fanjun", PAID)
    window.person.check_in_button.click()
    qtbot.waitUntil(lambda: len(pdfs(printed, PAID)) == 1, timeout=WAIT)  # printed anyway
    qtbot.waitUntil(lambda: "check it" in window.person.print_note.text(), timeout=WAIT)
    assert "pt to fit" in window.person.print_note.text()
    assert "check it" in window.printing.state.text()
    assert "#b26a00" in window.printing.state.styleSheet()
    # the long name wraps across the panel, not into a column one character wide
    assert window.person.name.width() > 300 and window.person.pinyin.text().endswith("…")


def test_reprint_without_a_reason_is_refused(qtbot, window, printed):
    select(window, "fanjun", PAID)
    window.person.reprint_button.click()
    dialog = window.person.dialog
    dialog.action.click()  # no reason chosen
    assert dialog.isVisible()
    assert dialog.message.isVisible() and "reason" in dialog.message.text()
    dialog.other.setChecked(True)  # 'other' with nothing typed is no reason either
    dialog.other_text.setText("   ")
    dialog.action.click()
    assert dialog.isVisible() and "reason" in dialog.message.text()
    with pytest.raises(DeskError, match="reason"):  # nor through the print path itself
        window.printing.reprint(PAID, "badge", " ")
    assert window.printing.queue.jobs == []
    wait_idle(qtbot, window)
    assert pdfs(printed, PAID) == []
    dialog.reject()


def test_edit_a_name_is_audited_and_found_by_search(qtbot, window):
    select(window, "fanjun", PAID)
    window.person.edit_button.click()
    dialog = window.person.dialog
    dialog.fields["name"].setText("范俊杰")
    dialog.reason.setText("typo on badge")
    dialog.action.click()
    qtbot.waitUntil(lambda: "edit" in kinds(window), timeout=WAIT)
    # The edit is stored on the DB thread; the dialog closes when its answer is back here.
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    edit = window.person.history_rows()[0]
    assert "范俊 → 范俊杰" in edit[5] and "typo on badge" in edit[5]
    assert window.person.name.text() == "范俊杰"
    assert "reprint" in window.person.message.text()  # the badge now shows the old name
    assert reg_store.get(window.store.reader(), PAID).name == "范俊杰"
    window.search.query.setText("fanjunjie")  # the index catches up in the background
    qtbot.waitUntil(lambda: window.search.results.count() > 0
                    and "范俊杰" in window.search.results.item(0).text(), timeout=WAIT)
    window.person.reprint_button.click()  # the reason is the obvious one already
    assert window.person.dialog.corrected.isChecked()
    window.person.dialog.reject()


def test_the_edit_form_keeps_someone_off_the_welcome_wall_and_back_on(qtbot, window):
    select(window, "fanjun", PAID)
    assert window.person.values["wall"].text() == "shown"
    for hidden in (True, False):
        window.person.edit_button.click()
        dialog = window.person.dialog
        assert dialog.wall_hidden.isChecked() is not hidden
        dialog.wall_hidden.setChecked(hidden)
        dialog.reason.setText("asked at the desk")
        dialog.action.click()
        qtbot.waitUntil(lambda d=dialog: not d.isVisible(), timeout=WAIT)
        assert reg_store.get(window.store.reader(), PAID).wall_hidden is hidden
        assert window.person.values["wall"].text() == (
            "not shown (asked not to be)" if hidden else "shown")


def test_a_stale_edit_is_refused_with_a_clear_message(qtbot, window, event_store):
    select(window, "fanjun", PAID)
    window.person.edit_button.click()
    dialog = window.person.dialog
    other_desk = Desk(event_store, operator="desk2", now=lambda: EVENT_DAY)
    other_desk.edit(PAID, {"name": "范军"}, reason="another desk")  # meanwhile, elsewhere
    dialog.fields["name"].setText("范俊杰")
    dialog.action.click()
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=WAIT)
    assert dialog.isVisible()
    assert "changed elsewhere" in dialog.message.text()
    assert "not written" in dialog.message.text()
    assert dialog.reload_button.isVisible() and not dialog.action.isEnabled()
    assert reg_store.get(event_store.reader(), PAID).name == "范军"  # nothing overwritten
    edits = [e for e in eventlog.history(event_store.reader(), PAID) if e.kind == "edit"]
    assert [e.operator for e in edits] == ["desk2"]
    assert window.person.name.text() == "范军"  # the panel shows what is stored now
    dialog.reload_button.click()
    assert dialog.fields["name"].text() == "范军" and dialog.action.isEnabled()
    dialog.reject()


def test_whole_team_is_checked_in_and_the_refusal_is_said(qtbot, window):
    select(window, "jiangxiuying", "SHIC2026-000006")
    window.person.team_button.click()
    qtbot.waitUntil(lambda: "admitted" in window.person.message.text(), timeout=WAIT)
    message = window.person.message.text()
    assert "4 admitted" in message and "1 refused" in message
    assert "许敏" in message  # who was refused, and why
    assert "未缴费" in message
    assert {code: admitted(window.store, code) for code in TEAM_T001} == {
        code: code != UNPAID for code in TEAM_T001}
    assert window.scan.recent.count() == len(TEAM_T001)  # each answer on the scan screen


def test_supervisor_override_admits_an_unpaid_person_and_says_who(qtbot, window):
    item = select(window, "xumin", UNPAID)
    assert item.text().startswith("·")
    window.person.check_in_button.click()
    qtbot.waitUntil(lambda: "未缴费" in window.person.message.text(), timeout=WAIT)
    assert "#c62828" in window.person.message.styleSheet()  # refused, in red
    assert not admitted(window.store, UNPAID)
    window.person.override_button.click()
    dialog = window.person.dialog
    dialog.action.click()
    assert dialog.isVisible() and "supervisor" in dialog.message.text()
    dialog.supervisor.setText("王经理")
    dialog.reason.setEditText("现场缴费")
    dialog.action.click()
    qtbot.waitUntil(lambda: "override" in kinds(window), timeout=WAIT)
    assert not dialog.isVisible()
    row = next(r for r in window.person.history_rows() if r[1] == "override")
    assert "王经理" in row[5] and "现场缴费" in row[5] and row[2] == "Registration"
    assert admitted(window.store, UNPAID)
    assert window.scan.banner.outcome == Outcome.OK
    assert window.search.results.currentItem().text().startswith("✓")


def test_undone_check_in_is_marked_in_the_history(qtbot, window):
    select(window, "fanjun", PAID)
    window.person.check_in_button.click()
    qtbot.waitUntil(lambda: "check-in" in kinds(window), timeout=WAIT)
    window.scan.undo_selected()
    qtbot.waitUntil(lambda: "undo" in kinds(window), timeout=WAIT)
    assert "check-in (undone)" in kinds(window)
    assert "Not checked in" in window.person.status.text()


def test_walk_in_registers_checks_in_and_prints(qtbot, window, printed):
    before = window.store.counts()["registrants"]
    qtbot.keyClick(window.search.query, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = window.walk_in_dialog
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
    dialog.name.setText("李雷")
    dialog.phone.setText("138 0013 8000")
    dialog.organisation.setText("协和医院")
    dialog.category.setCurrentIndex(dialog.category.findData("学生"))
    dialog.payment.setCurrentIndex(dialog.payment.findData("已缴费"))  # paid on site
    dialog.submit_button.click()  # ... but how? The form asks before registering anyone
    assert dialog.isVisible() and "WeChat" in dialog.message.text()
    dialog.method.setCurrentIndex(dialog.method.findData("wechat"))
    dialog.amount.setText("480")
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.OK, timeout=WAIT)
    assert not dialog.isVisible()
    assert window.tabs.currentWidget() is window.scan
    assert window.scan.banner.colour == COLOURS[Outcome.OK]
    assert "李雷" in window.scan.banner.text()
    code = window.person.code
    reg = reg_store.get(window.store.reader(), code)
    assert (reg.name, reg.phone, reg.organisation, reg.category, reg.source) == (
        "李雷", "13800138000", "协和医院", "学生", "walk_in")
    assert window.store.counts()["registrants"] == before + 1
    assert admitted(window.store, code)
    qtbot.waitUntil(lambda: len(pdfs(printed, code)) == 1, timeout=WAIT)
    window.tabs.setCurrentWidget(window.find)
    window.search.query.setText("lilei")  # the index catches up in the background
    qtbot.waitUntil(lambda: any(window.search.results.item(r).text().startswith("✓ 李雷")
                                for r in range(window.search.results.count())), timeout=WAIT)


def test_walk_in_needs_a_name_and_a_real_phone(qtbot, window):
    before = window.store.counts()["registrants"]
    window.search.walk_in_button.click()
    dialog = window.walk_in_dialog
    dialog.submit_button.click()
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "name is required" in dialog.message.text()
    dialog.name.setText("李雷")
    dialog.phone.setText("12345")
    dialog.submit_button.click()
    assert dialog.isVisible()
    assert "11-digit" in dialog.message.text() and "name" not in dialog.message.text()
    assert "#c62828" in dialog.phone.styleSheet()
    dialog.phone.setText("13800138000")
    dialog.submit_button.click()  # the payment is never assumed
    assert dialog.isVisible() and "payment" in dialog.message.text()
    wait_idle(qtbot, window)
    assert window.store.counts()["registrants"] == before
    assert window.scan.banner.outcome is None
    dialog.discard()  # (a person's Esc would ask first: test_ui_counter)


def test_find_tab_fits_1366x768(qtbot, window):
    select(window, "xumin", UNPAID)
    QApplication.processEvents()
    assert window.width() <= 1366 and window.height() <= 768
    panel = window.person
    for sizes in (None, [2000, 1]):  # as it opens, and with the list dragged wide
        if sizes:
            window.find.setSizes(sizes)
            QApplication.processEvents()
        assert panel.geometry().right() <= window.find.width()
        for button in panel.buttons:  # every action button whole and inside the panel
            assert button.width() >= button.sizeHint().width()
            assert button.geometry().right() <= panel.details.width()
        assert panel.history.height() >= 150
    assert panel._columns < len(panel.buttons)  # narrow: the buttons went on two rows


def test_panel_shortcuts_open_their_forms_only_in_the_find_tab(qtbot, window):
    select(window, "fanjun", PAID)
    window.search.query.setFocus()
    qtbot.waitUntil(window.search.query.hasFocus, timeout=5000)
    control, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    forms = {(Qt.Key.Key_P, control): "ReprintDialog", (Qt.Key.Key_E, control): "EditDialog",
             (Qt.Key.Key_O, control | shift): "OverrideDialog"}  # Ctrl+O opens an event
    for (key, modifiers), form in forms.items():
        window.person.dialog = None
        qtbot.keyClick(window.search.query, key, modifiers)
        assert any(button.isDown() for button in window.person.buttons)
        qtbot.waitUntil(lambda form=form: type(window.person.dialog).__name__ == form
                        and window.person.dialog.isVisible(), timeout=5000)
        window.person.dialog.reject()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    window.person.dialog = None
    window.tabs.setCurrentWidget(window.scan)
    for key, button in ((Qt.Key.Key_E, window.person.edit_button),
                        (Qt.Key.Key_T, window.person.team_button)):
        qtbot.keyClick(window.scan.code_field, key, Qt.KeyboardModifier.ControlModifier)
        assert not button.isDown()  # a shortcut presses its button at once, clicks 100 ms later
    wait_idle(qtbot, window)
    assert window.person.dialog is None  # the panel is hidden: its keys do nothing
    assert window.scan.recent.count() == 0


def test_an_action_that_cannot_be_done_is_said_in_the_panel(qtbot, window, event_store):
    select(window, "jiangxiuying", "SHIC2026-000006")
    assert window.person.team_button.isEnabled()
    other_desk = Desk(event_store, operator="desk2", now=lambda: EVENT_DAY)
    other_desk.edit("SHIC2026-000006", {"team": ""}, reason="left the team")  # meanwhile
    window.person.team_button.click()
    qtbot.waitUntil(lambda: "no team found" in window.person.message.text(), timeout=WAIT)
    assert "#c62828" in window.person.message.styleSheet()
    assert window.person.message.text().startswith("✗ Whole team")
    assert window.person.details.isVisible()  # the desk goes on, showing what is stored
    assert window.person.values["team"].text() == "—"
    assert not window.person.team_button.isEnabled()
    assert not any(admitted(event_store, code) for code in TEAM_T001)


def test_walk_in_respects_auto_print_off(qtbot, window, printed):
    window.printing.auto_print = False
    window.open_walk_in()
    dialog = window.walk_in_dialog
    dialog.name.setText("韩梅梅")
    dialog.payment.setCurrentIndex(dialog.payment.findData("免费"))
    dialog.submit_button.click()
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.OK, timeout=WAIT)
    wait_idle(qtbot, window)  # a print would have been queued through the runner by now
    assert window.printing.queue.jobs == []
    assert pdfs(printed, window.person.code) == []
    assert admitted(window.store, window.person.code)


def test_history_names_other_desks_and_stations_as_the_whole_window_does(qtbot, window):
    """Another desk's check-in reads with the name sync learned for it (not its id), at the
    time in the event's zone; a meal station reads as the station picker says it."""
    from checkin.clock import HybridClock
    from checkin.model import EventKind
    from checkin.presentation import station_label
    from checkin.ui.main_window import stations

    store = window.store
    meal = store.config.meals[0]
    other = eventlog.new_event(HybridClock("desk-2"), EventKind.CHECKIN, code=PAID,
                               station=REGISTRATION, operator="bob",
                               wall_time="2026-06-26T00:31:02.000+00:00")  # 08:31:02 local
    with store.transaction() as conn:
        eventlog.append(conn, other)
        conn.execute("INSERT INTO devices (device_id, name, updated_at) VALUES (?,?,?)",
                     ("desk-2", "报到处2", "2026-06-26T08:00:00+08:00"))
    lunch_time = EVENT_DAY.replace(hour=12)  # meals[0] is 6月26日午餐, 11:30-13:30
    assert Desk(store, operator="ui", now=lambda: lunch_time).scan(PAID, f"meal:{meal.id}").ok
    select(window, "fanjun", PAID)
    rows = window.person.history_rows()
    assert rows[1][:5] == ["08:31:02", "check-in", "Registration", "报到处2", "bob"]
    assert rows[0][2] == f"Meal: {meal.name}" == station_label(f"meal:{meal.id}", store.config)
    assert rows[0][2] in [label for label, _ in stations(store)]
    assert rows[0][3] == store.device_name
    assert window.person.status.text().endswith("08:31:02 · 报到处2")
