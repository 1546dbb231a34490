"""ID card and CME card numbers through the real central list (SQLite and PostgreSQL): the
organiser's import keeps them whole there, a desk token only ever receives them masked
(the registrant feed, another desk's walk-in, an edit), so no desk file holds another
desk's number in clear; a desk's edit based on the masked number it saw still applies; and
an event file that would grant desks the numbers whole is refused."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from checkin.desk import DeskError
from checkin.store import registrants as reg_store
from checkin.sync.client import Rejected
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML

GOOD = "11010519491231002X"
GOOD2 = "110101199003074258"
BAD = "110101199003074250"
TYPED = "110101199003071233"  # typed at desk 1 for a walk-in
CORRECTED = "440106196801122950"  # wrong check digit ...
CORRECTED_OK = "44010619680112295X"  # ... and the right one, an edit at desk 1
EXPORT = ("报名编号,姓名,手机号,参会类型,缴费状态,身份证号,学分卡号\n"
          f"T-1,张三,13800138000,参会代表,已缴费,{GOOD},AB1234\n"
          f"T-2,李四,13900139000,参会代表,已缴费,{BAD},\n"
          f"T-3,王五,13700137000,参会代表,已缴费,{GOOD2},\n")


def file_bytes(path) -> bytes:
    return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{path}{s}").exists())


def _event(central, privacy: str = "") -> str:
    event = f"id{secrets.token_hex(4)}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + privacy)
    return event


def test_a_desk_token_never_downloads_an_id_number_in_clear(central, real_desks):
    # desk_fields naming the numbers keeps them on desks, still masked
    event = _event(central, '\n[privacy]\ndesk_fields = ["category", "payment", "meals", '
                            '"forums", "phone", "id_number", "cme_card"]\n')
    report = central.organiser.import_export(event, "ids.csv", EXPORT.encode("utf-8"))
    assert report["imported"] == 3, report
    problem, = report["problems"]
    assert problem["row"] == 3 and problem["column"] == "身份证号"
    assert f"ID number {BAD}: the check digit should be 8" in problem["message"]

    one, two = real_desks("报到处1", event), real_desks("报到处2", event)
    feed = {r["code"]: r for r in one.client.registrants(event, after=0)["items"]}
    assert (feed["T-1"]["id_number"], feed["T-1"]["cme_card"]) == ("1101************2X",
                                                                    "****34")
    assert feed["T-2"]["id_number"] is None and feed["T-2"]["name"] == "李四"
    whole = {r["code"]: r for r in central.organiser.registrants(event, after=0)["items"]}
    assert (whole["T-1"]["id_number"], whole["T-1"]["cme_card"]) == (GOOD, "AB1234")

    assert sync_once(one.store, one.client).ok and sync_once(two.store, two.client).ok
    stored = reg_store.get(one.store.reader(), "T-3")
    assert stored.id_number == "1101************58"  # what the desk has is the masked form

    # What a desk types reaches the other desks masked, the organiser whole.
    walk_in, _ = one.desk.walk_in({"name": "赵六", "id_number": TYPED, "payment": "已缴费"})
    with pytest.raises(DeskError, match="the check digit should be X"):
        one.desk.edit("T-1", {"id_number": CORRECTED}, reason="wrong digit")
    one.desk.edit("T-1", {"id_number": CORRECTED_OK}, reason="new number")  # seen masked
    assert sync_once(one.store, one.client).ok
    assert sync_once(two.store, two.client).ok
    whole = {r["code"]: r for r in central.organiser.registrants(event, after=0)["items"]}
    assert whole[walk_in.code]["id_number"] == TYPED
    assert whole["T-1"]["id_number"] == CORRECTED_OK, "an edit based on the masked number"
    at_two = reg_store.get(two.store.reader(), walk_in.code)
    assert at_two.id_number == "1101************33"
    assert reg_store.get(two.store.reader(), "T-1").id_number == "4401************5X"
    walk_in_at_two = next(e for e in two.client.events(event, after=0)["items"]
                          if e["kind"] == "walk_in")
    assert walk_in_at_two["data"]["fields"]["id_number"] == "1101************33"

    disk = file_bytes(two.store.path)
    for secret in (GOOD, GOOD2, TYPED, CORRECTED_OK, "AB1234"):
        assert secret.encode() not in disk, secret
    disk = file_bytes(one.store.path)
    for secret in (GOOD, GOOD2, "AB1234"):  # desk 1 holds only what it typed itself
        assert secret.encode() not in disk, secret


def test_an_event_file_granting_desks_the_numbers_whole_is_refused(central):
    with pytest.raises(Rejected) as refused:
        _event(central, '\n[privacy]\ndesk_unmasked = ["phone", "id_number"]\n')
    assert "desk_unmasked cannot name id_number" in refused.value.message
