"""Qt's print path for real: the PDF rasterised at the printer's resolution, printed by Qt
(to Qt's own PDF printer), read back."""

import pytest

pytest.importorskip("PySide6")

import pypdfium2  # noqa: E402
from test_print_queue import CODE, codes_in  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.printing.printers import PrinterError  # noqa: E402
from checkin.printing.queue import JobState, PrintQueue  # noqa: E402
from checkin.ui.qt_printer import QtPrinter  # noqa: E402


def test_badge_through_qt_keeps_its_size_and_its_qr(qapp, tmp_path, event_store):
    out = tmp_path / "qt-printed.pdf"
    jobs = PrintQueue(event_store, QtPrinter(output_pdf=out), ledger=Desk(event_store, operator="qt"))
    try:
        jobs.submit(CODE, template="badge-100x70")
        assert jobs.wait(120)
        assert jobs.jobs[0].state == JobState.DONE, jobs.jobs[0].error
    finally:
        jobs.close()
    page = pypdfium2.PdfDocument(str(out))[0]
    width, height = page.get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (100, 70)  # landscape label
    assert codes_in(out) == [CODE]


def test_a_printer_that_is_not_installed(qapp):
    with pytest.raises(PrinterError, match="not installed"):
        QtPrinter("Brother QL-820NWB at the other desk").print_pdf(b"%PDF-1.4", "badge")
