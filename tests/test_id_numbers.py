"""ID card and CME card numbers (身份证号, 学分卡号; docs/cme.md, docs/personal-data.md): the
check digit on real numbers, importing real XLSX and CSV files with good, wrong and
Excel-mangled numbers (said in the report, the person kept), masking for the desk role and
whole after the organiser unlock, never on a badge, never granted whole to desks by the event
file, and gone after a purge. Real SQLite files; the CLI as a real process."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import EVENT_DAY, EVENT_TOML

from checkin import normalize, privacy, wipe
from checkin.alerts import alerts_for
from checkin.config import ConfigError, load_config
from checkin.desk import Desk
from checkin.importer import import_file, preview_export
from checkin.importer.masked import preview_for
from checkin.model import Alerts
from checkin.printing.templates import TemplateError, load_template
from checkin.privacy import Role
from checkin.store import Store
from checkin.store import registrants as reg_store

CHECKIN = str(Path(sys.executable).parent / "checkin")
PIN = "2468013579"
PIN_HASH = privacy.hash_pin(PIN)  # once: a hash takes about 0.4 s by design
GOOD = "11010519491231002X"  # a real, valid number (check character X)
GOOD2 = "110101199003074258"  # valid too (check digit 8)
BAD = "110101199003074250"  # GOOD2 with a wrong check digit


def run(*args, db, ok=True):
    env = {k: v for k, v in os.environ.items() if k != "CHECKIN_ORGANISER_PIN"}
    env["CHECKIN_OPERATOR"] = "alice"
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def event_file(tmp_path, privacy_lines: str = "") -> Path:
    path = tmp_path / "event.toml"
    path.write_text(EVENT_TOML.read_text(encoding="utf-8")
                    + f'\n[privacy]\norganiser_pin_hash = "{PIN_HASH}"\n{privacy_lines}',
                    encoding="utf-8")
    return path


def event_store(tmp_path) -> Store:
    store = Store(tmp_path / "desk.db")
    with store.transaction() as conn:
        store.save_config(conn, load_config(event_file(tmp_path)))
    return store


def file_bytes(db) -> bytes:
    return b"".join(Path(f"{db}{s}").read_bytes() for s in ("", "-wal", "-shm")
                    if Path(f"{db}{s}").exists())


def write_xlsx(path: Path) -> Path:
    """An export as registration websites write it; A3's ID is a number cell, as Excel makes
    of an 18-digit column nobody formatted as text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["报名编号", "姓名", "手机号", "单位", "参会类型", "缴费状态", "身份证号码", "继教卡号"])
    sheet.append(["A1", "张三", "13800138000", "协和医院", "参会代表", "已缴费",
                  " 1101 0519 4912 3100 2x ", " ab 1234 "])
    sheet.append(["A2", "李四", "13900139000", "华西医院", "参会代表", "已缴费", BAD, None])
    sheet.append(["A3", "王五", "13700137000", "中山医院", "参会代表", "已缴费", int(GOOD2), None])
    sheet.append(["A4", "赵六", "13600136000", "瑞金医院", "参会代表", "已缴费", None, "CME-77"])
    book.save(path)
    return path


# -- the check digit ------------------------------------------------------------------------
@pytest.mark.parametrize("number", [GOOD, GOOD2, "110101199003071233"])
def test_real_id_numbers_have_the_right_check_digit(number):
    assert normalize.id_check_digit(number[:17]) == number[17]
    assert normalize.id_number(number) == (number, None)


def test_any_one_wrong_digit_is_caught_and_the_right_one_named():
    for i in range(17):
        for digit in "0123456789":
            if digit != GOOD2[i]:
                wrong = GOOD2[:i] + digit + GOOD2[i + 1:]
                value, problem = normalize.id_number(wrong)
                assert value is None and "the check digit should be" in problem, wrong
    assert normalize.id_number(BAD) == (
        None, f"ID number {BAD}: the check digit should be 8")


def test_id_numbers_are_written_one_way():
    assert normalize.id_number(" 1101 0519 4912 3100 2x ") == (GOOD, None)
    assert normalize.id_number("１１０１０５１９４９１２３１００２ｘ") == (GOOD, None)  # full-width
    assert normalize.id_number("") == (None, None) and normalize.id_number(None) == (None, None)
    assert "18 characters; this one has 15" in normalize.id_number("110105491231002")[1]
    assert "17 digits and a digit or X" in normalize.id_number("11010519491231002Y")[1]
    for mangled in (1.10101199003074e17, "1.10101199003074E+17", "110101199003074000"):
        value, problem = normalize.id_number(mangled)
        assert value is None and "Excel turned the ID number into a number" in problem
        assert "format the column as text" in problem
    assert normalize.cme_card(" ab 1234 ") == ("AB1234", None)
    assert normalize.cme_card(12345678) == ("12345678", None)


# -- importing --------------------------------------------------------------------------------
def test_import_keeps_good_numbers_and_says_what_is_wrong_with_the_others(tmp_path):
    store = event_store(tmp_path)
    report = import_file(store, write_xlsx(tmp_path / "报名.xlsx"))
    assert (report.imported, report.skipped_error) == (4, 0)  # nobody lost
    problems = {(p.row, p.column): p for p in report.problems}
    wrong = problems[(3, "身份证号码")]
    assert wrong.level == "warning"
    assert wrong.message == (f"ID number {BAD}: the check digit should be 8 "
                             "(the person is imported without it)")
    excel = problems[(4, "身份证号码")].message
    assert "Excel turned the ID number into a number" in excel
    assert "format the column as text" in excel
    assert len(report.problems) == 2
    text = report.to_text()
    assert f"row 3, 身份证号码: ID number {BAD}: the check digit should be 8" in text

    people = {r.code: r for r in reg_store.all_registrants(store.reader())}
    assert (people["A1"].id_number, people["A1"].cme_card) == (GOOD, "AB1234")
    for code, name, phone in (("A2", "李四", "13900139000"), ("A3", "王五", "13700137000")):
        person = people[code]  # imported, without the ID and with everything else
        assert (person.name, person.phone, person.category, person.payment) == (
            name, phone, "参会代表", "已缴费")
        assert person.id_number is None
        assert not person.extra, "a refused ID number is not kept aside in extra data"
    assert (people["A4"].id_number, people["A4"].cme_card) == (None, "CME-77")
    store.close()
    # On disk, in the desk's SQLite file: the good number, never the wrong one.
    assert GOOD.encode() in file_bytes(tmp_path / "desk.db")
    assert BAD.encode() not in file_bytes(tmp_path / "desk.db")


def test_csv_headers_in_english_and_a_re_import_that_corrects_the_number(tmp_path):
    store = event_store(tmp_path)
    first = tmp_path / "export.csv"
    first.write_text("Ticket Code,Full Name,ID Number,CME Card\n"
                     f"B1,Li Lei,{BAD},\nB2,Han Meimei,1.10101199003074E+17,c-9\n",
                     encoding="utf-8")
    report = import_file(store, first)
    assert ("ID Number", "id_number") in report.mapping and ("CME Card", "cme_card") in report.mapping
    assert [p.row for p in report.problems] == [2, 3] and report.imported == 2
    second = tmp_path / "export-fixed.csv"
    second.write_text(f"编号,姓名,证件号,学分卡号\nB1,Li Lei,{GOOD2},\nB2,Han Meimei,{GOOD},C-9\n",
                      encoding="utf-8")
    report = import_file(store, second)
    assert report.problems == [] and report.updated == 2
    people = {r.code: r for r in reg_store.all_registrants(store.reader())}
    assert (people["B1"].id_number, people["B2"].id_number, people["B2"].cme_card) == (
        GOOD2, GOOD, "C-9")
    store.close()


def test_the_desk_role_reads_the_import_report_with_the_number_masked(tmp_path):
    db = tmp_path / "cli.db"
    run("init", event_file(tmp_path), db=db)
    export = tmp_path / "list.csv"
    export.write_text(f"编号,姓名,身份证号\nC1,张三,{BAD}\nC2,李四,{GOOD}\n", encoding="utf-8")
    out = run("import", export, db=db).stdout
    assert "row 2, 身份证号: ID number 110****4250: the check digit should be 8" in out
    assert BAD not in out
    listed = json.loads(run("import", export, "--dry-run", "--json", db=db).stdout)
    assert [p["row"] for p in listed["problems"]] == [2] and BAD not in json.dumps(listed)
    people = json.loads(run("list", "--json", db=db).stdout)  # the desk role: masked
    assert [p["id_number"] for p in people] == [None, GOOD[:4] + "*" * 12 + GOOD[-2:]]


# -- who sees what -------------------------------------------------------------------------------
def test_masked_for_the_desk_role_and_whole_after_the_organiser_unlock(tmp_path):
    store = event_store(tmp_path)
    import_file(store, write_xlsx(tmp_path / "报名.xlsx"))
    person = reg_store.get(store.reader(), "A1")
    shown = privacy.display_registrant(person, Role.DESK)
    assert (shown.id_number, shown.cme_card) == ("1101************2X", "****34")
    assert (person.id_number, person.cme_card) == (GOOD, "AB1234")  # stored whole
    with pytest.raises(privacy.PrivacyError):
        privacy.unlock(store, "1357924680")
    role = privacy.unlock(store, PIN)
    assert privacy.display_registrant(person, role).id_number == GOOD

    # The import wizard's preview shows no more than that to the desk role.
    preview = preview_export(tmp_path / "报名.xlsx", store.config)
    masked = preview_for(preview, Role.DESK)
    first = next(p for p in masked.people if p.code == "A1")
    assert first.id_number == "1101************2X"
    id_column = preview.columns.fields["id_number"]
    assert all(GOOD2 not in str(cells[id_column]) and BAD not in str(cells[id_column])
               for _, cells in masked.rows)
    assert next(p for p in preview_for(preview, role).people if p.code == "A1").id_number == GOOD
    # An event that makes the card number an alert shows it on the banner masked.
    config = dataclasses.replace(store.config, alerts=Alerts(fields=("cme_card", "id_number")))
    assert alerts_for(person, config) == ("****34", "1101************2X")
    store.close()


def test_an_edit_in_the_history_is_masked_for_the_desk_and_whole_for_the_organiser(tmp_path):
    db = tmp_path / "cli.db"
    run("init", event_file(tmp_path), db=db)
    export = tmp_path / "list.csv"
    export.write_text(f"编号,姓名,身份证号\nC1,张三,{GOOD}\n", encoding="utf-8")
    run("import", export, db=db)
    refused = run("edit", "C1", f"id_number={BAD}", "--reason", "typo", db=db, ok=False)
    assert refused.returncode == 2 and "the check digit should be 8" in refused.stderr
    run("edit", "C1", f"id_number={GOOD2}", "--reason", "typo", db=db)
    as_desk = run("history", "C1", "--json", db=db).stdout
    assert GOOD not in as_desk and GOOD2 not in as_desk
    assert "1101************58" in as_desk
    as_organiser = run("history", "C1", "--json", "--role", "organiser", "--pin", PIN,
                       db=db).stdout
    assert GOOD2 in as_organiser


# -- never printed, never granted whole -------------------------------------------------------
@pytest.mark.parametrize("element", [
    'type = "text"\ntext = "{name} {id_number}"\nx = 5\ny = 5\nw = 80\nh = 10',
    'type = "qr"\ntext = "{cme_card}"\nx = 5\ny = 20\nw = 25\nh = 25',
])
def test_a_badge_template_naming_the_numbers_is_refused_in_words(tmp_path, element):
    path = tmp_path / "my-badge.toml"
    path.write_text('[template]\ntitle = "mine"\ndocument = "badge"\npage = "90x54"\n\n'
                    f"[[elements]]\n{element}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert "cannot be printed" in str(refused.value)
    assert "never put on a badge, voucher or letter" in str(refused.value)
    assert "my-badge.toml: element #1" in str(refused.value)


@pytest.mark.parametrize("named", ['["phone", "id_number"]', '["cme_card"]'])
def test_an_event_file_cannot_grant_desks_the_numbers_whole(tmp_path, named):
    path = event_file(tmp_path, f"desk_unmasked = {named}\n")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert "desk_unmasked cannot name" in str(refused.value)
    assert "always reach desks masked" in str(refused.value)
    answer = run("init", path, db=tmp_path / "init.db", ok=False)
    assert answer.returncode == 2 and "desk_unmasked cannot name" in answer.stderr
    # Keeping them on desks (masked, as a desk token receives them) is the event's choice.
    kept = load_config(event_file(tmp_path, 'desk_fields = ["category", "id_number"]\n'))
    assert "id_number" in kept.privacy.desk_fields


# -- the wipe -------------------------------------------------------------------------------------
def test_a_purge_leaves_no_id_or_card_number_in_the_file(tmp_path):
    store = event_store(tmp_path)
    import_file(store, write_xlsx(tmp_path / "报名.xlsx"))
    desk = Desk(store, operator="alice", now=lambda: EVENT_DAY)
    desk.walk_in({"name": "孙七", "id_number": "110101199003071233", "cme_card": "ZZ-4321",
                  "payment": "已缴费"})
    desk.edit("A4", {"id_number": GOOD2}, reason="brought the card")
    for secret in (GOOD, GOOD2, "110101199003071233", "AB1234", "ZZ-4321"):
        assert secret.encode() in file_bytes(store.path), secret
    summary = wipe.wipe(store, reason="purge", operator="alice")
    assert summary["registrants"] == 5 and summary["events_scrubbed"] == 2
    edit = next(e for e in store.reader().execute(
        "SELECT data FROM events WHERE kind = 'edit'"))
    assert json.loads(edit[0])["changed"] == ["id_number"]  # which field, never the value
    path = store.path
    store.close()
    disk = file_bytes(path)
    for secret in (GOOD, GOOD2, "110101199003071233", "AB1234", "ZZ-4321"):
        assert secret.encode() not in disk, secret


def test_the_demo_people_have_valid_id_numbers(tmp_path):
    from checkin.demo import demo_event_config, write_export

    store = Store(tmp_path / "demo.db")
    with store.transaction() as conn:
        store.save_config(conn, demo_event_config())
    report = import_file(store, write_export(tmp_path / "demo.csv", 60))
    assert not [p for p in report.problems if p.column == "身份证号"]
    numbers = [r.id_number for r in reg_store.all_registrants(store.reader()) if r.id_number]
    assert len(numbers) > 40
    assert all(normalize.id_check_digit(n[:17]) == n[17] for n in numbers)
    store.close()
