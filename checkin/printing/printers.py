"""Where a finished PDF goes: a CUPS queue (`lp`), or a folder. Which print system a computer
uses is `printing_backend()`'s one answer, for the window and the command line alike: CUPS where
its `lp` command is on the PATH (Linux, and macOS, which ships CUPS), else the system's own
through Qt (Windows, or a computer without `lp`). Qt's printer lives in the window's package
(checkin/ui/qt_printer.py: QtPrinter, QtPrintSystem); this module stays Qt-free, so the
command line gets it handed in (`print_system(qt=...)`).

A printer that is missing, off, paused or out of paper raises PrinterError with words a
volunteer can act on; nothing here retries (the print queue does).

Every CUPS job says its paper: `-o media=` the PDF's own page size (A6, or Custom.62x100mm for
a label), so that a queue whose default paper is A4 does not print an A6 badge small in the
middle of an A4 sheet, and a label printer does not crop or shrink it; and its scaling: actual
size (badges and labels: what the template measures is what comes out) or fit to the paper
(a printer that only has A4, for example).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from ..i18n import _

log = logging.getLogger(__name__)

ACTUAL_SIZE = "actual"  # print at the template's size (badges, labels, receipts)
FIT_TO_PAGE = "fit"  # scale to the paper in the printer
SCALINGS = (ACTUAL_SIZE, FIT_TO_PAGE)
CUPS = "cups"  # CUPS's `lp` and `lpstat`: Linux, macOS
QT_PRINT = "qt"  # the system's print service through Qt: Windows, or wherever `lp` is missing
MM_PER_POINT = 25.4 / 72

# Paper sizes CUPS knows by name (portrait, mm): a named size picks the driver's own paper
# entry; any other size is asked for as Custom.WxHmm. 4x6 inch is named the PWG way.
CUPS_MEDIA_MM: dict[str, tuple[float, float]] = {
    "A4": (210, 297),
    "A5": (148, 210),
    "A6": (105, 148),
    "Letter": (215.9, 279.4),
    "Legal": (215.9, 355.6),
    "na_index-4x6_4x6in": (101.6, 152.4),
}


class PrinterError(RuntimeError):
    """The printer did not take the job; the message says why and what to do (English, for
    logs and the CLI). `reason_code` and `params` let a window say it in its own language
    (checkin/messages.py, the printer_* entries)."""

    def __init__(self, message: str, reason_code: str = "", **params):
        super().__init__(message)
        self.reason_code = reason_code
        self.params = params


class Printer(Protocol):
    name: str

    def print_pdf(self, pdf: bytes, title: str) -> None: ...


class PrintSystem(Protocol):
    """A computer's printers, by name: CupsSystem here, QtPrintSystem in the window's package."""

    backend: str  # CUPS or QT_PRINT

    def names(self) -> list[str]:
        """The installed printers' names, as `printer(name)` takes them."""

    def default_name(self) -> str:
        """The system's default printer, or "" when it has none."""

    def printer(self, name: str = "", *, scaling: str = ACTUAL_SIZE) -> Printer:
        """The printer called `name` ("": the system default)."""


def printing_backend(platform: str | None = None,
                     which: Callable[[str], str | None] | None = None) -> str:
    """CUPS or QT_PRINT: the print system of this computer, for the window and the CLI alike.
    CUPS where its `lp` command is on the PATH (Linux; macOS, which ships CUPS): each job then
    says its paper size and scaling. Else Qt's (the system's print service): always on Windows
    (an `lp` there is no CUPS), and on a Mac or Linux without `lp`. `platform` (sys.platform)
    and `which` (shutil.which; default: CupsPrinter.available) are for tests."""
    platform = sys.platform if platform is None else platform
    if platform.startswith("win"):
        return QT_PRINT
    has_lp = CupsPrinter.available() if which is None else which("lp") is not None
    return CUPS if has_lp else QT_PRINT


def print_system(qt: Callable[[], PrintSystem] | None = None, *, platform: str | None = None,
                 which: Callable[[str], str | None] | None = None) -> PrintSystem:
    """This computer's printers (see printing_backend). `qt` makes Qt's print system (the
    window's QtPrintSystem; the command line gets it from its entry point): without it, a
    computer without CUPS has no printer here, only a folder (PrinterError)."""
    if printing_backend(platform, which) == CUPS:
        return CupsSystem()
    if qt is None:
        raise PrinterError("the print service (CUPS) is not installed on this computer",
                           "printer_no_cups")
    return qt()


def printer_problem(printer: Printer) -> str:
    """Why `printer` cannot take a job now, in English, or "" when nothing is known against
    it: a self check-in kiosk asks before it takes scans it could not serve. A printer says it
    through its own `problem()` (CUPS: lpstat's state; a folder: that it can be written); one
    without (Qt's) is taken as ready. May run a command: call it off the GUI thread."""
    check = getattr(printer, "problem", None)
    if not callable(check):
        return ""
    try:
        return check() or ""
    except Exception as exc:  # a check that breaks says so rather than stopping the kiosk
        return f"{type(exc).__name__}: {exc}"


class FolderPrinter:
    """'Print to PDF': each job becomes a file (a fallback, and for later printing)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def problem(self) -> str:
        """"" when a PDF can be saved: the folder is one and can be written (or can be made)."""
        folder = self.folder
        while not folder.exists() and folder.parent != folder:
            folder = folder.parent  # the nearest existing one is where it would be made
        if not folder.is_dir():
            return f"cannot save to {self.folder}: {folder} is not a folder"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"cannot save to {self.folder}: {folder} cannot be written"
        return ""

    @property
    def name(self) -> str:
        """What a person reads for this printer, in the current language (checkin/i18n.py)."""
        return _("PDF folder {0}").format(self.folder)

    def print_pdf(self, pdf: bytes, title: str) -> None:
        safe = re.sub(r"[^\w.-]+", "_", title).strip("_") or "job"
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{safe}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_new_file(self.folder, stem, ".pdf", pdf)
        except OSError as exc:
            raise PrinterError(f"cannot save to {self.folder}: {exc.strerror or exc}",
                               "printer_folder", folder=str(self.folder),
                               detail=exc.strerror or str(exc)) from exc


def write_new_file(folder: Path, stem: str, suffix: str, data: bytes) -> Path:
    """Write `data` to a file that did not exist (stem-2, stem-3 ... on a clash); on any
    error (a full disk) no partial file is left behind."""
    for attempt in range(1, 1000):
        path = folder / f"{stem}{'' if attempt == 1 else f'-{attempt}'}{suffix}"
        try:
            handle = path.open("xb")
        except FileExistsError:
            continue
        try:
            with handle:
                handle.write(data)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path
    raise OSError(f"too many files named {stem}{suffix} in {folder}")


_LP_HINTS = (  # what lp or lpstat said -> (our sentence, its reason code)
    ("does not exist", "printer {name!r} is not installed on this computer", "printer_missing"),
    ("not accepting", "printer {name!r} is not accepting jobs (paused or switched off?)",
     "printer_not_accepting"),
    ("disabled", "printer {name!r} is disabled: switch it on and enable it", "printer_disabled"),
    ("scheduler is not running", "the print service (CUPS) is not running",
     "printer_no_scheduler"),
)


# lpstat's words for a queue that cannot print now (a printer out of labels reports
# media-empty where its driver knows; stopped: `cupsdisable`, or CUPS after an error).
_NOT_READY = ("disabled", "stopped", "paused", "media-empty", "media-needed", "out of paper",
              "offline")


def media_for(width_mm: float, height_mm: float) -> str:
    """CUPS's `media` value for a page: its name when it is a standard paper in either
    orientation (within 1 mm; CUPS turns a landscape page to fit), else Custom.WxHmm."""
    for name, (width, height) in CUPS_MEDIA_MM.items():
        for w, h in ((width, height), (height, width)):
            if abs(w - width_mm) <= 1 and abs(h - height_mm) <= 1:
                return name
    return f"Custom.{round(width_mm, 1):g}x{round(height_mm, 1):g}mm"


def pdf_page_size_mm(pdf: bytes) -> tuple[float, float] | None:
    """The first page's size in mm (every page of a job has its template's size), or None
    when the bytes are not a readable PDF."""
    import pypdfium2  # not at import time: `checkin --help` stays fast

    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError:
        return None
    try:
        if len(document) == 0:
            return None
        width_pt, height_pt = document[0].get_size()
    finally:
        document.close()
    return width_pt * MM_PER_POINT, height_pt * MM_PER_POINT


class CupsPrinter:
    """A CUPS queue: the PDF goes to `lp` with its paper size and scaling, and `lpstat` says
    why a printer is unusable. `scaling`: ACTUAL_SIZE (the default) or FIT_TO_PAGE."""

    def __init__(self, name: str, *, scaling: str = ACTUAL_SIZE, lp: str = "lp",
                 lpstat: str = "lpstat", timeout_s: float = 30):
        if scaling not in SCALINGS:
            raise ValueError(f"scaling must be {' or '.join(SCALINGS)}, not {scaling!r}")
        self.name = name
        self.scaling = scaling
        self._lp, self._lpstat, self._timeout = lp, lpstat, timeout_s

    @staticmethod
    def available() -> bool:
        return shutil.which("lp") is not None

    def status(self) -> str:
        """lpstat's words for this printer ('idle', 'disabled since ...'), or ''."""
        try:
            result = subprocess.run([self._lpstat, "-p", self.name], capture_output=True,
                                    text=True, timeout=self._timeout)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return (result.stdout or result.stderr).strip()

    def options(self, pdf: bytes) -> list[str]:
        """`lp` options for this document: its paper (from the PDF's first page) and the
        scaling. An unreadable PDF gets no paper option: CUPS then says what is wrong."""
        size = pdf_page_size_mm(pdf)
        options = [] if size is None else ["-o", f"media={media_for(*size)}"]
        if size is None:
            log.warning("printer %s: not a readable PDF, sent without a paper size", self.name)
        if self.scaling == FIT_TO_PAGE:  # print-scaling: CUPS 2.2+; fit-to-page: older ones
            return options + ["-o", "print-scaling=fit", "-o", "fit-to-page"]
        return options + ["-o", "print-scaling=none"]

    def command(self, pdf: bytes, title: str) -> list[str]:
        """The `lp` command line for a job (the PDF goes on its standard input)."""
        return [self._lp, "-d", self.name, "-t", title, *self.options(pdf), "-"]

    def print_pdf(self, pdf: bytes, title: str) -> None:
        try:
            result = subprocess.run(self.command(pdf, title), input=pdf,
                                    capture_output=True, timeout=self._timeout)
        except FileNotFoundError as exc:
            raise PrinterError("CUPS is not installed here (no `lp` command)",
                               "printer_no_cups") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(f"printer {self.name!r} did not answer within {self._timeout:g} s",
                               "printer_timeout", name=self.name,
                               seconds=f"{self._timeout:g}") from exc
        if result.returncode == 0:
            return  # CUPS holds the job now (a paused printer prints it once resumed)
        said = result.stderr.decode(errors="replace").strip() or "lp failed"
        state = self.state()
        for needle, message, code in _LP_HINTS:
            if needle in said.lower() or needle in state:
                raise PrinterError(message.format(name=self.name) + f" ({said})", code,
                                   name=self.name, said=said)
        raise PrinterError(f"printer {self.name!r} refused the job: {said}", "printer_refused",
                           name=self.name, said=said)

    def problem(self) -> str:
        """"" when lpstat says nothing against this queue; else what it says (missing,
        disabled, out of paper or labels)."""
        status = self.status()
        state = self.state()
        if not status:
            return f"printer {self.name!r}: the print service did not answer"
        if not status.startswith(f"printer {self.name}"):  # "Invalid destination name" ...
            return f"printer {self.name!r}: {status}"
        for needle in _NOT_READY:
            if needle in state:
                return f"printer {self.name!r} {state.strip()}"
        return ""

    def state(self) -> str:
        """lpstat's state words for this printer ('is idle.', 'disabled since ...'),
        without the printer's own name (a printer may be called 'receipt-paper')."""
        status = self.status()
        prefix = f"printer {self.name}"
        return status[len(prefix):].lower() if status.startswith(prefix) else status.lower()


def list_cups_printers(lpstat: str = "lpstat") -> list[str]:
    try:
        result = subprocess.run([lpstat, "-e"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def default_cups_printer(lpstat: str = "lpstat") -> str:
    """CUPS's default destination (`lpstat -d`, read in the C locale), or ""."""
    try:
        result = subprocess.run([lpstat, "-d"], capture_output=True, text=True, timeout=10,
                                env={**os.environ, "LC_ALL": "C", "LANG": "C"})
    except (OSError, subprocess.TimeoutExpired):
        return ""
    _, colon, name = result.stdout.strip().partition("destination:")
    return name.strip() if colon else ""


class CupsSystem:
    """The printers of CUPS: `lpstat` lists them, `lp` prints (CupsPrinter)."""

    backend = CUPS

    def __init__(self, lpstat: str = "lpstat"):
        self._lpstat = lpstat

    def names(self) -> list[str]:
        return list_cups_printers(self._lpstat)

    def default_name(self) -> str:
        return default_cups_printer(self._lpstat)

    def printer(self, name: str = "", *, scaling: str = ACTUAL_SIZE) -> Printer:
        name = name or self.default_name()
        if not name:
            raise PrinterError("no printer named, and this computer has no default printer")
        return CupsPrinter(name, scaling=scaling)
