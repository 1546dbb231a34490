"""An event made from a registration export, as the desk window's import wizard and start
screen make it: which configuration (the open event's, a bundled event file, or a minimal one
whose meals, forums and categories come from the data), where its database goes, and the
import itself, refused before anything is written when the file cannot be imported. A new
event database that fails halfway is removed: it held nothing else.

Qt-free: the wizard only asks and shows (checkin/ui/import_dialog.py).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import paths
from ..config import ConfigError, load_config
from ..model import EventConfig
from ..resources import events_dir
from ..store import Store, StoreError
from .reader import ImportFileError
from .report import ImportReport
from .run import Mapping, Progress, import_file, preview_export

log = logging.getLogger(__name__)

EVENTS_DIR = events_dir()
DEMO_PEOPLE = 1500


# -- which configuration -----------------------------------------------------------------
def bundled_event_files(folder: Path = EVENTS_DIR) -> list[tuple[Path, str]]:
    """(file, event name) of the event files shipped with the app; a broken one is skipped
    (and logged), never offered."""
    found = []
    for path in sorted(folder.glob("*.toml")):
        try:
            found.append((path, load_config(path).name))
        except ConfigError as exc:
            log.warning("event file skipped: %s", exc)
    return found


def minimal_config(export: Path | None) -> EventConfig:
    """An event named after its export, with nothing configured: the import finds its meal
    slots, forums and categories in the data."""
    return EventConfig(name=export.stem if export else EventConfig().name)


# -- where --------------------------------------------------------------------------------
def new_event_path(export: Path, folder: Path | None = None) -> Path:
    """A database file for a new event named after its export, not overwriting any."""
    folder = folder or paths.data_dir()
    stem = export.stem.strip() or "event"
    path = folder / f"{stem}.db"
    number = 2
    while path.exists():
        path = folder / f"{stem}-{number}.db"
        number += 1
    return path


# -- the import ---------------------------------------------------------------------------
def refuse_unimportable(path: Path, config: EventConfig, mapping: Mapping) -> None:
    """Raise ImportFileError for a file that cannot be imported (no code column, unreadable)
    before anything is written."""
    check = preview_export(path, config, mapping=mapping, rows=1)
    if check.error:
        raise ImportFileError(check.error)


def import_export(path: Path, config: EventConfig, *, mapping: Mapping = None,
                  store: Store | None = None, save_config: bool = False,
                  target: Path | None = None, progress: Progress | None = None) -> ImportReport:
    """Import `path` into the open event `store` (its configuration replaced by `config`
    when `save_config`), or into a new event database at `target` made with `config`."""
    if (store is None) == (target is None):
        raise ValueError("give a store to import into, or a target for a new event")
    refuse_unimportable(path, config, mapping)
    if store is None:
        return create_event(target, config, path, mapping, progress)
    if save_config:
        with store.transaction() as conn:
            store.save_config(conn, config)
    return import_file(store, path, mapping=mapping, progress=progress)


def create_event(target: Path, config: EventConfig, export: Path, mapping: Mapping = None,
                 progress: Progress | None = None) -> ImportReport:
    """A new event database at `target` with this configuration and export; never over an
    existing file."""
    if target.exists():
        raise StoreError(f"{target} already exists: choose another name for the new event")
    with _removed_on_failure(target):
        with Store(target) as store:
            with store.transaction() as conn:
                store.save_config(conn, config)
            return import_file(store, export, mapping=mapping, progress=progress)


def create_demo_event(path: Path, people: int = DEMO_PEOPLE) -> Path:
    """The demo event (`checkin demo`): a congress running today, imported through the
    real importer from a generated export."""
    from ..demo import demo_event_config, write_export

    path.parent.mkdir(parents=True, exist_ok=True)
    with _removed_on_failure(path), tempfile.TemporaryDirectory() as tmp:
        export = write_export(Path(tmp) / "demo-export.csv", people)
        with Store(path) as store:
            with store.transaction() as conn:
                store.save_config(conn, demo_event_config())
            import_file(store, export)
    return path


@contextmanager
def _removed_on_failure(path: Path) -> Iterator[None]:
    """A database being made is deleted with its -wal and -shm files when making it fails
    (it held nothing else); the failure goes on to the caller."""
    try:
        yield
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
