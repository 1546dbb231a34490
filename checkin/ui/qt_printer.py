"""Printing through Qt to any installed printer: the print system of Windows, and of any
computer without CUPS's `lp` (checkin.printing.printers.printing_backend decides, for the window
and the command line alike; where `lp` is, CUPS prints).

Label and receipt printer drivers handle bitmaps better than PDF vector content, so each
PDF page is rasterised with pypdfium2 at the printer's own resolution and painted onto the
page at its exact size (ACTUAL_SIZE), or scaled to the paper in the printer (FIT_TO_PAGE).
Used from the print queue's worker thread: Qt allows painting on a QPrinter outside the GUI
thread.

QtPrintSystem lists the printers by name (QPrinterInfo) and makes one by name; the settings
dialog offers those names, and `checkin print --printer NAME` takes them where there is no
CUPS (the command line's entry point hands it `command_line_print_system`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pypdfium2
from PySide6.QtCore import QCoreApplication, QRectF, QSizeF
from PySide6.QtGui import QGuiApplication, QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ..printing.printers import (
    ACTUAL_SIZE,
    FIT_TO_PAGE,
    QT_PRINT,
    SCALINGS,
    PrinterError,
    PrintSystem,
    print_system,
)

_APP: list[QGuiApplication] = []  # the command line's, made once


def installed_printers() -> list[str]:
    return list(QPrinterInfo.availablePrinterNames())


class QtPrintSystem:
    """The system's printers through Qt: names from QPrinterInfo, a QtPrinter by name."""

    backend = QT_PRINT

    def names(self) -> list[str]:
        return installed_printers()

    def default_name(self) -> str:
        return QPrinterInfo.defaultPrinterName()

    def printer(self, name: str = "", *, scaling: str = ACTUAL_SIZE) -> QtPrinter:
        return QtPrinter(name or None, scaling=scaling)  # None: whatever is the default then


def window_print_system(platform: str | None = None,
                        which: Callable[[str], str | None] | None = None) -> PrintSystem:
    """The window's printers: CUPS where `lp` is, else Qt's (printing_backend)."""
    return print_system(qt=QtPrintSystem, platform=platform, which=which)


def command_line_print_system() -> QtPrintSystem:
    """Qt's printers for the command line (`checkin print`, `printers` where there is no CUPS):
    a QPrinter needs a QGuiApplication; a Linux terminal without a display gets the
    offscreen one (printing needs no screen)."""
    if QCoreApplication.instance() is None:
        if (sys.platform.startswith("linux") and not os.environ.get("DISPLAY")
                and not os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP.append(QGuiApplication([sys.argv[0] if sys.argv else "checkin"]))  # kept alive
    return QtPrintSystem()


class QtPrinter:
    def __init__(self, printer_name: str | None = None, *, output_pdf: str | Path | None = None,
                 scaling: str = ACTUAL_SIZE):
        """`printer_name`: an installed printer (None: the system default). `output_pdf`:
        Qt's own PDF printer instead (to test the whole path, or to keep a copy). `scaling`:
        ACTUAL_SIZE (the page's own size is the paper's) or FIT_TO_PAGE (the printer's paper,
        turned like the page, the page scaled to its printable area)."""
        if scaling not in SCALINGS:
            raise ValueError(f"scaling must be {' or '.join(SCALINGS)}, not {scaling!r}")
        self.printer_name = printer_name
        self.scaling = scaling
        self.output_pdf = Path(output_pdf) if output_pdf else None
        self.name = str(self.output_pdf) if self.output_pdf else (
            printer_name or QCoreApplication.translate("QtPrinter", "default printer"))

    def _printer(self, title: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.output_pdf is not None:
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(str(self.output_pdf))
        else:
            info = (QPrinterInfo.printerInfo(self.printer_name) if self.printer_name
                    else QPrinterInfo.defaultPrinter())
            if info.isNull():
                known = ", ".join(installed_printers()) or "none"
                raise PrinterError(f"printer {self.name!r} is not installed (installed: {known})",
                                   "printer_missing", name=self.name, said=f"installed: {known}")
            printer.setPrinterName(info.printerName())
        if not printer.isValid():
            raise PrinterError(f"printer {self.name!r} cannot be used", "printer_refused",
                               name=self.name, said="Qt: not a valid printer")
        printer.setDocName(title)
        # Actual size: templates place everything themselves, on a paper of the page's size.
        # Fit to page: within the printer's printable area (a page's edge may be unprintable).
        printer.setFullPage(self.scaling == ACTUAL_SIZE)
        return printer

    def print_pdf(self, pdf: bytes, title: str) -> None:
        printer = self._printer(title)
        document = pypdfium2.PdfDocument(pdf)
        try:
            if len(document) == 0:
                raise PrinterError("the document has no pages: nothing was printed")
            self._paint(printer, document)
        finally:
            document.close()

    def _paint(self, printer: QPrinter, document: pypdfium2.PdfDocument) -> None:
        dpi = printer.resolution()
        painter = QPainter()
        try:
            for index in range(len(document)):
                page = document[index]
                width_pt, height_pt = page.get_size()
                orientation = (QPageLayout.Orientation.Landscape if width_pt > height_pt
                               else QPageLayout.Orientation.Portrait)
                if self.scaling == FIT_TO_PAGE:  # the paper in the printer, turned like the page
                    printer.setPageOrientation(orientation)
                else:
                    size = QPageSize(QSizeF(min(width_pt, height_pt), max(width_pt, height_pt)),
                                     QPageSize.Unit.Point, "",
                                     QPageSize.SizeMatchPolicy.ExactMatch)
                    printer.setPageLayout(QPageLayout(size, orientation,
                                                      QPageLayout().margins()))
                if index == 0:
                    if not painter.begin(printer):
                        raise PrinterError(f"printer {self.name!r} did not start the job "
                                           "(switched off, offline or out of paper?)",
                                           "printer_not_accepting", name=self.name,
                                           said="Qt could not start the job")
                elif not printer.newPage():
                    raise PrinterError(f"printer {self.name!r} stopped after page {index}")
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
                pixels = bitmap.to_numpy()  # a view of `bitmap`: both live until drawn
                height, width = pixels.shape[:2]
                image = QImage(pixels.data, width, height, pixels.strides[0],
                               QImage.Format.Format_RGB888 if pixels.shape[2] == 3
                               else QImage.Format.Format_RGBA8888)
                painter.drawImage(self._target(printer, width_pt / 72 * dpi,
                                               height_pt / 72 * dpi), image)
                page.close()
        except BaseException:
            if painter.isActive():
                painter.end()
            raise
        if not painter.end():
            raise PrinterError(f"printer {self.name!r} could not finish the job "
                               "(disk full, or the printer went away?)")

    def _target(self, printer: QPrinter, width: float, height: float) -> QRectF:
        """Where a page of `width` x `height` device pixels goes: at the top-left corner at its
        own size, or scaled to the printable area and centred there (FIT_TO_PAGE)."""
        if self.scaling != FIT_TO_PAGE:
            return QRectF(0, 0, width, height)
        area = printer.pageRect(QPrinter.Unit.DevicePixel)  # the painter's origin is its corner
        scale = min(area.width() / width, area.height() / height)
        return QRectF((area.width() - width * scale) / 2, (area.height() - height * scale) / 2,
                      width * scale, height * scale)
