"""Steps 2 and 3 of the round (docs/sync-protocol.md): registrants and other desks' events
come down page by page from the cursor this desk last stored. A cursor moves only in the
transaction that stores the page it covers, so an interrupted download loses nothing."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import queue
import sqlite3
import threading
from typing import Protocol

from .. import masking
from ..model import CENTRAL_DEVICE
from ..store import Store, central, eventlog
from . import status as st
from .client import Rejected, SyncClient
from .wire import event_from_wire, registrant_from_wire

log = logging.getLogger("checkin.sync")

PAGE_SIZE = 2000  # registrants or events per download page (the server allows up to 5,000)
PREFETCH = 2  # registrant pages fetched ahead while the desk stores the current one


class DownloadTally(Protocol):
    """What the downloads add to the round's report (engine.SyncReport is one)."""

    registrants: int
    events: int


def download_registrants(store: Store, client: SyncClient, event: str, report: DownloadTally,
                         page_size: int) -> None:
    """The next page is fetched (by a thread: the wait is the network's and the server's)
    while this one is stored, so a first download of 100,000 takes about as long as the
    transfer alone."""
    while True:
        after = central.cursor(store.reader(), st.REGISTRANT_CURSOR)
        with _Pages(client, event, after, page_size) as pages, _no_cycle_collection():
            for after, page in pages:
                items, cursor = page["items"], int(page["cursor"])
                with store.transaction() as conn:
                    if central.cursor(conn, st.REGISTRANT_CURSOR) != after:
                        break  # another process of this desk synced meanwhile: ask again
                    if cursor < after:
                        raise Rejected(f"the server's registrant cursor went back ({after} -> "
                                       f"{cursor})", status=200, error="bad_cursor")
                    if items:
                        report.registrants += apply_registrants(store, conn, items)
                    store.set_meta(conn, st.REGISTRANT_CURSOR, str(cursor))
            else:
                return


@contextlib.contextmanager
def _no_cycle_collection():
    """Pages make hundreds of thousands of objects that live on (as the import does): the
    cyclic collector would scan them again and again, doubling the time to parse a page."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _last_page(page: dict, after: int) -> bool:
    items, cursor = page["items"], int(page["cursor"])  # a misshapen page fails here
    return not page.get("more") or (not items and cursor == after)


class _Pages:
    """(after, page) of the registrant feed from `after` on, fetched up to PREFETCH pages
    ahead by a thread; an error is raised where its page would have come, so every page
    before it is stored first, as without the thread."""

    def __init__(self, client: SyncClient, event: str, after: int, page_size: int):
        self._fetch = lambda after: client.registrants(event, after=after, limit=page_size)
        self._queue: queue.Queue = queue.Queue(PREFETCH)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(after,), daemon=True,
                                        name="registrant-pages")

    def _run(self, after: int) -> None:
        while not self._stop.is_set():
            try:
                page = self._fetch(after)
                done = _last_page(page, after)
            except BaseException as exc:  # handed to the round, which says what went wrong
                self._queue.put((after, exc))
                return
            self._queue.put((after, page))
            if done:
                return
            after = int(page["cursor"])

    def __enter__(self):
        self._thread.start()
        return self

    def __iter__(self):
        while True:
            after, page = self._queue.get()
            if isinstance(page, BaseException):
                raise page
            yield after, page
            if _last_page(page, after):
                return

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        while self._thread.is_alive():  # unblock a put() and let a request in flight end
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.05)
        self._thread.join()


def apply_registrants(store: Store, conn: sqlite3.Connection, items: list[dict]) -> int:
    """Registrants as the server sent them, applied in the caller's transaction, reduced to
    what this desk may keep ([privacy] desk_fields, issue 7); how many."""
    desk_fields = store.config.privacy.desk_fields
    regs = [masking.minimise(registrant_from_wire(item), desk_fields) for item in items]
    central.apply_registrants(conn, regs, st.now())
    store.bump_registrant_generation(conn)
    return len(regs)


def download_events(store: Store, client: SyncClient, event: str, report: DownloadTally,
                    page_size: int) -> None:
    """Append other desks' events, each page with the names of the desks that wrote it: a
    conflict shown between the two would name a desk by its id ("5e45d046...")."""
    while True:
        after = central.cursor(store.reader(), st.EVENT_CURSOR)
        page = client.events(event, after=after, limit=page_size,
                             exclude_device=store.device_id)
        items, cursor = page["items"], int(page["cursor"])
        desk_fields = store.config.privacy.desk_fields  # not kept here, not even in events
        events = [masking.minimise_event(event_from_wire(item), desk_fields) for item in items]
        names = _names_of_unknown_desks(store, client, event, {ev.device_id for ev in events})
        with store.transaction() as conn:
            if central.cursor(conn, st.EVENT_CURSOR) != after:
                continue
            if cursor < after:
                raise Rejected(f"the server's event cursor went back ({after} -> {cursor})",
                               status=200, error="bad_cursor")
            central.remember_desk_names(conn, names, st.now())
            for ev in events:
                if eventlog.append(conn, ev, outbox=False):
                    report.events += 1
                store.clock.observe(ev.hlc)
            store.set_meta(conn, st.EVENT_CURSOR, str(cursor))
            store.set_meta(conn, st.KIOSKS_CLOSED,
                           json.dumps(st.kiosks_closed(page), ensure_ascii=False))
        if not page.get("more") or (not items and cursor == after):
            return


def _names_of_unknown_desks(store: Store, client: SyncClient, event: str,
                            devices: set[str]) -> dict[str, str]:
    """Desk names ("报到处2") for "already checked in at ...": the stats list every desk.
    Asked only when a page holds a desk this one has no name for."""
    devices = devices - {store.device_id}
    if not devices:
        return {}
    unknown = devices - central.named_desks(store.reader(), devices)
    names = {CENTRAL_DEVICE: "central list (organiser)"} if CENTRAL_DEVICE in unknown else {}
    if unknown - names.keys():
        try:
            listed = client.stats(event).get("devices") or []
        except Rejected as exc:  # names are a nicety: the round stands without them
            log.warning("no desk names from the server: %s", exc.message)
            listed = []
        names.update({d["device_id"]: d["name"] for d in listed
                      if d.get("device_id") and d.get("name")})
    return names
