"""Signed tickets at the desk (issue 7): verified offline against the event's public key, refused
with a reason a volunteer reads, revocable, and admitted even before this desk's list has the
person, who counts as arrived once the list brings them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import EVENT_DAY, EVENT_TOML, LUNCH_TIME, XLSX
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkin import tickets
from checkin.desk import Desk, DeskError, StaffChoice
from checkin.importer import import_file
from checkin.messages import MESSAGES, message
from checkin.model import UNLISTED, Decision, EventKind, LoggedEvent, Outcome
from checkin.printing.fields import badge_fields
from checkin.search import SearchIndex
from checkin.stats import arrival_summary, headcounts
from checkin.store import eventlog
from checkin.store import registrants as reg_store
from checkin.tokens import InvalidPayload, plain_code, read_scanned

EVENT = "SHIC2026"  # short_name in assets/events/shic2026.toml
PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
OTHER = "SHIC2026-000003"
UNPAID = "SHIC2026-000005"
NEW = "SHIC2026-ONLINE-0001"  # registered online after this desk's list was made
SHANGHAI = ZoneInfo("Asia/Shanghai")


def stamp(*args) -> int:
    return int(dt.datetime(*args, tzinfo=SHANGHAI).timestamp())


VALID_FROM, VALID_UNTIL = stamp(2026, 6, 25), stamp(2026, 6, 28, 23, 59, 59)


@pytest.fixture(scope="module")
def key():
    return tickets.new_private_key()


def issue(key, code, *, event=EVENT, key_id="k1", issued_at=None, **kw) -> str:
    kw.setdefault("valid_from", VALID_FROM)
    kw.setdefault("valid_until", VALID_UNTIL)
    return tickets.issue(key, key_id, event, code, issued_at=issued_at, **kw)


def configure(store, **changes) -> None:
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, **changes))


@pytest.fixture
def signed(event_store, key):
    """The SHIC 2026 desk, offline, trusting the organiser's key k1."""
    configure(event_store, ticket_keys={"k1": tickets.public_key_text(key)})
    return Desk(event_store, operator="alice", now=lambda: EVENT_DAY)


def events_of(store, kind=None) -> list[LoggedEvent]:
    """The facts recorded (of one kind), refused scans left aside unless asked for."""
    rows = store.reader().execute("SELECT * FROM events ORDER BY seq").fetchall()
    return [e for e in map(eventlog.from_row, rows)
            if e.kind == kind or (kind is None and e.kind != "refused")]


def refused(desk, payload, station="registration") -> Decision:
    decision = desk.scan(payload, station)
    assert decision.outcome == Outcome.INVALID, decision
    assert decision.reason and decision.reason != decision.reason_code  # said in words
    last = eventlog.from_row(desk.store.reader().execute(  # in the audit trail, same words
        "SELECT * FROM events WHERE kind = 'refused' ORDER BY seq DESC LIMIT 1").fetchone())
    assert (last.code, last.data["reason_code"], last.data["reason"]) == (
        decision.code, decision.reason_code, decision.reason)
    return decision


# -- genuine and refused tickets -----------------------------------------------------------
def test_a_genuine_ticket_of_a_listed_paid_person_is_welcomed_then_already(signed, key):
    ticket = issue(key, PAID)
    first = signed.scan(ticket)
    assert first.outcome == Outcome.OK and first.code == PAID and first.name == "范俊"
    assert first.reason == "Welcome, 范俊"
    [event] = events_of(signed.store)
    assert event.kind == "checkin" and event.code == PAID
    assert event.data == {"ticket_id": tickets.decode(ticket).id}
    again = signed.scan(ticket)
    assert again.outcome == Outcome.ALREADY and again.first_time.startswith("2026-06-26T08:30")
    assert signed.scan(PAID).outcome == Outcome.ALREADY  # the plain code is the same person
    assert len(events_of(signed.store)) == 1


def test_a_genuine_ticket_still_goes_through_the_rules(signed, key):
    unpaid = signed.scan(issue(key, UNPAID))
    assert unpaid.outcome == Outcome.NOT_ELIGIBLE and unpaid.reason_code == "unpaid"
    # As scanners send it: lower case, CR/LF, inside a URL or a JSON object.
    assert signed.scan(issue(key, OTHER).lower() + "\r\n").outcome == Outcome.OK
    url = "https://reg.example.org/checkin?ticket=" + issue(key, "SHIC2026-000010")
    assert signed.scan(url).outcome == Outcome.OK
    assert signed.scan(json.dumps({"ticket": issue(key, "SHIC2026-000012")})).ok
    assert signed.scan(issue(key, OTHER), "meal:0626-lunch").outcome != Outcome.INVALID
    assert not events_of(signed.store, "revoke")


def test_a_ticket_signed_by_another_key_under_the_same_id_is_forged(signed, key):
    forger = tickets.new_private_key()
    decision = refused(signed, issue(forger, PAID))
    assert decision.reason_code == "forged"
    assert decision.reason == "This ticket is forged or altered: do not admit; call a supervisor"
    assert decision.code is None and decision.name is None  # a forged ticket's code says nothing
    assert refused(signed, issue(forger, PAID, key_id="k9")).reason_code == "unknown_key"
    assert events_of(signed.store) == []


def test_any_single_character_altered_is_refused(signed, key):
    ticket = issue(key, PAID)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    for i in range(len(tickets.PREFIX), len(ticket)):
        altered = ticket[:i] + alphabet[(alphabet.index(ticket[i]) + 1) % 32] + ticket[i + 1:]
        decision = signed.scan(altered)
        assert decision.outcome == Outcome.INVALID, (i, decision)
        # The key id or the event altered reads as unknown key or another event's ticket.
        assert decision.reason_code in ("forged", "malformed", "unknown_key", "wrong_event")
    assert refused(signed, ticket[:-5]).reason_code == "malformed"  # cut short
    assert events_of(signed.store) == []


def test_expired_and_not_yet_valid_tickets_say_until_when(event_store, key):
    configure(event_store, ticket_keys={"k1": tickets.public_key_text(key)})
    ticket = issue(key, PAID)
    late = Desk(event_store, now=lambda: dt.datetime(2026, 6, 29, 8, 0))
    decision = refused(late, ticket)
    assert decision.reason_code == "expired"
    assert decision.reason == "This ticket has expired (valid until 2026-06-28 23:59)"
    assert decision.code == PAID and decision.name == "范俊"  # genuine: whose ticket it is
    early = Desk(event_store, chinese=True, now=lambda: dt.datetime(2026, 6, 24, 18, 0))
    decision = refused(early, ticket)
    assert decision.reason_code == "not_yet_valid" and "2026-06-25 00:00" in decision.reason
    assert events_of(event_store) == []


def test_a_ticket_for_another_event_is_refused(signed, key):
    decision = refused(signed, issue(key, PAID, event="SHIC2025"))
    assert decision.reason_code == "wrong_event"
    assert decision.reason == "This ticket is for another event (SHIC2025)"


def test_every_ticket_reason_has_both_languages():
    for code in ("malformed", "forged", "unknown_key", "wrong_event", "not_yet_valid", "expired",
                 "revoked", "signature_required", "unlisted", "unlisted_station"):
        english, chinese = MESSAGES[code], message(code, True)
        cjk = re.compile(r"[\u4e00-\u9fff]")
        assert not cjk.search(english) and cjk.search(chinese), code


# -- revocation ----------------------------------------------------------------------------
def test_a_revoked_ticket_is_refused_while_the_reissued_one_admits(signed, key):
    lost = issue(key, PAID, issued_at=VALID_FROM - 86400)
    reissued = issue(key, PAID, issued_at=VALID_FROM)
    event = signed.revoke_ticket(tickets.decode(lost).id.lower(), "lost phone")
    assert event.kind == "revoke" and event.code is None
    assert event.data == {"ticket_id": tickets.decode(lost).id, "reason": "lost phone"}
    outbox = signed.store.reader().execute("SELECT count(*) FROM outbox").fetchone()[0]
    assert outbox == 1  # on its way to the server and the other desks at the next sync
    decision = refused(signed, lost)
    assert decision.reason_code == "revoked" and decision.name == "范俊"
    assert decision.reason == (f"This ticket of {PAID} was revoked: ask for the new one, "
                               "or find the person by name")
    assert signed.scan(reissued).outcome == Outcome.OK
    assert refused(signed, lost).reason_code == "revoked"  # revoked beats already
    with pytest.raises(DeskError, match="already revoked"):
        signed.revoke_ticket(lost, "again")


def test_revoking_by_the_ticket_text_and_bad_input(signed, key):
    ticket = issue(key, OTHER)
    event = signed.revoke_ticket(" " + ticket + "\n", "resold")
    assert event.code == OTHER and event.data["ticket_id"] == tickets.decode(ticket).id
    assert refused(signed, ticket).reason_code == "revoked"
    for bad in ("", "SHIC2026-000002", "ABC", "CK1:AAAA"):
        with pytest.raises(DeskError):
            signed.revoke_ticket(bad, "reason")
    with pytest.raises(DeskError, match="reason"):
        signed.revoke_ticket(issue(key, PAID), "  ")


def synced(store, kind, *, ref=None, **data) -> LoggedEvent:
    """An event another desk recorded, arriving as a sync round stores it."""
    from checkin.clock import HybridClock

    other = HybridClock("otherdesk01", store.clock.tick())
    event = eventlog.new_event(other, kind, code=None, station=None, operator="bob", ref=ref,
                               data=data)
    with store.transaction() as conn:
        assert eventlog.append(conn, event, outbox=False)
    return event


def test_a_revocation_from_another_desk_reaches_a_desk_that_already_scanned(signed, key):
    ticket = issue(key, PAID)
    assert signed.scan(issue(key, OTHER)).ok  # the desk has read the log (and cached it)
    revoke = synced(signed.store, EventKind.REVOKE, ticket_id=tickets.decode(ticket).id,
                    reason="refunded")
    assert refused(signed, ticket).reason_code == "revoked"
    synced(signed.store, EventKind.UNDO, ref=revoke.uuid)  # a revocation withdrawn
    assert signed.scan(ticket).outcome == Outcome.OK
    # A new Desk on the same database reads the same state from the log.
    fresh = Desk(signed.store, now=lambda: EVENT_DAY)
    assert fresh.scan(ticket).outcome == Outcome.ALREADY


def test_the_revocation_check_stays_cheap_on_a_long_log(signed, key):
    """With 20,000 events in the log, a scan reads only the events stored since the last one
    for revocations (the cached set is topped up, never re-read)."""
    with signed.store.transaction() as conn:
        for i in range(20_000):
            conn.execute(
                "INSERT INTO events (uuid, kind, code, station, device_id, operator, wall_time, "
                "hlc, data) VALUES (?, 'print', ?, NULL, 'x', 'x', '', '', '{}')",
                (f"u{i}", PAID))
    ticket = issue(key, PAID)
    signed.revoke_ticket(ticket, "lost")
    refused(signed, ticket)  # warm: the whole log read once
    reads: list[str] = []
    signed.store._writer.set_trace_callback(
        lambda sql: reads.append(sql) if "kind IN ('revoke', 'undo')" in sql else None)
    try:
        for _ in range(20):
            refused(signed, ticket)
    finally:
        signed.store._writer.set_trace_callback(None)
    assert len(reads) == 20  # one top-up per scan ...
    since = [int(re.search(r"seq > (\d+)", sql)[1]) for sql in reads]
    assert min(since) > 20_000, "... of the few events stored since, never the whole log"


# -- registered online after this desk's list ----------------------------------------------
def test_an_unlisted_code_with_a_valid_ticket_is_admitted_and_reconciled(signed, key, tmp_path):
    store = signed.store
    before = headcounts(store)
    ticket = issue(key, NEW)
    decision = signed.scan(ticket)
    assert decision.outcome == Outcome.OK and decision.code == NEW and decision.name is None
    assert decision.reason_code == "unlisted"
    assert decision.reason == "Valid ticket; not yet on this desk's list — reconciled at next sync"
    assert reg_store.get(store.reader(), NEW) is None  # nobody invented
    [event] = events_of(store)
    assert (event.kind, event.code, event.station) == ("checkin", NEW, "registration")
    assert event.data == {"ticket_id": tickets.decode(ticket).id, "unlisted": True}
    assert signed.scan(ticket).outcome == Outcome.ALREADY
    meal = signed.scan(ticket, "meal:0626-lunch")
    assert meal.outcome == Outcome.NOT_FOUND and meal.reason_code == "unlisted_station"

    stats = headcounts(store)
    assert stats["arrived"] == before["arrived"] + 1 and stats["unlisted"] == 1
    assert stats["expected"] == before["expected"]
    assert {c["category"]: c["arrived"] for c in stats["by_category"]}[UNLISTED] == 1
    assert sum(c["arrived"] for c in stats["by_category"]) == stats["arrived"]
    assert arrival_summary(store)["arrived"] == stats["arrived"]

    # The list brings them (an import here; a sync round upserts the same way).
    export = tmp_path / "late.csv"
    export.write_text("报名编号,姓名,参会类型,缴费状态\n" + NEW.lower() + ",迟到者,参会代表,已缴费\n",
                      encoding="utf-8")
    import_file(store, export, mark_missing=False)
    stats = headcounts(store)
    assert stats["unlisted"] == 0 and UNLISTED not in {c["category"] for c in stats["by_category"]}
    assert stats["arrived"] == before["arrived"] + 1 and stats["expected"] == before["expected"] + 1
    hit = next(h for h in SearchIndex(store).search("迟到者") if h.code.upper() == NEW)
    assert hit.arrived
    again = signed.scan(NEW)
    assert again.outcome == Outcome.ALREADY and again.name == "迟到者"
    assert signed.scan(ticket).outcome == Outcome.ALREADY


def test_an_unlisted_ticket_outside_the_check_in_days_is_refused(event_store, key):
    configure(event_store, ticket_keys={"k1": tickets.public_key_text(key)})
    desk = Desk(event_store, now=lambda: dt.datetime(2026, 6, 28, 9, 0))
    configure(event_store, checkin_days=("2026-06-26",))
    decision = desk.scan(issue(key, NEW))
    assert decision.outcome == Outcome.NOT_ELIGIBLE and decision.reason_code == "wrong_day"
    assert decision.code == NEW and "2026-06-26" in decision.reason
    assert events_of(event_store) == []


# -- events without signatures, and events that require them ---------------------------------
def test_without_keys_plain_codes_work_and_a_ticket_is_an_unknown_key(desk, key):
    assert not desk.store.config.ticket_keys
    assert desk.scan(PAID).outcome == Outcome.OK
    decision = refused(desk, issue(key, OTHER))
    assert decision.reason_code == "unknown_key"
    assert decision.reason == "This ticket was not signed by this event's organiser (unknown key)"
    assert len(events_of(desk.store)) == 1


def test_require_signature_refuses_scanned_plain_codes_but_not_staff(signed, key):
    configure(signed.store, require_signature=True)
    decision = refused(signed, PAID)
    assert decision.reason_code == "signature_required" and decision.code == PAID
    assert refused(signed, f"https://reg.example.org/c?code={PAID}").reason_code == \
        "signature_required"
    assert events_of(signed.store) == []
    # Staff found the person by name and checked them in.
    assert signed.scan(PAID, by_staff=True).outcome == Outcome.OK
    assert signed.scan(StaffChoice(OTHER)).outcome == Outcome.OK
    assert signed.scan(issue(key, "SHIC2026-000010")).outcome == Outcome.OK
    # Badges and meal vouchers carry plain codes: meal and forum stations still read them.
    at_lunch = Desk(signed.store, operator="alice", now=lambda: LUNCH_TIME)
    assert at_lunch.scan(PAID, "meal:0626-lunch").outcome == Outcome.OK
    team = signed.check_in_team("SHIC2026-000004")  # a team leader, found by staff
    assert any(d.ok for d in team)
    assert all(d.reason_code != "signature_required" for d in team)


def test_staff_check_in_from_the_search_list_passes_a_staff_choice(qtbot, signed):
    """The Find tab's Enter: what SearchPanel hands to the scan screen is a StaffChoice."""
    from checkin.ui.search_panel import SearchPanel

    configure(signed.store, require_signature=True)
    chosen: list[str] = []
    panel = SearchPanel(SearchIndex(signed.store), chosen.append)
    qtbot.addWidget(panel)
    panel.query.setText("范俊")
    qtbot.waitUntil(lambda: panel.results.count() > 0, timeout=10_000)
    panel._enter()
    assert chosen == [PAID] and isinstance(chosen[0], StaffChoice)
    assert signed.scan(chosen[0]).outcome == Outcome.OK
    assert refused(signed, str(chosen[0])).reason_code == "signature_required"


# -- payload parsing and badges ---------------------------------------------------------------
def test_payload_reader_tells_codes_from_tickets(key):
    ticket = issue(key, PAID)
    assert read_scanned(PAID + "\r\n").code == PAID
    assert read_scanned(ticket).ticket == ticket
    assert read_scanned("https://x.org/t/" + ticket).ticket == ticket
    with pytest.raises(InvalidPayload):
        plain_code(ticket)  # a ticket's code means nothing before verification
    with pytest.raises(InvalidPayload) as caught:
        read_scanned("CK1:" + "A" * 1000)
    assert caught.value.reason_code == "too_long"


def test_the_badge_qr_carries_the_ticket_when_the_export_has_one(event_store, key):
    config = event_store.config
    reg = reg_store.get(event_store.reader(), PAID)
    assert badge_fields(reg, config)["qr_payload"] == PAID
    ticket = issue(key, PAID)
    reg.extra = {"备注": "x", "ticket": ticket, "ticket_id": tickets.decode(ticket).id}
    assert badge_fields(reg, config)["qr_payload"] == ticket
    newer = issue(key, PAID, issued_at=VALID_FROM + 10)
    reg.extra = {"凭证": newer, "old ticket": issue(key, PAID, issued_at=VALID_FROM)}
    assert badge_fields(reg, config)["qr_payload"] == newer
    reg.extra = {"ticket": issue(key, OTHER)}  # someone else's: never on this badge
    assert badge_fields(reg, config)["qr_payload"] == PAID
    reg.extra = {"ticket": issue(key, PAID, event="OTHER")}
    assert badge_fields(reg, config)["qr_payload"] == PAID


# -- anything at all -------------------------------------------------------------------------
def _mutations(ticket: str):
    return st.builds(lambda i, c: ticket[:i] + c + ticket[i + 1:],
                     st.integers(0, len(ticket) - 1), st.characters())


@pytest.fixture(scope="module")
def sample_ticket(key):
    return issue(key, PAID)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_scan_of_any_text_returns_a_decision(signed, sample_ticket, data):
    text = data.draw(
        st.text(max_size=500)
        | st.builds(lambda s: "CK1:" + s,
                    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=:ck1 \r\n", max_size=300))
        | _mutations(sample_ticket)
        | st.sampled_from([sample_ticket, sample_ticket[:50], "CK1:", "ck1:", PAID]))
    station = data.draw(st.sampled_from(["registration", "meal:0626-lunch", "forum:F1"]))
    decision = signed.scan(text, station)
    assert isinstance(decision, Decision) and decision.reason


# -- the command line ------------------------------------------------------------------------
CHECKIN = str(Path(sys.executable).parent / "checkin")


def run(*args, db, ok=True):
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, timeout=120,
                            env={**os.environ, "CHECKIN_OPERATOR": "alice"})
    assert "Traceback" not in result.stderr, result.stderr
    assert (result.returncode == 0) == ok, (result.returncode, result.stdout, result.stderr)
    return result


def test_scan_and_revoke_from_the_command_line(tmp_path, key):
    """Today is not a day of the fixture event: the event file here has no day limits."""
    text = EVENT_TOML.read_text(encoding="utf-8")
    text = re.sub(r"^(checkin_)?days = \[.*\]$", "", text, flags=re.M)
    event_file = tmp_path / "event.toml"
    event_file.write_text(text + f'\n[tickets.keys]\nk1 = "{tickets.public_key_text(key)}"\n',
                          encoding="utf-8")
    db = tmp_path / "e.db"
    run("init", event_file, db=db)
    run("import", XLSX, db=db)
    ticket = tickets.issue(key, "k1", EVENT, PAID)
    out = run("scan", ticket, db=db).stdout
    assert out.startswith("[OK] 范俊 (参会代表)")
    assert json.loads(run("scan", ticket, "--json", db=db, ok=False).stdout)["outcome"] == "already"

    ticket_id = tickets.decode(ticket).id
    done = run("tickets", "revoke", ticket_id, "--reason", "lost phone", db=db).stdout
    assert ticket_id in done and "revoked" in done
    scan = run("scan", ticket, "--json", db=db, ok=False)
    assert scan.returncode == 1 and json.loads(scan.stdout)["reason_code"] == "revoked"
    assert run("scan", tickets.issue(key, "k1", EVENT, PAID, issued_at=int(time.time()) + 1),
               "--json", db=db, ok=False).returncode == 3  # reissued: already in, not refused

    other = tickets.issue(key, "k1", EVENT, OTHER)
    answer = json.loads(run("tickets", "revoke", other, "--reason", "resold", "--json",
                            db=db).stdout)
    assert answer["code"] == OTHER and answer["ticket_id"] == tickets.decode(other).id
    refused_scan = run("scan", other, db=db, ok=False)
    assert refused_scan.returncode == 1 and refused_scan.stdout.startswith("[INVALID]")
    forged = tickets.issue(tickets.new_private_key(), "k1", EVENT, OTHER)
    assert "forged" in run("scan", forged, db=db, ok=False).stdout

    again = run("tickets", "revoke", ticket_id, "--reason", "x", db=db, ok=False)
    assert again.returncode == 2 and "already revoked" in again.stderr
    bad = run("tickets", "revoke", "nonsense", "--reason", "x", db=db, ok=False)
    assert bad.returncode == 2 and "neither a ticket id" in bad.stderr
    history = json.loads(run("history", OTHER, "--json", db=db).stdout)
    assert [e["kind"] for e in history] == ["revoke", "refused"]  # the revoked ticket, refused
