"""The welcome wall's rules on the desk side: how names are shown (张*明), the event file's
[wall] (checked in words, round-tripped, an event file without it keeps its JSON), and the
"not on the wall" flag: set with `checkin edit CODE wall_hidden=yes` (a real process),
read from an export's 不上墙 / "hide on wall" column, kept whatever desk_fields says."""

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import EVENT_TOML

from checkin import masking
from checkin.config import (
    ConfigError,
    config_from_dict,
    config_from_json,
    config_to_json,
    load_config,
)
from checkin.importer import import_file
from checkin.masking import mask_name
from checkin.model import Registrant, Wall
from checkin.normalize import flag
from checkin.server.conferences import to_toml
from checkin.store import Store, eventlog
from checkin.store import registrants as reg_store
from checkin.wall_names import card, shown_name

CHECKIN = str(Path(sys.executable).parent / "checkin")


@pytest.mark.parametrize(("name", "masked"), [
    ("张三明", "张*明"), ("张明", "张*"), ("李", "李"), ("欧阳娜娜", "欧阳*娜"),
    ("司马相如", "司马*如"), ("王 小 明", "王*明"), ("阿依古丽·买买提", "阿**丽·买*提"),
    ("John Smith", "J. Smith"), ("Jean-Luc Picard", "J. Picard"), ("Madonna", "M*****a"),
    ("𠇔三明", "𠇔*明"), ("", ""), (None, "")])
def test_a_masked_name_keeps_the_surname(name, masked):
    assert mask_name(name) == masked


def test_what_a_card_says_and_who_has_none():
    assert shown_name("张三明", "name") == "张三明"
    assert shown_name("张三明", "masked") == "张*明"
    assert shown_name("张三明", "counts") is None
    assert card("张三明", " 协和医院 ", False, "masked") == {"name": "张*明",
                                                          "organisation": "协和医院"}
    assert card("张三明", "协和医院", True, "name") is None  # asked not to be shown
    assert card("张三明", None, False, "name") == {"name": "张三明", "organisation": ""}
    assert card("  ", "协和医院", False, "name") is None


def test_the_wall_section_of_the_event_file():
    plain = load_config(EVENT_TOML)
    assert plain.wall == Wall(show="masked", public=False)
    assert "wall" not in json.loads(config_to_json(plain))  # the JSON of before
    raw = tomllib.loads(EVENT_TOML.read_text(encoding="utf-8"))
    raw["wall"] = {"show": "name", "public": True, "title": "  欢迎  参会 ",
                   "logo": "data:image/png;base64,iVBORw0KGgo=", "colour": "#C62828",
                   "background": "#fff", "language": "zh"}
    config = config_from_dict(raw)
    assert config.wall == Wall(show="name", public=True, title="欢迎 参会",
                               logo="data:image/png;base64,iVBORw0KGgo=", colour="#C62828",
                               background="#fff", language="zh")
    assert config_from_json(config_to_json(config)) == config
    # the central list writes the configuration anew as TOML after an import: it survives
    again = config_from_dict(tomllib.loads(to_toml(json.loads(config_to_json(config)))))
    assert again == config


@pytest.mark.parametrize(("wall", "words"), [
    ({"show": "full"}, 'show is "name" (full names), "masked" (张*明) or "counts"'),
    ({"public": "yes"}, "public is true (no token needed) or false"),
    ({"colour": "red"}, 'colour is a colour written "#1565c0" or "#fff"'),
    ({"background": "#12345"}, "background is a colour"),
    ({"logo": "http://example.org/logo.png"}, "logo is an https:// address of a picture"),
    ({"logo": 'https://x.org/a.png" onerror="alert(1)'}, "logo is an https:// address"),
    ({"logo": "data:text/html;base64,PHNjcmlwdD4="}, "a data:image/...;base64"),
    ({"title": "会" * 121}, "title is at most 120 characters"),
    ({"language": "fr"}, 'language is "zh" or "en"'),
    ({"tokens": 3}, "unknown setting tokens (show, public, title, logo, colour, background, "
                    "language)"),
])
def test_a_wrong_wall_section_is_refused_in_words(wall, words):
    with pytest.raises(ConfigError, match="^wall: ") as caught:
        config_from_dict({"wall": wall})
    assert words in str(caught.value)


def test_the_wall_speaks_the_events_language_whatever_the_services():
    from checkin.server import wall_page

    for language, hello, checked_in in (("zh", "欢迎", "已签到"), ("en", "Welcome", "Checked in")):
        page = wall_page.render("第二届医疗行业数字创新大会", Wall(language=language))
        assert f'<div class="hello">{hello}</div>' in page and checked_in in page


def test_yes_and_no_as_exports_and_staff_write_them():
    for yes in ("是", "yes", "Y", "1", "✓", "√", "true", True):
        assert flag(yes) == (True, None)
    for no in ("否", "no", "0", "", None, "false", False):
        assert flag(no) == (False, None)
    value, problem = flag("maybe")
    assert value is False and "'maybe' is not yes or no" in problem


def run(*args, db):
    env = {**os.environ, "CHECKIN_OPERATOR": "alice"}
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def test_checkin_edit_marks_someone_not_on_the_wall(event_store):
    code = "SHIC2026-000002"
    assert reg_store.get(event_store.reader(), code).wall_hidden is False
    path = event_store.path
    event_store.close()
    shown = run("edit", code, "wall_hidden=yes", "--reason", "asked at the desk", db=path)
    assert "saved" in shown.stdout
    with Store(path) as store:
        assert reg_store.get(store.reader(), code).wall_hidden is True
        edit = [e for e in eventlog.history(store.reader(), code) if e.kind == "edit"][-1]
        assert edit.data["changes"] == {"wall_hidden": [False, True]}  # travels as an edit
    run("edit", code, "wall_hidden=否", db=path)
    with Store(path) as store:
        assert reg_store.get(store.reader(), code).wall_hidden is False


@pytest.mark.parametrize("header", ["不上墙", "大屏隐藏", "Hide on wall"])
def test_the_importer_reads_a_not_on_the_wall_column(tmp_path, header):
    export = tmp_path / "export.csv"
    export.write_text(f"报名编号,姓名,手机号,参会类型,缴费状态,{header}\n"
                      "T-1,张三,13800138000,参会代表,已缴费,是\n"
                      "T-2,李四,13900139000,参会代表,已缴费,\n"
                      "T-3,王五,13700137000,参会代表,已缴费,也许\n", encoding="utf-8")
    with Store(tmp_path / "desk.db") as store:
        with store.transaction() as conn:
            store.save_config(conn, load_config(EVENT_TOML))
        report = import_file(store, export)
        assert (header, "wall_hidden") in report.mapping
        people = {r.code: r.wall_hidden for r in reg_store.all_registrants(store.reader())}
        assert people == {"T-1": True, "T-2": False, "T-3": False}
        problem, = report.problems  # "也许" is neither: said, and kept aside
        assert problem.column == header and "is not yes or no" in problem.message


def test_desk_fields_never_drop_the_flag():
    """A desk that keeps only some fields still knows who is not to be shown on a wall."""
    reg = Registrant(code="T-1", name="张三", phone="13800138000", wall_hidden=True)
    kept = masking.minimise(reg, ("category",))
    assert kept.wall_hidden is True and kept.phone is None
    record = masking.minimise_record({"code": "T-1", "name": "张三", "wall_hidden": True,
                                      "phone": "13800138000"}, ("category",))
    assert record == {"code": "T-1", "name": "张三", "wall_hidden": True}
