"""The registration exports (made outside this project, copied to tests/data/fixtures) import
to exactly the answer key."""

import sys

import pytest
from conftest import CSV_BOM, CSV_GBK, XLSX

from checkin.importer import import_file
from checkin.store import Store
from checkin.store import registrants as reg_store

KEY_FIELDS = ("code", "name", "phone", "email", "category", "team", "payment", "meals")


def _as_answer(reg) -> dict:
    return {f: getattr(reg, f) for f in KEY_FIELDS}


@pytest.mark.parametrize("path", [XLSX, CSV_BOM, CSV_GBK], ids=["xlsx", "utf8-bom", "gbk"])
def test_fixture_imports_to_the_answer_key(tmp_path, answers, path):
    with Store(tmp_path / "x.db") as store:
        report = import_file(store, path)
        people = reg_store.all_registrants(store.reader())
    expected = {a["code"]: a for a in answers["registrants"]}
    rows = answers["gbk_rows"] if path == CSV_GBK else answers["rows"]
    assert report.imported == rows == len(people)
    assert report.skipped_error == 0
    mismatches = [(_as_answer(p), expected[p.code]) for p in people if _as_answer(p) != expected[p.code]]
    assert mismatches == []


def test_openpyxl_fallback_reads_the_xlsx_to_the_answer_key(tmp_path, answers, monkeypatch):
    """Where calamine is missing (an unusual platform), openpyxl reads the same result."""
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import now fails
    with Store(tmp_path / "x.db") as store:
        report = import_file(store, XLSX)
        people = reg_store.all_registrants(store.reader())
    expected = {a["code"]: a for a in answers["registrants"]}
    assert report.header_row == 2 and report.imported == answers["rows"]
    assert all(_as_answer(p) == expected[p.code] for p in people)


def test_xlsx_title_blank_and_total_rows_are_skipped_and_counted(tmp_path):
    with Store(tmp_path / "x.db") as store:
        report = import_file(store, XLSX)
    assert report.header_row == 2
    assert report.skipped_blank == 1 and report.skipped_total == 1
    assert ("报名编号", "code") in report.mapping and ("手机号", "phone") in report.mapping
    assert ("序号", "extra (kept)") in report.mapping


def test_the_person_registered_twice_is_kept_twice_and_reported(tmp_path, answers):
    with Store(tmp_path / "x.db") as store:
        report = import_file(store, CSV_BOM)
    assert ["SHIC2026-000001", "SHIC2026-002401"] in report.duplicates
    assert len(report.duplicates) == 1


def test_unknown_columns_and_remarks_are_kept(tmp_path):
    with Store(tmp_path / "x.db") as store:
        import_file(store, XLSX)
        reg = reg_store.get(store.reader(), "SHIC2026-000002")
    assert reg.extra["序号"] == "2"
    assert reg.remarks == "迟到，26日下午到"
    assert reg.organisation == "中国移动通信集团湖南有限公司"
    assert reg.forums == ["新质医疗网络与量子通信", "主动健康与体卫融合", "医疗数据要素"]


def test_import_without_event_config_creates_what_the_data_names(tmp_path):
    with Store(tmp_path / "x.db") as store:
        report = import_file(store, XLSX)
        config = store.config
    assert [m.name for m in config.meals] == ["6月26日午餐", "6月27日午餐"]
    assert len(config.forums) == 6
    assert {c.name for c in config.categories} == {
        "参会代表", "参赛团队", "评委", "展商", "工作人员", "学生", "媒体", "嘉宾/专家"}
    assert report.created["meal slots"] == ["6月26日午餐", "6月27日午餐"]


def test_event_config_maps_meal_names_to_its_slot_ids(event_store):
    reg = reg_store.get(event_store.reader(), "SHIC2026-000001")
    assert reg.meals == ["0626-lunch", "0627-lunch"]
    # in time order (the event file lists the dinner last)
    assert [m.id for m in event_store.config.meals] == ["0626-lunch", "0626-dinner", "0627-lunch"]
