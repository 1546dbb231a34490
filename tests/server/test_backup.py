"""Backup and restore of the central list (checkin/server/backup.py): taken while the service
runs, restored into the other database (SQLite <-> PostgreSQL), after which the same desks
carry on with their own tokens and cursors, and new rows continue the old numbering."""

from __future__ import annotations

import gzip
import json

import pytest

from checkin.server.backup import BackupError, backup, backup_into, read_header, restore
from checkin.server.db import Database
from checkin.server.testing import running_server

from .central_helpers import Central, Desk


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["results"]


@pytest.fixture
def other_url(db_url, request, tmp_path):
    """An empty database of the other kind than the source's."""
    if db_url.startswith("sqlite"):
        url, why = request.getfixturevalue("pg_database")
        if url is None:
            pytest.skip(why)
        from .conftest import _reset_schema

        _reset_schema(url)
        return url
    return f"sqlite:///{tmp_path / 'restored.db'}"


def _busy_morning(central: Central) -> tuple[str, Desk, Desk]:
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a", name="报到处1")
    b = central.enrol(event, device_id="desk-b", name="报到处2")
    assert [r["status"] for r in _results(a.upload([
        a.event_for("checkin", "T-001", "registration"),
        a.event_for("checkin", "T-004", "meal:d1-lunch")]))] == ["stored", "stored"]
    clash = _results(b.upload([b.event_for("checkin", "T-001", "registration")]))
    assert clash[0]["status"] == "conflict"
    return event, a, b


def _picture(central: Central, event: str, desk: Desk) -> dict:
    """What a desk and an organiser see of the list."""
    stats = central.ok(central.get(f"/events/{event}/stats"))
    return {
        "feed": central.pages(f"/events/{event}/events", limit=50),
        "desk_feed": central.pages(f"/events/{event}/events", limit=50, token=desk.token),
        "registrants": central.pages(f"/events/{event}/registrants", limit=50),
        "arrived": stats["arrived"], "conflicts": stats["conflicts"],
        "conflict_list": central.ok(central.get(f"/events/{event}/conflicts"))["items"],
        "server_id": central.ok(central.get("/health", token=None))["server_id"],
    }


def test_a_backup_taken_while_serving_restores_into_the_other_database(central, other_url,
                                                                        tmp_path):
    event, a, b = _busy_morning(central)
    before = _picture(central, event, a)
    db = Database(central.db_url)
    try:
        made = backup(db, tmp_path / "central.backup.gz")  # the service is still running
    finally:
        db.dispose()
    assert made.rows["events"] == 3 and made.rows["registrants"] == 5
    assert read_header(made.file)["server_id"] == before["server_id"]

    restored = restore(other_url, made.file)
    assert restored.rows == made.rows
    with running_server(other_url) as base_url:
        moved = Central(base_url, central.token, other_url)  # the organiser's token too
        try:
            after = _picture(moved, event, Desk(moved, event, a.device_id, a.token))
            assert after == before  # same feed, cursors, counts, conflicts, server id
            # the desks carry on: desk B's next upload is numbered after the old ones, and a
            # new conflict gets a new number (PostgreSQL's sequences continue past the rows)
            desk_b = Desk(moved, event, b.device_id, b.token)
            desk_b.clock = b.clock
            answer = _results(desk_b.upload([
                desk_b.event_for("checkin", "T-002", "registration"),
                desk_b.event_for("checkin", "T-004", "meal:d1-lunch")]))
            assert answer[0]["status"] == "stored"
            assert answer[0]["seq"] > max(e["seq"] for e in before["feed"])
            assert answer[1]["status"] == "conflict"
            stats = moved.ok(moved.get(f"/events/{event}/stats"))
            assert stats["arrived"] == 2 and stats["conflicts"] == 2
            ids = [c["id"] for c in moved.ok(moved.get(f"/events/{event}/conflicts"))["items"]]
            assert len(set(ids)) == 2
        finally:
            moved.close()


def test_restore_refuses_a_list_already_there_unless_told_to_replace(central, tmp_path):
    event, a, _ = _busy_morning(central)
    db = Database(central.db_url)
    try:
        made = backup(db, tmp_path / "one.backup.gz")
    finally:
        db.dispose()
    other = f"sqlite:///{tmp_path / 'other.db'}"
    restore(other, made.file)
    with pytest.raises(BackupError, match="already holds a central list"):
        restore(other, made.file)
    assert restore(other, made.file, replace=True).rows == made.rows


def test_a_cut_short_or_foreign_file_is_refused_before_the_database_is_touched(central,
                                                                               tmp_path):
    central.small_event()
    db = Database(central.db_url)
    try:
        made = backup(db, tmp_path / "whole.backup.gz")
    finally:
        db.dispose()
    with gzip.open(made.file, "rt", encoding="utf-8") as f:
        lines = f.readlines()
    cut = tmp_path / "cut.backup.gz"
    with gzip.open(cut, "wt", encoding="utf-8") as f:
        f.writelines(lines[:-2])
    foreign = tmp_path / "notes.gz"
    with gzip.open(foreign, "wt", encoding="utf-8") as f:
        f.write('{"hello": "world"}\n')
    target = tmp_path / "target.db"
    with pytest.raises(BackupError, match="incomplete"):
        restore(target, cut)
    with pytest.raises(BackupError, match="not a Checkin Desk"):
        restore(target, foreign)
    (tmp_path / "plain.txt").write_text("registrants\n")
    with pytest.raises(BackupError, match="not a whole Checkin Desk backup"):
        restore(target, tmp_path / "plain.txt")
    assert not target.exists()  # nothing was made before the file was found wanting


def test_a_timer_keeps_the_newest_backups_in_a_folder(central, tmp_path):
    central.small_event()
    db = Database(central.db_url)
    folder = tmp_path / "backups"
    try:
        made = [backup_into(db, folder, keep=2, now=f"2026-06-26T08:{m:02d}:00.000+00:00")
                for m in (0, 30, 59)]
    finally:
        db.dispose()
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["central-20260626T083000Z.backup.gz", "central-20260626T085900Z.backup.gz"]
    assert [p.name for p in made[2][1]] == ["central-20260626T080000Z.backup.gz"]
    assert read_header(folder / names[-1])["rows"]["registrants"] == 5


def test_the_organiser_backs_up_and_restores_from_the_command_line(central, tmp_path, capsys):
    from checkin.cli import main

    central.small_event()
    file = tmp_path / "before-the-move.backup.gz"
    assert main(["server", "backup", "--db", central.db_url, str(file), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows["registrants"] == 5 and read_header(file)["rows"] == rows

    laptop = f"sqlite:///{tmp_path / 'laptop.db'}"
    assert main(["server", "restore", "--db", laptop, str(file)]) == 0
    assert "restored" in capsys.readouterr().out
    assert main(["server", "restore", "--db", laptop, str(file)]) == 2  # a list is there now
    err = capsys.readouterr().err
    assert err.startswith("checkin: ") and "--replace" in err and len(err.splitlines()) == 1
    assert main(["server", "restore", "--db", laptop, str(file), "--replace"]) == 0
