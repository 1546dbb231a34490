"""Exports from other registration systems: other words, orders, encodings, mistakes."""

import csv

import openpyxl
import pytest

from checkin.desk import Desk
from checkin.importer import ImportFileError, import_file
from checkin.store import Store, eventlog
from checkin.store import registrants as reg_store


def write_csv(path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


def write_xlsx(path, rows, sheet="Sheet1"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


ENGLISH = [
    ["Ticket Code", "Full Name / 姓名", "Company", "Mobile", "E-mail", "Ticket Type", "Payment Status",
     "Sessions", "Dietary"],
    ["EV-001", "Hans Müller", "Charité", "+86 138-0013-8000", "HANS@EXAMPLE.DE ", "Speaker", "Paid",
     "AI; Data", "vegetarian"],
    ["EV-002", "李 雷", "协和", "13900139000", "", "Delegate", "Pending", "", ""],
    ["EV-003", "韩梅梅", "华西", "", "han@example.cn", "Student", "Refunded", "AI", ""],
]


def test_english_export_with_mixed_headers(tmp_path, store):
    report = import_file(store, write_csv(tmp_path / "en.csv", ENGLISH))
    people = {p.code: p for p in reg_store.all_registrants(store.reader())}
    assert report.imported == 3
    hans = people["EV-001"]
    assert (hans.name, hans.phone, hans.email, hans.category, hans.payment) == (
        "Hans Müller", "13800138000", "hans@example.de", "嘉宾/专家", "已缴费")
    assert hans.forums == ["AI", "Data"]
    assert hans.extra == {"Dietary": "vegetarian"}
    assert people["EV-002"].name == "李雷" and people["EV-002"].payment == "未缴费"
    assert people["EV-003"].category == "学生" and people["EV-003"].payment == "已退款"


def test_columns_in_another_order_semicolons_and_gb18030(tmp_path, store):
    rows = [["备注", "联系电话", "参会人姓名", "工作单位", "票号", "类别", "支付状态"],
            ["素食", "186 0000 1111", "单雄信", "瓦岗寨医院", "A-1", "参会代表", "已支付"],
            ["", "18600002222", "曾𠇔", "某医院", "A-2", "VIP", "免费"]]
    path = write_csv(tmp_path / "gb.csv", rows, encoding="gb18030", delimiter=";")
    report = import_file(store, path)
    assert report.table == "gb18030"
    people = {p.code: p for p in reg_store.all_registrants(store.reader())}
    assert people["A-1"].name == "单雄信" and people["A-1"].phone == "18600001111"
    assert people["A-1"].payment == "已缴费" and people["A-1"].remarks == "素食"
    assert people["A-2"].name == "曾𠇔" and people["A-2"].category == "嘉宾/专家"


def test_xlsx_with_title_rows_number_cells_and_meal_columns(tmp_path, store):
    rows = [["2026 智慧医院大会 参会名单"], ["导出时间 2026-06-01"], [],
            ["参会编号", "姓名", "手机号码", "6月26日午餐", "6月26日晚宴", "金额"],
            ["100234", "王芳", 13812345678, "是", "否", 1200],
            [100235, "李娜", 1.3912345678e10, "", "是", "¥600.00"],
            ["总计", "2人"]]
    report = import_file(store, write_xlsx(tmp_path / "m.xlsx", rows))
    assert report.header_row == 4 and report.skipped_total == 1
    people = {p.code: p for p in reg_store.all_registrants(store.reader())}
    assert people["100234"].phone == "13812345678" and people["100234"].meals == ["6月26日午餐"]
    assert people["100235"].phone == "13912345678" and people["100235"].meals == ["6月26日晚宴"]
    assert people["100235"].amount == 600.0


def test_mapping_file_overrides_guesses(tmp_path, store):
    rows = [["凭据", "称呼", "电话"], ["X1", "张三", "13800000001"]]
    path = write_csv(tmp_path / "odd.csv", rows)
    with pytest.raises(ImportFileError, match="no header row naming a code or a name"):
        import_file(store, path)
    mapping = tmp_path / "map.toml"
    mapping.write_text('[columns]\ncode = "凭据"\nname = "称呼"\n', encoding="utf-8")
    report = import_file(store, path, mapping=mapping)
    assert ("凭据", "code") in report.mapping and ("称呼", "name") in report.mapping
    assert reg_store.get(store.reader(), "X1").name == "张三"


def test_a_header_without_a_code_column_names_the_columns_it_found(tmp_path, store):
    path = write_csv(tmp_path / "nocode.csv", [["姓名", "手机"], ["张三", "13800000001"]])
    with pytest.raises(ImportFileError, match="no column for the registration code.*姓名, 手机"):
        import_file(store, path)


def test_mapping_to_a_column_that_does_not_exist_is_a_clear_error(tmp_path, store):
    path = write_csv(tmp_path / "a.csv", [["编号", "姓名"], ["1", "张三"]])
    mapping = tmp_path / "map.json"
    mapping.write_text('{"code": "票据号"}', encoding="utf-8")
    with pytest.raises(ImportFileError, match="票据号"):
        import_file(store, path, mapping=mapping)


def test_bad_rows_are_reported_never_dropped_silently(tmp_path, store):
    rows = [["报名编号", "姓名", "手机", "邮箱", "缴费状态"],
            ["C1", "张三", "010-6552 8888", "not-an-email", "已缴费"],
            ["", "无编号", "13800000000", "", "已缴费"],
            ["C1", "张三重复", "13800000009", "", "已缴费"],
            ["C2", "李四", "13800000002", "", "待审核"]]
    report = import_file(store, write_csv(tmp_path / "bad.csv", rows))
    assert report.rows_read == 4 and report.imported == 2 and report.skipped_error == 2
    messages = {(p.row, p.column): p for p in report.problems}
    assert messages[(3, "报名编号")].level == "error"
    assert "already used on row 2" in messages[(4, "报名编号")].message
    assert "11-digit" in messages[(2, "手机")].message
    assert "待审核" in messages[(5, "缴费状态")].message
    c1 = reg_store.get(store.reader(), "C1")
    assert c1.phone is None and c1.extra["手机"] == "010-6552 8888"  # kept, not lost
    assert c1.extra["邮箱"] == "not-an-email"


def test_unreadable_files_get_clear_errors(tmp_path, store):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ImportFileError, match="save as .xlsx"):
        import_file(store, tmp_path / "old.xls")
    (tmp_path / "fake.xlsx").write_text("not a zip")
    with pytest.raises(ImportFileError, match="not a readable XLSX"):
        import_file(store, tmp_path / "fake.xlsx")
    (tmp_path / "latin.csv").write_bytes(b"code,name\n1,\xff\xfd\x80 binary\n")
    with pytest.raises(ImportFileError, match="encoding"):
        import_file(store, tmp_path / "latin.csv")
    with pytest.raises(ImportFileError, match="not found"):
        import_file(store, tmp_path / "missing.csv")
    write_csv(tmp_path / "nohead.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(ImportFileError, match="no header row"):
        import_file(store, tmp_path / "nohead.csv")
    assert store.counts()["registrants"] == 0


def test_reimport_upserts_marks_vanished_and_keeps_desk_edits(tmp_path, store):
    head = ["报名编号", "姓名", "手机", "缴费状态"]
    first = write_csv(tmp_path / "v1.csv", [head, ["R1", "张三", "13800000001", "未缴费"],
                                           ["R2", "李四", "13800000002", "已缴费"],
                                           ["R3", "王五", "13800000003", "已缴费"]])
    import_file(store, first)
    desk = Desk(store, operator="bob")
    desk.scan("R2")
    desk.edit("R3", {"name": "王伍"}, reason="typo on badge")
    events_before = store.counts()["events"]
    second = write_csv(tmp_path / "v2.csv", [head, ["R1", "张三", "13800000001", "已缴费"],
                                            ["R3", "王五", "13800000003", "已缴费"],
                                            ["R4", "赵六", "13800000004", "已缴费"]])
    dry = import_file(store, second, dry_run=True, mark_missing=True)
    assert (dry.added, dry.updated, dry.missing) == (1, 1, 1)
    assert dry.changes[0]["fields"]["payment"] == ("未缴费", "已缴费")
    assert reg_store.get(store.reader(), "R4") is None  # dry run wrote nothing
    report = import_file(store, second, mark_missing=True)
    assert (report.added, report.updated, report.unchanged, report.missing) == (1, 1, 1, 1)
    assert report.kept_desk_edits == ["R3 (name)"]
    conn = store.reader()
    assert reg_store.get(conn, "R2").missing is True  # marked, not deleted
    assert reg_store.get(conn, "R3").name == "王伍"
    assert reg_store.get(conn, "R1").payment == "已缴费"
    assert store.counts()["events"] == events_before  # the event log is untouched
    assert eventlog.admission(conn, "R2", "registration") is not None


def test_sheet_choice_and_missing_sheet(tmp_path, store):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active.append(["本表为报名导出"])
    data = book.create_sheet("名单")
    data.append(["编号", "姓名"])
    data.append(["S1", "张三"])
    book.save(tmp_path / "two.xlsx")
    report = import_file(store, tmp_path / "two.xlsx")
    assert report.table == "名单" and report.imported == 1
    with pytest.raises(ImportFileError, match="no sheet named"):
        import_file(store, tmp_path / "two.xlsx", sheet="Nope")


def test_walk_ins_are_not_marked_missing_by_an_import(tmp_path):
    with Store(tmp_path / "w.db") as store:
        import_file(store, write_csv(tmp_path / "a.csv", [["编号", "姓名"], ["A", "张三"]]))
        reg, _ = Desk(store, operator="x").walk_in({"name": "现场 报名", "payment": "免费"})
        report = import_file(store, write_csv(tmp_path / "b.csv", [["编号", "姓名"], ["A", "张三"]]))
        assert report.missing == 0
        assert reg_store.get(store.reader(), reg.code).missing is False


def test_a_partial_export_marks_nobody_gone_unless_asked(tmp_path, store):
    head = ["编号", "姓名"]
    import_file(store, write_csv(tmp_path / "all.csv", [head] + [[f"P{i}", f"人{i}"] for i in range(50)]))
    supplement = write_csv(tmp_path / "day2.csv", [head, ["P1", "人1"], ["P50", "新人"]])
    report = import_file(store, supplement)
    assert report.missing == 0 and report.added == 1
    assert "looks like a partial export" in report.to_text()
    assert not any(r.missing for r in reg_store.all_registrants(store.reader()))
    assert import_file(store, supplement, mark_missing=True).missing == 49
    # A small change (one person left a full list) is marked without asking.
    with Store(tmp_path / "b.db") as other:
        import_file(other, write_csv(tmp_path / "b1.csv", [head, *[[f"B{i}", "x"] for i in range(10)]]))
        assert import_file(other, write_csv(tmp_path / "b2.csv",
                                            [head, *[[f"B{i}", "x"] for i in range(9)]])).missing == 1


def test_people_whose_names_start_like_total_are_not_total_rows(tmp_path, store):
    rows = [["Name", "Code"], ["Sumner Li", "S-1"], ["Total Wang", "S-2"], ["Total", ""],
            ["合计：2人", ""]]
    report = import_file(store, write_csv(tmp_path / "t.csv", rows))
    assert report.imported == 2 and report.skipped_total == 2


def test_event_categories_win_over_built_in_words(tmp_path):
    from checkin.config import config_from_dict

    with Store(tmp_path / "c.db") as store:
        with store.transaction() as conn:
            store.save_config(conn, config_from_dict(
                {"categories": [{"name": "VIP", "aliases": ["贵宾"]}, {"name": "代表"}]}))
        rows = [["编号", "姓名", "类别"], ["V1", "甲", "VIP"], ["V2", "乙", "贵宾"], ["V3", "丙", "代表"],
                ["V4", "丁", "Student"]]
        import_file(store, write_csv(tmp_path / "c.csv", rows))
        got = {r.code: r.category for r in reg_store.all_registrants(store.reader())}
    assert got == {"V1": "VIP", "V2": "VIP", "V3": "代表", "V4": "学生"}


def test_codes_a_scanner_cannot_send_are_refused_at_import(tmp_path, store):
    rows = [["编号", "姓名"], ["报名001", "甲"], ["_X1", "乙"], ["Ａ－１", "丙"], ["X" * 70, "丁"]]
    report = import_file(store, write_csv(tmp_path / "codes.csv", rows))
    assert [p.row for p in report.problems if p.level == "error"] == [2, 3, 5]
    assert [r.code for r in reg_store.all_registrants(store.reader())] == ["A-1"]


def test_numbers_saved_as_text_and_empty_number_cells(tmp_path, store):
    rows = [["编号", "姓名", "手机", "金额"], ["N1", "甲", "13812345678.0", "nan"], ["N2", "乙", "", "inf"]]
    report = import_file(store, write_csv(tmp_path / "n.csv", rows))
    people = {r.code: r for r in reg_store.all_registrants(store.reader())}
    assert people["N1"].phone == "13812345678"
    assert people["N1"].amount is None and people["N2"].amount is None
    assert sum("not a number" in p.message for p in report.problems) == 2
