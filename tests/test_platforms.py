"""Each platform's branch of printing and of the camera, run here by handing the platform (and
`which`, that finds CUPS's `lp`) to the functions that choose, instead of running on Windows or
a Mac: printing_backend / print_system / window_print_system, camera_backends / CameraSource.

What a person gets: on Windows (and wherever `lp` is missing) the printers offered are the
system's, through Qt, by name, and the one chosen by name prints; with `lp` (Linux, macOS) they
are CUPS queues. The camera opens through each system's own OpenCV backend first and says which.

Fakes only at the hardware edge: the system's printer list (QPrinterInfo's two functions), the
`lp`/`lpstat` programs, and cv2.VideoCapture (a capture that plays real frames). Qt's printer
itself prints for real, to Qt's own PDF printer, read back with pypdfium2.
"""

from __future__ import annotations

import logging
import stat
import time

import cv2
import numpy as np
import pypdfium2
import pytest
import zxingcpp
from reportlab.lib.pagesizes import A6
from reportlab.pdfgen import canvas

from checkin.printing.printers import (
    CUPS,
    FIT_TO_PAGE,
    QT_PRINT,
    CupsPrinter,
    CupsSystem,
    PrinterError,
    print_system,
    printing_backend,
)
from checkin.scanner.pipeline import DecodePipeline
from checkin.scanner.session import read_codes
from checkin.scanner.sources import CameraSource, camera_backends
from testkit.frames import frame_with

CODE = "SHIC2026-000002"
MM = 25.4 / 72


def no_lp(command: str) -> None:
    return None


def has_lp(command: str) -> str:
    return f"/usr/bin/{command}"


# -- printing: which print system ------------------------------------------------------------
@pytest.mark.parametrize("platform, which, backend", [
    ("win32", no_lp, QT_PRINT),
    ("win32", has_lp, QT_PRINT),  # an `lp` on Windows (Cygwin's, say) is no CUPS
    ("darwin", has_lp, CUPS),  # macOS ships CUPS: each job says its paper size
    ("darwin", no_lp, QT_PRINT),
    ("linux", has_lp, CUPS),
    ("linux", no_lp, QT_PRINT),
])
def test_each_platform_gets_its_print_system(platform, which, backend):
    assert printing_backend(platform, which) == backend


def test_without_cups_and_without_qt_there_is_no_printer_by_name():
    """Core code alone (no window to lend Qt's printers) on Windows: said, not guessed."""
    with pytest.raises(PrinterError) as refused:
        print_system(platform="win32", which=has_lp)
    assert refused.value.reason_code == "printer_no_cups"


def fake_cups(tmp_path):
    """`lp` and `lpstat` at the hardware edge: two queues, a default, and lp keeps its
    arguments and the PDF it is given."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text(f"#!/bin/sh\necho \"$@\" > {tmp_path}/lp-args\n"
                                f"cat > {tmp_path}/job.pdf\necho 'request id is q-1 (1 file(s))'\n")
    (bin_dir / "lpstat").write_text(
        "#!/bin/sh\ncase \"$1\" in\n"
        "  -e) echo Brother_QL_820NWB; echo EPSON_TM_T20III ;;\n"
        "  -d) echo 'system default destination: Brother_QL_820NWB' ;;\n"
        "  *) echo \"printer $2 is idle.\" ;;\nesac\n")
    for script in bin_dir.iterdir():
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def a6_pdf() -> bytes:
    from io import BytesIO

    out = BytesIO()
    page = canvas.Canvas(out, pagesize=A6)
    page.drawString(40, 300, "badge")
    page.save()
    return out.getvalue()


@pytest.mark.parametrize("platform", ["linux", "darwin"])
def test_with_lp_the_printers_are_cups_queues_chosen_by_name(tmp_path, monkeypatch, platform):
    import shutil

    monkeypatch.setenv("PATH", f"{fake_cups(tmp_path)}:/usr/bin:/bin")
    system = print_system(platform=platform, which=shutil.which)
    assert isinstance(system, CupsSystem) and system.backend == CUPS
    assert system.names() == ["Brother_QL_820NWB", "EPSON_TM_T20III"]
    assert system.default_name() == "Brother_QL_820NWB"
    printer = system.printer("EPSON_TM_T20III", scaling=FIT_TO_PAGE)
    assert isinstance(printer, CupsPrinter)
    printer.print_pdf(a6_pdf(), "badge X-1")
    args = (tmp_path / "lp-args").read_text().split()
    assert args[:2] == ["-d", "EPSON_TM_T20III"] and "media=A6" in args
    assert "print-scaling=fit" in args
    assert (tmp_path / "job.pdf").read_bytes().startswith(b"%PDF")
    assert system.printer("").name == "Brother_QL_820NWB"  # the system default, by its name


# -- printing: the window's choice -----------------------------------------------------------
class InstalledPrinters:
    """The system's printer list at the hardware edge (what QPrinterInfo asks the OS)."""

    @staticmethod
    def availablePrinterNames():
        return ["Brother QL-820NWB", "EPSON TM-T20III"]

    @staticmethod
    def defaultPrinterName():
        return "EPSON TM-T20III"


@pytest.fixture
def qt_printing(qapp):
    pytest.importorskip("PySide6")
    from checkin.ui import qt_printer

    return qt_printer


def test_on_windows_the_settings_offer_the_systems_printers_by_name(qtbot, qt_printing,
                                                                    monkeypatch):
    from checkin.settings import PDF_FOLDER, SettingsFile, load_settings
    from checkin.ui.settings_dialog import DocumentPrinters, SettingsDialog, printer_from_settings

    monkeypatch.setattr(qt_printing, "QPrinterInfo", InstalledPrinters)
    system = qt_printing.window_print_system("win32", which=has_lp)
    assert isinstance(system, qt_printing.QtPrintSystem)
    dialog = SettingsDialog(SettingsFile(), printers=system)
    qtbot.addWidget(dialog)
    badge = dialog.printer["badge"]
    assert [badge.itemData(i) for i in range(badge.count())] == [
        "", PDF_FOLDER, "Brother QL-820NWB", "EPSON TM-T20III"]
    assert "EPSON TM-T20III" in badge.itemText(0)  # "System default (EPSON TM-T20III)"
    badge.setCurrentIndex(badge.findData("Brother QL-820NWB"))
    vouchers = dialog.scaling["vouchers"]
    vouchers.setCurrentIndex(vouchers.findData(FIT_TO_PAGE))
    assert dialog.apply()
    saved = load_settings()
    assert saved.badge_printer == "Brother QL-820NWB"

    printer = printer_from_settings(saved, system)
    assert isinstance(printer, DocumentPrinters)
    badge_printer, voucher_printer = printer.printers["badge"], printer.printers["vouchers"]
    assert isinstance(badge_printer, qt_printing.QtPrinter)
    assert (badge_printer.printer_name, badge_printer.scaling) == ("Brother QL-820NWB", "actual")
    assert isinstance(voucher_printer, qt_printing.QtPrinter)  # the default: whichever it is
    assert (voucher_printer.printer_name, voucher_printer.scaling) == (None, FIT_TO_PAGE)


def test_without_a_default_printer_the_desk_saves_pdfs(qt_printing, monkeypatch, tmp_path):
    from checkin.printing.printers import FolderPrinter
    from checkin.ui.print_panel import default_printer

    class NoPrinters(InstalledPrinters):
        @staticmethod
        def availablePrinterNames():
            return []

        @staticmethod
        def defaultPrinterName():
            return ""

    monkeypatch.setattr(qt_printing, "QPrinterInfo", NoPrinters)
    assert isinstance(default_printer(qt_printing.window_print_system("win32", no_lp)),
                      FolderPrinter)


def test_qt_lists_qprinterinfo_names_offscreen(qt_printing):
    """The real list (may be empty here): the window and the command line offer exactly it."""
    from PySide6.QtPrintSupport import QPrinterInfo

    system = qt_printing.window_print_system("win32", which=no_lp)
    names = system.names()
    assert names == list(QPrinterInfo.availablePrinterNames())
    assert all(isinstance(name, str) and name for name in names)
    assert system.default_name() == QPrinterInfo.defaultPrinterName()
    # the command line's entry point hands this in where there is no CUPS
    cli_system = print_system(qt=qt_printing.command_line_print_system, platform="win32",
                              which=no_lp)
    assert isinstance(cli_system, qt_printing.QtPrintSystem) and cli_system.names() == names


def test_a_named_printer_that_is_not_installed_says_so(qt_printing):
    printer = qt_printing.QtPrintSystem().printer("Brother QL-820NWB at the other desk")
    with pytest.raises(PrinterError, match="not installed") as refused:
        printer.print_pdf(a6_pdf(), "badge X-1")
    assert refused.value.reason_code == "printer_missing"  # the window says it in its language


@pytest.mark.parametrize("scaling", ["actual", "fit"])
def test_qt_prints_a_badge_to_a_pdf_printer(qt_printing, tmp_path, event_store, scaling):
    """Qt's printer for real (QPrinter in PDF mode): actual size keeps the label's 100 x 70 mm;
    fit to page puts it on the printer's own paper, turned like the label, scaled up."""
    from test_print_queue import codes_in

    from checkin.desk import Desk
    from checkin.printing.queue import JobState, PrintQueue

    out = tmp_path / f"{scaling}.pdf"
    jobs = PrintQueue(event_store, qt_printing.QtPrinter(output_pdf=out, scaling=scaling),
                      ledger=Desk(event_store, operator="qt"))
    try:
        jobs.submit(CODE, template="badge-100x70")
        assert jobs.wait(120)
        assert jobs.jobs[0].state == JobState.DONE, jobs.jobs[0].error
    finally:
        jobs.close()
    document = pypdfium2.PdfDocument(str(out))
    width, height = (round(v * MM) for v in document[0].get_size())
    if scaling == "actual":
        assert (width, height) == (100, 70)
    else:
        assert (width, height) in {(297, 210), (279, 216)}  # A4 or Letter, landscape
    assert codes_in(out) == [CODE]


# -- the camera ------------------------------------------------------------------------------
@pytest.mark.parametrize("platform, order", [
    ("win32", [cv2.CAP_MSMF, cv2.CAP_DSHOW, cv2.CAP_ANY]),
    ("darwin", [cv2.CAP_AVFOUNDATION, cv2.CAP_ANY]),
    ("linux", [cv2.CAP_V4L2, cv2.CAP_ANY]),
])
def test_each_platform_opens_the_camera_with_its_own_backend_first(platform, order):
    assert camera_backends(platform) == order


class Cameras:
    """cv2.VideoCapture at the hardware edge: camera 0 opens through the backends in `working`
    and plays a real frame; `asked` keeps the backends tried, in order."""

    def __init__(self, working: set[int], frame: np.ndarray, chosen_by_any: str = ""):
        self.working, self.frame, self.chosen_by_any = working, frame, chosen_by_any
        self.asked: list[int] = []

    def __call__(self, index: int, api: int):
        self.asked.append(api)
        return Capture(api in self.working, self.frame, self.chosen_by_any)


class Capture:
    def __init__(self, opened: bool, frame: np.ndarray, backend: str):
        self.opened, self.frame, self.backend = opened, frame, backend

    def isOpened(self):
        return self.opened

    def set(self, prop, value):
        return True

    def read(self):
        time.sleep(0.005)  # a camera's pace, roughly
        return (True, self.frame.copy()) if self.opened else (False, None)

    def getBackendName(self):
        return self.backend

    def release(self):
        self.opened = False


MSMF, DSHOW, AVF, V4L2, ANY = (cv2.CAP_MSMF, cv2.CAP_DSHOW, cv2.CAP_AVFOUNDATION, cv2.CAP_V4L2,
                               cv2.CAP_ANY)


@pytest.mark.parametrize("platform, working, chosen_by_any, opened, asked", [
    ("win32", {MSMF, DSHOW, ANY}, "MSMF", "MSMF", [MSMF]),
    ("win32", {DSHOW, ANY}, "DSHOW", "DSHOW", [MSMF, DSHOW]),  # Media Foundation refuses it
    ("darwin", {AVF, ANY}, "AVFOUNDATION", "AVFOUNDATION", [AVF]),
    ("darwin", {ANY}, "AVFOUNDATION", "ANY (AVFOUNDATION)", [AVF, ANY]),
    ("linux", {V4L2, ANY}, "V4L2", "V4L2", [V4L2]),
    ("linux", {ANY}, "GSTREAMER", "ANY (GSTREAMER)", [V4L2, ANY]),
])
def test_the_camera_says_which_backend_opened_it(caplog, platform, working, chosen_by_any,
                                                 opened, asked):
    cameras = Cameras(working, frame_with([CODE]), chosen_by_any)
    camera = CameraSource(0, opener=cameras, platform=platform)
    with caplog.at_level(logging.INFO, logger="checkin.scanner.sources"):
        frame = camera.read()
    assert camera.state == "live" and camera.backend == opened and cameras.asked == asked
    assert f"OpenCV's {opened} backend" in camera.message
    assert f"opened through OpenCV's {opened} backend" in caplog.text
    assert [r.text for r in zxingcpp.read_barcodes(frame)] == [CODE]  # the real frame, intact
    camera.close()


def test_no_backend_opens_it_then_the_camera_comes_back(monkeypatch):
    now = [0.0]
    cameras = Cameras(set(), frame_with([CODE]))
    camera = CameraSource(0, opener=cameras, platform="win32", retry_s=1.0, clock=lambda: now[0])
    assert camera.read() is None and camera.state == "lost"
    assert cameras.asked == [MSMF, DSHOW, ANY]
    assert "not available" in camera.message and "tried MSMF, DSHOW, ANY" in camera.message
    cameras.working = {DSHOW}  # plugged in (only DirectShow knows this one)
    now[0] += 1.5
    assert camera.read() is not None and camera.state == "live" and camera.backend == "DSHOW"


def test_the_command_line_says_which_backend_opened_the_camera():
    """`checkin scan --camera`'s loop: the state change carries the backend, the code is read."""
    camera = CameraSource(0, opener=Cameras({DSHOW}, frame_with([CODE])), platform="win32")
    states, codes = [], []
    read_codes(camera, DecodePipeline(), on_code=codes.append,
               on_state=lambda state, message: states.append((state, message)),
               should_stop=lambda: bool(codes))
    camera.close()
    assert codes == [CODE]
    assert states[0] == ("live", "camera 0 opened through OpenCV's DSHOW backend")


def test_the_window_shows_the_camera_live_and_which_backend_in_its_tooltip(qtbot, event_store,
                                                                         tmp_path):
    pytest.importorskip("PySide6")
    from checkin.printing.printers import FolderPrinter
    from checkin.ui.main_window import DeskWindow

    cameras = Cameras({DSHOW, ANY}, frame_with([]))  # a real, empty desk
    window = DeskWindow(event_store, operator="ui", printer=FolderPrinter(tmp_path / "printed"),
                        open_source=lambda: CameraSource(0, opener=cameras, platform="win32"))
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: "live" in window.camera_state.text(), timeout=15_000)
        assert "DSHOW" in window.camera_state.toolTip()
        assert "DSHOW" not in window.camera_state.text()  # the volunteer reads "live"
    finally:
        window.close()
