"""The fast import paths (issue 17) give exactly what the plain ones give: the importer's
column-by-column normalising (`_RowParser.parse_many`) against parse() row by row, and a first
import into an empty table (secondary indexes built after, plain INSERT) against the upsert;
every stored field, the pinyin and initials, the report. No timings here (bench.foundation)."""

from __future__ import annotations

import csv
import datetime as dt
import random
import unicodedata

import pytest
from conftest import CSV_BOM, CSV_GBK, XLSX

from checkin import normalize as norm
from checkin.demo import demo_event_config, write_export
from checkin.importer import import_file, read_export
from checkin.importer import run as importer
from checkin.pinyin import name_keys, syllables
from checkin.store import Store
from checkin.store import registrants as reg_store

LONG = "长" * 1500


def messy_csv(path):
    """Demo rows plus every kind of row the importer reports on or skips."""
    write_export(path, 300, dt.date(2026, 6, 26))
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    odd = []

    def variant(**cells):
        row = list(data[len(odd) % len(data)])
        row[col["报名编号"]] = f"ODD-{len(odd):03d}"
        for key, value in cells.items():
            row[col[key]] = value
        odd.append(row)

    variant(姓名=LONG)  # refused: not a name
    variant(备注=LONG)  # cut
    variant(手机号="010-1234")  # kept in extra
    variant(邮箱="not an e-mail")
    variant(身份证号="110105194912310022")  # wrong check digit
    variant(身份证号="1.10101199003074E+17")
    variant(姓名="  ")  # no name
    variant(报名编号="bad code!")
    variant(报名编号="ＡＢＣ－１２３")  # full-width: NFKC
    variant(报名编号="  XYZ 42 ")
    variant(**{"金额(元)": "¥1,800元"})
    variant(缴费状态="maybe")
    variant(用餐="新的晚宴、12月5日午餐", 分论坛="新论坛；F1")
    variant(参会类型="Invited Guest")
    variant(参会类型="新的类别")
    odd.append([])  # blank
    odd.append(["合计", "", "300"])  # totals
    odd.append(data[0][:3])  # short row (and a code used twice)
    odd.append([*data[1], "past the headers"])
    random.Random(17).shuffle(odd)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for i, row in enumerate(data):
            writer.writerow(row)
            if i % 17 == 0 and odd:
                writer.writerow(odd.pop())
        writer.writerows(odd)
    return path


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    return messy_csv(tmp_path_factory.mktemp("messy") / "messy.csv")


def row_by_row(self, rows):
    return (self.parse(number, row) for number, row in rows)


@pytest.fixture(params=["xlsx", "utf8-bom", "gbk", "messy"])
def export(request, messy):
    return {"xlsx": XLSX, "utf8-bom": CSV_BOM, "gbk": CSV_GBK, "messy": messy}[request.param]


@pytest.mark.parametrize("batch", [7, importer.BATCH_ROWS])
def test_column_by_column_reads_what_row_by_row_reads(export, batch, monkeypatch):
    config = demo_event_config(dt.date(2026, 6, 26))
    monkeypatch.setattr(importer, "BATCH_ROWS", batch)
    fast, fast_report, fast_parser = read_export(export, config)
    with monkeypatch.context() as m:
        m.setattr(importer._RowParser, "parse_many", row_by_row)
        slow, slow_report, slow_parser = read_export(export, config)
    assert fast == slow  # every field of every registrant, in file order
    assert fast_report.to_json() == slow_report.to_json()  # problems in the same order
    assert fast_parser.extended_config() == slow_parser.extended_config()


def stored(store: Store) -> list[dict]:
    cursor = store.reader().execute("SELECT * FROM registrants ORDER BY code")
    names = [d[0] for d in cursor.description]
    return [{k: v for k, v in zip(names, row, strict=True) if k != "updated_at"}
            for row in cursor]


def schema(store: Store) -> list[tuple]:
    return store.reader().execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'registrants' "
        "ORDER BY name").fetchall()


def test_first_import_stores_what_the_plain_upsert_stores(tmp_path, export, monkeypatch):
    """Everything stored (pinyin and initials included) and the report, with the fast paths
    (an empty table: indexes made after the rows) and with neither."""
    config = demo_event_config(dt.date(2026, 6, 26))
    results = []
    for name, bulk in (("fast", 1), ("plain", 10**9)):
        monkeypatch.setattr(reg_store, "BULK", bulk)
        with monkeypatch.context() as m:
            if name == "plain":
                m.setattr(importer._RowParser, "parse_many", row_by_row)
            with Store(tmp_path / f"{name}.db") as store:
                with store.transaction() as conn:
                    store.save_config(conn, config)
                report = import_file(store, export)
                results.append((stored(store), report.to_json(), schema(store)))
    (fast, fast_report, fast_schema), (plain, plain_report, plain_schema) = results
    assert fast == plain
    assert all(r["pinyin"] and r["initials"] for r in fast if r["name"][:1].isalpha())
    assert fast_report == plain_report
    assert fast_schema == plain_schema  # the same indexes, made again


def test_reimport_over_a_bulk_import_changes_nothing(tmp_path, messy, monkeypatch):
    monkeypatch.setattr(reg_store, "BULK", 1)
    with Store(tmp_path / "x.db") as store:
        import_file(store, messy)
        before = stored(store)
        again = import_file(store, messy)
        assert again.added == again.updated == 0 and again.unchanged == again.imported
        assert stored(store) == before


def test_name_keys_are_the_syllables_joined():
    names = ["单雄信", "尉迟恭", "欧阳娜娜", "曾小贤", "于思", "程琤", "阿依古丽·买买提",
             "Müller 张三", "John Smith", "李-小龙", "王ab明cd", "𠀀明", "区", "", "·"]
    rng = random.Random(17)
    names += ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(rng.randint(1, 4)))
              for _ in range(3000)]
    for name in names:
        parts = syllables(name)
        assert name_keys(name) == ("".join(parts), "".join(p[0] for p in parts if p)), name


def test_fast_normaliser_paths_agree_with_the_general_ones():
    rng = random.Random(17)
    for _ in range(2000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        total = sum(int(d) * w for d, w in zip(first17, norm._ID_WEIGHTS, strict=True))
        assert norm.id_check_digit(first17) == norm._ID_CHECK[total % 11]
    for raw in ["DEMO-000001", "a.b:c/d#e+f-1", "A" * 64, "A" * 65, "-A1", "ＡＢ１", "A B",
                "A\n", "é1", "", "  x1  "]:
        cleaned = norm._SPACES.sub("", unicodedata.normalize("NFKC", norm.text(raw)))
        ok = bool(cleaned) and len(cleaned) <= norm.MAX_CODE_CHARS and \
            bool(norm.CODE_PATTERN.match(cleaned))
        assert norm.code(raw)[0] == (cleaned if ok else ""), raw
    for number in ["11010519491231002X", "11010519491231002x", " 11010519491231002X",
                   "110105194912310021", "１１０１０５１９４９１２３１００２Ｘ"]:
        value, problem = norm.id_number(number)
        assert (value is None) == (problem is not None)
