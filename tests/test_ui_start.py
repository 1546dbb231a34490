"""Start-up of the desk app: the start screen on a first run, the demo event, reopening the
last event, an unwritable data folder, events that cannot be opened."""

import shutil
import stat

import pytest

pytest.importorskip("PySide6")

from conftest import rerun_where_permissions_bind  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin import paths  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.settings import Settings, load_settings, save_settings  # noqa: E402
from checkin.store import Store  # noqa: E402
from checkin.ui.launcher import Launcher, copy_event  # noqa: E402


@pytest.fixture
def launch(qtbot, tmp_path):
    """Start the app as `checkin-desk` would, with no camera and PDFs in a folder."""
    made = []

    def start(**options):
        launcher = Launcher(open_source=lambda: ImageFolderSource([]),
                            printer=FolderPrinter(tmp_path / "printed"), demo_people=80,
                            **options)
        made.append(launcher)
        launcher.start()
        return launcher

    yield start
    for launcher in made:
        launcher.shutdown()
    QApplication.processEvents()


@pytest.fixture
def event_db(tmp_path, _imported_event_db):
    path = tmp_path / "events" / "shic2026.db"
    path.parent.mkdir()
    shutil.copyfile(_imported_event_db, path)
    return path


def test_first_run_shows_the_start_screen_and_the_demo_button_opens_the_demo(qtbot, launch):
    launcher = launch()
    assert launcher.window is None
    dialog = launcher.start_dialog
    assert dialog is not None and dialog.isVisible()
    assert "none yet" in dialog.recent.item(0).text()
    assert str(paths.data_dir()) in dialog.data_dir_label.text()
    dialog.demo_button.click()
    qtbot.waitUntil(lambda: launcher.window is not None, timeout=60_000)
    window = launcher.window
    assert window.store.path == str(paths.demo_db())
    assert window.store.counts()["registrants"] == 80
    assert "演示" in window.windowTitle()
    qtbot.waitUntil(lambda: launcher.start_dialog is None, timeout=5000)
    assert load_settings().last_db == str(paths.demo_db())
    assert hasattr(window, "sounds") and hasattr(window, "settings_file")


def test_second_run_reopens_the_last_event_without_the_start_screen(qtbot, launch, event_db):
    save_settings(Settings(last_db=str(event_db), recent_dbs=[str(event_db)]))
    launcher = launch()
    assert launcher.start_dialog is None
    assert launcher.window is not None and launcher.window.store.path == str(event_db)
    assert launcher.window.isVisible()
    assert "第二届医疗行业数字创新大会" in launcher.window.windowTitle()


def test_a_last_event_that_is_gone_gives_the_start_screen_with_a_message(qtbot, launch, tmp_path):
    gone = tmp_path / "moved-away.db"
    save_settings(Settings(last_db=str(gone), recent_dbs=[str(gone)]))
    launcher = launch()
    assert launcher.window is None
    dialog = launcher.start_dialog
    assert dialog.message.isVisibleTo(dialog) and str(gone) in dialog.message.text()
    assert "not found" in dialog.recent.item(0).text()
    dialog._recent_chosen(dialog.recent.item(0))
    assert launcher.window is None and "not there any more" in dialog.message.text()


def test_db_flag_opens_that_event_and_remembers_it(qtbot, launch, event_db):
    launcher = launch(db=event_db, station="forum:F2")
    assert launcher.window.scan.station == "forum:F2"
    settings = load_settings()
    assert settings.last_db == str(event_db) and settings.recent_dbs == [str(event_db)]


def test_recent_event_opens_from_the_start_screen(qtbot, launch, event_db, tmp_path):
    save_settings(Settings(recent_dbs=[str(event_db)]))
    launcher = launch()
    dialog = launcher.start_dialog
    dialog.recent.setCurrentRow(0)
    dialog.recent_open.click()
    assert launcher.window is not None and launcher.window.store.path == str(event_db)


def test_a_file_that_is_not_an_event_is_said_and_the_start_screen_stays(qtbot, launch, tmp_path):
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database " * 100)
    launcher = launch(db=junk)
    assert launcher.window is None
    assert launcher.start_dialog is not None and launcher.start_dialog.isVisible()
    box = launcher.message_box
    assert box is not None and box.isVisible()
    assert "Cannot open the event" in box.windowTitle() and str(junk) in box.text()


def _assert_data_dir_warning(launcher, folder):
    box = launcher.data_dir_box
    assert box is not None and box.isVisible()
    assert "Data folder not writable" in box.windowTitle()
    assert str(folder) in box.text() and "--data-dir" in box.text()
    assert any("Choose another folder" in b.text() for b in box.buttons())


def test_unwritable_data_folder_is_said_and_events_elsewhere_still_open(
        qtbot, launch, event_db, tmp_path, monkeypatch):
    """The data folder's place is a file (a typo, a broken sync folder): nobody, not even
    root, can write there."""
    (tmp_path / "blocked").write_text("a file where the folder should be")
    folder = tmp_path / "blocked" / "CheckinDesk"
    monkeypatch.setenv("CHECKIN_HOME", str(folder))
    launcher = launch()
    _assert_data_dir_warning(launcher, folder)
    dialog = launcher.start_dialog
    dialog.demo_button.click()  # the demo would live in the data folder: said, not crashed
    assert "Cannot create the demo event" in dialog.message.text()
    assert launcher.window is None
    window = launcher.open_event(event_db)  # an event elsewhere works as usual
    assert window is not None and window.isVisible()
    assert "cannot save the settings" in launcher.settings_file.error
    assert launcher.settings_file.settings.last_db == str(event_db)  # for this run


def test_read_only_data_folder_is_said(qtbot, launch, tmp_path, monkeypatch, request):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if paths.write_problem(folder) is None:
            return rerun_where_permissions_bind(request, tmp_path)
        monkeypatch.setenv("CHECKIN_HOME", str(folder))
        launcher = launch()
        _assert_data_dir_warning(launcher, folder)
        assert launcher.start_dialog.isVisible()
    finally:
        folder.chmod(0o755)


def test_choosing_another_data_folder_moves_the_settings(qtbot, launch, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("x")
    monkeypatch.setenv("CHECKIN_HOME", str(tmp_path / "blocked" / "home"))
    launcher = launch()
    launcher.settings_file.settings.sounds = False
    assert launcher.change_data_dir(tmp_path / "elsewhere")
    assert paths.data_dir() == tmp_path / "elsewhere"
    assert load_settings().sounds is False  # saved in the new folder
    assert "--data-dir" in launcher.start_dialog.message.text()
    assert str(tmp_path / "elsewhere") in launcher.start_dialog.data_dir_label.text()


def test_read_only_event_folder_offers_a_copy(qtbot, launch, event_db, tmp_path, request):
    event_db.parent.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if paths.write_problem(event_db.parent) is None:
            return rerun_where_permissions_bind(request, tmp_path)
        launcher = launch(db=event_db)
        assert launcher.window is None
        box = launcher.message_box
        assert "copy the event to a writable folder" in box.text()
        assert any("Copy and open" in b.text() for b in box.buttons())
        window = launcher._copy_and_open(event_db, tmp_path / "writable")
        assert window is not None and window.store.path == str(tmp_path / "writable" / event_db.name)
    finally:
        event_db.parent.chmod(0o755)


def test_copy_event_keeps_the_latest_check_ins_in_the_wal(tmp_path, event_db):
    with Store(event_db) as store:
        store._writer.execute("PRAGMA wal_autocheckpoint = 0")
        with store.transaction() as conn:
            store.set_meta(conn, "device_name", "报到处9")
        copy = copy_event(event_db, tmp_path / "copies")  # while the WAL holds the change
        again = copy_event(event_db, tmp_path / "copies")
    assert again.name == "shic2026-2.db"
    with Store(copy) as copied:
        assert copied.device_name == "报到处9"
        assert copied.counts()["registrants"] == 2401


def test_connect_to_an_unreachable_central_list_says_so(qtbot, launch):
    launcher = launch()
    form = launcher.start_dialog.connect_central()
    fp = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPIYTEMZUGU3D"
    form.url.setText(f"checkin-enrol:https://list.example.org#K7Q2-9XPD;sha256={fp}")
    form._split_pasted()  # a scanned QR fills the three fields
    assert (form.url.text(), form.code.text()) == ("https://list.example.org", "K7Q2-9XPD")
    assert form.fingerprint.text() == "MFRG-GZDF-MZTW-Q2LK-NNWG-23TP-OBYX-E43U-OV3H-O6DZ-PIYT-EMZU-GU3D"
    form.fingerprint.clear()
    form.try_connect()  # an https server without its fingerprint: said, nothing sent
    assert "fingerprint" in form.message.text() and form.connect_button.isEnabled()
    form.url.setText("checkin-enrol:http://127.0.0.1:9#K7Q2-9XPD")  # nothing listens there
    form.try_connect()
    assert form.url.text() == "http://127.0.0.1:9" and form.code.text() == "K7Q2-9XPD"
    qtbot.waitUntil(lambda: form.connect_button.isEnabled(), timeout=20_000)
    assert "127.0.0.1:9" in form.message.text() or "reach" in form.message.text().lower()
    assert launcher.window is None and not list(paths.data_dir().glob("*.db"))
    form.reject()


def test_settings_device_name_names_a_fresh_event(qtbot, launch, event_db):
    save_settings(Settings(device_name="报到处3"))
    launcher = launch(db=event_db)
    assert launcher.window.store.device_name == "报到处3"


def test_demo_flag_makes_the_demo_where_db_says(qtbot, launch, tmp_path):
    launcher = launch(demo=True, db=tmp_path / "mine" / "demo.db")
    assert launcher.window is not None
    assert launcher.window.store.path == str(tmp_path / "mine" / "demo.db")
    assert launcher.window.store.counts()["registrants"] == 80


def test_the_first_start_asks_for_the_desks_name_and_holds_scans_until_then(
        qtbot, launch, event_db):
    """The host name means nothing at the venue: the first start asks; a scan made meanwhile
    waits for the answer, then is decided."""
    from checkin.model import Outcome
    from checkin.settings import SettingsFile

    launcher = launch(db=event_db)
    window = launcher.window
    dialog = window.desk_name_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    window.gate.offer("SHIC2026-999999")
    assert window.gate.held == ["SHIC2026-999999"]
    dialog.name.setText("  报到处 7 ")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: window.store.device_name == "报到处 7", timeout=10_000)
    # the status line follows once the DB thread answered
    qtbot.waitUntil(lambda: "报到处 7" in window.who.text(), timeout=10_000)
    assert SettingsFile().settings.device_name == "报到处 7"
    qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.NOT_FOUND, timeout=10_000)
    launcher.shutdown()
    again = launch(db=event_db)  # named once: not asked again
    assert not getattr(again.window, "desk_name_dialog", None)
