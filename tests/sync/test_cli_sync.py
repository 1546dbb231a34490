"""`checkin enroll / sync / sync-status / conflicts` as an operator runs them, against the real
server (the commands run in this process; the server on loopback)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from checkin.cli import main
from checkin.clock import shown_in

from .conftest import EVENT_TOML

PAID = "SHIC2026-000002"


def run(capsys, *args, db, code=0):
    assert main(["--db", str(db), *map(str, args)]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out, err


def run_json(capsys, *args, db):
    out, _ = run(capsys, *args, "--json", db=db)
    return json.loads(out)


def test_enroll_sync_status_and_conflicts_from_the_command_line(central, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.setenv("CHECKIN_OPERATOR", "alice")
    event = central.new_event()
    one, two = tmp_path / "one.db", tmp_path / "two.db"

    out, err = run(capsys, "sync", db=one, code=2)
    assert "no event database at" in err and not one.exists()  # a mistyped --db
    lonely = tmp_path / "lonely.db"
    run(capsys, "init", EVENT_TOML, db=lonely)
    out, err = run(capsys, "sync", db=lonely, code=2)
    assert "not enrolled" in err
    assert run_json(capsys, "sync-status", db=lonely)["state"] == "not_enrolled"

    link = central.organiser.create_enrolment(event, "报到处1")["qr"]  # what the QR holds
    enrolled = run_json(capsys, "enroll", link, db=one)
    assert enrolled["event"] == event and enrolled["device_name"] == "报到处1"
    code = central.organiser.create_enrolment(event, "报到处2")["code"]
    out, _ = run(capsys, "enroll", central.base_url, code, "--device-name", "desk two", db=two)
    assert "enrolled 报到处2" in out  # the organiser's name for the desk wins
    assert f"checkin --db {two} sync" in out  # the next step, for this very database
    out, err = run(capsys, "enroll", central.base_url, code, db=tmp_path / "three.db", code=2)
    assert "enrolment failed" in err and "already used" in err

    for db in (one, two):
        result = run_json(capsys, "sync", "--once", db=db)
        assert result["report"]["ok"] and result["report"]["registrants"] == 2401
        assert result["status"]["state"] == "online"
    for db in (one, two):
        run(capsys, "override", PAID, "--reason", "现场缴费", "--supervisor", "王经理", db=db)
    status = run_json(capsys, "sync-status", db=one)
    assert status["pending"] == 1 and status["state"] == "online"
    out, _ = run(capsys, "sync", db=one)
    assert "sent 1 event(s)" in out
    out, _ = run(capsys, "sync", db=two)
    assert "1 conflict(s)" in out
    run(capsys, "sync", db=one)

    for db in (one, two):
        listed = run_json(capsys, "conflicts", db=db)
        assert [(c["type"], c["code"]) for c in listed] == [("double_admission", PAID)]
    out, _ = run(capsys, "conflicts", db=one)
    assert "报到处1" in out and "报到处2" in out and "1 open conflict(s)" in out
    out, _ = run(capsys, "sync-status", db=one)
    assert "sync: online" in out and "0 event(s) not yet sent" in out
    last = run_json(capsys, "sync-status", db=one)["last_success"]
    assert f"last success {shown_in(last, ZoneInfo('Asia/Shanghai'))}" in out  # event's zone

    conflict = listed[0]
    keep = conflict["events"][0]["uuid"]
    out, err = run(capsys, "conflicts", "--resolve", conflict["uuid"], db=one, code=2)
    assert "--reason" in err
    resolved = run_json(capsys, "conflicts", "--resolve", conflict["uuid"], "--keep", keep,
                        "--reason", "same person", db=one)
    assert resolved["data"]["resolution"] == "keep" and resolved["data"]["keep"] == keep
    assert run_json(capsys, "conflicts", db=one) == []
    for db in (one, two):
        run(capsys, "sync", db=db)
    out, _ = run(capsys, "conflicts", db=two)
    assert out.strip() == "no open conflicts"
    assert central.organiser.conflicts(event)["items"] == []
    assert run_json(capsys, "stats", db=two)["arrived"] == 1
    history = run_json(capsys, "history", PAID, db=two)
    assert [e["kind"] for e in history][-1] == "resolve"
    assert all(e["wall_time"].endswith("+08:00") for e in history)  # the event's zone, always
    out, _ = run(capsys, "history", PAID, db=two)
    assert "报到处1" in out and "报到处2" in out  # desks by name, not by id
    assert not any(e["device_id"] in out for e in history)


def test_sync_with_the_server_gone_says_offline_and_exits_2(central, tmp_path, capsys):
    import socket

    event = central.new_event(import_export=False)
    db = tmp_path / "desk.db"
    code = central.organiser.create_enrolment(event, "报到处9")["code"]
    run(capsys, "enroll", central.base_url, code, db=db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        gone = f"http://127.0.0.1:{s.getsockname()[1]}"
    result = json.loads(run(capsys, "sync", "--server", gone, "--json", db=db, code=2)[0])
    assert result["report"]["state"] == "offline" and result["status"]["failures"] == 1
    assert result["status"]["server_url"] == gone  # --server remembers the new address
    out, _ = run(capsys, "sync", "--server", central.base_url, db=db)
    assert "received 0 registrant change(s)" in out
