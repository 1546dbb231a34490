"""Printing through Qt to any installed printer (Windows, macOS, Linux).

Label and receipt printer drivers handle bitmaps better than PDF vector content, so each
PDF page is rasterised with pypdfium2 at the printer's own resolution and painted onto the
page at its exact size. Used from the print queue's worker thread: Qt allows painting on a
QPrinter outside the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2
from PySide6.QtCore import QCoreApplication, QRectF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ..printing.printers import PrinterError


def installed_printers() -> list[str]:
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


class QtPrinter:
    def __init__(self, printer_name: str | None = None, *, output_pdf: str | Path | None = None):
        """`printer_name`: an installed printer (None: the system default). `output_pdf`:
        Qt's own PDF printer instead (to test the whole path, or to keep a copy)."""
        self.printer_name = printer_name
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
                raise PrinterError(f"printer {self.name!r} is not installed (installed: {known})")
            printer.setPrinterName(info.printerName())
        if not printer.isValid():
            raise PrinterError(f"printer {self.name!r} cannot be used")
        printer.setDocName(title)
        printer.setFullPage(True)  # templates place everything themselves
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
                size = QPageSize(QSizeF(min(width_pt, height_pt), max(width_pt, height_pt)),
                                 QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
                printer.setPageLayout(QPageLayout(size, orientation, QPageLayout().margins()))
                if index == 0:
                    if not painter.begin(printer):
                        raise PrinterError(f"printer {self.name!r} did not start the job "
                                           "(switched off, offline or out of paper?)")
                elif not printer.newPage():
                    raise PrinterError(f"printer {self.name!r} stopped after page {index}")
                bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
                pixels = bitmap.to_numpy()  # a view of `bitmap`: both live until drawn
                height, width = pixels.shape[:2]
                image = QImage(pixels.data, width, height, pixels.strides[0],
                               QImage.Format.Format_RGB888 if pixels.shape[2] == 3
                               else QImage.Format.Format_RGBA8888)
                painter.drawImage(QRectF(0, 0, width_pt / 72 * dpi, height_pt / 72 * dpi), image)
                page.close()
        except BaseException:
            if painter.isActive():
                painter.end()
            raise
        if not painter.end():
            raise PrinterError(f"printer {self.name!r} could not finish the job "
                               "(disk full, or the printer went away?)")
