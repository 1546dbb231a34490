"""How a kiosk starts and ends: `checkin-desk --kiosk`, the Settings switch that only an
unlocked organiser may turn, a kiosk that needs the organiser PIN to exist, leaving it for
the desk window."""

import dataclasses
import shutil

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin import privacy  # noqa: E402
from checkin.app import parse_args  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.settings import load_settings  # noqa: E402
from checkin.store import Store  # noqa: E402
from checkin.ui.kiosk import KioskWindow  # noqa: E402
from checkin.ui.launcher import Launcher  # noqa: E402
from checkin.ui.main_window import DeskWindow  # noqa: E402
from checkin.ui.settings_dialog import open_settings  # noqa: E402

PIN = "2468013579"
WAIT = 20_000


@pytest.fixture
def event_db(tmp_path, _imported_event_db):
    path = tmp_path / "events" / "shic2026.db"
    path.parent.mkdir()
    shutil.copyfile(_imported_event_db, path)
    return path


def with_pin(path):
    with Store(path) as store, store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, privacy=dataclasses.replace(
            store.config.privacy, organiser_pin_hash=privacy.hash_pin(PIN))))


@pytest.fixture
def launch(tmp_path):
    made = []

    def start(**options):
        launcher = Launcher(open_source=lambda: ImageFolderSource([]),
                            printer=FolderPrinter(tmp_path / "printed"), **options)
        made.append(launcher)
        launcher.start()
        return launcher

    yield start
    for launcher in made:
        launcher.shutdown()
    QApplication.processEvents()


def staff(qtbot, kiosk):
    kiosk.ask_pin()
    kiosk.pin.pin.setText(PIN)
    kiosk.pin.unlock_button.click()
    qtbot.waitUntil(lambda: kiosk.screen_now is kiosk.staff, timeout=WAIT)


def test_the_kiosk_flag(qtbot):
    assert parse_args(["--kiosk"]).kiosk and not parse_args([]).kiosk


def test_checkin_desk_kiosk_opens_full_screen_and_the_organiser_leaves_for_the_desk(
        qtbot, launch, event_db):
    with_pin(event_db)
    launcher = launch(db=event_db, kiosk=True)
    kiosk = launcher.window
    assert isinstance(kiosk, KioskWindow) and kiosk.isFullScreen()
    kiosk.close()  # refused: staff only
    assert kiosk.isVisible() and kiosk.screen_now is kiosk.pin
    staff(qtbot, kiosk)
    kiosk.staff.desk_button.click()
    qtbot.waitUntil(lambda: isinstance(launcher.window, DeskWindow), timeout=WAIT)
    assert not kiosk.isVisible()
    assert not load_settings().kiosk


def test_no_kiosk_without_an_organiser_pin(qtbot, launch, event_db):
    launcher = launch(db=event_db, kiosk=True)
    assert isinstance(launcher.window, DeskWindow)
    assert "organiser PIN" in launcher.message_box.text()


def test_settings_turn_a_desk_into_a_kiosk_only_with_the_organiser_unlocked(
        qtbot, launch, event_db):
    with_pin(event_db)
    launcher = launch(db=event_db)
    window = launcher.window
    assert isinstance(window, DeskWindow)
    dialog = open_settings(window)
    assert not dialog.kiosk.isEnabled() and "Unlock organiser mode" in dialog.kiosk_note.text()
    dialog.reject()
    window.organiser_action.trigger()
    window.pin_dialog.pin.setText(PIN)
    window.pin_dialog.action.click()
    qtbot.waitUntil(lambda: window.organiser.unlocked, timeout=WAIT)
    dialog = open_settings(window)
    assert dialog.kiosk.isEnabled()
    dialog.kiosk.setChecked(True)
    dialog.kiosk_side.setCurrentIndex(dialog.kiosk_side.findData("right"))
    dialog.accept()
    qtbot.waitUntil(lambda: isinstance(launcher.window, KioskWindow), timeout=WAIT)
    saved = load_settings()
    assert saved.kiosk and saved.kiosk_printer_side == "right"
    kiosk = launcher.window
    assert kiosk.settings.kiosk_printer_side == "right"
    launcher.shutdown()
    again = launch(db=event_db)  # the next start: a kiosk, by the setting alone
    assert isinstance(again.window, KioskWindow)
