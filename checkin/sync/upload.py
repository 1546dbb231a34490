"""Step 1 of the round (docs/sync-protocol.md): the outbox goes up in batches. An event
leaves the outbox only when the server answered for it (stored, duplicate, conflict) or
refused it on its own (set aside: rejected.py); a refusal that is no event's fault stops the
round with the outbox as it was (NotAttributable)."""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from typing import Protocol

from .. import masking
from ..model import LoggedEvent
from ..store import Store, conflicts, outbox
from . import rejected
from . import status as st
from .client import Rejected, SyncClient, SyncError
from .download import apply_registrants
from .revocation import purged
from .wire import wire_event

log = logging.getLogger("checkin.sync")

BATCH_SIZE = 500  # events per upload (the server takes up to 1,000)
LARGE_EVENT = 64 << 10  # bytes: a desk's events are well under 2 KiB; the server takes 1 MiB


class UploadTally(Protocol):
    """What the upload adds to the round's report (engine.SyncReport is one)."""

    uploaded: int
    duplicates: int
    conflicts: list[dict]
    rejected: list[dict]


@dataclass
class _Refusal:
    item: tuple[int, LoggedEvent]
    exc: Rejected
    message: str  # what the server said about this event


@dataclass
class _Batch:
    """What became of one batch read from the outbox (and of its splits)."""

    accepted: int = 0  # events the server answered for (stored, duplicate, conflict)
    refused: list[_Refusal] = field(default_factory=list)  # not yet attributed
    blind: int = 0  # single events refused without the server naming them


class NotAttributable(Rejected):
    """The server refused uploads without the refusal being specific to any one event (a
    server of another version, a proxy answering 422 to everything): nothing is set aside."""


def _not_attributable(exc: Rejected, pending: int) -> NotAttributable:
    return NotAttributable(
        f"the server refused this desk's events without naming one at fault ({exc.message}); "
        f"nothing was set aside: the {pending} event(s) stay in the outbox and are sent again",
        status=exc.status, error=exc.error, body=exc.body)


def _outbox_size(store: Store) -> int:
    return outbox.size(store.reader())


def upload_outbox(store: Store, client: SyncClient, event: str, report: UploadTally,
                  batch_size: int) -> None:
    """Send the outbox in batches. An event is set aside (listed as `rejected`, out of the
    outbox, still in the log: `checkin sync --retry-rejected`) only when the refusal is
    specific to it; any other refusal stops the round with the outbox as it was."""
    after = 0
    accepted = 0  # events of this round the server answered for
    lone: list[_Refusal] = []  # batches of one event refused: decided by the whole round
    try:
        while True:
            batch = outbox.pending(store.reader(), batch_size, after)
            if not batch:
                break
            sent = _Batch()
            _send(store, client, event, batch, report, sent)
            accepted += sent.accepted
            if sent.refused:
                if sent.accepted:  # the server took the others of this batch
                    for refusal in sent.refused:
                        _set_aside(store, refusal, report)
                elif len(batch) == 1 and not (lone and not accepted):
                    lone.extend(sent.refused)
                else:  # every event of the batch refused (or two in a row, none taken)
                    raise _not_attributable(sent.refused[0].exc, _outbox_size(store))
            after = batch[-1][0]  # whatever was refused stays in the outbox, behind us
            if len(batch) < batch_size:
                break
        if lone and not accepted:
            raise _not_attributable(lone[0].exc, _outbox_size(store))
        for refusal in lone:
            _set_aside(store, refusal, report)
    except NotAttributable as exc:
        log.warning("uploads refused, outbox kept: %s", exc.message)
        raise


def final_upload(store: Store, client: SyncClient, event: str, report: UploadTally,
                 batch_size: int) -> None:
    """Revoked: the service still takes what this desk recorded before the revocation, so
    nothing it acknowledged is lost to the headcount before the wipe."""
    if not _outbox_size(store):
        return
    try:
        upload_outbox(store, client, event, report, batch_size)
    except (SyncError, sqlite3.Error) as exc:
        log.warning("revoked: the last upload failed (%s); the events stay in the log",
                    getattr(exc, "message", exc))


def _send(store: Store, client: SyncClient, event: str, batch: list[tuple[int, LoggedEvent]],
          report: UploadTally, sent: _Batch) -> None:
    """POST one batch. A refusal as malformed (422) or too big (413) is narrowed down: the
    events a 422 names (FastAPI's `detail[].loc` = ["body", "events", N, ...]) when it names
    some but not all of them; else the batch is split in halves until single events are
    refused on their own. Refused events are only collected here (`sent.refused`);
    `upload_outbox` sets them aside when the server took others. Raises NotAttributable as
    soon as the refusal cannot be an event's fault."""
    try:
        answer = client.upload(event, [wire_event(e) for _, e in batch],
                               unsent=max(_outbox_size(store) - len(batch), 0))
    except Rejected as exc:
        if exc.status not in (413, 422):
            raise
        if len(batch) == 1:
            if exc.status == 413:
                if _wire_size(batch[0][1]) < LARGE_EVENT:  # the limit is not about this event
                    raise _not_attributable(exc, _outbox_size(store)) from exc
                _set_aside(store, _Refusal(batch[0], exc, exc.message), report)  # too big
                return
            sent.refused.append(_Refusal(batch[0], exc, _event_message(exc, 0)))
            sent.blind += 1
            if sent.blind > 1 and not sent.accepted:  # every split refused so far
                raise _not_attributable(exc, _outbox_size(store)) from exc
            return
        named = _named_events(exc, len(batch))
        if named and len(named) < len(batch):
            sent.refused.extend(_Refusal(batch[i], exc, _event_message(exc, i))
                                for i in sorted(named))
            _send(store, client, event, [e for i, e in enumerate(batch) if i not in named],
                  report, sent)
            return
        half = len(batch) // 2
        _send(store, client, event, batch[:half], report, sent)
        _send(store, client, event, batch[half:], report, sent)
        return
    sent.accepted += _acknowledge(store, batch, answer["results"], report)


def _wire_size(ev: LoggedEvent) -> int:
    return len(json.dumps(wire_event(ev), ensure_ascii=False).encode())


def _event_locations(exc: Rejected) -> list[tuple[int, dict]] | None:
    """[(index in the batch, detail entry)] of a FastAPI validation answer, or None when any
    entry is not about one event (the batch as a whole) or there is no such detail."""
    detail = exc.body.get("detail") if isinstance(exc.body, dict) else None
    if not isinstance(detail, list) or not detail:
        return None
    found = []
    for entry in detail:
        loc = entry.get("loc") if isinstance(entry, dict) else None
        if not (isinstance(loc, list) and len(loc) >= 3 and loc[0] == "body"
                and loc[1] == "events" and isinstance(loc[2], int)
                and not isinstance(loc[2], bool)):
            return None
        found.append((loc[2], entry))
    return found


def _named_events(exc: Rejected, size: int) -> set[int]:
    if exc.status != 422:
        return set()
    found = _event_locations(exc)
    if found is None or any(not 0 <= i < size for i, _ in found):
        return set()
    return {i for i, _ in found}


def _event_message(exc: Rejected, index: int) -> str:
    """What the server said about the event at `index` of the batch it refused."""
    found = _event_locations(exc) or []
    parts = [f"{'.'.join(str(p) for p in entry['loc'][3:]) or 'event'}: "
             f"{entry.get('msg', 'invalid')}" for i, entry in found if i == index]
    return "; ".join(parts) or exc.message


def _acknowledge(store: Store, batch: list[tuple[int, LoggedEvent]], results: list[dict],
                 report: UploadTally) -> int:
    """Take out of the outbox what the server answered for, in one transaction with what
    its answers say (conflicts, refusals); how many it answered for."""
    sent = {e.uuid: (seq, e) for seq, e in batch}
    answered = 0
    now = st.now()
    was_purged = purged(store)  # no registrant copies kept or applied after a purge
    with store.transaction() as conn:
        for result in results:
            uuid = result.get("uuid")
            if uuid not in sent:
                continue
            seq, ev = sent.pop(uuid)
            answered += 1
            outbox.remove(conn, seq)
            outcome = result.get("status")
            if outcome == "duplicate":
                report.duplicates += 1
                continue
            if outcome == "rejected":  # refused on its own: set aside, listed, retryable
                report.rejected.append(rejected.record(conn, ev, {
                    "type": "rejected", "status": 200,
                    "error": result.get("error") or "rejected",
                    "message": result.get("message") or ""}))
                continue
            report.uploaded += 1
            if outcome == "conflict":
                detail = result.get("conflict") or {}
                if was_purged and "current" in detail:
                    detail = {k: v for k, v in detail.items() if k != "current"}
                    detail["wiped"] = now
                if isinstance(detail.get("current"), dict):  # [privacy] desk_fields
                    detail = {**detail, "current": masking.minimise_record(
                        detail["current"], store.config.privacy.desk_fields)}
                kind = str(detail.get("type") or "conflict")
                conflicts.record_answer(conn, uuid, kind, ev.code, ev.station, detail, now)
                report.conflicts.append({"uuid": uuid, "type": kind, "code": ev.code,
                                         "station": ev.station, "detail": detail})
                current = detail.get("current")
                if kind in ("stale_edit", "code_taken") and isinstance(current, dict) \
                        and current.get("code") and current.get("version"):
                    # Central data wins: show what the server holds; the event is listed.
                    apply_registrants(store, conn, [current])
    if not answered:
        raise Rejected("the server answered an upload without any of its events",
                       status=200, error="bad_answer")
    return answered


def _set_aside(store: Store, refusal: _Refusal, report: UploadTally) -> None:
    """Out of the outbox, listed as a `rejected` conflict; the event stays in the log and
    `checkin sync --retry-rejected` (rejected.retry_rejected) puts it back in the outbox."""
    (seq, ev), exc = refusal.item, refusal.exc
    report.rejected.append(rejected.set_aside(store, seq, ev, {
        "type": "rejected", "status": exc.status, "error": exc.error,
        "message": refusal.message}))
