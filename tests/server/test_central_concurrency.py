"""The feed cursor under concurrent writers: a reader paging while desks upload must end
with every event exactly once, in feed order (docs/sync-protocol.md: numbers become visible
in order because the counter row lock is held until COMMIT)."""

from __future__ import annotations

import threading

import httpx

DESKS = 4
BATCHES = 20
PER_BATCH = 6


def test_reader_paging_during_uploads_sees_every_event_once(central):
    event = central.small_event()
    desks = [central.enrol(event, device_id=f"desk-{i}") for i in range(DESKS)]
    sent: list[str] = []
    sent_lock = threading.Lock()
    errors: list[str] = []
    start = threading.Barrier(DESKS + 1)

    def writer(desk) -> None:
        with httpx.Client(base_url=f"{central.base_url}/api/v1", timeout=60,
                          headers={"Authorization": f"Bearer {desk.token}"}) as http:
            start.wait()
            for b in range(BATCHES):
                batch = [desk.event_for("meal" if i % 2 else "print", f"T-00{i % 5 + 1}",
                                        f"meal:b{b}" if i % 2 else None)
                         for i in range(PER_BATCH)]
                response = http.post(f"/events/{event}/events", json={"events": batch})
                if response.status_code != 200:
                    errors.append(response.text)
                    return
                with sent_lock:
                    sent.extend(e["uuid"] for e in batch)

    threads = [threading.Thread(target=writer, args=(d,)) for d in desks]
    for t in threads:
        t.start()
    seen: list[dict] = []
    seen_while_writing = 0
    after = 0
    reader = httpx.Client(base_url=f"{central.base_url}/api/v1", timeout=60,
                          headers={"Authorization": f"Bearer {central.token}"})
    start.wait()
    while True:
        writing = any(t.is_alive() for t in threads)
        page = reader.get(f"/events/{event}/events", params={"after": after, "limit": 7}).json()
        assert page["cursor"] >= after
        seen += page["items"]
        if writing and any(t.is_alive() for t in threads):
            seen_while_writing += len(page["items"])
        after = page["cursor"]
        if not page["more"] and not writing:
            break  # the writers had finished before this page was asked for
    reader.close()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert seen_while_writing, "the reader never read while the desks were uploading"
    uuids = [e["uuid"] for e in seen]
    seqs = [e["seq"] for e in seen]
    assert len(uuids) == len(set(uuids)), "an event came twice"
    assert set(uuids) == set(sent), f"{len(set(sent) - set(uuids))} events were skipped"
    assert len(sent) == DESKS * BATCHES * PER_BATCH
    assert seqs == sorted(seqs) and seqs == list(range(seqs[0], seqs[0] + len(seqs))), \
        "feed numbers are consecutive and in order"
