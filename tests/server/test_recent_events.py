"""The events feed served from the service's memory (recent_events.py) answers exactly what
the database answers: the same items, cursors and "more", for any cursor, page size, desk left
out and feed (events or records), while desks keep uploading; also when the held tail is cut
or a desk falls further behind than it holds."""

from __future__ import annotations

import json
import random

import pytest

from checkin.server import event_reads, recent_events
from checkin.server.db import Database

CODES = [f"T-00{i}" for i in range(1, 6)]


def _random_batch(rng: random.Random, desk) -> list[dict]:
    batch = []
    for _ in range(rng.randint(1, 4)):
        code = rng.choice(CODES)
        kind = rng.choice(["checkin", "checkin", "meal", "print", "refused"])
        if kind == "meal":
            batch.append(desk.event_for("meal", code, "meal:0626-lunch"))
        elif kind == "print":
            batch.append(desk.event_for("print", code, data={"document": "badge"}))
        elif kind == "refused":
            batch.append(desk.event_for("refused", code, "registration",
                                        data={"outcome": "not_eligible",
                                              "reason_code": "unpaid"}))
        else:
            batch.append(desk.event_for("checkin", code, "registration"))
    return batch


@pytest.mark.parametrize("keep", [recent_events.KEEP, 6])
def test_feed_from_memory_matches_the_database(central, monkeypatch, keep):
    monkeypatch.setattr(recent_events, "KEEP", keep)  # 6: cut and gaps at every few uploads
    event = central.small_event()
    desks = [central.enrol(event, device_id=f"desk-{n}") for n in "abc"]
    db = Database(central.db_url, migrate=False)
    rng = random.Random(17)
    try:
        central.ok(desks[0].get(f"/events/{event}/events"))  # the service starts holding here
        uploaded = 0
        for step in range(60):
            if rng.random() < 0.4:
                desk = rng.choice(desks)
                results = central.ok(desk.upload(_random_batch(rng, desk)))["results"]
                uploaded += sum(r["status"] != "rejected" for r in results)
                continue
            with db.read() as conn:
                end = conn.exec_driver_sql(
                    "SELECT value FROM counters WHERE feed = 'events' AND event_id = "
                    f"'{event}'").scalar_one()
            limit = rng.randint(1, 7)
            records = rng.random() < 0.2
            excluded = None if records or rng.random() < 0.3 else rng.choice(desks).device_id
            for after in [0, *range(max(0, end - 12), end + 1)]:
                params = {"after": after, "limit": limit}
                if excluded:
                    params["exclude_device"] = excluded
                served = central.ok(central.get(
                    f"/events/{event}/{'records' if records else 'events'}", params=params))
                direct = event_reads.feed(db, event, after, limit, excluded, records=records)
                direct["items"] = [json.loads(text) for text in direct["items"]]
                assert served == direct, f"step {step}: {params}, records={records}"
        assert uploaded > 20
        assert len(central.pages(f"/events/{event}/events", limit=5)) + len(
            central.pages(f"/events/{event}/records", limit=5)) == uploaded
    finally:
        db.dispose()


def test_desk_sees_each_event_once_while_others_upload(central):
    """A desk reading after its cursor, round after round, as checkin/sync does: every other
    desk's event reaches it once, in order, none of its own."""
    event = central.small_event()
    me, other = central.enrol(event, device_id="me"), central.enrol(event, device_id="other")
    rng = random.Random(3)
    sent, seen, cursor = [], [], 0
    for _ in range(15):
        batch = _random_batch(rng, other)
        central.ok(other.upload(batch))
        central.ok(me.upload(_random_batch(rng, me)))
        sent += [e["uuid"] for e in batch if e["kind"] not in event_reads.ORGANISER_ONLY]
        while True:
            page = central.ok(me.get(f"/events/{event}/events", params={
                "after": cursor, "limit": 2, "exclude_device": "me"}))
            seen += [item["uuid"] for item in page["items"]]
            cursor = page["cursor"]
            if not page["more"]:
                break
    assert seen == sent
