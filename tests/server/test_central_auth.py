"""Tokens, roles, enrolment codes, revocation."""

from __future__ import annotations

import time

from checkin.server.auth import hash_secret


def test_enrolment_code_works_once(central):
    event = central.small_event()
    made = central.ok(central.post(f"/events/{event}/enrolments",
                                   json={"device_name": "报到处1"}), 201)
    assert made["qr"] == f"checkin-enrol:{central.base_url}#{made['code']}"
    assert len(made["code"]) == 9 and made["code"][4] == "-"
    body = {"code": made["code"].lower().replace("-", " "), "device_id": "desk-a",
            "device_name": "laptop"}
    answer = central.ok(central.post("/enrol", token=None, json=body))
    assert answer["event"] == event and answer["device_id"] == "desk-a"
    assert answer["device_name"] == "报到处1", "the organiser's name for the desk wins"
    assert "[event]" in answer["config_toml"] and answer["server_id"]
    assert answer["token"].startswith("desk_")
    again = central.post("/enrol", token=None, json={**body, "device_id": "desk-b"})
    assert again.status_code == 410 and again.json()["error"] == "code_used"
    unknown = central.post("/enrol", token=None, json={**body, "code": "AAAA-BBBB"})
    assert unknown.status_code == 401 and unknown.json()["error"] == "unauthorized"
    # the desk token works for its own event
    assert central.ok(central.get(f"/events/{event}/stats", token=answer["token"]))["expected"] == 5


def test_expired_code_is_refused(db_url):
    from checkin.server.testing import organiser_token, running_server

    from .central_helpers import Central

    wall = [time.time()]  # the service's clock, moved by the test
    with running_server(db_url, wall=lambda: wall[0]) as base_url:
        central = Central(base_url, organiser_token(db_url), db_url)
        try:
            event = central.small_event()
            made = [central.ok(central.post(f"/events/{event}/enrolments", json={
                "device_name": name, "valid_hours": 1}), 201) for name in ("late", "on time")]
            wall[0] += 3600 - 1  # a second before the hour is up: still good
            early = central.post("/enrol", token=None, json={"code": made[1]["code"],
                                                              "device_id": "d2"})
            assert early.status_code == 200, early.text
            wall[0] += 2  # a second after
            late = central.post("/enrol", token=None, json={"code": made[0]["code"],
                                                             "device_id": "d1"})
            assert late.status_code == 410 and late.json()["error"] == "code_expired"
            assert "expired" in late.json()["message"]
        finally:
            central.close()


def test_tokens_are_stored_only_as_hashes(central):
    from sqlalchemy import create_engine, text

    event = central.small_event()
    desk = central.enrol(event)
    engine = create_engine(central.db_url)
    with engine.connect() as conn:
        hashes = {r[0] for r in conn.execute(text("SELECT token_hash FROM devices"))}
        hashes |= {r[0] for r in conn.execute(text("SELECT token_hash FROM organiser_tokens"))}
        dump = " ".join(str(v) for t in ("devices", "organiser_tokens", "enrolments")
                        for row in conn.execute(text(f"SELECT * FROM {t}")) for v in row)
    engine.dispose()
    assert hash_secret(desk.token) in hashes and hash_secret(central.token) in hashes
    assert desk.token not in dump and central.token not in dump


def test_desk_token_refused_on_organiser_endpoints(central):
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a")
    attempts = [
        ("POST", "/events", {"json": {"id": "x", "config_toml": ""}}),
        ("GET", "/events", {}),
        ("POST", f"/events/{event}/imports", {"params": {"filename": "a.csv"}, "content": b"x"}),
        ("POST", f"/events/{event}/enrolments", {"json": {"device_name": "n"}}),
        ("GET", f"/events/{event}/devices", {}),
        ("POST", f"/events/{event}/devices/desk-a/revoke", {}),
        ("PUT", f"/events/{event}/registrants/T-001",
         {"json": {"base_version": 1, "fields": {"name": "x"}}}),
    ]
    for method, path, kw in attempts:
        response = central.request(method, path, token=desk.token, **kw)
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"] == "forbidden" and response.json()["message"]
    # ... and on another event's data
    central.create_event("other")
    response = desk.get("/events/other/registrants")
    assert response.status_code == 403


def test_missing_wrong_and_revoked_tokens_get_401(central):
    event = central.small_event()
    for token in (None, "nonsense", "org_" + "x" * 43):
        response = central.get(f"/events/{event}/registrants", token=token)
        assert response.status_code == 401, token
        assert response.json()["error"] == "unauthorized" and response.json()["message"]
    response = central.get(f"/events/{event}/registrants", headers={"Authorization": "Basic eA=="},
                           token=None)
    assert response.status_code == 401

    desk = central.enrol(event, device_id="desk-a", name="报到处1")
    other = central.enrol(event, device_id="desk-b")
    assert desk.get(f"/events/{event}/registrants").status_code == 200
    devices = central.ok(central.get(f"/events/{event}/devices"))["items"]
    assert {d["device_id"] for d in devices} == {"desk-a", "desk-b"}
    seen = {d["device_id"]: d["last_seen"] for d in devices}
    assert seen["desk-a"] and seen["desk-b"] is None, "desk-b has not asked for anything yet"
    assert not any(d["revoked"] for d in devices)
    recorded_before = desk.event_for("checkin", "T-001", "registration")
    revoked = central.ok(central.post(f"/events/{event}/devices/desk-a/revoke"))
    assert revoked["revoked"] is True
    response = desk.get(f"/events/{event}/registrants")
    assert response.status_code == 401 and response.json()["error"] == "revoked"
    assert "revoked" in response.json()["message"]
    # Its final upload: what it recorded before the revocation counts, nothing made after.
    after = desk.event_for("checkin", "T-002", "registration")
    results = central.ok(desk.upload([recorded_before, after]))["results"]
    assert [r["status"] for r in results] == ["stored", "rejected"]
    assert results[1]["error"] == "revoked" and "after this desk was revoked" in results[1]["message"]
    assert central.ok(central.get(f"/events/{event}/stats"))["arrived"] == 1
    assert desk.get(f"/events/{event}/events").status_code == 401, "nothing else"
    assert other.get(f"/events/{event}/registrants").status_code == 200, "only that desk"
    listed = {d["device_id"]: d["revoked"] for d in
              central.ok(central.get(f"/events/{event}/devices"))["items"]}
    assert listed == {"desk-a": True, "desk-b": False}
    # A new code re-enrols the device with a new token; the old one stays dead.
    again = central.enrol(event, device_id="desk-a")
    assert again.get(f"/events/{event}/registrants").status_code == 200
    assert desk.get(f"/events/{event}/registrants").status_code == 401
    unknown = central.post(f"/events/{event}/devices/nope/revoke")
    assert unknown.status_code == 404


def test_what_another_service_process_changes_is_seen_within_seconds(central, monkeypatch):
    """Tokens and the event file are remembered a few seconds (auth.REMEMBER_SECONDS,
    conferences.RECENT_SECONDS): what this service changes counts at once (the revocation
    above); what another service process on the same database changes, after that long."""
    import dataclasses

    from checkin.server import auth, conferences
    from checkin.server.db import Database

    now = [time.monotonic()]  # the service's clock for what it remembers, moved by the test
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    monkeypatch.setattr(conferences, "_clock", lambda: now[0])
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a")

    def phones() -> list[str]:
        items = central.ok(desk.get(f"/events/{event}/registrants"))["items"]
        return [item["phone"] for item in items if item.get("phone")]

    assert phones() and all("****" in phone for phone in phones()), "masked for desks"
    other = Database(central.db_url)  # another service process
    try:
        with other.write() as conn:
            cfg = conferences.config(conn, event)
            conferences.save_config(conn, event, dataclasses.replace(
                cfg, privacy=dataclasses.replace(cfg.privacy, desk_unmasked=("phone",))))
        assert all("****" in phone for phone in phones())
        now[0] += conferences.RECENT_SECONDS
        assert phones() and not any("****" in phone for phone in phones()), "whole now"
        auth.revoke_device(other, event, "desk-a")
        assert desk.get(f"/events/{event}/registrants").status_code == 200
        now[0] += auth.REMEMBER_SECONDS
        response = desk.get(f"/events/{event}/registrants")
        assert response.status_code == 401 and response.json()["error"] == "revoked"
    finally:
        other.dispose()
