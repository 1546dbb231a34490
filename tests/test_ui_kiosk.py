"""The self check-in kiosk (checkin/ui/kiosk), whole flows in the real window offscreen: a
real SQLite event, real QR pictures through the camera worker, the handheld scanner's keys,
badges spooled to a folder printer, the organiser PIN, idle time, a printer that goes off."""

import dataclasses
import shutil

import cv2
import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from checkin import kiosk, privacy  # noqa: E402
from checkin.model import KIOSK_CLOSED, KIOSK_REOPENED, Alerts, Kiosk  # noqa: E402  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.settings import Settings  # noqa: E402
from checkin.store import audit, desk_views, eventlog  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.ui import i18n  # noqa: E402
from checkin.ui.kiosk import KioskWindow  # noqa: E402
from testkit.frames import frame_with  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊, 13557616987, 中国移动通信集团湖南有限公司
OTHER = "SHIC2026-000003"  # 朱思佳
UNPAID = "SHIC2026-000005"  # 许敏
PIN = "2468013579"
ID_NUMBER = "11010519491231002X"
WAIT = 20_000


def configure(store, **changes):
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, **changes))


def with_pin(store):
    configure(store, privacy=dataclasses.replace(store.config.privacy,
                                                 organiser_pin_hash=privacy.hash_pin(PIN)))


def qr_photo(folder, code):
    """A camera picture (1280x720) with the code's QR in it, as a file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.png"
    cv2.imwrite(str(path), frame_with([code]))
    return path


@pytest.fixture
def make_kiosk(qtbot, event_store, tmp_path):
    with_pin(event_store)
    made = []

    def make(source=None, size=(1080, 1920), **options):
        options.setdefault("printer", FolderPrinter(tmp_path / "printed"))
        window = KioskWindow(event_store, open_source=source or (lambda: ImageFolderSource([])),
                             now=lambda: EVENT_DAY, full_screen=False, probe_ms=3_600_000,
                             sync_interval=3600, **options)
        made.append(window)
        window.resize(*size)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        return window

    yield make
    for window in made:
        window.shutdown()
    i18n.switch("en")  # the language button may have changed it for the whole app


def printed(tmp_path, code, document="badge") -> bool:
    folder = tmp_path / "printed"
    return folder.is_dir() and any(folder.glob(f"*{document}_{code}*.pdf"))


def texts(widget) -> str:
    """Every word a screen shows (labels and buttons), for what must never be on it."""
    words = [w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget)]
    from PySide6.QtWidgets import QPushButton

    words += [b.text() for b in widget.findChildren(QPushButton) if b.isVisibleTo(widget)]
    return "\n".join(words)


def test_a_code_held_to_the_camera_checks_in_and_the_badge_is_spooled(qtbot, make_kiosk,
                                                                       tmp_path, event_store):
    photo = qr_photo(tmp_path / "camera", PAID)
    window = make_kiosk(lambda: ImageFolderSource([photo]))
    flow = window.flow
    qtbot.waitUntil(lambda: window.screen_now is flow.badge, timeout=60_000)
    assert flow.badge.name == "范俊" and "范俊" in flow.badge.title.text()
    qtbot.waitUntil(lambda: flow.badge.image is not None, timeout=WAIT)  # the real badge
    assert not flow.badge.preview.pixmap().isNull()
    flow.badge.print_button.click()
    assert window.screen_now is flow.done
    qtbot.waitUntil(lambda: printed(tmp_path, PAID), timeout=WAIT)
    qtbot.waitUntil(lambda: flow.done.printed, timeout=WAIT)
    assert "left" in flow.done.where.text()
    admission = eventlog.admission(event_store.reader(), PAID, "registration")
    assert admission is not None
    assert eventlog.was_printed(event_store.reader(), PAID, "badge")
    flow.done.done_button.click()
    assert window.screen_now is flow.start and flow.badge.name == ""


def test_the_handheld_scanner_works_and_the_badge_prints_by_itself(qtbot, make_kiosk, tmp_path,
                                                                   event_store):
    configure(event_store, kiosk=Kiosk(auto_print_seconds=2))
    window = make_kiosk(tick_ms=20, settings=Settings(auto_print_vouchers=True))
    qtbot.keyClicks(window, OTHER)  # a scanner types the whole code at once, then Enter
    qtbot.keyClick(window, Qt.Key.Key_Return)
    flow = window.flow
    qtbot.waitUntil(lambda: window.screen_now is flow.done, timeout=WAIT)  # no tap needed
    qtbot.waitUntil(lambda: printed(tmp_path, OTHER), timeout=WAIT)
    reg = reg_store.get(event_store.reader(), OTHER)
    if reg.meals:  # the vouchers that came with it are named
        assert flow.done.vouchers and "voucher" in flow.done.with_it.text()
        qtbot.waitUntil(lambda: printed(tmp_path, OTHER, "vouchers"), timeout=WAIT)


def test_without_a_code_the_phone_digits_a_masked_name_and_the_id_tail(qtbot, make_kiosk,
                                                                        tmp_path, event_store):
    configure(event_store, kiosk=Kiosk(confirm="id_tail", auto_print_seconds=0))
    with event_store.transaction() as conn:
        reg_store.apply_edit(conn, PAID, {"id_number": ID_NUMBER})
        event_store.bump_registrant_generation(conn)
    window = make_kiosk(size=(1920, 1080))
    flow = window.flow
    flow.start.phone_button.click()
    assert window.screen_now is flow.phone
    flow.phone.keypad.press("6987")  # 13557616987
    qtbot.waitUntil(lambda: window.screen_now is flow.pick, timeout=WAIT)
    shown = texts(flow.pick)
    assert "范*" in shown and "中国移动通信…" in shown
    for secret in ("范俊", "13557616987", "135****6987", "6987", "@example", ID_NUMBER):
        assert secret not in shown
    assert [c.code for c in flow.pick.matches.candidates] == [PAID]
    flow.pick.buttons[0].click()
    assert window.screen_now is flow.confirm and "ID" in flow.confirm.title.text()
    flow.confirm.keypads["id_tail"].press("1234")
    qtbot.waitUntil(lambda: flow.confirm.tries_left == 2, timeout=WAIT)
    assert eventlog.admission(event_store.reader(), PAID, "registration") is None
    flow.confirm.keypads["id_tail"].press("002X")
    qtbot.waitUntil(lambda: window.screen_now is flow.badge, timeout=WAIT)
    assert flow.badge.countdown.text() == ""  # auto_print_seconds = 0: the button only
    flow.badge.print_button.click()
    qtbot.waitUntil(lambda: printed(tmp_path, PAID), timeout=WAIT)


def test_an_unpaid_attendee_is_sent_to_the_desk_without_the_reason_on_screen(
        qtbot, make_kiosk, tmp_path, event_store):
    window = make_kiosk()
    window.gate.offer(UNPAID)
    flow = window.flow
    qtbot.waitUntil(lambda: window.screen_now is flow.referral, timeout=WAIT)
    shown = texts(flow.referral)
    assert "staffed desk" in shown and "001" in shown and "21" in flow.referral.staff.text()
    for reason in ("paid", "pay", "未缴费", "许敏", UNPAID):
        assert reason not in shown
    assert not printed(tmp_path, UNPAID)
    # the detail is where staff look: the desk's recent scans and the audit trail
    scans = desk_views.recent_scans(event_store.reader(), event_store.device_id, 5)
    assert scans[0].kind == "refused" and scans[0].code == UNPAID
    entry = audit.entries(event_store.reader(), kiosk.REFERRAL)[-1]
    assert entry.code == UNPAID and entry.details["group"] == kiosk.PAYMENT
    flow.referral.ok_button.click()
    assert window.screen_now is flow.start and flow.referral.number is None


def test_an_alert_sends_the_attendee_to_the_desk_which_admits_them(qtbot, make_kiosk,
                                                                   event_store):
    configure(event_store, alerts=Alerts(words=("轮椅",)))
    window = make_kiosk()
    window.gate.offer("SHIC2026-000001")  # 朱彤浩: 轮椅通道
    qtbot.waitUntil(lambda: window.screen_now is window.flow.referral, timeout=WAIT)
    assert window.flow.referral.group == kiosk.ALERT
    assert eventlog.admission(event_store.reader(), "SHIC2026-000001", "registration") is None


def test_esc_alt_f4_and_close_ask_for_the_pin_and_a_wrong_pin_keeps_the_kiosk(
        qtbot, make_kiosk, event_store):
    window = make_kiosk()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.screen_now is window.pin
    window.pin.keypad.press("1234567890")
    window.pin.unlock_button.click()
    qtbot.waitUntil(lambda: "Wrong PIN" in window.pin.message.text(), timeout=WAIT)
    assert window.isVisible() and window.screen_now is window.pin
    assert not window.organiser.unlocked
    window.pin.cancel_button.click()
    assert window.screen_now is window.flow.start
    window.close()  # the window manager's close button
    assert window.isVisible() and window.screen_now is window.pin
    window.go_home()
    qtbot.keyClick(window, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    assert window.screen_now is window.pin
    window.go_home()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert window.screen_now is window.pin
    window.pin.pin.setText(PIN)
    window.pin.unlock_button.click()
    qtbot.waitUntil(lambda: window.screen_now is window.staff, timeout=WAIT)
    attempts = [e.details["ok"] for e in audit.entries(event_store.reader(), audit.UNLOCK)]
    assert attempts == [False, True]
    window.staff.back_button.click()
    assert window.screen_now is window.flow.start and not window.organiser.unlocked
    assert window.isVisible()


def test_an_idle_kiosk_goes_back_to_the_start_and_forgets_what_it_showed(qtbot, make_kiosk):
    window = make_kiosk(idle_ms=1000)  # counted from when each screen is shown
    flow = window.flow
    window.toggle_language()
    assert i18n.language() == "zh" and window.language_button.text() == "English"
    flow.start.phone_button.click()
    flow.phone.keypad.press("1123")  # four people share it in the fixture
    qtbot.waitUntil(lambda: window.screen_now is flow.pick, timeout=WAIT)
    assert len(flow.pick.buttons) == 4
    qtbot.waitUntil(lambda: window.screen_now is flow.start, timeout=WAIT)  # nobody touched it
    assert flow.pick.buttons == [] and flow.phone.typed == "" and "*" not in texts(flow.pick)
    assert i18n.language() == "en" and window.language_button.text() == "中文"


def test_a_printer_that_goes_off_mid_morning_closes_self_check_in(qtbot, make_kiosk,
                                                                  tmp_path, event_store):
    window = make_kiosk()
    flow = window.flow
    window.gate.offer(PAID)
    qtbot.waitUntil(lambda: window.screen_now is flow.badge, timeout=WAIT)
    flow.badge.print_button.click()
    qtbot.waitUntil(lambda: printed(tmp_path, PAID), timeout=WAIT)
    window.go_home()
    folder = tmp_path / "printed"  # the printer goes off: nowhere to print to
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    window.gate.offer(OTHER)  # the next attendee, checked in before the print fails
    qtbot.waitUntil(lambda: window.screen_now is flow.badge, timeout=WAIT)
    flow.badge.print_button.click()
    qtbot.waitUntil(lambda: window.screen_now is flow.referral, timeout=WAIT)
    assert flow.referral.group == kiosk.PRINTER and "did not print" in flow.referral.body.text()
    assert not window.watch.ready
    flow.referral.ok_button.click()
    assert window.screen_now is window.paused and "staffed desk" in texts(window.paused)
    window.gate.offer(UNPAID)  # no scan is taken meanwhile (dropped at once, not queued)
    QApplication.processEvents()
    assert window.screen_now is window.paused and not window.runner.busy
    assert not [e for e in eventlog.history(event_store.reader(), UNPAID) if e.kind == "refused"]
    folder.unlink()  # fixed; staff resume with the PIN
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    window.pin.pin.setText(PIN)
    window.pin.unlock_button.click()
    qtbot.waitUntil(lambda: window.screen_now is window.staff, timeout=WAIT)
    assert "Printer fixed" in window.staff.resume_button.text()
    window.staff.resume_button.click()
    assert window.screen_now is flow.start
    window.gate.offer(UNPAID)
    qtbot.waitUntil(lambda: window.screen_now is flow.referral, timeout=WAIT)


def test_a_printer_found_off_before_anyone_scans_closes_and_reopens_by_itself(
        qtbot, make_kiosk, tmp_path, event_store):
    folder = tmp_path / "printed"
    folder.write_text("not a folder")
    window = make_kiosk()
    qtbot.waitUntil(lambda: window.screen_now is window.paused, timeout=WAIT)  # first probe
    assert "not a folder" in window.paused.staff.text()
    # in the audit trail, which the sync takes to the staffed desks' status bars
    said = lambda: [(e.action, e.details.get("problem", "")) for e in audit.entries(  # noqa: E731
        event_store.reader()) if e.action in (KIOSK_CLOSED, KIOSK_REOPENED)]
    qtbot.waitUntil(lambda: said() == [(KIOSK_CLOSED, window.watch.problem)], timeout=WAIT)
    folder.unlink()
    window.watch.probe()
    qtbot.waitUntil(lambda: window.screen_now is window.flow.start, timeout=WAIT)
    qtbot.waitUntil(lambda: said()[-1] == (KIOSK_REOPENED, ""), timeout=WAIT)
    window.watch.probe()  # nothing changed: nothing more said
    qtbot.wait(200)
    assert len(said()) == 2


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_the_screens_fit_portrait_and_landscape(qtbot, make_kiosk, size):
    window = make_kiosk(size=size)
    QApplication.processEvents()
    assert (window.width(), window.height()) == size
    start = window.flow.start
    assert start.phone_button.height() >= 100 and start.mirror.width() >= 400
    horizontal = start.mirror.geometry().right() < start.title.geometry().left()
    assert horizontal == (size[0] > size[1])  # side by side in landscape only


def test_a_badge_printed_before_is_not_printed_again_the_desk_reprints_it(
        qtbot, make_kiosk, tmp_path, event_store):
    from checkin.desk import Desk

    desk = Desk(event_store, operator="desk", now=lambda: EVENT_DAY)
    admitted = desk.scan(PAID)
    desk.record_print(PAID, "badge")  # printed at a desk, then the check-in undone
    desk.undo(admitted.event_uuid)
    window = make_kiosk()
    flow = window.flow
    window.gate.offer(PAID)
    qtbot.waitUntil(lambda: window.screen_now is flow.badge, timeout=WAIT)
    flow.badge.print_button.click()
    qtbot.waitUntil(lambda: window.screen_now is flow.referral, timeout=WAIT)
    assert flow.referral.group == kiosk.PRINTER and not printed(tmp_path, PAID)
    assert window.watch.ready  # the printer is fine: the kiosk stays open
    flow.referral.ok_button.click()
    assert window.screen_now is flow.start


def test_lookalikes_without_a_confirmation_go_to_the_desk_and_staff_see_the_referrals(
        qtbot, make_kiosk, event_store):
    with event_store.transaction() as conn:
        for code in (PAID, OTHER):
            reg_store.apply_edit(conn, code, {"phone": "13900000011", "name": "张三明",
                                              "organisation": "北京协和医院",
                                              "category": "参会代表"})
        event_store.bump_registrant_generation(conn)
    window = make_kiosk()
    flow = window.flow
    flow.start.phone_button.click()
    flow.phone.keypad.press("0011")
    qtbot.waitUntil(lambda: len(flow.pick.buttons) == 2, timeout=WAIT)
    flow.pick.buttons[0].click()
    qtbot.waitUntil(lambda: window.screen_now is flow.referral, timeout=WAIT)
    assert flow.referral.group == kiosk.CONFIRM
    assert eventlog.admission(event_store.reader(), PAID, "registration") is None
    window.ask_pin()
    window.pin.pin.setText(PIN)
    window.pin.unlock_button.click()
    qtbot.waitUntil(lambda: window.screen_now is window.staff, timeout=WAIT)
    assert window.staff.list.count() == 1
    assert window.staff.list.item(0).text() == f"001 · 71 · 08:30:00 · {window.staff.referrals[0].code}"


def test_on_a_touch_screen_staff_hold_the_event_name_for_the_pin(qtbot, make_kiosk):
    window = make_kiosk()
    window.hold.timer.setInterval(100)  # 3 s at the kiosk
    qtbot.mouseClick(window.event_label, Qt.MouseButton.LeftButton)  # a tap: nothing
    assert not window.hold.timer.isActive() and window.screen_now is window.flow.start
    qtbot.mousePress(window.event_label, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.screen_now is window.pin, timeout=WAIT)
    qtbot.mouseRelease(window.event_label, Qt.MouseButton.LeftButton)
