"""The counter at 8 a.m., in the real window (offscreen): a volunteer who types fast, scans
from any screen and presses Enter out of habit never produces a wrong record, and sees what
the desk decided wherever they are. Keys carry their own time stamps (tests/keyboard.py): a
person at 60-150 ms a key, the handheld scanner at 5 ms and Enter."""

import pytest

pytest.importorskip("PySide6")

from keyboard import Keyboard  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402
from ui_helpers import desk_window  # noqa: E402

from checkin.model import Outcome  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
OTHER = "SHIC2026-000003"  # 朱思佳
UNPAID = "SHIC2026-000005"  # 许敏, 未缴费
WAIT = 15_000


@pytest.fixture
def window(qtbot, event_store, tmp_path):
    window = desk_window(qtbot, event_store, tmp_path / "printed")
    qtbot.waitUntil(lambda: window.search.index.generation >= 0, timeout=WAIT)
    yield window
    window.close()


def facts(store) -> list[tuple[str, str]]:
    """(kind, code) of every decision and registration recorded, oldest first (badge prints
    left out: they follow a check-in by themselves)."""
    return [(r[0], r[1]) for r in store.reader().execute(
        "SELECT kind, code FROM events WHERE kind != 'print' ORDER BY seq")]


def walk_in_form(qtbot, window):
    window.open_walk_in()
    form = window.walk_in_dialog
    qtbot.waitUntil(form.isVisible, timeout=WAIT)
    form.activateWindow()
    form.name.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.name, timeout=WAIT)
    return form


def answer_when_asked(form, button, tries: int = 100):
    """Press `button` on the question `form` asks (a modal message box), once it shows."""
    def press(left: int) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.parent() is form:
            box.button(button).click()
        elif left:
            QTimer.singleShot(20, lambda: press(left - 1))

    QTimer.singleShot(20, lambda: press(tries))


def test_fast_typing_in_the_walk_in_form_is_typing_never_a_scan(qtbot, window):
    """The finding: a phone typed at 60 ms a key became a phantom scan behind the form."""
    form = walk_in_form(qtbot, window)
    keys = Keyboard()
    keys.type("李雷", 90)
    keys.press("\t", 90)
    keys.type("13800138000", 60)
    keys.press("\t", 60)
    keys.type("lilei@example.org", 60)
    keys.press("\t", 70)
    keys.type("北京协和医院", 90)
    assert (form.name.text(), form.phone.text(), form.email.text(),
            form.organisation.text()) == ("李雷", "13800138000", "lilei@example.org",
                                          "北京协和医院")
    assert window.gate.held == [] and facts(window.store) == []
    answer_when_asked(form, QMessageBox.StandardButton.Discard)
    form.reject()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
    assert facts(window.store) == []


def test_a_scan_while_the_form_is_open_is_held_then_decided_when_it_closes(qtbot, window):
    form = walk_in_form(qtbot, window)
    keys = Keyboard()
    keys.type("李雷", 120)
    keys.press("\t", 120)
    keys.type("138001", 100)
    keys.scan(PAID)  # the next attendee's badge, scanned while the volunteer types
    keys.type("38000", 100)
    assert form.phone.text() == "13800138000", "the form holds exactly what was typed"
    assert window.gate.held == [PAID] and window.held.isVisible()
    assert "1" in window.held.text()
    assert facts(window.store) == [], "nothing decided behind the form"
    form.payment.setCurrentIndex(form.payment.findData("免费"))
    form.submit()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)
    qtbot.waitUntil(lambda: ("checkin", PAID) in facts(window.store), timeout=WAIT)
    walk_in = next(code for kind, code in facts(window.store) if kind == "walk_in")
    assert facts(window.store) == [("walk_in", walk_in), ("checkin", walk_in),
                                   ("checkin", PAID)]  # the form first, then the held scan
    assert not window.held.isVisible() and window.gate.held == []
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.OK, timeout=WAIT)


def test_a_scan_into_the_walk_in_code_field_is_the_forms(qtbot, window):
    form = walk_in_form(qtbot, window)
    form.code.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.code, timeout=WAIT)
    Keyboard().scan("EXT-778899")
    assert form.code.text() == "EXT-778899" and window.gate.held == []
    assert facts(window.store) == []
    answer_when_asked(form, QMessageBox.StandardButton.Discard)
    form.reject()


def test_escape_on_a_changed_walk_in_form_asks_before_losing_it(qtbot, window):
    form = walk_in_form(qtbot, window)
    Keyboard().type("张", 100)
    answer_when_asked(form, QMessageBox.StandardButton.Cancel)
    form.reject()  # Esc: asked, kept
    assert form.isVisible() and form.name.text() == "张"
    answer_when_asked(form, QMessageBox.StandardButton.Discard)
    form.reject()
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)


def test_a_search_that_found_nobody_starts_the_walk_in_form(qtbot, window):
    window._find()
    window.search.query.setText("欧阳娜娜")
    assert window.search.results.count() == 0
    window.open_walk_in()
    form = window.walk_in_dialog
    assert form.name.text() == "欧阳娜娜"
    form.reject()  # nothing typed in the form itself: closes without asking
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=WAIT)


def test_a_scan_on_find_shows_its_answer_over_the_list(qtbot, window):
    window._find()
    keys = Keyboard()
    keys.type("lfj", 120)
    keys.scan(PAID)
    assert window.search.query.text() == "lfj", "the burst is not left in the search field"
    qtbot.waitUntil(lambda: window.overlay.isVisible(), timeout=WAIT)
    assert window.overlay.banner.outcome == Outcome.OK and "范俊" in window.overlay.banner.text()
    assert window.person.code == PAID  # the panel shows who was scanned
    keys.scan(UNPAID)
    qtbot.waitUntil(lambda: window.overlay.banner.outcome == Outcome.NOT_ELIGIBLE,
                    timeout=WAIT)
    assert "未缴费" in window.overlay.banner.text()  # the reason, not only a red colour
    assert window.person.code == UNPAID


def test_enter_on_many_matches_admits_nobody_until_one_is_picked(qtbot, window):
    window._find()
    keys = Keyboard()
    keys.type("wang", 110)
    matches = window.search.results.count()
    assert matches > 10 and f"{matches}" in window.search.count.text()
    keys.press("\r", 150)  # Enter out of habit
    assert facts(window.store) == []
    assert "pick one" in window.search.hint.text() or "↑" in window.search.hint.text()
    keys.press("\t", 150)  # nothing special
    window.search.query.setFocus()
    from PySide6.QtCore import Qt

    qtbot.keyClick(window.search.query, Qt.Key.Key_Down)  # picked on purpose
    chosen = window.search.current_code()
    keys.press("\r", 150)
    qtbot.waitUntil(lambda: facts(window.store) != [], timeout=WAIT)
    assert facts(window.store) == [("checkin", chosen)]


def test_rows_tell_two_people_of_the_same_name_apart(qtbot, window):
    window._find()
    window.search.query.setText("wang")
    rows = [window.search.results.item(r) for r in range(window.search.results.count())]
    assert all("…" in row.text() or "SHIC2026-" in row.text() for row in rows)
    assert all(not row.icon().isNull() for row in rows)  # the category's colour


def test_the_scanner_is_learnt_from_a_test_code_in_settings(qtbot, window):
    """A scanner set to send Tab: learnt once from the test code, its Tab-ended bursts are
    scans from then on; before, they were typing."""
    from checkin.scanner.wedge import TEST_CODE
    from checkin.settings import SettingsFile
    from checkin.ui.settings_dialog import open_settings

    keys = Keyboard()
    keys.scan(PAID, terminator="\t")
    assert facts(window.store) == [], "a Tab-ended burst is not a scan for an Enter scanner"
    settings = open_settings(window, SettingsFile(window.store.path + ".settings.json"))
    settings.scanner.learn()
    learn = settings.scanner.dialog
    qtbot.waitUntil(learn.isVisible, timeout=WAIT)
    keys.scan("WRONG-CODE", terminator="\t")
    assert "not the test code" in learn.message.text() and not learn.use_button.isEnabled()
    keys.scan(TEST_CODE, terminator="\t")
    assert learn.use_button.isEnabled() and "Tab" in learn.status.text()
    learn.use_button.click()
    assert settings.scanner.profile()[0] == "tab"
    settings.accept()
    assert window.wedge.detector.profile.terminator == "tab"
    assert facts(window.store) == [], "the test code was never a scan"
    keys.scan(PAID, terminator="\t")
    qtbot.waitUntil(lambda: facts(window.store) == [("checkin", PAID)], timeout=WAIT)


def test_an_alert_is_on_the_banner_and_must_be_acknowledged_before_the_next_scan(
        qtbot, window):
    import dataclasses

    from PySide6.QtCore import Qt

    from checkin.desk import Desk
    from checkin.model import Alerts

    store = window.store
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, alerts=Alerts(
            words=("轮椅",), acknowledge=True)))
    Desk(store, operator="a").edit(PAID, {"remarks": "需要轮椅通道"}, reason="told")
    window.tabs.setCurrentWidget(window.scan)
    answers = []
    window.gate.answered_signal.connect(answers.append)
    keys = Keyboard()
    keys.scan(PAID)
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.OK, timeout=WAIT)
    banner = window.scan.banner.text()
    assert "需要轮椅通道" in banner and "参会代表" in banner and "Space" in banner
    from checkin.ui.sounds import SoundPlayer

    assert SoundPlayer().play(answers[-1]) == "alert"  # the alert's own chimes
    keys.scan(OTHER)  # the next attendee, already at the scanner
    assert window.gate.held == [OTHER] and "Space" in window.held.text()
    assert ("checkin", OTHER) not in facts(store)
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: ("checkin", OTHER) in facts(store), timeout=WAIT)
    qtbot.waitUntil(lambda: not window.held.isVisible(), timeout=WAIT)


@pytest.mark.parametrize("form", ["edit", "override", "reprint", "settings"])
def test_typing_in_any_form_while_a_scan_arrives_keeps_both_apart(qtbot, window, form):
    """Every form the volunteer types into: what is typed stays in the field, the scan made
    meanwhile is held (never decided behind the form), then decided once it closes."""
    from checkin.settings import SettingsFile
    from checkin.ui.settings_dialog import open_settings

    window._find()
    window.person.show_person(OTHER)
    if form == "settings":
        dialog = open_settings(window, SettingsFile(window.store.path + ".settings.json"))
        field = dialog.device_name
        field.clear()
    else:
        getattr(window.person, f"open_{form}")()
        dialog = window.person.dialog
        field = {"edit": lambda: dialog.reason, "override": lambda: dialog.supervisor,
                 "reprint": lambda: dialog.other_text}[form]()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    dialog.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=WAIT)
    keys = Keyboard()
    keys.type("王经", 110)
    keys.scan(PAID)
    keys.type("理同意", 90)
    assert field.text() == "王经理同意" and window.gate.held == [PAID]
    assert facts(window.store) == []
    dialog.reject()
    qtbot.waitUntil(lambda: ("checkin", PAID) in facts(window.store), timeout=WAIT)


def test_recent_scans_come_back_after_a_restart_in_the_windows_language(qtbot, window):
    """A refusal decided on a Chinese screen reads in English once the window is reopened in
    English (the log keeps the reason in both languages)."""
    from conftest import EVENT_DAY

    from checkin.desk import Desk

    Keyboard().scan(UNPAID)
    qtbot.waitUntil(lambda: window.scan.recent.count() == 1, timeout=WAIT)
    assert "未缴费" in window.scan.recent.item(0).text()

    window.desk = Desk(window.store, operator="ui", chinese=False, now=lambda: EVENT_DAY)
    window.scan.load_recent()
    shown = window.scan.recent.item(0).text()
    assert shown.startswith("✗") and "paid" in shown.lower()
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in shown.split("—", 1)[1])
