"""What staff must know reaches the answer: a wheelchair in a remark, a marked remark, a VIP
category, an export column; said in words on every scan of that person."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_DAY

from checkin.config import ConfigError, config_from_dict
from checkin.desk import Desk
from checkin.model import Alerts, Outcome
from checkin.store import registrants as reg_store

PAID = "SHIC2026-000002"  # 范俊, 参会代表
OTHER = "SHIC2026-000003"


def configure(store, alerts: Alerts) -> None:
    with store.transaction() as conn:
        store.save_config(conn, dataclasses.replace(store.config, alerts=alerts))


def remark(store, code: str, text: str) -> None:
    Desk(store, operator="a").edit(code, {"remarks": text}, reason="what the desk was told")


def test_a_remark_word_a_marked_remark_a_category_and_a_column_raise_alerts(event_store):
    configure(event_store, Alerts(words=("轮椅",), categories=("嘉宾/专家",),
                                  fields=("extra.特殊需求",), acknowledge=True))
    desk = Desk(event_store, operator="a", now=lambda: EVENT_DAY)
    remark(event_store, PAID, "需要轮椅通道，家属电话13911112222")
    first = desk.scan(PAID)
    assert first.ok and first.alerts == ("需要轮椅通道，家属电话139****2222",)  # masked
    assert first.acknowledge
    again = desk.scan(PAID)  # every scan of that person says it, also "already"
    assert again.outcome == Outcome.ALREADY and again.alerts == first.alerts
    remark(event_store, OTHER, "！会后领取发票")  # marked by its first character
    assert desk.scan(OTHER).alerts == ("会后领取发票",)
    guest = next(r for r in reg_store.all_registrants(event_store.reader())
                 if r.category == "嘉宾/专家")
    assert "嘉宾/专家 Guest / Expert" in desk.scan(guest.code).alerts
    with event_store.transaction() as conn:
        reg = reg_store.get(conn, guest.code)
        reg.extra = {**reg.extra, "特殊需求": "素食"}
        reg_store.upsert(conn, [reg])
    assert desk.scan(guest.code).alerts[-1] == "素食"


def test_without_alerts_in_the_event_file_only_marked_remarks_count(event_store):
    desk = Desk(event_store, operator="a", now=lambda: EVENT_DAY)
    remark(event_store, PAID, "需要轮椅通道")
    plain = desk.scan(PAID)
    assert plain.alerts == () and not plain.acknowledge
    remark(event_store, OTHER, "⚠ VIP: 请主管陪同")
    marked = desk.scan(OTHER)
    assert marked.alerts == ("VIP: 请主管陪同",) and not marked.acknowledge


def test_alerts_in_the_event_file_are_checked():
    config = config_from_dict({"alerts": {"words": ["VIP", "轮椅"], "acknowledge": True}})
    assert config.alerts == Alerts(words=("VIP", "轮椅"), acknowledge=True)
    for bad in ({"words": "VIP"}, {"fields": ["shoe_size"]}, {"acknowledge": "yes"},
                {"colour": "red"}):
        with pytest.raises(ConfigError, match="alerts"):
            config_from_dict({"alerts": bad})


def test_the_command_line_says_the_alert_under_the_answer(tmp_path):
    from conftest import EVENT_TOML, XLSX

    checkin = str(Path(sys.executable).parent / "checkin")
    event = tmp_path / "event.toml"
    event.write_text(EVENT_TOML.read_text(encoding="utf-8")
                     + '\n[alerts]\nwords = ["轮椅"]\n', encoding="utf-8")
    db = tmp_path / "e.db"
    env = {**os.environ, "CHECKIN_OPERATOR": "alice"}

    def run(*args):
        return subprocess.run([checkin, "--db", str(db), *args], capture_output=True,
                              text=True, env=env, timeout=120)

    assert run("init", str(event)).returncode == 0
    assert run("import", str(XLSX)).returncode == 0
    assert run("edit", PAID, "remarks=轮椅通道", "--reason", "told").returncode == 0
    scan = run("scan", PAID, "--json")
    assert json.loads(scan.stdout)["alerts"] == ["轮椅通道"]
    assert "⚠ 轮椅通道" in run("scan", PAID).stdout
