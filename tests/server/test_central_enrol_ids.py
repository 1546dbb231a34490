"""Enrolment and device ids: a device id already enrolled (not revoked) for the event is
refused without using the code, so a laptop with a copy of another desk's database cannot take
over that desk; a revoked desk enrols again with a new code."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from checkin.server.auth import hash_secret, normalise_code


def _code(central, event: str, name: str = "报到处") -> str:
    return central.ok(central.post(f"/events/{event}/enrolments",
                                   json={"device_name": name}), 201)["code"]


def _enrol(central, code: str, device_id: str):
    return central.post("/enrol", token=None, json={"code": code, "device_id": device_id,
                                                    "device_name": "laptop"})


def _devices(central, event: str) -> dict:
    return {d["device_id"]: d for d in
            central.ok(central.get(f"/events/{event}/devices"))["items"]}


def test_a_copied_desk_database_cannot_take_over_the_desk(central):
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a", name="报到处1")
    enrolled_at = _devices(central, event)["desk-a"]["enrolled_at"]
    code = _code(central, event, "报到处2")
    copy = _enrol(central, code, "desk-a")  # a laptop cloned from desk-a's database
    assert copy.status_code == 409, copy.text
    body = copy.json()
    assert body["error"] == "device_taken"
    assert "desk-a" in body["message"] and "fresh desk database" in body["message"]
    assert "token" not in body
    # desk-a keeps its token, its enrolment and its name
    assert desk.get(f"/events/{event}/registrants").status_code == 200
    listed = _devices(central, event)
    assert list(listed) == ["desk-a"]
    assert (listed["desk-a"]["name"], listed["desk-a"]["enrolled_at"],
            listed["desk-a"]["revoked"]) == ("报到处1", enrolled_at, False)
    # the code was not used: the laptop enrols with a fresh database (a new device id)
    fresh = central.ok(_enrol(central, code, "desk-b"))
    assert fresh["device_id"] == "desk-b" and fresh["device_name"] == "报到处2"
    assert central.ok(central.get(f"/events/{event}/stats", token=fresh["token"]))
    assert set(_devices(central, event)) == {"desk-a", "desk-b"}
    # ... and then it is used, as any code
    assert _enrol(central, code, "desk-c").json()["error"] == "code_used"


def test_refusal_leaves_the_code_unused_in_the_database(central):
    event = central.small_event()
    central.enrol(event, device_id="desk-a")
    code = _code(central, event)
    assert _enrol(central, code, "desk-a").status_code == 409
    engine = create_engine(central.db_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT used_at, device_id FROM enrolments "
                                    "WHERE code_hash = :h"),
                               {"h": hash_secret(normalise_code(code))}).one()
    finally:
        engine.dispose()
    assert tuple(row) == (None, None)


def test_the_same_device_id_in_another_event_is_not_taken(central):
    """Taken is per event: one desk database belongs to one event, but ids are compared
    within the event the code is for."""
    first = central.small_event("first")
    second = central.small_event("second")
    central.enrol(first, device_id="desk-a")
    other = central.ok(_enrol(central, _code(central, second), "desk-a"))
    assert other["event"] == second and other["device_id"] == "desk-a"


def test_a_revoked_desk_enrols_again_with_a_new_code(central):
    """Revoking is the organiser's word that the old token is dead; a new code then gives the
    device id a new token (the old one stays refused) and it is no longer listed revoked."""
    event = central.small_event()
    desk = central.enrol(event, device_id="desk-a", name="报到处1")
    central.ok(central.post(f"/events/{event}/devices/desk-a/revoke"))
    assert desk.get(f"/events/{event}/registrants").json()["error"] == "revoked"
    again = central.ok(_enrol(central, _code(central, event, "报到处1b"), "desk-a"))
    assert again["device_id"] == "desk-a" and again["device_name"] == "报到处1b"
    assert central.get(f"/events/{event}/registrants", token=again["token"]).status_code == 200
    old = desk.get(f"/events/{event}/registrants")
    assert old.status_code == 401 and old.json()["error"] == "unauthorized"
    listed = _devices(central, event)["desk-a"]
    assert listed["revoked"] is False and listed["revoked_at"] is None
    # enrolled again, it is taken again: a further code for the same id is refused
    taken = _enrol(central, _code(central, event), "desk-a")
    assert taken.status_code == 409 and taken.json()["error"] == "device_taken"


def test_unknown_used_and_expired_codes_are_answered_before_the_device_id(central):
    """A code that would not work anyway says so (401/410), whatever the device id: the
    device_taken answer does not tell strangers which device ids are enrolled."""
    event = central.small_event()
    central.enrol(event, device_id="desk-a")
    unknown = _enrol(central, "AAAA-BBBB", "desk-a")
    assert unknown.status_code == 401 and unknown.json()["error"] == "unauthorized"
    code = _code(central, event)
    central.ok(_enrol(central, code, "desk-b"))
    used = _enrol(central, code, "desk-a")
    assert used.status_code == 410 and used.json()["error"] == "code_used"
