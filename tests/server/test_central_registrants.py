"""Events, imports and the registrant feed over real HTTP."""

from __future__ import annotations

import json

import httpx

from checkin.server.testing import ServerThread, organiser_token, running_server

from .central_helpers import ANSWERS, SMALL_CSV, XLSX, Central


def test_health_openapi_and_docs(central):
    health = central.ok(central.get("/health", token=None))
    assert health["ok"] is True and health["version"] == 1 and health["server_id"]
    assert httpx.get(f"{central.base_url}/health").json()["server_id"] == health["server_id"]
    spec = httpx.get(f"{central.base_url}/openapi.json").json()
    for path in ("/api/v1/events/{event}/events", "/api/v1/events/{event}/registrants",
                 "/api/v1/enrol", "/api/v1/events/{event}/imports"):
        assert path in spec["paths"], path
    assert "swagger" in httpx.get(f"{central.base_url}/docs").text.lower()


def test_create_event_twice_and_bad_config(central):
    central.create_event("shic2026")
    again = central.post("/events", json={"id": "shic2026", "config_toml": ""})
    assert again.status_code == 409 and again.json()["error"] == "exists"
    bad = central.post("/events", json={"id": "other", "config_toml": "[event\nname="})
    assert bad.status_code == 422 and "TOML" in bad.json()["message"]
    bad_id = central.post("/events", json={"id": "no spaces", "config_toml": ""})
    assert bad_id.status_code == 422
    listed = central.ok(central.get("/events"))["items"]
    assert [e["id"] for e in listed] == ["shic2026"]


def test_import_fixture_and_page_the_registrant_feed(central):
    answers = json.loads(ANSWERS.read_text(encoding="utf-8"))
    central.create_event("shic2026")
    report = central.import_bytes("shic2026", XLSX.read_bytes(), XLSX.name)
    assert report["added"] == answers["rows"] == report["imported"]
    assert report["skipped_error"] == 0 and report["file"] == XLSX.name
    assert report["duplicates"], "the fixture's double registration is reported"

    items = central.pages("/events/shic2026/registrants", limit=500)
    assert len(items) == answers["rows"]
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    by_code = {i["code"]: i for i in items}
    assert set(by_code) == {a["code"] for a in answers["registrants"]}
    for expected in answers["registrants"][:300]:
        got = by_code[expected["code"]]
        for field in ("name", "phone", "email", "category", "team", "payment"):
            assert got[field] == expected[field], (expected["code"], field)
        assert got["version"] == 1 and got["missing"] is False and got["source"] == "import"
    sample = items[0]
    for field in ("code", "name", "gender", "phone", "email", "organisation", "title",
                  "category", "track", "team", "payment", "amount", "meals", "forums",
                  "remarks", "version", "missing", "source", "extra", "seq"):
        assert field in sample
    assert sample["meals"] and all(m in ("0626-lunch", "0627-lunch", "0626-dinner")
                                   for m in sample["meals"]), "meal names mapped to slot ids"

    # The same file again changes nothing, so the feed has nothing new after its cursor.
    last = seqs[-1]
    again = central.import_bytes("shic2026", XLSX.read_bytes(), XLSX.name)
    assert again["added"] == 0 and again["updated"] == 0 and again["unchanged"] == answers["rows"]
    page = central.ok(central.get("/events/shic2026/registrants", params={"after": last}))
    assert page == {"items": [], "cursor": last, "more": False}


def test_reimport_bumps_versions_and_marks_missing(central):
    event = central.small_event()
    first = central.pages(f"/events/{event}/registrants", limit=2)
    assert [i["code"] for i in first] == ["T-001", "T-002", "T-003", "T-004", "T-005"]
    cursor = first[-1]["seq"]
    changed = SMALL_CSV.replace("张三", "张三丰").replace(
        "T-005,钱七,13800000005,参会代表,未缴费,\n", "")
    report = central.import_bytes(event, changed.encode("utf-8"), "again.csv",
                                  mark_missing="true")
    assert (report["updated"], report["unchanged"], report["missing"]) == (1, 3, 1)
    page = central.ok(central.get(f"/events/{event}/registrants", params={"after": cursor}))
    assert {i["code"]: (i["name"], i["version"], i["missing"]) for i in page["items"]} == {
        "T-001": ("张三丰", 2, False), "T-005": ("钱七", 2, True)}
    assert page["more"] is False and page["cursor"] > cursor


def test_import_rejects_what_it_cannot_read(central):
    event = central.small_event()
    response = central.post(f"/events/{event}/imports", content=b"not a workbook",
                            params={"filename": "list.xlsx"})
    assert response.status_code == 422 and response.json()["error"] == "invalid_file"
    response = central.post(f"/events/{event}/imports", content=b"x", params={"filename": "a.pdf"})
    assert response.status_code == 422 and ".xlsx" in response.json()["message"]
    missing = central.post("/events/nope/imports", content=b"x", params={"filename": "a.csv"})
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_organiser_edit_and_stale_edit_is_refused(central):
    event = central.small_event()
    path = f"/events/{event}/registrants/T-002"
    edited = central.ok(central.put(path, json={"base_version": 1, "fields": {"name": " 李四光 "}}))
    assert (edited["name"], edited["version"]) == ("李四光", 2)
    stale = central.put(path, json={"base_version": 1, "fields": {"name": "李斯"}})
    assert stale.status_code == 409
    body = stale.json()
    assert body["error"] == "conflict" and body["message"]
    assert body["current"]["name"] == "李四光" and body["current"]["version"] == 2
    items = central.pages(f"/events/{event}/registrants", limit=100)
    assert {i["code"]: i["name"] for i in items}["T-002"] == "李四光", "nothing overwritten"
    # The organiser's correction is also an edit event, so it reaches every desk's history.
    audit = central.pages(f"/events/{event}/events", limit=100)
    assert [(e["kind"], e["code"], e["device_id"]) for e in audit] == [("edit", "T-002", "central")]
    assert audit[0]["data"]["changes"] == {"name": ["李四", "李四光"]}
    bad = central.put(path, json={"base_version": 2, "fields": {"code": "X"}})
    assert bad.status_code == 422
    unknown = central.put(f"/events/{event}/registrants/NOPE", json={"base_version": 1,
                                                                     "fields": {"name": "x"}})
    assert unknown.status_code == 404
    # A re-import keeps the organiser's correction over the export's value.
    report = central.import_bytes(event, SMALL_CSV.encode("utf-8"), "again.csv")
    assert report["kept_desk_edits"] == ["T-002 (name)"]


def test_stop_and_restart_on_the_same_address_keeps_everything(db_url):
    token = organiser_token(db_url)
    first = ServerThread(db_url)
    base = first.start()
    central = Central(base, token, db_url)
    try:
        event = central.small_event()
        desk = central.enrol(event)
        central.ok(desk.upload([desk.event_for("checkin", "T-001", "registration")]))
        server_id = central.ok(central.get("/health"))["server_id"]
    finally:
        first.stop()
    try:
        httpx.get(f"{base}/health", timeout=2)
        raise AssertionError("the stopped server still answers")
    except httpx.TransportError:
        pass
    with running_server(db_url, port=first.port) as again:
        assert again == base
        assert central.ok(central.get("/health"))["server_id"] == server_id
        assert central.ok(desk.get(f"/events/{event}/stats"))["arrived"] == 1
        retry = desk.upload([desk.event_for("checkin", "T-002", "registration")])
        assert central.ok(retry)["results"][0]["status"] == "stored"
    central.close()


def test_a_desk_enrolled_after_an_import_reads_the_whole_configuration(central):
    """An import that names a new forum rewrites the event file desks receive; ticket keys,
    the privacy section and the new forum must all come through to a desk enrolling later."""
    import tomllib

    from checkin import tickets
    from checkin.config import config_from_dict
    from checkin.privacy import hash_pin

    from .central_helpers import EVENT_TOML

    key = tickets.public_key_text(tickets.new_private_key())
    text = EVENT_TOML.read_text(encoding="utf-8") + (
        f'\n[tickets]\nrequire_signature = true\n[tickets.keys]\nk1 = "{key}"\n'
        f'"key 2" = "{key}"\n[privacy]\norganiser_pin_hash = "{hash_pin("2468013579")}"\n'
        'desk_fields = ["name", "category", "payment", "meals", "forums"]\n')
    central.ok(central.post("/events", json={"id": "keyed", "config_toml": text}), 201)
    export = "报名编号,姓名,参会类型,缴费状态,分论坛\nK-1,张三,参会代表,已缴费,全新分论坛\n"
    central.import_bytes("keyed", export.encode("utf-8"), "new-forum.csv")
    made = central.ok(central.post("/events/keyed/enrolments", json={"device_name": "d"}), 201)
    answer = central.ok(central.post("/enrol", token=None, json={
        "code": made["code"], "device_id": "abcdef123456", "device_name": "d"}))
    config = config_from_dict(tomllib.loads(answer["config_toml"]))
    assert config.ticket_keys == {"k1": key, "key 2": key} and config.require_signature
    assert set(config.privacy.desk_fields) >= {"name", "category", "payment", "meals", "forums"}
    assert config.privacy.organiser_pin_hash.startswith("scrypt")
    assert "全新分论坛" in [f.name for f in config.forums]
