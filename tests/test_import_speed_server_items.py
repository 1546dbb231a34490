"""The registrants feed's fast wire items (checkin/server/registrants.py) are exactly what
the plain formula gives: every column by name, lists and extras decoded, then
masking.desk_record for a desk token."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from checkin import masking
from checkin.model import REGISTRANT_FIELDS, Privacy, Registrant
from checkin.server import conferences
from checkin.server import registrants as regs
from checkin.server.db import Database
from checkin.server.db import registrants as table

PEOPLE = [
    Registrant(code="A-1", name="张三", phone="13800138000", email="zhang.san@example.org",
               remarks="素食，电话13900139000", meals=["day1-lunch"], forums=["F1", "F2"],
               id_number="11010519491231002X", cme_card="A1234567", wall_hidden=True,
               extra={"序号": "1", "phone": "13700137000", "备用邮箱": "li@example.org"}),
    Registrant(code="b-2", name="Müller", amount=12.5, payment="已缴费", extra={}),
    Registrant(code="C-3", name="欧阳娜娜", meals=[], forums=[], remarks=None,
               extra={"id": "110105194912310021"}),
]


def plain_item(row) -> dict:
    item = {f: getattr(row, f) for f in REGISTRANT_FIELDS}
    item["meals"] = json.loads(row.meals)
    item["forums"] = json.loads(row.forums)
    item.update(version=row.version, missing=bool(row.missing), source=row.source,
                extra=json.loads(row.extra), seq=row.seq)
    return item


@pytest.fixture
def rows(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'central.db'}")
    conferences.create(db, "ev", 'name = "ev"\n')
    with db.write() as conn:
        regs.insert(conn, "ev", PEOPLE)
    with db.read() as conn:
        return conn.execute(select(table).order_by(table.c.seq)).all()


@pytest.mark.parametrize("grant", [
    None, Privacy(), Privacy(desk_unmasked=("phone", "extra")),
    Privacy(desk_unmasked=("email", "remarks", "phone", "extra")),
    Privacy(desk_fields=("phone", "meals", "extra.序号")),
])
def test_feed_items_match_the_plain_formula(rows, grant):
    fast = regs.item_for(grant)
    for row in rows:
        want = plain_item(row) if grant is None else masking.desk_record(plain_item(row), grant)
        got = fast(row)
        assert got == want
        assert list(got) == list(want)  # the same keys in the same order
        assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)


def test_items_are_fresh_lists(rows):
    first = regs.to_item(rows[0])
    first["meals"].append("x")
    assert regs.to_item(rows[0])["meals"] == ["day1-lunch"]
