"""The desk's own settings (not the event's): which event to reopen, camera, printers,
sounds, language. Kept as JSON in the data folder (`settings.json`), written atomically.

Plain Python, no Qt. A missing file gives the defaults; a damaged or unreadable one gives
the defaults too, with a warning in the log, so that a bad file never stops a desk.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .printing.printers import SCALINGS  # a document's printing: actual size, or fit to the paper
from .scanner.wedge import TERMINATORS, ScannerProfile

log = logging.getLogger(__name__)

DOCUMENTS = ("badge", "vouchers")
LANGUAGES = ("system", "zh", "en")
PDF_FOLDER = "@pdf-folder"  # a document's printer: save PDFs to `pdf_folder` instead
NO_CAMERA = -1  # camera_index: handheld scanner and typing only
MAX_RECENT = 10


class SettingsError(OSError):
    """The settings could not be saved; the message says where and why."""


@dataclass
class Settings:
    last_db: str = ""  # the event reopened at the next start
    recent_dbs: list[str] = field(default_factory=list)  # newest first
    device_name: str = ""  # this laptop's name at the desk ("报到处1"); "" = the event's own
    camera_index: int = 0  # NO_CAMERA: no camera
    camera_width: int = 1280
    camera_height: int = 720
    badge_printer: str = ""  # "": the system's default printer; PDF_FOLDER: save PDFs
    badge_template: str = "badge-a6"
    vouchers_printer: str = ""
    vouchers_template: str = "voucher-80mm"
    badge_scaling: str = "actual"  # actual: the template's size on paper; fit: to the paper
    vouchers_scaling: str = "actual"
    auto_print_badge: bool = True  # on a first check-in at registration
    auto_print_vouchers: bool = False
    pdf_folder: str = ""  # "": <data folder>/printed
    sounds: bool = True
    language: str = "system"  # system | zh | en
    # The handheld scanner (checkin/scanner/wedge.py): what it sends after a code, and how
    # far apart its keys may be; learnt from a test code in Settings.
    scanner_terminator: str = "enter"  # enter | tab | none
    scanner_max_gap_ms: int = 35

    def scanner_profile(self) -> ScannerProfile:
        """The handheld scanner as the detector reads it (a gap kept within 5-100 ms)."""
        return ScannerProfile(self.scanner_terminator,
                              max(5, min(self.scanner_max_gap_ms, 100)) / 1000)

    # -- per document ------------------------------------------------------
    def printer(self, document: str) -> str:
        return getattr(self, f"{_document(document)}_printer")

    def template(self, document: str) -> str:
        return getattr(self, f"{_document(document)}_template")

    def auto_print(self, document: str) -> bool:
        return getattr(self, f"auto_print_{_document(document)}")

    def scaling(self, document: str) -> str:
        """How its printer sizes the document: "actual" or "fit" (SCALINGS)."""
        return getattr(self, f"{_document(document)}_scaling")

    def set_document(self, document: str, *, printer: str | None = None,
                     template: str | None = None, auto_print: bool | None = None,
                     scaling: str | None = None) -> None:
        document = _document(document)
        if printer is not None:
            setattr(self, f"{document}_printer", printer)
        if template is not None:
            setattr(self, f"{document}_template", template)
        if auto_print is not None:
            setattr(self, f"auto_print_{document}", auto_print)
        if scaling is not None:
            if scaling not in SCALINGS:
                raise ValueError(f"scaling must be {' or '.join(SCALINGS)}, not {scaling!r}")
            setattr(self, f"{document}_scaling", scaling)

    def printed_folder(self) -> Path:
        return Path(self.pdf_folder) if self.pdf_folder else paths.data_dir() / "printed"

    # -- events ------------------------------------------------------------
    def remember(self, db: str | Path) -> None:
        """`db` was opened: reopen it next time, first in the recent list."""
        path = str(Path(db).expanduser().absolute())
        self.last_db = path
        self.recent_dbs = [path] + [p for p in self.recent_dbs if p != path][: MAX_RECENT - 1]

    def forget(self, db: str | Path) -> None:
        path = str(Path(db).expanduser().absolute())
        self.recent_dbs = [p for p in self.recent_dbs if p != path]
        if self.last_db == path:
            self.last_db = ""

    # -- JSON --------------------------------------------------------------
    def to_json(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Settings:
        """Each value of the right type is taken; anything else keeps its default (with
        a warning), and unknown keys (from a newer version) are ignored."""
        settings = cls()
        if not isinstance(data, dict):
            log.warning("settings: expected a JSON object, got %s: defaults used",
                        type(data).__name__)
            return settings
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value, default = data[f.name], getattr(settings, f.name)
            if not _valid(f.name, value, default):
                log.warning("settings: %s = %r is not valid: %r used", f.name, value, default)
                continue
            setattr(settings, f.name, list(value) if isinstance(value, list) else value)
        return settings


def _document(document: str) -> str:
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}: badge or vouchers")
    return document


def _valid(name: str, value, default) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return False
        return value >= NO_CAMERA if name == "camera_index" else 0 < value <= 10_000
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if name == "language":
        return value in LANGUAGES
    if name.endswith("_scaling"):
        return value in SCALINGS
    if name == "scanner_terminator":
        return value in TERMINATORS
    return isinstance(value, str)


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in `path` (default: settings.json in the data folder)."""
    path = Path(path) if path else paths.settings_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("settings: cannot read %s (%s): defaults used", path, exc)
        return Settings()
    try:
        data = json.loads(text)
    except ValueError as exc:
        log.warning("settings: %s is not valid JSON (%s): defaults used", path, exc)
        return Settings()
    return Settings.from_json(data)


def save_settings(settings: Settings, path: str | Path | None = None) -> Path:
    """Write atomically: a new file next to the old one, flushed, then renamed over it,
    so that a crash or a full disk leaves the old settings, never half a file."""
    path = Path(path) if path else paths.settings_file()
    text = json.dumps(settings.to_json(), ensure_ascii=False, indent=2) + "\n"
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise SettingsError(f"cannot save the settings to {path}: {exc.strerror or exc}") from exc
    return path


class SettingsFile:
    """The settings of this run and where they are kept. When they cannot be saved (a
    read-only data folder), they still apply until the app closes and `error` says why."""

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else paths.settings_file()
        self.settings = load_settings(self.path)
        self.error = ""

    def save(self) -> bool:
        try:
            save_settings(self.settings, self.path)
        except SettingsError as exc:
            log.warning("%s", exc)
            self.error = str(exc)
            return False
        self.error = ""
        return True
