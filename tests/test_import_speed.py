"""The fast import paths (issue 17) give exactly what the plain ones give: the importer's
column-by-column normalising (`RowParser.parse_many`) against parse() row by row, and a first
import into an empty table (secondary indexes built after, plain INSERT) against the upsert;
every stored field, the pinyin and initials, the report. No timings here (bench.foundation)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import unicodedata

import pytest
from conftest import CSV_BOM, CSV_GBK, XLSX

from checkin import normalize as norm
from checkin.demo import demo_event_config, write_export
from checkin.importer import import_file, read_export
from checkin.importer import run as importer
from checkin.importer.rows import RowParser
from checkin.model import Registrant, RegistrantColumns
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
        m.setattr(RowParser, "parse_many", row_by_row)
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
        monkeypatch.setattr(reg_store, "ROWS_PER_INSERT", 7)  # and a last statement of fewer
        with monkeypatch.context() as m:
            if name == "plain":
                m.setattr(RowParser, "parse_many", row_by_row)
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


def fixture_cells() -> list:
    """Every cell of the three export fixtures and of the messy file's kinds of row."""
    from checkin.importer.reader import open_tables

    cells = []
    for path in (XLSX, CSV_BOM, CSV_GBK):
        tables, handle = open_tables(path)
        try:
            for table in tables:
                cells += [cell for _number, row in table.rows for cell in row]
        finally:
            if handle is not None:
                handle.close()
    return cells


def random_texts(rng: random.Random, count: int) -> list[str]:
    """Short texts of the characters the clean patterns must get right: spaces of every
    kind, full-width forms, other scripts' digits, upper case, the e-mail and code marks."""
    alphabet = list("aZ09 -._:/#+@%'\u3000\x1c\x85\xa0\n\t\u2028\u200bＢ１٣é中文Xx")
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
             for _ in range(count)]
    texts += ["1" + "".join(rng.choice("0123456789٣ -") for _ in range(rng.randint(9, 11)))
              for _ in range(count // 4)]
    texts += ["".join(rng.choice("abyZ09._%+-@ ") for _ in range(rng.randint(1, 8))) + "@" +
              "".join(rng.choice("ab9-.") for _ in range(rng.randint(1, 8)))
              for _ in range(count // 4)]
    return texts


def test_cells_found_already_clean_normalise_to_themselves():
    """norm.ALREADY_CLEAN lets the importer skip a normaliser: only sound if the normaliser
    would have given the cell back unchanged, with no problem, for every cell it passes."""
    rng = random.Random(17)
    texts = [c for c in fixture_cells() if isinstance(c, str)] + random_texts(rng, 40_000)
    ids = []
    for _ in range(3000):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        right = norm.id_check_digit(first17)
        ids += [first17 + right, first17 + rng.choice("0123456789X".replace(right, ""))]
    passed = {}
    for normalise, already_clean in norm.ALREADY_CLEAN.items():
        cells = texts + ids
        flags = list(already_clean(cells))
        passed[normalise.__name__] = sum(map(bool, flags))
        for cell, clean in zip(cells, flags, strict=True):
            if clean:
                assert normalise(cell) == (cell, None), (normalise.__name__, cell)
    assert all(count > 100 for count in passed.values()), passed  # each one passes some
    right_ids = list(norm.ALREADY_CLEAN[norm.id_number](ids))
    assert right_ids == [norm.id_number(i)[1] is None for i in ids]  # and misses none


def test_given_names_read_a_character_at_a_time_read_as_pypinyin_reads_them():
    from pypinyin import Style, lazy_pinyin

    from checkin import pinyin

    rng = random.Random(17)
    blocks = [(0x4E00, 0x9FA5)] * 9 + [(0x3400, 0x4DBF), (0x20000, 0x2A6DF)]
    texts = ["".join(chr(rng.randrange(*rng.choice(blocks))) for _ in range(rng.randint(1, 4)))
             for _ in range(20_000)]
    texts += ["长生", "解放", "重庆", "行长", "银行", "乐乐", "·明", "ab中", "中 文", "单单"]
    for text in texts:
        expected = tuple(lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars)))
        assert pinyin._given_name_syllables(text) == expected, text


def test_rows_written_from_columns_are_those_written_from_registrants(messy):
    """A first import writes RegistrantColumns; desks and the sync write Registrant lists:
    the same rows either way, extra data of every shape included."""
    people, _report, _parser = read_export(messy, demo_event_config(dt.date(2026, 6, 26)))
    shapes = [{}, {"序号": "7"}, {"a%s": "1", "b": "é\n\"'"}, {"b": "2", "a%s": "1"},
              {"n": 1}, {"序号": "8", "备注": "x"}]
    for i, person in enumerate(people[:60]):
        person.extra = dict(shapes[i % len(shapes)])
    for group in (people, people[:1], people[1:60:6], [p for p in people if not p.extra]):
        from_list = list(reg_store.written_rows(group, "t"))
        assert list(reg_store.written_rows(RegistrantColumns.of(group), "t")) == from_list
        extra = reg_store.WRITTEN_COLUMNS.index("extra")
        assert [json.loads(row[extra]) for row in from_list] == [p.extra for p in group]
        assert [row[extra] for row in from_list] == list(map(reg_store._extra_json,
                                                             (p.extra for p in group)))


def duplicates_one_by_one(people: list[Registrant]) -> list[list[str]]:
    """What _find_duplicates gives, the plain way: a person at a time."""
    first_code: dict[tuple, str] = {}
    groups: dict[tuple, set[str]] = {}
    for p in people:
        for contact in (p.phone, p.email):
            if contact and p.name:
                code = first_code.setdefault((p.name, contact), p.code)
                if code != p.code:
                    groups.setdefault((p.name, contact), {code}).add(p.code)
    return [list(codes) for codes in sorted({tuple(sorted(g)) for g in groups.values()})]


def test_duplicates_found_in_columns_are_those_found_one_by_one():
    rng = random.Random(17)
    names, contacts = ["张三", "李四", "王五", ""], ["13800000001", "a@b.cn", "", None]
    people = [Registrant(f"C{i:04d}", rng.choice(names), phone=rng.choice(contacts),
                         email=rng.choice(contacts)) for i in range(400)]
    people += [Registrant(f"U{i:04d}", f"名{i}", phone=f"139{i:08d}") for i in range(400)]
    found = importer._find_duplicates(RegistrantColumns.of(people))
    assert found == duplicates_one_by_one(people)
    assert len(found) > 3  # name and phone, name and e-mail, one's phone as another's e-mail
    unique = people[400:]
    assert importer._find_duplicates(RegistrantColumns.of(unique)) == [] \
        == duplicates_one_by_one(unique)
