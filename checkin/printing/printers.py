"""Where a finished PDF goes: a CUPS queue (`lp`), or a folder. The desk window adds Qt's
print path (checkin/ui/qt_printer.py) for Windows and macOS printers.

A printer that is missing, off, paused or out of paper raises PrinterError with words a
volunteer can act on; nothing here retries (the print queue does).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Protocol


class PrinterError(RuntimeError):
    """The printer did not take the job; the message says why and what to do."""


class Printer(Protocol):
    name: str

    def print_pdf(self, pdf: bytes, title: str) -> None: ...


class FolderPrinter:
    """'Print to PDF': each job becomes a file (a fallback, and for later printing)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.name = f"folder {self.folder}"

    def print_pdf(self, pdf: bytes, title: str) -> None:
        safe = re.sub(r"[^\w.-]+", "_", title).strip("_") or "job"
        stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{safe}"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_new_file(self.folder, stem, ".pdf", pdf)
        except OSError as exc:
            raise PrinterError(f"cannot save to {self.folder}: {exc.strerror or exc}") from exc


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


_LP_HINTS = (
    ("does not exist", "printer {name!r} is not installed on this computer"),
    ("not accepting", "printer {name!r} is not accepting jobs (paused or switched off?)"),
    ("disabled", "printer {name!r} is disabled: switch it on and enable it"),
    ("scheduler is not running", "the print service (CUPS) is not running"),
)


class CupsPrinter:
    """A CUPS queue: the PDF goes to `lp`, and `lpstat` says why a printer is unusable."""

    def __init__(self, name: str, *, lp: str = "lp", lpstat: str = "lpstat", timeout_s: float = 30):
        self.name = name
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

    def print_pdf(self, pdf: bytes, title: str) -> None:
        try:
            result = subprocess.run([self._lp, "-d", self.name, "-t", title, "-"], input=pdf,
                                    capture_output=True, timeout=self._timeout)
        except FileNotFoundError as exc:
            raise PrinterError("CUPS is not installed here (no `lp` command)") from exc
        except subprocess.TimeoutExpired as exc:
            raise PrinterError(f"printer {self.name!r} did not answer within {self._timeout:g} s") from exc
        if result.returncode == 0:
            return  # CUPS holds the job now (a paused printer prints it once resumed)
        said = result.stderr.decode(errors="replace").strip() or "lp failed"
        state = self.state()
        for needle, message in _LP_HINTS:
            if needle in said.lower() or needle in state:
                raise PrinterError(message.format(name=self.name) + f" ({said})")
        raise PrinterError(f"printer {self.name!r} refused the job: {said}")

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
