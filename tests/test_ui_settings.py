"""The settings dialog on a running desk window, and the answer sounds."""

import shutil
import sys
import wave

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.model import Decision, Outcome  # noqa: E402
from checkin.printing.printers import CupsPrinter, FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.settings import NO_CAMERA, PDF_FOLDER, Settings, load_settings  # noqa: E402
from checkin.ui.launcher import Launcher  # noqa: E402
from checkin.ui.settings_dialog import (  # noqa: E402
    DocumentPrinters,
    NoCamera,
    SettingsDialog,
    open_settings,
    printer_from_settings,
)
from checkin.ui.sounds import SOUND_DIR, SOUNDS, SoundPlayer, sound_for  # noqa: E402

PAID = "SHIC2026-000002"


@pytest.fixture
def window(qtbot, tmp_path, _imported_event_db):
    db = tmp_path / "event.db"
    shutil.copyfile(_imported_event_db, db)
    launcher = Launcher(db=db, open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    launcher.start()
    window = launcher.window
    window.desk = window.scan.desk = Desk(window.store, operator="ui", now=lambda: EVENT_DAY)
    qtbot.waitUntil(lambda: window.search.index.generation >= 0, timeout=10_000)
    yield window
    launcher.shutdown()
    QApplication.processEvents()


def test_device_name_goes_into_the_store_and_sounds_can_be_muted(qtbot, window):
    assert window.sounds.enabled
    dialog = open_settings(window)
    assert dialog.isVisible() and dialog.device_name.text() == window.store.device_name
    dialog.device_name.setText("报到处7")
    dialog.sounds.setChecked(False)
    dialog.accept()
    qtbot.waitUntil(lambda: window.store.device_name == "报到处7", timeout=10_000)
    qtbot.waitUntil(lambda: "报到处7" in window.who.text(), timeout=10_000)
    assert window.sounds.enabled is False
    saved = load_settings()
    assert saved.device_name == "报到处7" and saved.sounds is False
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.scan.recent.count() == 1, timeout=10_000)
    assert window.sounds.last_sound is None  # muted: nothing played


def test_ctrl_comma_opens_the_settings(qtbot, window):
    action = next(a for a in window.actions() if "Settings" in a.text())
    assert "Ctrl+," in [s.toString() for s in action.shortcuts()]
    action.trigger()
    assert window.settings_dialog.isVisible()
    window.settings_dialog.reject()


def test_camera_change_restarts_the_camera_worker(qtbot, window):
    before = window._camera
    dialog = open_settings(window)
    dialog.camera.setCurrentIndex(dialog.camera.findData(NO_CAMERA))
    assert not dialog.resolution.isEnabled()
    dialog.accept()
    assert window._camera is not before
    assert load_settings().camera_index == NO_CAMERA
    qtbot.waitUntil(lambda: "stopped" in window.camera_state.text(), timeout=10_000)
    dialog = open_settings(window)
    dialog.camera.setCurrentIndex(dialog.camera.findData(1))
    dialog.resolution.setCurrentIndex(dialog.resolution.findData("1920x1080"))
    values = dialog.values()
    assert (values.camera_index, values.camera_width, values.camera_height) == (1, 1920, 1080)
    dialog.reject()  # cancelled: nothing changes
    assert load_settings().camera_index == NO_CAMERA


def test_printer_template_and_auto_print_apply_to_the_print_panel(qtbot, window, tmp_path):
    dialog = open_settings(window)
    badge = dialog.printer["badge"]
    badge.setCurrentIndex(badge.findData(PDF_FOLDER))
    assert dialog.pdf_folder.isEnabled()
    dialog.pdf_folder.setText(str(tmp_path / "badges"))
    dialog.template["badge"].setCurrentIndex(dialog.template["badge"].findData("badge-62mm"))
    dialog.auto_print["vouchers"].setChecked(True)
    dialog.accept()
    saved = load_settings()
    assert (saved.badge_printer, saved.badge_template, saved.auto_print_vouchers) == (
        PDF_FOLDER, "badge-62mm", True)
    printer = window.printing.queue.printer
    assert isinstance(printer, DocumentPrinters)  # badges to the folder, vouchers elsewhere
    assert printer.printers["badge"].folder == tmp_path / "badges"
    window.scan.submit(PAID)  # auto-print: the badge lands in the chosen folder
    qtbot.waitUntil(lambda: any((tmp_path / "badges").glob("*.pdf")), timeout=30_000)
    qtbot.waitUntil(lambda: "printed" in window.printing.state.text(), timeout=30_000)
    import pypdfium2

    badge_pdf = next((tmp_path / "badges").glob("*.pdf"))
    width_mm = pypdfium2.PdfDocument(badge_pdf)[0].get_size()[0] * 25.4 / 72
    assert round(width_mm) == 62  # printed with the chosen 62 mm label template
    jobs = window.printing.queue.jobs
    assert {j.document for j in jobs if j.code == PAID} == {"badge", "vouchers"}


def test_actual_size_or_fit_to_page_per_document(qtbot, window):
    dialog = open_settings(window)
    assert [dialog.scaling[d].currentData() for d in ("badge", "vouchers")] == ["actual"] * 2
    vouchers = dialog.scaling["vouchers"]
    vouchers.setCurrentIndex(vouchers.findData("fit"))
    badge = dialog.printer["badge"]
    badge.setCurrentIndex(badge.findData(PDF_FOLDER))
    assert not dialog.scaling["badge"].isEnabled()  # a saved PDF keeps its own size
    assert dialog.scaling["vouchers"].isEnabled()
    dialog.accept()
    saved = load_settings()
    assert (saved.badge_scaling, saved.vouchers_scaling) == ("actual", "fit")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CUPS queues: Linux only")
def test_a_cups_printer_gets_its_documents_scaling(monkeypatch):
    monkeypatch.setattr(CupsPrinter, "available", staticmethod(lambda: True))
    settings = Settings(badge_printer="Brother_QL_820NWB", vouchers_printer="Brother_QL_820NWB",
                        vouchers_scaling="fit")
    printer = printer_from_settings(settings)
    assert isinstance(printer, DocumentPrinters)  # one printer, two scalings
    assert [(p.name, p.scaling) for p in printer.printers.values()] == [
        ("Brother_QL_820NWB", "actual"), ("Brother_QL_820NWB", "fit")]
    settings.vouchers_scaling = "actual"
    printer = printer_from_settings(settings)
    assert isinstance(printer, CupsPrinter) and printer.scaling == "actual"


def test_document_printers_route_by_job_title():
    class Recorder:
        def __init__(self, name):
            self.name, self.titles = name, []

        def print_pdf(self, pdf, title):
            self.titles.append(title)

    badge, vouchers = Recorder("label"), Recorder("receipt")
    router = DocumentPrinters({"badge": badge, "vouchers": vouchers})
    router.print_pdf(b"%PDF", "badge A-1")
    router.print_pdf(b"%PDF", "vouchers A-1")
    assert badge.titles == ["badge A-1"] and vouchers.titles == ["vouchers A-1"]
    assert "label" in router.name and "receipt" in router.name


def test_settings_dialog_without_a_window_edits_the_settings_only(qtbot):
    from checkin.settings import SettingsFile

    file = SettingsFile()
    dialog = SettingsDialog(file)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData("zh"))
    dialog.device_name.setText("报到处2")
    assert dialog.apply()
    assert load_settings().language == "zh" and load_settings().device_name == "报到处2"


def test_no_camera_source_ends_at_once():
    source = NoCamera()
    assert source.read() is None and source.finished


# -- sounds -------------------------------------------------------------------------
def test_each_outcome_has_its_own_sound():
    assert sound_for(Outcome.OK) == "ok"
    assert sound_for(Outcome.ALREADY) == "already"
    assert {sound_for(o) for o in (Outcome.NOT_FOUND, Outcome.NOT_ELIGIBLE,
                                   Outcome.INVALID)} == {"refused"}


def test_sound_files_are_short_distinct_wavs():
    contents = set()
    for name in SOUNDS.values():
        path = SOUND_DIR / name
        with wave.open(str(path)) as wav:
            seconds = wav.getnframes() / wav.getframerate()
            assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        assert 0.1 <= seconds <= 0.5
        assert path.stat().st_size < 20_000
        contents.add(path.read_bytes())
    assert len(contents) == len(SOUNDS)  # each answer sounds different


def test_player_plays_per_outcome_and_is_silent_when_muted(qtbot):
    player = SoundPlayer(enabled=True)
    decision = Decision(outcome=Outcome.ALREADY, code="X", station="registration")
    assert player.play(decision) == "already" and player.last_sound == "already"
    assert player.play(Outcome.NOT_FOUND) == "refused"
    player.set_enabled(False)
    assert player.play(Outcome.OK) is None
    assert player.last_sound == "refused"  # nothing new was played
    if not player.available:  # CI, offscreen, no speakers: silent, and it said why
        assert player.why_silent


def test_window_decisions_play_their_sounds(qtbot, window):
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.sounds.last_sound == "ok", timeout=10_000)
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: window.sounds.last_sound == "already", timeout=10_000)
    window.scan.submit("SHIC2026-999999")
    qtbot.waitUntil(lambda: window.sounds.last_sound == "refused", timeout=10_000)


def test_settings_that_cannot_be_saved_still_apply_and_say_why(qtbot, window, tmp_path):
    from checkin.settings import SettingsFile

    (tmp_path / "blocked").write_text("a file where the data folder should be")
    window.settings_file = SettingsFile(tmp_path / "blocked" / "settings.json")
    dialog = open_settings(window)
    dialog.sounds.setChecked(False)
    dialog.accept()
    assert window.sounds.enabled is False  # applied all the same
    assert "cannot save the settings" in dialog.save_error
    assert dialog.warning.isVisible() and "--data-dir" in dialog.warning.text()
    again = open_settings(window)
    assert "could not be saved" in again.note.text()
    again.reject()
