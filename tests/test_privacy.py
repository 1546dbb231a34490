"""Personal data (issue 7): masking, the organiser PIN, field minimisation, the audit trail,
the wipe's narrow exception to the append-only log, and purge. Real SQLite files; the CLI as
a real process."""

import base64
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_TOML, XLSX

from checkin import masking, pin, privacy
from checkin.config import ConfigError, config_from_dict, config_from_json, config_to_json
from checkin.desk import Desk
from checkin.privacy import PrivacyError, Role
from checkin.store import audit

CHECKIN = str(Path(sys.executable).parent / "checkin")
PIN = "2468013579"  # ten digits: the shortest PIN without a letter
PIN_HASH = privacy.hash_pin(PIN)  # once: a hash takes about 0.4 s by design
OTHER_PIN = "lantern42"  # a letter among them: eight characters will do
MASKED_PHONE = re.compile(r"^(\+86 )?\d{3}\*{4}\d{4}$")


def run(*args, db, ok=True, env=None):
    full_env = {k: v for k, v in os.environ.items() if k != "CHECKIN_ORGANISER_PIN"}
    full_env.update({"CHECKIN_OPERATOR": "alice", **(env or {})})
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=full_env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def run_json(*args, db, env=None):
    return json.loads(run(*args, "--json", db=db, env=env).stdout)


def event_file(tmp_path, *, desk_fields=None, pin_hash=PIN_HASH, name="event.toml") -> Path:
    text = EVENT_TOML.read_text(encoding="utf-8") + "\n[privacy]\n"
    if pin_hash:
        text += f'organiser_pin_hash = "{pin_hash}"\n'
    if desk_fields is not None:
        text += f"desk_fields = {json.dumps(desk_fields, ensure_ascii=False)}\n"
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def file_bytes(db: Path) -> bytes:
    """Everything SQLite keeps of the database on disk: the file, its WAL and shm."""
    return b"".join(Path(f"{db}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{db}{s}").exists())


# -- masking ------------------------------------------------------------------------
@pytest.mark.parametrize("phone, shown", [
    ("13800138000", "138****8000"),
    ("+86 138-0013-8000", "+86 138****8000"),
    ("+8613800138000", "+86 138****8000"),
    ("8613800138000", "+86 138****8000"),
    ("0086 13800138000", "+86 138****8000"),
    ("010-62345678", "010****5678"),
    ("62345678", "****5678"),
    ("12345", "***45"),
    ("123", "****"),
    ("n/a", "****"),
    ("", ""),
    (None, None),
])
def test_phone_masking_forms(phone, shown):
    assert masking.mask_phone(phone) == shown


def test_email_text_and_event_data_masking():
    assert masking.mask_email("zhang.san@example.org") == "z***@example.org"
    assert masking.mask_email(None) is None and masking.mask_email("") == ""
    assert masking.mask_email("not an address") == "n***"
    # what a desk token received is masked already: masking it again changes nothing
    assert masking.mask_phone("135****6987") == "135****6987"
    assert masking.mask_email("z***@example.org") == "z***@example.org"
    text = "素食，电话13800138000，邮箱 a.b@c.com，身份证 11010119900307123X"
    assert masking.mask_text(text) == "素食，电话138****8000，邮箱 a***@c.com，身份证 110****123X"
    data = {"changes": {"phone": ["13800138000", "13912345678"], "name": ["张三", "张叁"]},
            "fields": {"email": "li@example.org", "remarks": "call 13800138000"}, "n": 3}
    assert masking.mask_data(data) == {
        "changes": {"phone": ["138****8000", "139****5678"], "name": ["张三", "张叁"]},
        "fields": {"email": "l***@example.org", "remarks": "call 138****8000"}, "n": 3}
    assert privacy.can_see_personal(Role.ORGANISER) and not privacy.can_see_personal(Role.DESK)
    assert not privacy.can_see_personal(None)


def test_display_registrant_masks_a_copy_for_the_desk(event_store):
    from checkin.store import registrants as reg_store

    reg = reg_store.get(event_store.reader(), "SHIC2026-000002")
    shown = privacy.display_registrant(reg, Role.DESK)
    assert shown.phone == "135****6987" and shown.email == "u***@example.org"
    assert reg.phone == "13557616987"  # the stored one is untouched
    assert privacy.display_registrant(reg, Role.ORGANISER) is reg


# -- the PIN and the [privacy] section ------------------------------------------------
def test_pin_hash_verifies_and_the_privacy_section_round_trips():
    assert pin.verify_pin(PIN, PIN_HASH) and not pin.verify_pin("2468013578", PIN_HASH)
    assert privacy.hash_pin(PIN) != PIN_HASH  # salted
    raw = {"privacy": {"organiser_pin_hash": PIN_HASH,
                       "desk_fields": ["category", "payment", "extra.备注"]}}
    config = config_from_dict(raw)
    assert config.privacy.desk_fields == ("code", "name", "category", "payment", "extra.备注")
    again = config_from_json(config_to_json(config))
    assert again == config and again.privacy.organiser_pin_hash == PIN_HASH
    plain = config_from_dict({})
    assert plain.privacy.desk_fields is None and not plain.privacy.organiser_pin_hash
    assert config_from_json(config_to_json(plain)) == plain
    with pytest.raises(ConfigError, match="unknown field 'phon'"):
        config_from_dict({"privacy": {"desk_fields": ["phon"]}})
    with pytest.raises(ConfigError, match="organiser_pin_hash"):
        config_from_dict({"privacy": {"organiser_pin_hash": "1234"}})


RULE = "at least 10 characters long, or at least 8 with a letter among them"


def test_a_pin_guessable_offline_is_refused_with_the_rule():
    for weak in ("246810", "123456789", "  12345678  ", "abc1234", ""):
        with pytest.raises(PrivacyError, match=RULE):
            privacy.hash_pin(weak)
    with pytest.raises(PrivacyError, match="this one has 6 characters and no letter"):
        privacy.hash_pin("246810")
    assert PIN_HASH.startswith("scrypt$")  # ten digits will do
    lettered = privacy.hash_pin(OTHER_PIN)  # and so will eight characters with a letter
    assert pin.verify_pin(OTHER_PIN, lettered) and not pin.verify_pin(PIN, lettered)


def test_the_hash_is_scrypt_at_128_mib_and_older_hashes_still_unlock_but_are_called_weak():
    n, r, p = (int(x) for x in PIN_HASH.split("$")[1:4])
    assert PIN_HASH.startswith("scrypt$131072$8$1$")  # N=2^17, r=8, p=1 in the event file
    assert 128 * n * r * p == 128 * 2 ** 20  # memory-hard: 128 MiB per guess
    assert pin.weak_pin_hash(PIN_HASH) is None
    # An event file made before the new standard: a 6-digit PIN at N=2^14 (16 MiB).
    salt = b"0123456789abcdef"
    old = hashlib.scrypt(b"246810", salt=salt, n=2 ** 14, r=8, p=1, dklen=32)
    old_hash = (f"scrypt$16384$8$1${base64.b64encode(salt).decode()}$"
                f"{base64.b64encode(old).decode()}")
    assert pin.check_pin_hash(old_hash) is None
    assert pin.verify_pin("246810", old_hash) and not pin.verify_pin("246811", old_hash)
    weak = pin.weak_pin_hash(old_hash)
    assert weak and "N=16384" in weak and "8 times less work" in weak and "16 MiB per guess" in weak
    assert "checkin privacy pin" in weak  # what to do about it
    assert pin.weak_pin_hash("") is None and pin.weak_pin_hash("scrypt$1$2") is None


def test_init_with_an_older_pin_hash_warns_and_its_pin_still_unlocks(tmp_path):
    salt = b"fedcba9876543210"
    old = hashlib.scrypt(b"246810", salt=salt, n=2 ** 14, r=8, p=1, dklen=32)
    old_hash = (f"scrypt$16384$8$1${base64.b64encode(salt).decode()}$"
                f"{base64.b64encode(old).decode()}")
    db = tmp_path / "e.db"
    done = run("init", event_file(tmp_path, pin_hash=old_hash), db=db)
    assert "warning" in done.stderr and "weaker than today's standard" in done.stderr
    assert "checkin privacy pin" in done.stderr
    run("list", "--role", "organiser", "--pin", "246810", db=db)  # a warning, not a refusal
    refused = run("list", "--role", "organiser", "--pin", "246811", db=db, ok=False)
    assert "wrong organiser PIN" in refused.stderr
    quiet = run("init", event_file(tmp_path, name="new.toml"), "--pin", "246810", db=db)
    assert "warning" not in quiet.stderr  # today's standard: nothing to say
    unlocks = [e["details"]["ok"] for e in run_json("audit", db=db)
               if e["action"] == "organiser_unlock"]
    assert unlocks == [True, False, True]


def test_wrong_pins_are_audited_and_lock_the_organiser_role(store):
    with store.transaction() as conn:
        store.save_config(conn, config_from_dict({"privacy": {"organiser_pin_hash": PIN_HASH}}))
    assert privacy.unlock(store, PIN, operator="olga") == Role.ORGANISER
    for _ in range(privacy.LOCKOUT_ATTEMPTS):
        with pytest.raises(PrivacyError, match="wrong organiser PIN"):
            privacy.unlock(store, "000000", operator="mallory")
    with pytest.raises(PrivacyError, match="locked"):
        privacy.unlock(store, PIN, operator="mallory")  # even the right one, for a while
    unlocks = audit.entries(store.reader(), audit.UNLOCK)
    assert [e.details["ok"] for e in unlocks] == [True] + [False] * 6
    assert unlocks[-1].details["reason"] == "locked"
    assert {e.operator for e in unlocks[1:]} == {"mallory"}


def test_no_pin_configured_means_no_organiser_role(store):
    with pytest.raises(PrivacyError, match="no organiser PIN"):
        privacy.unlock(store, PIN)


# -- the CLI: masked by default ------------------------------------------------------
def test_list_search_and_history_are_masked_unless_the_organiser_pin_is_right(tmp_path, answers):
    db = tmp_path / "e.db"
    run("init", event_file(tmp_path), db=db)
    run("import", XLSX, db=db)
    expected = {a["code"]: a for a in answers["registrants"]}

    listed = run_json("list", db=db)
    phones = [p["phone"] for p in listed if p["phone"]]
    assert phones and all(MASKED_PHONE.match(p) for p in phones)
    assert all(p["email"] is None or "***@" in p["email"] for p in listed)
    text = run("list", db=db).stdout
    assert "13557616987" not in text and "135****6987" in text

    whole = run_json("list", "--role", "organiser", "--pin", PIN, db=db)
    assert all(p["phone"] == expected[p["code"]]["phone"] and
               p["email"] == expected[p["code"]]["email"] for p in whole)
    via_env = run_json("list", "--role", "organiser", db=db,
                       env={"CHECKIN_ORGANISER_PIN": PIN})
    assert via_env == whole

    wrong = run("list", "--role", "organiser", "--pin", "999999", db=db, ok=False)
    assert wrong.returncode == 2 and "wrong organiser PIN" in wrong.stderr and not wrong.stdout
    none = run("list", "--role", "organiser", db=db, ok=False)
    assert none.returncode == 2 and "PIN" in none.stderr

    run("walkin", "--name", "李雷", "--phone", "13800138000", "--email", "lilei@example.org",
        "--payment", "未缴费", "--no-checkin", db=db)
    hit = next(h for h in run_json("search", "李雷", db=db) if h["name"] == "李雷")
    assert hit["phone"] == "138****8000"
    history = run_json("history", hit["code"], db=db)
    assert history[0]["data"]["fields"]["phone"] == "138****8000"
    assert history[0]["data"]["fields"]["email"] == "l***@example.org"
    assert "13800138000" not in run("history", hit["code"], db=db).stdout
    whole = run_json("history", hit["code"], "--role", "organiser", "--pin", PIN, db=db)
    assert whole[0]["data"]["fields"]["phone"] == "13800138000"

    trail = run_json("audit", db=db)
    unlocks = [e["details"]["ok"] for e in trail if e["action"] == "organiser_unlock"]
    assert unlocks == [True, True, False, True]  # list, list (env), wrong PIN, history
    shown = [e["details"]["command"] for e in trail if e["action"] == "personal_data_shown"]
    assert shown == ["list", "list", "history"]
    assert all(e["operator"] == "alice" and e["device"] for e in trail)


def test_export_is_an_organisers_job(tmp_path):
    db = tmp_path / "e.db"
    run("init", event_file(tmp_path), db=db)
    run("import", XLSX, db=db)
    out = tmp_path / "a.csv"
    refused = run("export", "attendance", "-o", out, db=db, ok=False)
    assert refused.returncode == 2 and "organiser" in refused.stderr and not out.exists()
    refused = run("export", "attendance", "-o", out, "--role", "desk", db=db, ok=False)
    assert refused.returncode == 2 and not out.exists()
    run("export", "attendance", "-o", out, db=db, env={"CHECKIN_ORGANISER_PIN": PIN})
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2402


def test_changing_the_privacy_settings_of_a_desk_takes_its_pin(tmp_path):
    db = tmp_path / "e.db"
    run("init", event_file(tmp_path), db=db)
    other = event_file(tmp_path, pin_hash=privacy.hash_pin(OTHER_PIN), name="other.toml")
    refused = run("init", other, db=db, ok=False)
    assert refused.returncode == 2 and "organiser" in refused.stderr
    run("init", other, "--pin", PIN, db=db)
    run("list", "--role", "organiser", "--pin", OTHER_PIN, db=db)
    changes = [e["details"]["changed"] for e in run_json("audit", db=db) if e["action"] == "config"]
    assert changes == [["new"], ["privacy.organiser_pin_hash"]]


def test_privacy_pin_prints_the_line_for_the_event_file_and_can_save_it(tmp_path):
    db = tmp_path / "e.db"
    out = run("privacy", "pin", "--pin", PIN, db=db).stdout
    line = next(x for x in out.splitlines() if x.startswith("organiser_pin_hash"))
    assert "[privacy]" in out and pin.verify_pin(PIN, line.split('"')[1])
    refused = run("privacy", "pin", db=db, ok=False)  # no terminal to ask on
    assert refused.returncode == 2 and "--pin" in refused.stderr
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    refused = run("privacy", "pin", "--pin", OTHER_PIN, "--save", db=db, ok=False)
    assert "--current-pin" in refused.stderr
    run("privacy", "pin", "--pin", OTHER_PIN, "--save", "--current-pin", PIN, db=db)
    run("list", "--role", "organiser", "--pin", OTHER_PIN, db=db)


# -- field minimisation ----------------------------------------------------------------
def test_desk_fields_keep_only_those_fields_after_import(tmp_path, answers):
    db = tmp_path / "e.db"
    run("init", event_file(tmp_path, desk_fields=["category", "payment", "meals", "forums",
                                                  "team", "organisation"]), db=db)
    run("import", XLSX, db=db)
    with sqlite3.connect(db) as conn:
        total, phones, emails, titles, extras, named, organised = conn.execute(
            "SELECT count(*), count(phone), count(email), count(title), "
            "sum(extra != '{}'), sum(name != ''), count(organisation) "
            "FROM registrants").fetchone()
    assert total == 2401 and (phones, emails, titles, extras) == (0, 0, 0, 0)
    assert named == 2401 and organised > 2000
    data = file_bytes(db)
    people = [a for a in answers["registrants"] if a["phone"] and a["email"]][:300]
    assert not [a["phone"] for a in people if a["phone"].encode() in data]
    assert not [a["email"] for a in people if a["email"].encode() in data]
    scan = json.loads(run("scan", "SHIC2026-000002", "--json", db=db, ok=False).stdout)
    assert scan["name"] == "范俊" and scan["category"] == "参会代表"  # (refused: wrong day)


def test_narrower_desk_fields_reduce_what_is_already_stored(tmp_path, answers):
    db = tmp_path / "e.db"
    run("init", event_file(tmp_path), db=db)
    run("import", XLSX, db=db)
    phone = next(a["phone"] for a in answers["registrants"] if a["phone"])
    assert phone.encode() in file_bytes(db)
    narrow = event_file(tmp_path, desk_fields=["category", "payment", "meals"], name="n.toml")
    out = run("init", narrow, "--pin", PIN, db=db).stdout
    assert "registrants reduced to the [privacy] desk_fields" in out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(phone), count(email), count(organisation) "
                            "FROM registrants").fetchone() == (0, 0, 0)
    assert phone.encode() not in file_bytes(db)  # zeroed and compacted, not just unlinked


# -- the audit trail and the append-only log ------------------------------------------
def test_audit_table_refuses_update_and_delete(store):
    audit.log(store, audit.EXPORT, operator="alice", details={"rows": 1})
    for sql in ("UPDATE audit SET operator = 'mallory'", "DELETE FROM audit"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            with store.transaction() as conn:
                conn.execute(sql)
    [entry] = audit.entries(store.reader())
    assert (entry.operator, entry.action, entry.device_id) == ("alice", "export", store.device_id)
    assert entry.at.endswith("+08:00")  # the event's zone (Asia/Shanghai by default)


def test_the_event_log_opens_only_to_the_wipe(event_store):
    desk = Desk(event_store, operator="a")
    reg, _ = desk.walk_in({"name": "李雷", "phone": "13800138000"}, check_in=False)
    scrubbed = '{"wiped":"now"}'
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # no permit
        with event_store.transaction() as conn:
            conn.execute("UPDATE events SET data = ? WHERE kind = 'walk_in'", (scrubbed,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # permit, other column
        with event_store.transaction() as conn:
            conn.execute("INSERT INTO wipe_permit VALUES (1, 'test', 'now')")
            conn.execute("UPDATE events SET data = ?, operator = 'x' WHERE kind = 'walk_in'",
                         (scrubbed,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # permit, data kept
        with event_store.transaction() as conn:
            conn.execute("INSERT INTO wipe_permit VALUES (1, 'test', 'now')")
            conn.execute("""UPDATE events SET data = json_set(data, '$.wiped', 1)
                            WHERE kind = 'walk_in'""")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        with event_store.transaction() as conn:
            conn.execute("INSERT INTO wipe_permit VALUES (1, 'test', 'now')")
            conn.execute("DELETE FROM events")
    desk.override(reg.code, "registration", "13800138000 asked", "bob")
    for changed in ("json_set(data, '$.wiped', 1)",  # reason kept
                    "json_set(json_remove(data, '$.reason', '$.supervisor'), '$.wiped', 1)",
                    "json_set(json_remove(data, '$.reason'), '$.wiped', 1, '$.x', 2)"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):  # only reason goes
            with event_store.transaction() as conn:
                conn.execute("INSERT INTO wipe_permit VALUES (1, 'test', 'now')")
                conn.execute(f"UPDATE events SET data = {changed} WHERE kind = 'override'")
    assert event_store.reader().execute("SELECT count(*) FROM wipe_permit").fetchone()[0] == 0
    data = json.loads(event_store.reader().execute(
        "SELECT data FROM events WHERE kind = 'walk_in'").fetchone()[0])
    assert data["fields"]["phone"] == "13800138000"


def test_checkin_audit_shows_import_check_in_and_export_in_order(tmp_path):
    db = tmp_path / "e.db"
    src = tmp_path / "list.csv"
    src.write_text("编号,姓名,手机\nA1,张三,13800138000\nA2,李四,13900139000\n", encoding="utf-8")
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    run("import", src, db=db)
    assert run_json("scan", "A1", db=db)["outcome"] == "ok"
    run("export", "attendance", "-o", tmp_path / "a.xlsx", "--pin", PIN, db=db)
    trail = run_json("audit", db=db)
    what = [e["action"] for e in trail]
    assert what == ["config", "import", "checkin", "organiser_unlock", "export"]
    assert [e["source"] for e in trail] == ["audit", "audit", "event", "audit", "audit"]
    assert trail[2]["code"] == "A1" and trail[2]["station"] == "registration"
    assert trail[1]["details"]["file"] == "list.csv" and trail[1]["details"]["added"] == 2
    assert trail[4]["details"]["rows"] == 2
    assert all(e["operator"] == "alice" for e in trail)
    times = [e["at"] for e in trail]
    assert times == sorted(times) and all(t.endswith("+08:00") for t in times)
    text = run("audit", db=db).stdout
    assert text.index("import") < text.index("checkin") < text.index("export")
    assert run_json("audit", "--since", "2999-01-01", db=db) == []


# -- purge --------------------------------------------------------------------------------
def test_purge_deletes_personal_data_and_pdfs_and_keeps_counts(tmp_path):
    db = tmp_path / "e.db"
    src = tmp_path / "list.csv"
    src.write_text("编号,姓名,手机,邮箱\nA1,张三,13800138000,zs@example.org\n"
                   "A2,李四,13900139000,ls@example.org\n", encoding="utf-8")
    run("privacy", "pin", "--pin", PIN, "--save", db=db)
    run("import", src, db=db)
    run("scan", "A1", db=db)
    run("undo", "--reason", "wrong person, her sister 13400134000", db=db)
    run("scan", "A1", db=db)
    walk = run_json("walkin", "--name", "王五", "--phone", "13700137000", "--payment", "免费",
                    db=db)
    run("edit", "A2", "phone=13600136000", "--reason", "new number", db=db)
    run("override", "A2", "--reason", "paid by phone 13500135000", "--supervisor", "bob", db=db)
    pdfs = tmp_path / "printed"
    pdfs.mkdir()
    mine = [pdfs / "20260626-083001-badge_A1.pdf", pdfs / "20260626-083002-vouchers_A1-2.pdf",
            pdfs / f"20260626-083003-badge_{walk['code']}.pdf"]
    others = [pdfs / "20260626-083004-badge_Z9.pdf", pdfs / "notes.pdf"]
    for path in mine + others:
        path.write_bytes(b"%PDF-1.4")
    events = run_json("check", db=db)["events"]

    refused = run("purge", db=db, ok=False)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    refused = run("purge", "--yes", db=db, ok=False)
    assert refused.returncode == 2 and "organiser" in refused.stderr
    done = run_json("purge", "--yes", "--pin", PIN, "--pdf-folder", pdfs, db=db)
    assert (done["registrants"], done["events_scrubbed"], done["pdfs"]) == (3, 4, 3)
    assert done["file_compacted"] is True
    assert not any(p.exists() for p in mine) and all(p.exists() for p in others)

    check = run_json("check", db=db)
    assert check["ok"] and check["registrants"] == 0 and check["events"] == events
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT kind, data FROM events WHERE kind IN ('walk_in', 'edit')")
        scrubbed = {kind: json.loads(data) for kind, data in rows}
    assert set(scrubbed["walk_in"]) == {"wiped"}
    assert scrubbed["edit"]["changed"] == ["phone"] and "changes" not in scrubbed["edit"]
    with sqlite3.connect(db) as conn:  # reasons go, the rest of those events stays
        override, = conn.execute("SELECT data FROM events WHERE kind = 'override'").fetchone()
        undo, = conn.execute("SELECT data FROM events WHERE kind = 'undo'").fetchone()
    assert json.loads(override).keys() == {"supervisor", "wiped"}
    assert json.loads(override)["supervisor"] == "bob" and json.loads(undo).keys() == {"wiped"}
    data = file_bytes(db)
    for secret in ("13800138000", "13700137000", "13600136000", "13500135000", "13400134000",
                   "zs@example.org", "王五"):
        assert secret.encode() not in data, secret
    stats = run_json("stats", db=db)
    assert stats["arrived"] == 3 and stats["expected"] == 3 and stats["wiped"]["reason"] == "purge"
    assert "the counts as they were then" in run("stats", db=db).stdout
    trail = run_json("audit", db=db)
    purge = [e for e in trail if e["action"] == "purge"]
    assert len(purge) == 1 and purge[0]["details"]["registrants"] == 3


def test_purge_waits_for_the_end_of_the_event(tmp_path):
    db = tmp_path / "e.db"
    toml = event_file(tmp_path).read_text(encoding="utf-8").replace(
        "end = 2026-06-28", "end = 2999-06-28")
    (tmp_path / "late.toml").write_text(toml, encoding="utf-8")
    run("init", tmp_path / "late.toml", db=db)
    refused = run("purge", "--yes", "--pin", PIN, db=db, ok=False)
    assert "runs until 2999-06-28" in refused.stderr
    run("purge", "--yes", "--pin", PIN, "--before-end", db=db)


def test_ticket_key_use_is_audited(tmp_path):
    db = tmp_path / "e.db"
    keys = run("keys", "new", "--dir", tmp_path / "keys", "--id", "k1", db=db).stdout
    toml = event_file(tmp_path).read_text(encoding="utf-8") + "\n" + keys[keys.index("[tickets"):]
    (tmp_path / "signed.toml").write_text(toml, encoding="utf-8")
    run("init", tmp_path / "signed.toml", db=db)
    src = tmp_path / "list.csv"
    src.write_text("编号,姓名\nA1,张三\n", encoding="utf-8")
    run("import", src, db=db)
    refused = run("tickets", "issue", "--key", tmp_path / "keys" / "k1.pem", "-o",
                  tmp_path / "t.csv", db=db, ok=False)  # phones and e-mails go out: the PIN
    assert "organiser" in refused.stderr and not (tmp_path / "t.csv").exists()
    run("tickets", "issue", "--key", tmp_path / "keys" / "k1.pem", "-o", tmp_path / "t.csv",
        "--pin", PIN, db=db)
    [used] = [e for e in run_json("audit", db=db) if e["action"] == "ticket_key"]  # once
    assert used["details"]["key"] == "k1" and used["details"]["output"] == "t.csv"
    assert used["operator"] == "alice"


def test_minimise_keeps_the_listed_fields_and_extra_columns():
    from checkin.model import LoggedEvent, Registrant

    fields = ("code", "name", "category", "extra.备注")
    reg = Registrant(code="A1", name="张三", phone="13800138000", email="a@b.org",
                     category="学生", meals=["lunch"], extra={"备注": "素食", "身份证": "x"})
    masking.minimise(reg, fields)
    assert (reg.phone, reg.email, reg.meals, reg.category) == (None, None, [], "学生")
    assert reg.extra == {"备注": "素食"}
    walk_in = LoggedEvent(uuid="u", kind="walk_in", code="W1", station=None, device_id="d",
                          operator="o", wall_time="t", hlc="h",
                          data={"fields": {"code": "W1", "name": "李雷", "phone": "139"}})
    assert masking.minimise_event(walk_in, fields).data == {"fields": {"code": "W1",
                                                                       "name": "李雷"}}
    assert masking.minimise_event(walk_in, None) is walk_in
