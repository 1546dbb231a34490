"""Printing through a real CUPS: a private cupsd with a cups-pdf queue, fed exactly as the desk
feeds a printer, and every PDF that cups-pdf writes read back (page size and QR).

The finding behind it: printed through Debian's cups + cups-pdf, the A6 badge came out small
in the middle of an A4 page, because `lp` was given no paper size and the queue's default paper
won. Each job now carries `-o media=` (the PDF's own page size) and the scaling.

The daemon is this module's own: `cupsd -f` with its configuration, spool, logs and socket in a
temporary folder; `lp`, `lpstat` and `lpadmin` talk to it through CUPS_SERVER. The machine's
own CUPS (if any) is never touched. cups-pdf reads its settings only from /etc/cups (compiled
in): for the device URI cups-pdf:/NAME it reads /etc/cups/cups-pdf-NAME.conf, which the fixture
writes for its uniquely named queue (output into the test's tmp_path) and removes afterwards.

The failure cases (printer missing, disabled, ...) stay with the fake `lp` scripts of
test_print_queue.py: a real printer cannot be made to fail on cue.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
import zxingcpp

from checkin.desk import Desk
from checkin.printing.documents import badge_items, select
from checkin.printing.printers import CupsPrinter
from checkin.printing.queue import JobState, PrintQueue
from checkin.printing.render import render_pdf
from checkin.printing.templates import load_template

CODE = "SHIC2026-000002"
CHECKIN = str(Path(sys.executable).parent / "checkin")
SBIN = os.pathsep.join(["/usr/sbin", "/sbin", os.environ.get("PATH", "")])
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
CUPS_PDF_CONFIG_DIR = Path("/etc/cups")  # where cups-pdf looks for cups-pdf-<name>.conf
A4 = (210, 297)


def _why_not() -> str:
    """Why a private CUPS with a cups-pdf queue cannot run here, or ''."""
    missing = [tool for tool in ("cupsd", "lp", "lpstat", "lpadmin")
               if not shutil.which(tool, path=SBIN)]
    if missing:
        return (f"CUPS is not installed here (no {', '.join(missing)}): "
                "apt-get install cups, as ./setup.sh does")
    if not (CUPS_PDF_BACKEND.exists() and CUPS_PDF_PPD.exists()):
        return ("cups-pdf is not installed here: apt-get install printer-driver-cups-pdf, "
                "as ./setup.sh does")
    if os.geteuid() != 0:
        return ("cups-pdf's backend is root-only (mode 0700) and reads its settings from "
                "/etc/cups: a private cupsd can run it only as root (as CI and setup run)")
    return ""


class PrivateCups:
    """A cupsd of our own, in `root`, listening on a socket there; one cups-pdf queue."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="checkin-cups-"))
        self.root.chmod(0o755)  # cupsd runs its filters as user lp: they must reach the spool
        self.socket = self.root / "cups.sock"
        self.queue = f"checkin-test-{os.getpid()}-{secrets.token_hex(3)}"
        self.cups_pdf_conf = CUPS_PDF_CONFIG_DIR / f"cups-pdf-{self.queue}.conf"
        self.env = {**os.environ, "CUPS_SERVER": str(self.socket), "PATH": SBIN}
        self.process: subprocess.Popen | None = None
        self.out = self.root / "out"

    # -- the daemon -------------------------------------------------------------------
    def start(self) -> None:
        root = self.root
        for folder in ("etc/ppd", "spool/tmp", "cache", "state", "log", "cups-pdf-spool", "out"):
            (root / folder).mkdir(parents=True)
        (root / "etc" / "cups-files.conf").write_text(f"""\
ServerRoot {root}/etc
RequestRoot {root}/spool
TempDir {root}/spool/tmp
CacheDir {root}/cache
StateDir {root}/state
DataDir /usr/share/cups
ServerBin /usr/lib/cups
DocumentRoot /usr/share/cups/doc-root
AccessLog {root}/log/access_log
ErrorLog {root}/log/error_log
PageLog {root}/log/page_log
FileDevice No
SystemGroup root
Sandboxing Relaxed
""")
        (root / "etc" / "cupsd.conf").write_text(f"""\
Listen {self.socket}
Browsing No
WebInterface No
LogLevel debug
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
""")
        with open(root / "log" / "cupsd.out", "wb") as log:
            self.process = subprocess.Popen(
                [shutil.which("cupsd", path=SBIN), "-f", "-c", str(root / "etc" / "cupsd.conf"),
                 "-s", str(root / "etc" / "cups-files.conf")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=self.env)
        deadline = time.monotonic() + 30
        while not self._listening():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the private cupsd did not start:\n{self.log()}")
            time.sleep(0.2)
        self.output_to(self.out)
        self.run("lpadmin", "-p", self.queue, "-v", f"cups-pdf:/{self.queue}",
                 "-P", str(CUPS_PDF_PPD), "-E")

    def _listening(self) -> bool:
        """lpstat -r says whether the scheduler answers (its exit code is 0 either way: on a
        busy machine cupsd is not yet listening when it is first asked)."""
        said = self.run("lpstat", "-r", check=False).stdout
        return "scheduler is running" in said

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(15)
        self.cups_pdf_conf.unlink(missing_ok=True)
        shutil.rmtree(self.root, ignore_errors=True)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(list(args), env=self.env, capture_output=True, text=True,
                                timeout=60)
        if check and result.returncode != 0:
            pytest.fail(f"{' '.join(args)} failed: {result.stderr}\n{self.log()}")
        return result

    def log(self) -> str:
        text = ""
        for name in ("cupsd.out", "error_log"):
            path = self.root / "log" / name
            if path.exists():
                text += f"--- {name}\n" + path.read_text(errors="replace")[-4000:]
        return text

    # -- cups-pdf ---------------------------------------------------------------------
    def output_to(self, folder: Path) -> None:
        """Where cups-pdf writes this queue's PDFs (it reads the file at each job)."""
        folder.mkdir(parents=True, exist_ok=True)
        self.out = folder
        self.cups_pdf_conf.write_text(
            f"Out {folder}\nAnonDirName {folder}\nSpool {self.root}/cups-pdf-spool\n"
            f"Log {self.root}/log\nLogType 3\n")

    def wait_for_pdfs(self, count: int, timeout: float = 120) -> list[Path]:
        """The PDFs cups-pdf wrote once the queue has no job left (at least `count`)."""
        deadline = time.monotonic() + timeout
        while True:
            pending = self.run("lpstat", "-o", self.queue, check=False).stdout.strip()
            found = sorted(self.out.glob("*.pdf"))
            if not pending and len(found) >= count:
                return found
            if time.monotonic() > deadline:
                state = self.run("lpstat", "-l", "-p", self.queue, check=False).stdout
                pytest.fail(f"cups-pdf wrote {len(found)} of {count} PDFs in {timeout:g} s "
                            f"(jobs left: {pending or 'none'}; {state})\n{self.log()}")
            time.sleep(0.3)


@pytest.fixture(scope="module")
def private_cups():
    why = _why_not()
    if why:
        pytest.skip(why)
    cups = PrivateCups()
    try:
        cups.start()
        yield cups
    finally:
        cups.stop()


@pytest.fixture
def cups(private_cups, tmp_path, monkeypatch):
    """The private CUPS, its PDFs going to this test's folder, `lp` talking to it."""
    private_cups.output_to(tmp_path / "cups-pdf")
    monkeypatch.setenv("CUPS_SERVER", str(private_cups.socket))
    return private_cups


def pages(pdf: Path) -> list[tuple[float, float, list[str]]]:
    """Each page's width and height in mm and the QR codes read from its pixels."""
    document = pypdfium2.PdfDocument(str(pdf))
    found = []
    try:
        for index in range(len(document)):
            page = document[index]
            width, height = (v * 25.4 / 72 for v in page.get_size())
            image = np.array(page.render(scale=4, grayscale=True).to_pil().convert("L"))
            codes = [r.text for r in zxingcpp.read_barcodes(
                image, text_mode=zxingcpp.TextMode.Plain)]
            found.append((width, height, codes))
    finally:
        document.close()
    return found


def near(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


def badge_pdf(store, template: str = "badge-a6") -> bytes:
    buffer = io.BytesIO()
    render_pdf(badge_items(store, select(store, codes=[CODE]), load_template(template)), buffer)
    return buffer.getvalue()


def print_through_the_queue(store, printer, *submits) -> list:
    jobs = PrintQueue(store, printer, ledger=Desk(store, operator="cups-test"))
    try:
        for args, kwargs in submits:
            jobs.submit(*args, **kwargs)
        assert jobs.wait(180)
    finally:
        jobs.close()
    assert [(j.state, j.error) for j in jobs.jobs] == [(JobState.DONE, "")] * len(submits)
    return jobs.jobs


# -- what `lp` is told (no daemon needed) ----------------------------------------------
@pytest.mark.parametrize("template, media", [
    ("badge-a6", "A6"), ("badge-62mm", "Custom.62x100mm"), ("badge-90x54", "Custom.90x54mm"),
    ("badge-4x3in", "Custom.101.6x76.2mm")])
def test_each_job_names_its_paper_and_actual_size(event_store, template, media):
    command = CupsPrinter("Brother_QL_820NWB").command(badge_pdf(event_store, template), "b")
    assert command == ["lp", "-d", "Brother_QL_820NWB", "-t", "b", "-o", f"media={media}",
                       "-o", "print-scaling=none", "-"]


def test_fit_to_page_is_asked_for_when_chosen(event_store):
    command = CupsPrinter("A4-office", scaling="fit").command(badge_pdf(event_store), "b")
    assert command[5:] == ["-o", "media=A6", "-o", "print-scaling=fit", "-o", "fit-to-page",
                           "-"]
    with pytest.raises(ValueError, match="actual or fit"):
        CupsPrinter("A4-office", scaling="shrink")


# -- through the real daemon ---------------------------------------------------------------
def test_without_a_paper_size_the_queue_prints_on_a4(cups, event_store, tmp_path):
    """The finding, kept as proof that this queue's own paper is A4: what plain `lp` did."""
    badge = tmp_path / "badge.pdf"
    badge.write_bytes(badge_pdf(event_store))
    cups.run("lp", "-d", cups.queue, "-t", "plain lp", str(badge))
    [pdf] = cups.wait_for_pdfs(1)
    [(width, height, codes)] = pages(pdf)
    assert near((width, height), A4) and codes == [CODE]


@pytest.mark.parametrize("template, size", [
    ("badge-a6", (105, 148)), ("badge-62mm", (62, 100)), ("badge-90x54", (90, 54))])
def test_a_badge_prints_on_its_templates_paper(cups, event_store, template, size):
    print_through_the_queue(event_store, CupsPrinter(cups.queue),
                            ((CODE,), {"template": template}))
    [pdf] = cups.wait_for_pdfs(1)
    [(width, height, codes)] = pages(pdf)
    assert near((width, height), size), f"{template}: {width:.1f} x {height:.1f} mm"
    assert not near((width, height), A4)
    assert codes == [CODE]


def test_fit_to_page_keeps_the_badge_paper_too(cups, event_store):
    print_through_the_queue(event_store, CupsPrinter(cups.queue, scaling="fit"), ((CODE,), {}))
    [pdf] = cups.wait_for_pdfs(1)
    [(width, height, codes)] = pages(pdf)
    assert near((width, height), (105, 148)) and codes == [CODE]


def test_vouchers_print_one_per_meal_on_receipt_paper(cups, event_store):
    print_through_the_queue(event_store, CupsPrinter(cups.queue), ((CODE, "vouchers"), {}))
    [pdf] = cups.wait_for_pdfs(1)
    found = pages(pdf)
    assert all(near((w, h), (80, 120)) for w, h, _ in found), found
    assert [json.loads(c)["meal"] for _, _, codes in found for c in codes] == [
        "0626-lunch", "0627-lunch"]


def test_the_desk_prints_with_each_documents_scaling(cups, event_store):
    """The desk window's path: the settings make the printer (one CUPS queue, badges at actual
    size, vouchers fitted), the print queue feeds it."""
    pytest.importorskip("PySide6")
    from checkin.settings import Settings
    from checkin.ui.settings_dialog import printer_from_settings

    settings = Settings(badge_printer=cups.queue, vouchers_printer=cups.queue,
                        vouchers_scaling="fit")
    printer = printer_from_settings(settings)
    print_through_the_queue(event_store, printer, ((CODE,), {}), ((CODE, "vouchers"), {}))
    found = [page for pdf in cups.wait_for_pdfs(2) for page in pages(pdf)]
    badges = [p for p in found if near(p[:2], (105, 148))]
    vouchers = [p for p in found if near(p[:2], (80, 120))]
    assert len(badges) == 1 and len(vouchers) == 2 and len(found) == 3, found
    assert badges[0][2] == [CODE]


def test_cli_lists_and_prints_to_the_cups_queue(cups, event_store):
    def run(*args):
        return subprocess.run([CHECKIN, "--db", event_store.path, *map(str, args)],
                              capture_output=True, text=True, env=cups.env, timeout=300)

    assert run("printers").stdout.split() == [cups.queue]
    done = run("print", CODE, "--printer", cups.queue, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["state"] == "done"
    [pdf] = cups.wait_for_pdfs(1)
    [(width, height, codes)] = pages(pdf)
    assert near((width, height), (105, 148)) and codes == [CODE]
