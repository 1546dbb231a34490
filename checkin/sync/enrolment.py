"""Enrolment (docs/sync-protocol.md, "Authentication and roles"): a one-time code traded for
a desk token, kept with the event and its configuration in the desk database; a new desk
database made and named after the event (`enrol_desk`); and the client an enrolled desk
syncs with (`client_for`)."""

from __future__ import annotations

import itertools
import os
import re
import ssl
import tomllib
import uuid
from pathlib import Path

from .. import certs, wipe
from ..clock import now_iso
from ..config import config_from_dict
from ..i18n import _
from ..store import Store, audit, central
from . import pinning
from . import status as st
from .client import Offline, Rejected, SyncClient, SyncError, Untrusted, parse_enrol_link


class NotEnrolled(SyncError):
    """This desk has no server yet (`checkin enroll`)."""


def enrol(store: Store, client: SyncClient, code: str, device_name: str | None = None) -> dict:
    """Trade a one-time enrolment code for a desk token; keep the token, the event and its
    configuration in the desk database. Raises SyncError subclasses as the client does."""
    previous_event = store.meta(st.EVENT)
    previous_server = store.meta(st.SERVER_ID)
    name = device_name or store.device_name
    try:
        answer = client.enrol(code, store.device_id, name)
    except Rejected as exc:
        if exc.error != "device_taken":
            raise
        raise Rejected(f"this desk database has the id of a desk that is already enrolled "
                       f"({store.device_id}): it is a copy, or this desk is still enrolled. "
                       "Enrol with a fresh desk database (another --db), or ask the organiser "
                       "to revoke the old desk first; the code was not used",
                       status=exc.status, error=exc.error) from exc
    if answer.get("device_id") not in (None, store.device_id):
        raise Rejected(f"the server enrolled device {answer.get('device_id')}, not this desk "
                       f"({store.device_id})", status=200, error="device_mismatch")
    same_place = previous_event == answer["event"] and previous_server == answer.get("server_id")
    if previous_event and not same_place:
        raise Rejected(f"this desk database already belongs to event {previous_event} on "
                       "another server: enrol with a new --db", status=200, error="other_event")
    config = config_from_dict(tomllib.loads(answer["config_toml"]))
    name = answer.get("device_name") or name  # the organiser's name for this desk wins
    with store.transaction() as conn:
        store.set_meta(conn, st.SERVER_URL, client.base_url)
        store.set_meta(conn, st.EVENT, answer["event"])
        store.set_meta(conn, st.TOKEN, answer["token"])
        store.set_meta(conn, st.SERVER_ID, answer.get("server_id") or "")
        store.set_meta(conn, st.SERVER_CERT, client.pinned_cert or "")  # trusted from now on
        store.set_meta(conn, "device_name", name)
        store.save_config(conn, config)
        central.remember_desk_names(conn, {store.device_id: name}, st.now())
        st.save(store, conn, st.SyncStatus(state=st.ONLINE))  # reached it; no round yet
        # Enrolled again after a wipe: the desk is in use again (the wipe stays audited).
        central.forget_marks(conn, [wipe.WIPED])
        audit.record(store, conn, audit.ENROL, at=now_iso(config.zone()), details={
            "event": answer["event"], "server": client.base_url,
            "server_id": answer.get("server_id"), "device_name": name})
    return enrolment(store)


def enrolment(store: Store) -> dict:
    """Where this desk is enrolled: event, server, its name there (`checkin enroll`)."""
    pinned = store.meta(st.SERVER_CERT)
    return {"event": store.meta(st.EVENT), "server_url": store.meta(st.SERVER_URL),
            "server_id": store.meta(st.SERVER_ID), "device_id": store.device_id,
            "device_name": store.device_name, "config": store.config.name,
            "fingerprint": certs.fingerprint_of_pem(pinned) if pinned else None}


def enrol_desk(server_url: str, code: str | None = None, *, device_name: str = "",
               fingerprint: str | None = None, data_dir: str | Path | None = None,
               db_path: str | Path | None = None, **client_options) -> Path:
    """Enrol a desk database with a central list and return its path (the start screen's
    "Connect to a central list", `checkin enroll` does the same on a given --db).

    `server_url` may be the organiser's `checkin-enrol:URL#CODE;sha256=FP` link (then `code`
    and `fingerprint` may be omitted). An https server is trusted by the fingerprint of its
    certificate alone, checked before the code is sent and pinned for every later round
    (sync/pinning.py). With `db_path`, that database is enrolled (made if missing).
    Otherwise a new database is made in `data_dir` and named after the event (`shic2026.db`,
    `shic2026-2.db` when taken). Talks to the network: call it off the GUI thread. Raises
    SyncError subclasses (`.message` is a plain sentence); a new database is removed when it
    fails."""
    link = parse_enrol_link(server_url)
    url = link.url
    code = (code or "").strip() or link.code
    if not url or not code:
        raise Rejected("give the server's address and the enrolment code", status=None,
                       error="invalid_request")
    client_options.setdefault("pinned_cert", _pin_for_enrolment(
        url, (fingerprint or "").strip() or link.fingerprint))
    if db_path is not None:
        with Store(db_path) as store, SyncClient(url, **client_options) as client:
            enrol(store, client, code, device_name or None)
        return Path(db_path)
    if data_dir is None:
        raise ValueError("enrol_desk needs db_path or data_dir")
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    scratch = folder / f".enrolling-{uuid.uuid4().hex[:8]}.db"
    try:
        with Store(scratch) as store, SyncClient(url, **client_options) as client:
            result = enrol(store, client, code, device_name or None)
        target = _free_name(folder, result["event"])
        for suffix in ("-wal", "-shm", ""):  # closed: the database and its WAL move together
            part = Path(f"{scratch}{suffix}")
            if part.exists():
                os.replace(part, f"{target}{suffix}")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    return target


def _pin_for_enrolment(url: str, fingerprint: str | None) -> str | None:
    """The https server's certificate, when it is the one `fingerprint` names (None for a
    plain-http server: its operator chose --plain-http)."""
    if not url.lower().startswith("https://"):
        return None
    if not fingerprint:
        raise Rejected("an https server is trusted by its certificate's fingerprint: scan the "
                       "enrolment QR, or give the fingerprint shown with the code "
                       "(--fingerprint)", status=None, error="no_fingerprint")
    try:
        return pinning.take_certificate(url, certs.check_typed(fingerprint))
    except certs.FingerprintError as exc:
        raise Rejected(str(exc), status=None, error="bad_fingerprint") from exc
    except pinning.CertificateMismatch as exc:
        raise Untrusted(exc.message, error="certificate_mismatch") from exc
    except (OSError, ssl.SSLError) as exc:
        raise Offline(f"cannot reach the server at {url} ({exc})") from exc


def _free_name(folder: Path, event: str) -> Path:
    """`<event>.db`, or `<event>-2.db` ... when taken (with its WAL files)."""
    stem = re.sub(r"[^\w.-]+", "_", event).strip("._") or "central"
    for n in itertools.count(1):
        candidate = folder / (f"{stem}.db" if n == 1 else f"{stem}-{n}.db")
        if not any(Path(f"{candidate}{s}").exists() for s in ("", "-wal", "-shm")):
            return candidate
    raise AssertionError("unreachable")


def client_for(store: Store, server_url: str | None = None, **kw) -> SyncClient:
    """A client for the server this desk is enrolled with (or `server_url` when it moved)."""
    url = server_url or store.meta(st.SERVER_URL)
    token = store.meta(st.TOKEN)
    if not url or not token:
        raise NotEnrolled(_("this desk is not enrolled: run `checkin enroll URL CODE` first"))
    if server_url and server_url.rstrip("/") != store.meta(st.SERVER_URL):
        with store.transaction() as conn:
            store.set_meta(conn, st.SERVER_URL, server_url.rstrip("/"))
    return SyncClient(url, token, local_time=store.time.local,
                      pinned_cert=store.meta(st.SERVER_CERT) or None, **kw)
