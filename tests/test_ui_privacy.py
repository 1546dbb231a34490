"""Personal data in the desk window (issue 7, docs/personal-data.md): phone numbers and
e-mails masked for the desk role, the organiser PIN (wrong, right, none set), the audit trail,
locking again (by hand and after idle time), the edit form that never writes a masked value
back, and the status line of a revoked and wiped desk. Real window, offscreen."""

import dataclasses
import json
import shutil

import pytest

from checkin import wipe

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from ui_helpers import find_window, select  # noqa: E402

from checkin import privacy  # noqa: E402
from checkin.desk import Desk  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.privacy import Role  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.store import audit, eventlog  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.sync import status as st  # noqa: E402

XUMIN = "SHIC2026-000005"  # 许敏: 19845205997, user5@example.org
FANJUN = "SHIC2026-000002"  # 范俊: 13557616987, user2@example.org
PIN = "2468013579"  # ten digits: the shortest organiser PIN without a letter
PIN_HASH = privacy.hash_pin(PIN)
WAIT = 15_000


def set_pin(store, pin_hash=PIN_HASH):
    """The organiser PIN's hash in the event configuration, as `privacy pin --save` does."""
    config = store.config
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(
            config, privacy=dataclasses.replace(config.privacy, organiser_pin_hash=pin_hash)))


def make_window(qtbot, store, tmp_path, **options):
    return find_window(qtbot, store, tmp_path / "printed", **options)


@pytest.fixture
def window(qtbot, event_store, tmp_path):
    set_pin(event_store)
    window = make_window(qtbot, event_store, tmp_path)
    yield window
    window.close()


def shown(window):
    return {key: label.text() for key, label in window.person.values.items()}


def entries(store, action):
    return audit.entries(store.reader(), action)


def idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)


def unlock(qtbot, window, pin=PIN):
    """File → Organiser mode… (Ctrl+Shift+P), type the PIN, Unlock; the dialog."""
    window.organiser_action.trigger()
    dialog = window.pin_dialog
    assert dialog.isVisible()
    assert dialog.pin.echoMode() == dialog.pin.EchoMode.Password
    dialog.pin.setText(pin)
    dialog.action.click()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)  # the PIN was checked
    return dialog


def test_the_desk_role_shows_phone_numbers_and_e_mails_masked(qtbot, window):
    item = select(window, "5997", XUMIN)  # found by the last digits of the stored number
    assert "19845205997" not in item.text() and "5997" not in item.toolTip()
    values = shown(window)
    assert values["phone"] == "198****5997"
    assert values["email"] == "u***@example.org"
    assert values["organisation"] not in ("", "—")  # what the desk needs stays whole
    assert window.person.name.text() == "许敏"
    assert not window.organiser_badge.isVisible()
    assert window.organiser.role == Role.DESK
    assert entries(window.store, audit.SHOWN) == []


def test_a_wrong_pin_keeps_it_masked_and_says_so(qtbot, window):
    select(window, "xumin", XUMIN)
    dialog = unlock(qtbot, window, "135791")
    assert dialog.isVisible() and dialog.message.isVisible()
    assert "Wrong PIN" in dialog.message.text() and "4 more" in dialog.message.text()
    assert dialog.pin.text() == ""  # typed again, not kept
    assert shown(window)["phone"] == "198****5997"
    assert not window.organiser_badge.isVisible()
    assert [e.details["ok"] for e in entries(window.store, audit.UNLOCK)] == [False]
    assert entries(window.store, audit.UNLOCK)[0].operator == "ui"
    dialog.reject()


def test_five_wrong_pins_lock_the_organiser_role(qtbot, window):
    select(window, "xumin", XUMIN)
    window.organiser_action.trigger()
    dialog = window.pin_dialog
    for _ in range(privacy.LOCKOUT_ATTEMPTS):
        dialog.pin.setText("135791")
        dialog.action.click()
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=WAIT)
    assert "locked" in dialog.message.text() and "15 minutes" in dialog.message.text()
    assert not dialog.action.isEnabled()
    dialog.reject()
    dialog = unlock(qtbot, window, PIN)  # even the right PIN, for a while
    assert "locked" in dialog.message.text()
    assert shown(window)["phone"] == "198****5997"
    assert entries(window.store, audit.UNLOCK)[-1].details["reason"] == "locked"
    dialog.reject()


def test_the_right_pin_unmasks_is_audited_and_lock_masks_again(qtbot, window):
    select(window, "xumin", XUMIN)
    dialog = unlock(qtbot, window)
    assert not dialog.isVisible()
    assert window.organiser.role == Role.ORGANISER
    assert window.organiser_badge.isVisible()
    assert window.organiser_action.text() == "Lock organiser mode"
    values = shown(window)
    assert values["phone"] == "19845205997" and values["email"] == "user5@example.org"
    idle(qtbot, window)
    unlocks = entries(window.store, audit.UNLOCK)
    assert [(e.details["ok"], e.details["purpose"]) for e in unlocks] == [(True, "desk window")]
    seen = entries(window.store, audit.SHOWN)
    assert [(e.code, e.operator) for e in seen] == [(XUMIN, "ui")]
    assert set(seen[0].details["fields"]) >= {"phone", "email"}
    assert "19845205997" not in json.dumps(seen[0].details)  # never the data itself

    select(window, "fanjun", FANJUN)  # another person: recorded too
    select(window, "xumin", XUMIN)  # the same one again in this unlock: not again
    window.person.reload()
    idle(qtbot, window)
    assert [e.code for e in entries(window.store, audit.SHOWN)] == [XUMIN, FANJUN]

    window.organiser_action.trigger()  # the same menu entry locks
    assert window.organiser.role == Role.DESK
    assert not window.organiser_badge.isVisible()
    assert window.organiser_action.text() == "Organiser mode…"
    assert shown(window)["phone"] == "198****5997"

    unlock(qtbot, window)  # a new unlock: shown once more
    idle(qtbot, window)
    assert [e.code for e in entries(window.store, audit.SHOWN)] == [XUMIN, FANJUN, XUMIN]
    window.organiser.lock()


def test_no_pin_configured_says_how_to_set_one(qtbot, event_store, tmp_path):
    window = make_window(qtbot, event_store, tmp_path)
    try:
        select(window, "xumin", XUMIN)
        window.organiser_action.trigger()
        dialog = window.pin_dialog
        assert dialog.isVisible() and dialog.message.isVisible()
        assert "no organiser PIN" in dialog.message.text()
        assert "checkin privacy pin --save" in dialog.message.text()
        assert event_store.path in dialog.message.text()
        assert not dialog.pin.isEnabled() and not dialog.action.isEnabled()
        assert shown(window)["phone"] == "198****5997"
        answers = []
        window.organiser.try_unlock("123456", lambda *a: answers.append(a))
        qtbot.waitUntil(lambda: bool(answers), timeout=WAIT)
        assert answers == [("no_pin", 0)] and window.organiser.role == Role.DESK
        dialog.reject()
    finally:
        window.close()


def test_idle_time_locks_the_organiser_role_and_input_keeps_it(qtbot, event_store, tmp_path):
    set_pin(event_store)
    window = make_window(qtbot, event_store, tmp_path, organiser_idle_ms=3_600_000)
    try:
        select(window, "xumin", XUMIN)
        unlock(qtbot, window)
        assert shown(window)["phone"] == "19845205997"
        # An hour's countdown runs; from now on the idle time is short, so only input
        # starting the countdown again can lock the role within this test.
        window.organiser.idle_ms = 300
        qtbot.keyClick(window.search.query, Qt.Key.Key_Shift)  # any key: the time starts again
        # (not the hour's remainder; Qt's coarse timers may add a few percent)
        assert window.organiser.unlocked and window.organiser.remaining_ms() < 10_000
        qtbot.waitUntil(lambda: not window.organiser.unlocked, timeout=WAIT)
        assert window.organiser.lock_reason == "idle"
        assert shown(window)["phone"] == "198****5997"
        assert not window.organiser_badge.isVisible()
        assert "locked" in window.person.message.text()
    finally:
        window.close()


def test_the_history_of_an_edit_is_masked_for_the_desk(qtbot, window):
    Desk(window.store, operator="desk2", now=lambda: EVENT_DAY).edit(
        XUMIN, {"phone": "13800138000"}, reason="new number")
    select(window, "xumin", XUMIN)
    row = next(r for r in window.person.history_rows() if r[1] == "edit")
    assert "198****5997 → 138****8000" in row[5]
    assert "19845205997" not in row[5] and "13800138000" not in row[5]
    unlock(qtbot, window)
    row = next(r for r in window.person.history_rows() if r[1] == "edit")
    assert "19845205997 → 13800138000" in row[5]
    idle(qtbot, window)
    assert "history" in entries(window.store, audit.SHOWN)[0].details["fields"]
    window.organiser.lock()


def test_the_desk_edit_form_never_writes_a_masked_value_back(qtbot, window):
    select(window, "xumin", XUMIN)
    window.person.edit_button.click()
    dialog = window.person.dialog
    phone, email = dialog.fields["phone"], dialog.fields["email"]
    assert phone.text() == "" and "198****5997" in phone.placeholderText()
    assert email.text() == "" and "u***@example.org" in email.placeholderText()
    assert dialog.masked_note.isVisible()
    assert dialog.fields["name"].text() == "许敏"  # the rest is filled in as usual
    dialog.fields["organisation"].setText("协和医院")
    dialog.reason.setText("moved")
    dialog.action.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    reg = reg_store.get(window.store.reader(), XUMIN)
    assert (reg.organisation, reg.phone, reg.email) == (
        "协和医院", "19845205997", "user5@example.org")
    edit = [e for e in eventlog.history(window.store.reader(), XUMIN) if e.kind == "edit"][-1]
    assert set(edit.data["changes"]) == {"organisation"}
    assert "*" not in json.dumps(edit.data, ensure_ascii=False)

    window.person.edit_button.click()
    dialog = window.person.dialog
    dialog.fields["email"].setText("u***@example.org")  # the mask typed in is no new value
    dialog.action.click()
    assert dialog.isVisible() and dialog.message.isVisible()
    idle(qtbot, window)
    assert reg_store.get(window.store.reader(), XUMIN).email == "user5@example.org"
    dialog.reject()

    window.person.edit_button.click()  # a new number typed over the masked one replaces it
    dialog = window.person.dialog
    dialog.fields["phone"].setText("13800138000")
    dialog.action.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT)
    assert reg_store.get(window.store.reader(), XUMIN).phone == "13800138000"
    assert shown(window)["phone"] == "138****8000"


def test_the_organiser_edit_form_is_filled_in_whole_and_closes_on_lock(qtbot, window):
    select(window, "xumin", XUMIN)
    unlock(qtbot, window)
    window.person.edit_button.click()
    dialog = window.person.dialog
    assert dialog.fields["phone"].text() == "19845205997"
    assert not dialog.masked_note.isVisible()
    window.organiser.lock()
    assert not dialog.isVisible()  # it held the numbers whole


def test_the_file_menu_has_organiser_mode(qtbot, tmp_path, _imported_event_db):
    from checkin.ui.launcher import Launcher
    from checkin.ui.settings_dialog import desk_menu

    db = tmp_path / "event.db"
    shutil.copyfile(_imported_event_db, db)
    launcher = Launcher(db=db, open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    launcher.start()
    try:
        window = launcher.window
        texts = [a.text() for a in desk_menu(window).actions()]
        assert "Organiser mode…" in texts
        assert window.organiser_action.shortcut().toString() == "Ctrl+Shift+P"
    finally:
        launcher.shutdown()
        QApplication.processEvents()


def test_a_revoked_and_wiped_desk_says_so_in_the_status_bar(qtbot, event_store, tmp_path):
    with event_store.transaction() as conn:
        event_store.set_meta(conn, st.SERVER_URL, "http://127.0.0.1:9")
        event_store.set_meta(conn, st.EVENT, "shic2026")
        event_store.set_meta(conn, st.TOKEN, "revoked-token")
        st.save(event_store, conn, st.SyncStatus(
            state=st.REVOKED, last_error="revoked by the organiser"))
    wipe.wipe(event_store, reason="revoked", operator="sync", pdf_folders=[])
    window = make_window(qtbot, event_store, tmp_path)
    try:
        qtbot.waitUntil(lambda: "wiped" in window.sync_state.text(), timeout=WAIT)
        text = window.sync_state.text()
        assert "revoked — this desk's list was wiped" in text
        assert "people's data removed" in window.sync_state.toolTip()
        assert window.sync_state.label.isVisible()
    finally:
        window.close()


def test_a_paper_sheet_is_entered_in_organiser_mode_only(qtbot, window):
    """补录 from the window: File → Enter a paper sign-in sheet… (Ctrl+Shift+B) is greyed until
    the organiser unlocks; each line is decided as of its time and listed with its answer."""
    store = window.store
    window.desk = Desk(store, operator="组织者", now=lambda: EVENT_DAY.replace(hour=17))
    assert not window.backfill_action.isEnabled() and window.open_backfill() is None
    unlock(qtbot, window)
    assert window.backfill_action.isEnabled()
    window.backfill_action.trigger()
    sheet = window.backfill_dialog
    assert sheet.isVisible()
    sheet.station.setCurrentIndex(sheet.station.findData("forum:F1"))
    assert sheet.exits.isEnabled()  # a door: the sheet may list people leaving
    sheet.code.setText(FANJUN)
    sheet.time.setTime(sheet.time.time().fromString("09:05", "HH:mm"))
    sheet.enter_line()
    assert "reason" in sheet.problem.text() and sheet.lines.count() == 0  # nothing without one
    sheet.reason.setText("停电，纸质签到表")
    sheet.code.setText(FANJUN)
    qtbot.keyClick(sheet.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: sheet.lines.count() == 1, timeout=WAIT)
    assert sheet.lines.item(0).text().startswith("09:05  范俊") and sheet.code.text() == ""
    crossing = next(e for e in eventlog.history(store.reader(), FANJUN) if e.station == "forum:F1")
    assert crossing.wall_time.startswith("2026-06-26T09:05") and crossing.data["backfilled"]
    assert [e.details["reason"] for e in entries(store, "backfill")] == ["停电，纸质签到表"]
    sheet.code.setText(FANJUN)
    sheet.enter_line()  # the same line twice: already in, said in the list, not recorded
    qtbot.waitUntil(lambda: sheet.lines.count() == 2, timeout=WAIT)
    window.organiser_action.trigger()  # lock: the organiser's form goes with it
    assert not sheet.isVisible() and not window.backfill_action.isEnabled()
