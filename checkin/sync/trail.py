"""The desk's audit trail on its way to the central list (docs/sync-protocol.md, step 1b).

Each audit entry (imports, exports, organiser unlocks, wipes ...; never registrants' personal
data, see checkin/store/audit.py) waits in `audit_outbox` and goes up as an event of kind
`audit` whose uuid is made from the desk and the entry's number, so sending it twice is a
duplicate on the service. Whatever the service answers for an entry (stored, duplicate,
rejected) takes it out of the outbox: the entry stays in the desk's own trail either way.
"""

from __future__ import annotations

import json
import logging
import uuid

from ..store import Store, outbox
from .client import SyncClient

log = logging.getLogger("checkin.sync")

BATCH = 500
_NAMESPACE = uuid.UUID("5d0e7c62-3f1a-4c55-9a7e-2b8e4d6f1a90")  # audit entries of desks


def entry_uuid(device_id: str, seq: int) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{device_id}:{seq}"))


def _pending(store: Store, limit: int) -> list[tuple[int, dict]]:
    rows = outbox.pending_audit_entries(store.reader(), limit)
    return [(r["seq"], {
        "uuid": entry_uuid(r["device_id"], r["seq"]), "kind": "audit", "code": r["code"],
        "station": None, "device_id": r["device_id"], "operator": r["operator"],
        "wall_time": r["at"], "hlc": r["hlc"], "ref": None,
        "data": {"action": r["action"], "details": json.loads(r["details"])}}) for r in rows]


def upload(store: Store, client: SyncClient, event: str, *, batch_size: int = BATCH) -> int:
    """Send the waiting audit entries; the number the service answered for. Network and
    server failures propagate as for events (the round stops; the entries wait)."""
    sent = 0
    while True:
        batch = _pending(store, batch_size)
        if not batch:
            return sent
        answer = client.upload(event, [wire for _, wire in batch])
        by_uuid = {wire["uuid"]: seq for seq, wire in batch}
        answered = [by_uuid[r["uuid"]] for r in answer.get("results", ())
                    if r.get("uuid") in by_uuid]
        for result in answer.get("results", ()):
            if result.get("status") == "rejected":
                log.warning("audit entry %s refused by the server: %s", result.get("uuid"),
                            result.get("message"))
        if not answered:
            return sent
        with store.transaction() as conn:
            outbox.remove_audit_entries(conn, answered)
        sent += len(answered)
        if len(batch) < batch_size:
            return sent
