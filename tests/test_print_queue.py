"""The print queue and the system print paths, fed with real PDFs.

Printers are faked only at the hardware edge: `lp`/`lpstat` scripts standing in for CUPS
where it must fail on cue (a missing or disabled printer; test_cups.py prints through a real
CUPS), a printer that runs out of paper, one that hangs; Qt's print path is real (to Qt's PDF
printer), and every output is read back.
"""

import json
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from conftest import EVENT_DAY

from checkin.desk import Desk
from checkin.model import Outcome
from checkin.printing.printers import CupsPrinter, FolderPrinter, PrinterError
from checkin.printing.queue import JobState, PrintQueue, PrintRefused
from checkin.store import eventlog

CODE = "SHIC2026-000002"
CHECKIN = str(Path(sys.executable).parent / "checkin")


def codes_in(pdf_path) -> list[str]:
    document = pypdfium2.PdfDocument(str(pdf_path))
    found = []
    for index in range(len(document)):
        image = np.array(document[index].render(scale=3, grayscale=True).to_pil().convert("L"))
        found += [r.text for r in zxingcpp.read_barcodes(image, text_mode=zxingcpp.TextMode.Plain)]
    return found


def prints_of(store, code):
    return [e for e in eventlog.history(store.reader(), code) if e.kind == "print"]


@pytest.fixture
def queue_factory(event_store):
    queues = []

    def make(printer, **kw):
        q = PrintQueue(event_store, printer, ledger=Desk(event_store, operator="printer-test"), **kw)
        queues.append(q)
        return q

    yield make
    for q in queues:
        q.close()


def test_badge_printed_to_a_folder_and_recorded(tmp_path, event_store, queue_factory):
    jobs = queue_factory(FolderPrinter(tmp_path / "out"))
    job = jobs.submit(CODE)
    assert jobs.wait(60)
    assert jobs.jobs[0].state == JobState.DONE and job.state == JobState.QUEUED
    [pdf] = (tmp_path / "out").glob("*.pdf")
    assert codes_in(pdf) == [CODE]
    [event] = prints_of(event_store, CODE)
    assert event.data == {"document": "badge", "reprint": False, "reason": ""}


def test_a_wipe_deletes_the_pdfs_the_queue_saved_wherever_they_went(tmp_path, event_store,
                                                                   queue_factory):
    """A revoked desk is wiped by its sync round, which knows no settings: the queue
    remembered the folder, so the badge PDF goes with the person's data."""
    from checkin import wipe

    jobs = queue_factory(FolderPrinter(tmp_path / "elsewhere"))
    jobs.submit(CODE)
    assert jobs.wait(60) and jobs.jobs[0].state == JobState.DONE
    [pdf] = (tmp_path / "elsewhere").glob("*.pdf")
    summary = wipe.wipe(event_store, reason="revoked", operator="sync")
    assert summary["pdfs"] == 1 and not pdf.exists()


class OutOfPaper:
    """Fails the first `failures` jobs as an empty printer does, then prints to a folder."""

    name = "flaky"

    def __init__(self, folder, failures=1):
        self.inner, self.failures = FolderPrinter(folder), failures

    def print_pdf(self, pdf, title):
        if self.failures:
            self.failures -= 1
            raise PrinterError("printer 'flaky' is out of paper")
        self.inner.print_pdf(pdf, title)


def test_a_printer_error_keeps_the_job_and_the_queue_goes_on(tmp_path, event_store, queue_factory):
    seen = []
    jobs = queue_factory(OutOfPaper(tmp_path / "out"), on_change=lambda j: seen.append(j.state))
    first = jobs.submit(CODE)
    second = jobs.submit("SHIC2026-000003")
    assert jobs.wait(60)
    states = {j.id: j for j in jobs.jobs}
    assert states[first.id].state == JobState.FAILED
    assert "out of paper" in states[first.id].error
    assert states[second.id].state == JobState.DONE
    assert prints_of(event_store, CODE) == []  # nothing recorded for paper that never came out
    jobs.retry(first.id)
    assert jobs.wait(60)
    assert {j.id: j for j in jobs.jobs}[first.id].state == JobState.DONE
    assert len(prints_of(event_store, CODE)) == 1
    assert JobState.PRINTING in seen and JobState.FAILED in seen


def test_check_in_never_waits_for_a_hung_printer(tmp_path, event_store, queue_factory):
    entered, release, returned = threading.Event(), threading.Event(), threading.Event()

    class Hung:
        name = "hung"

        def print_pdf(self, pdf, title):
            entered.set()
            release.wait(30)
            returned.set()

    jobs = queue_factory(Hung())
    desk = Desk(event_store, operator="a", now=lambda: EVENT_DAY)
    jobs.submit(CODE)
    assert entered.wait(60)  # the printer has the first badge and hangs
    assert desk.scan("SHIC2026-000003").outcome == Outcome.OK
    jobs.submit("SHIC2026-000003")
    assert not returned.is_set()  # the scan and the submit did not wait for the printer
    assert [j.state for j in jobs.jobs] == [JobState.PRINTING, JobState.QUEUED]
    release.set()
    assert jobs.wait(60)
    assert [j.state for j in jobs.jobs] == [JobState.DONE, JobState.DONE]


def test_a_reprint_needs_a_reason_and_records_it(tmp_path, event_store, queue_factory):
    jobs = queue_factory(FolderPrinter(tmp_path))
    jobs.submit(CODE)
    with pytest.raises(PrintRefused, match="reprint needs a reason"):
        jobs.submit(CODE)
    jobs.wait(60)
    jobs.submit(CODE, reason="lost badge")
    jobs.submit(CODE, "vouchers")  # another document: its first print
    assert jobs.wait(60)
    events = prints_of(event_store, CODE)
    assert [(e.data["document"], e.data["reprint"], e.data["reason"]) for e in events] == [
        ("badge", False, ""), ("badge", True, "lost badge"), ("vouchers", False, "")]


def test_unprintable_name_fails_the_job_with_the_character(tmp_path, event_store, queue_factory):
    Desk(event_store, operator="a").edit(CODE, {"name": "范\U0010fffd"})
    jobs = queue_factory(FolderPrinter(tmp_path))
    job = jobs.submit(CODE)
    jobs.wait(60)
    failed = {j.id: j for j in jobs.jobs}[job.id]
    assert failed.state == JobState.FAILED and "U+10FFFD" in failed.error


def fake_cups(tmp_path, *, fail_with: str = "") -> Path:
    """`lp` and `lpstat` scripts at the hardware edge: lp saves the PDF it is given, or fails
    `fail_with` (printing that works is tested through a real CUPS: test_cups.py)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    spool = tmp_path / "spool"
    spool.mkdir()
    lp = bin_dir / "lp"
    if fail_with:
        lp.write_text(f"#!/bin/sh\necho 'lp: {fail_with}' >&2\nexit 1\n")
    else:
        lp.write_text(f"#!/bin/sh\ncat > {spool}/job-$$.pdf\necho 'request id is desk-1 (1 file(s))'\n")
    lpstat = bin_dir / "lpstat"
    lpstat.write_text("#!/bin/sh\nif [ \"$1\" = -e ]; then echo Brother_QL_820NWB; "
                      "else echo 'printer Brother_QL_820NWB is idle.'; fi\n")
    for script in (lp, lpstat):
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def test_cups_missing_printer_is_explained(tmp_path):
    bin_dir = fake_cups(tmp_path, fail_with="The printer or class does not exist.")
    printer = CupsPrinter("Zebra", lp=str(bin_dir / "lp"), lpstat=str(bin_dir / "lpstat"))
    with pytest.raises(PrinterError, match="'Zebra' is not installed"):
        printer.print_pdf(b"%PDF-1.4", "badge")


def test_cups_disabled_printer_fails_the_job_with_what_to_do(tmp_path, event_store, queue_factory):
    bin_dir = fake_cups(tmp_path, fail_with="Error - The printer or class is not available.")
    (bin_dir / "lpstat").write_text(
        "#!/bin/sh\necho 'printer Zebra disabled since Fri 26 Jun 2026 08:29:01 -'\n"
        "echo '\tPaused'\n")
    jobs = queue_factory(CupsPrinter("Zebra", lp=str(bin_dir / "lp"),
                                     lpstat=str(bin_dir / "lpstat")))
    job = jobs.submit(CODE)
    assert jobs.wait(60)
    failed = {j.id: j for j in jobs.jobs}[job.id]
    assert failed.state == JobState.FAILED
    assert failed.error.startswith("printer 'Zebra' is disabled: switch it on and enable it")
    assert prints_of(event_store, CODE) == []


def test_cli_print_to_a_folder_and_a_reprint_needs_a_reason(tmp_path, event_store):
    def run(*args):
        return subprocess.run([CHECKIN, "--db", event_store.path, *map(str, args)],
                              capture_output=True, text=True, timeout=300)

    done = run("print", CODE, "--folder", tmp_path / "first", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "done"
    assert run("print", CODE).returncode == 2  # neither --printer nor --folder
    again = run("print", CODE, "--folder", tmp_path / "pdfs")
    assert again.returncode == 2 and "reprint needs a reason" in again.stderr
    ok = run("print", CODE, "--folder", tmp_path / "pdfs", "--reason", "name corrected")
    assert ok.returncode == 0 and codes_in(next((tmp_path / "pdfs").glob("*.pdf"))) == [CODE]


def test_scan_prints_badge_and_vouchers_on_check_in_only(tmp_path):
    db = tmp_path / "demo.db"
    subprocess.run([CHECKIN, "--db", db, "demo", "--people", "60"], check=True, capture_output=True)
    people = json.loads(subprocess.run([CHECKIN, "--db", db, "list", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    code = next(p["code"] for p in people if p["payment"] == "已缴费" and p["meals"])
    folder = tmp_path / "printed"

    def scan():
        result = subprocess.run([CHECKIN, "--db", db, "scan", code, "--print-folder", folder,
                                 "--vouchers", "--json"], capture_output=True, text=True)
        return json.loads(result.stdout)

    first = scan()
    assert first["outcome"] == "ok" and first["printed"] == ["badge", "vouchers"]
    assert scan()["outcome"] == "already" and len(list(folder.glob("*.pdf"))) == 2
    found = [c for pdf in sorted(folder.glob("*.pdf")) for c in codes_in(pdf)]
    assert code in found and sum(c.startswith("{") for c in found) == 2  # two lunch vouchers


def test_a_failed_auto_print_never_undoes_the_check_in(tmp_path):
    db = tmp_path / "demo.db"
    subprocess.run([CHECKIN, "--db", db, "demo", "--people", "30"], check=True, capture_output=True)
    people = json.loads(subprocess.run([CHECKIN, "--db", db, "list", "--json"], check=True,
                                       capture_output=True, text=True).stdout)
    code = next(p["code"] for p in people if p["payment"] == "已缴费")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    result = subprocess.run([CHECKIN, "--db", db, "scan", code, "--print-folder", blocked / "x"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "[OK]" in result.stdout
    assert "badge not printed" in result.stderr and "checkin print" in result.stderr


def test_folder_printer_never_overwrites_a_job(tmp_path):
    printer = FolderPrinter(tmp_path)
    printer.print_pdf(b"%PDF-1 first", "badge X")
    printer.print_pdf(b"%PDF-1 second", "badge X")
    assert sorted(p.read_bytes() for p in tmp_path.glob("*.pdf")) == [b"%PDF-1 first",
                                                                      b"%PDF-1 second"]


def test_a_printer_named_paper_is_not_out_of_paper(tmp_path):
    bin_dir = fake_cups(tmp_path)
    (bin_dir / "lpstat").write_text("#!/bin/sh\necho 'printer receipt-paper-80 is idle.'\n")
    printer = CupsPrinter("receipt-paper-80", lp=str(bin_dir / "lp"), lpstat=str(bin_dir / "lpstat"))
    printer.print_pdf(b"%PDF-1.4", "voucher")
    assert len(list((tmp_path / "spool").glob("*.pdf"))) == 1


def test_a_cancelled_job_is_never_printed(tmp_path, event_store, queue_factory):
    release = threading.Event()
    printed = []

    class Slow:
        name = "slow"

        def print_pdf(self, pdf, title):
            release.wait(30)
            printed.append(title)

    jobs = queue_factory(Slow())
    jobs.submit(CODE)
    second = jobs.submit("SHIC2026-000003")
    jobs.cancel(second.id)
    release.set()
    assert jobs.wait(60)
    assert printed == [f"badge {CODE}"]
    assert {j.id: j.state for j in jobs.jobs}[second.id] == JobState.CANCELLED


def test_a_badge_that_printed_squeezed_says_so(tmp_path, event_store, queue_factory):
    # the export's name column held name, organisation and title in one cell
    long_name = "阿卜杜热合曼·买买提依明（新疆维吾尔自治区人民医院心血管内科主任医师、教授）"
    Desk(event_store, operator="a").edit(CODE, {"name": long_name})
    jobs = queue_factory(FolderPrinter(tmp_path))
    job = jobs.submit(CODE)
    jobs.wait(60)
    done = {j.id: j for j in jobs.jobs}[job.id]
    assert done.state == JobState.DONE and list(tmp_path.glob("*.pdf"))
    assert any(long_name[:10] in w and "pt to fit" in w for w in done.warnings), done.warnings
    jobs.submit("SHIC2026-000003")
    walk_in, _ = Desk(event_store, operator="a").walk_in({"name": "李雷"}, check_in=False)
    jobs.submit(walk_in.code)  # no organisation: an empty line, nothing to check
    jobs.wait(60)
    assert [(j.state, j.warnings) for j in jobs.jobs[1:]] == [(JobState.DONE, ())] * 2
