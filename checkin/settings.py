"""The desk's own settings (not the event's): which event to reopen, camera, printers,
sounds, language. Kept as JSON in the data folder (`settings.json`), written atomically.

Plain Python, no Qt. A missing file gives the defaults; a damaged or unreadable one gives
the defaults too, with a warning in the log, so that a bad file never stops a desk. The
values are a pydantic model: a value of the wrong type or out of range falls back to its
default alone (with a warning), the rest of the file still counts.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import paths
from .printing.printers import SCALINGS  # a document's printing: actual size, or fit to the paper
from .scanner.wedge import TERMINATORS, ScannerProfile

log = logging.getLogger(__name__)

DOCUMENTS = ("badge", "vouchers")
LANGUAGES = ("system", "zh", "en")
PRINTER_SIDES = ("left", "right", "below")  # where a kiosk's printer is, as attendees face it
PDF_FOLDER = "@pdf-folder"  # a document's printer: save PDFs to `pdf_folder` instead
NO_CAMERA = -1  # camera_index: handheld scanner and typing only
MAX_RECENT = 10


class SettingsError(OSError):
    """The settings could not be saved; the message says where and why."""


Size = Annotated[int, Field(gt=0, le=10_000)]


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)

    last_db: str = ""  # the event reopened at the next start
    recent_dbs: list[str] = []  # newest first
    device_name: str = ""  # this laptop's name at the desk ("报到处1"); "" = the event's own
    camera_index: Annotated[int, Field(ge=NO_CAMERA)] = 0  # NO_CAMERA: no camera
    camera_width: Size = 1280
    camera_height: Size = 720
    badge_printer: str = ""  # "": the system's default printer; PDF_FOLDER: save PDFs
    badge_template: str = "badge-a6"
    vouchers_printer: str = ""
    vouchers_template: str = "voucher-80mm"
    badge_scaling: Literal[SCALINGS] = "actual"  # actual: the template's size; fit: the paper
    vouchers_scaling: Literal[SCALINGS] = "actual"
    auto_print_badge: bool = True  # on a first check-in at registration
    auto_print_vouchers: bool = False
    pdf_folder: str = ""  # "": <data folder>/printed
    sounds: bool = True
    language: Literal[LANGUAGES] = "system"  # system | zh | en
    # The handheld scanner (checkin/scanner/wedge.py): what it sends after a code, and how
    # far apart its keys may be; learnt from a test code in Settings.
    scanner_terminator: Literal[TERMINATORS] = "enter"  # enter | tab | none
    scanner_max_gap_ms: Size = 35
    # A self check-in kiosk (checkin/ui/kiosk): `checkin-desk` opens the event full screen for
    # attendees; turned on and off in Settings with the organiser PIN, left with it too.
    kiosk: bool = False
    kiosk_printer_side: Literal[PRINTER_SIDES] = "left"  # where attendees collect the badge

    @field_validator("*", mode="wrap")
    @classmethod
    def _or_default(cls, value, handler, info):
        """A bad value costs only itself: its default is used (settings written by hand, or
        by a newer version with other choices)."""
        try:
            return handler(value)
        except ValidationError:
            default = cls.model_fields[info.field_name].get_default(call_default_factory=True)
            log.warning("settings: %s = %r is not valid: %r used", info.field_name, value,
                        default)
            return default

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
        return self.model_dump()

    @classmethod
    def from_json(cls, data) -> Settings:
        """Each valid value is taken; anything else keeps its default (with a warning), and
        unknown keys (from a newer version) are ignored."""
        if not isinstance(data, dict):
            log.warning("settings: expected a JSON object, got %s: defaults used",
                        type(data).__name__)
            return cls()
        return cls.model_validate(data)


def _document(document: str) -> str:
    if document not in DOCUMENTS:
        raise ValueError(f"unknown document {document!r}: badge or vouchers")
    return document


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
