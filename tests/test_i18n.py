"""One translation system: English in the code (core, CLI, window), Chinese in the gettext
catalogue checkin/locale/zh_CN/LC_MESSAGES/checkin.po, compiled to checkin.mo; complete,
current with the code, compiled, and used by the core's reasons in the CLI. The window's
side (a zh window shows no English) is tests/test_i18n_window.py."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_TOML, ROOT, XLSX

from checkin import catalogue as tooling
from checkin import i18n
from checkin.messages import MESSAGES, message, prefers_chinese

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
CHECKIN = str(Path(sys.executable).parent / "checkin")
UI = ROOT / "checkin" / "ui"
# Chinese that is data, not words of the window: a language's own name in the language menu,
# the default category of a walk-in (a category name of the event file).
CHINESE_DATA = {"中文", "参会代表"}
NOT_WINDOW_WORDS = {"screenshots.py"}  # its Chinese is demo data typed into the forms


@pytest.fixture(scope="module")
def catalogue():
    return tooling.read_catalogue()


@pytest.fixture(scope="module")
def extracted():
    return tooling.extract()


# -- the catalogue --------------------------------------------------------------------------
def test_the_catalogue_is_complete_current_and_compiled():
    """What `python -m checkin.catalogue check` says: no string of the code without a Chinese
    translation, no entry the code dropped, placeholders kept, the .mo the .po compiled."""
    assert tooling.problems() == []


def test_the_check_command_exits_0_on_the_committed_catalogue():
    result = subprocess.run([sys.executable, "-m", "checkin.catalogue", "check"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout


def test_update_keeps_every_translation_and_adds_and_drops_nothing(tmp_path):
    """Running update now adds and drops no string and keeps every translation (only the
    #: lines may follow code that moved between files): the .po is current with the code."""
    po, mo = tmp_path / "checkin.po", tmp_path / "checkin.mo"
    shutil.copyfile(i18n.PO_FILE, po)
    added, dropped = tooling.update(po, mo)
    assert (added, dropped) == ([], [])
    assert tooling.translations_of(tooling.read_catalogue(po)) == \
        tooling.translations_of(tooling.read_catalogue())
    assert i18n.read_mo(mo) == i18n.read_mo(i18n.MO_FILE)
    assert tooling.update(po, mo) == ([], []) and tooling.problems(po, mo) == []


def test_extraction_finds_the_window_and_the_core(extracted):
    assert len(extracted) > 450
    for text in ("Scan (F1)", "Not checked in", "Checkin Desk — {0}", "error", "OK"):
        assert text in extracted, text  # self.tr / translate / QT_TRANSLATE_NOOP
    for code, template in MESSAGES.items():
        assert f"reason code: {code}" in extracted[template]["comments"]
    assert not any(CJK.search(msgid) for msgid in extracted), "source strings are English"


def test_every_entry_is_chinese_with_the_same_placeholders(catalogue):
    entries = [m for m in catalogue if m.id]
    assert len(entries) > 450
    for m in entries:
        assert not CJK.search(m.id), m.id
        assert CJK.search(m.string), (m.context, m.id, m.string)
        assert sorted(PLACEHOLDER.findall(m.string)) == sorted(PLACEHOLDER.findall(m.id)), \
            (m.context, m.id, m.string)


def test_variants_are_few_and_for_english_that_needs_two_renderings(catalogue):
    """A msgctxt entry only where one English string has two Chinese renderings."""
    plain = {m.id: m.string for m in catalogue if m.id and not m.context}
    variants = [(m.context, m.id, m.string) for m in catalogue if m.id and m.context]
    assert 0 < len(variants) <= 10
    for context, msgid, text in variants:
        assert msgid in plain and plain[msgid] != text, (context, msgid)


def _edited(tmp_path, change) -> tuple[Path, Path]:
    """A copy of the .po (changed by `change(text)`) with the committed .mo."""
    po, mo = tmp_path / "checkin.po", tmp_path / "checkin.mo"
    po.write_text(change(i18n.PO_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copyfile(i18n.MO_FILE, mo)
    return po, mo


def test_the_check_catches_an_untranslated_a_new_and_an_obsolete_string(tmp_path):
    def change(text: str) -> str:
        text = text.replace('msgid "Scan (F1)"\nmsgstr "扫码 (F1)"',
                            'msgid "Scan (F1)"\nmsgstr ""')
        text = text.replace('msgid "Find (F2)"\nmsgstr "查找 (F2)"\n', "")
        return text + '\nmsgid "A string no code uses"\nmsgstr "没有代码用的字符串"\n'

    po, mo = _edited(tmp_path, change)
    found = "\n".join(tooling.problems(po, mo))
    assert "untranslated: 'Scan (F1)'" in found
    assert "new (run update): 'Find (F2)'" in found
    assert "obsolete (run update): 'A string no code uses'" in found
    assert "checkin.mo is not checkin.po compiled" in found
    added, dropped = tooling.update(po, mo)  # update: adds the new (empty), drops the obsolete
    assert added == ["Find (F2)"] and dropped == [(None, "A string no code uses")]
    left = tooling.problems(po, mo)
    assert sorted(left) == ["untranslated: 'Find (F2)'", "untranslated: 'Scan (F1)'"]


def test_the_check_catches_a_stale_mo_a_lost_placeholder_and_english_left(tmp_path):
    def change(text: str) -> str:
        text = text.replace('msgstr "欢迎，{name}"', 'msgstr "欢迎"')
        return text.replace('msgstr "查找 (F2)"', 'msgstr "Find (F2)"')

    po, mo = _edited(tmp_path, change)
    found = "\n".join(tooling.problems(po, mo))
    assert "placeholders differ: 'Welcome, {name}'" in found
    assert "not Chinese: 'Find (F2)'" in found
    assert "checkin.mo is not checkin.po compiled" in found


# -- the core's reasons ---------------------------------------------------------------------
def test_every_reason_has_its_chinese_in_the_catalogue():
    zh = i18n.translator("zh")
    assert zh.chinese and zh.catalogue
    for code, english in MESSAGES.items():
        assert isinstance(english, str) and not CJK.search(english), code
        chinese = message(code, True)
        assert CJK.search(chinese) and chinese == zh.pgettext(code, english), code
        assert sorted(PLACEHOLDER.findall(chinese)) == sorted(PLACEHOLDER.findall(english))
        assert message(code, False) == english


def test_a_reason_reads_with_its_parameters_and_the_language_separator():
    days = ["06-26", "06-27"]
    assert message("wrong_day", today="06-25", days=days) == \
        "Not admitted today (06-25); admitted on 06-26, 06-27"
    assert message("wrong_day", True, today="06-25", days=days) == \
        "今天（06-25）不能入场，可入场日期：06-26、06-27"
    assert message("not_found", True, code="X1") == "查无此报名编号：X1"
    assert message("no_such_reason", True) == "no_such_reason"  # unknown: the code itself
    assert message("welcome", True) == "欢迎，{name}"  # a parameter missing: the template


def test_a_missing_catalogue_means_english_not_a_crash(tmp_path, monkeypatch):
    assert i18n.read_mo(tmp_path / "nothing.mo") == {}
    words = i18n.Translator("zh", {})
    assert words.gettext("Scan (F1)") == "Scan (F1)" and words.pgettext("X", "OK") == "OK"


def test_gettext_follows_use_and_the_environment(monkeypatch):
    monkeypatch.setenv(i18n.ENV, "zh")
    monkeypatch.setattr(i18n, "_current", None)
    assert i18n.current().language == "zh" and i18n._("Scan (F1)") == "扫码 (F1)"
    assert i18n.pgettext("ResultBanner", "OK") == "通过" and i18n.gettext("OK") == "确定"
    i18n.use("en")
    assert i18n.gettext("Scan (F1)") == "Scan (F1)"
    monkeypatch.setattr(i18n, "_current", None)


@pytest.mark.parametrize(("env", "chinese"), [
    ({"CHECKIN_LANG": "zh"}, True), ({"CHECKIN_LANG": "zh_CN.UTF-8"}, True),
    ({"CHECKIN_LANG": "en", "LANG": "zh_CN.UTF-8"}, False),
    ({"CHECKIN_LANG": "", "LANG": "zh_CN.UTF-8"}, True),
    ({"LANG": "en_US.UTF-8"}, False), ({"LANG": "de_DE.UTF-8"}, False),
])
def test_the_cli_language_follows_checkin_lang_then_lang(monkeypatch, env, chinese):
    monkeypatch.delenv("CHECKIN_LANG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert prefers_chinese() is chinese
    assert (i18n.resolve() == "zh") is chinese


def test_the_core_reads_the_catalogue_without_babel_or_qt():
    """Babel is for keeping the catalogue; the desk and the CLI read the .mo themselves."""
    probe = ("import sys; import checkin.i18n, checkin.messages as m; "
             "assert m.message('unpaid', True).startswith('未缴费'); "
             "print(sorted(k for k in sys.modules if k.split('.')[0] in ('babel', 'PySide6')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


@pytest.mark.parametrize("path", [*(p for p in sorted(UI.glob("*.py"))
                                    if p.name not in NOT_WINDOW_WORDS),
                                  ROOT / "checkin" / "messages.py", ROOT / "checkin" / "i18n.py"],
                         ids=lambda p: p.name)
def test_no_chinese_words_left_in_the_code(path):
    """The window's and the reasons' Chinese come from the catalogue only (docstrings,
    comments and the catalogue's own header aside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and _literal(node.value) is not None}
    left = []
    for node in ast.walk(tree):
        text = _literal(node)
        if text and id(node) not in docstrings and CJK.search(text) \
                and text not in CHINESE_DATA and not text.startswith("# The words of"):
            left.append(f"{path.name}:{node.lineno}: {text!r}")
    assert not left, left


def test_no_words_are_translated_at_import_time():
    """translate()/tr()/_() in a module's top level runs when the module is imported, before
    the launcher installs the language: its words stay English on a Chinese screen. Mark
    them with QT_TRANSLATE_NOOP("Context", "...") and translate where they are shown."""
    early = []
    for path in sorted((ROOT / "checkin").rglob("*.py")):
        def visit(node: ast.AST, top: bool, path=path) -> None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                top = False
            if top and isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in ("translate", "tr", "_", "gettext", "pgettext"):
                    where = path.relative_to(ROOT)
                    early.append(f"{where}:{node.lineno}: {ast.unparse(node)}")
            for child in ast.iter_child_nodes(node):
                visit(child, top)

        visit(ast.parse(path.read_text(encoding="utf-8")), True)
    assert not early, early


# -- the CLI in Chinese -------------------------------------------------------------------------
def cli(*args, db: Path, lang: str = "zh") -> subprocess.CompletedProcess:
    env = {**os.environ, "CHECKIN_OPERATOR": "alice", "CHECKIN_LANG": lang}
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> tuple[Path, str, str]:
    """A demo event (its days around today) and the codes of one paid and one unpaid."""
    db = tmp_path_factory.mktemp("zh-cli") / "demo.db"
    made = cli("demo", "--people", 60, db=db, lang="en")
    assert made.returncode == 0, made.stderr
    people = json.loads(cli("list", "--json", db=db, lang="en").stdout)
    unpaid = next(p["code"] for p in people if p["payment"] == "未缴费")
    paid = next(p["code"] for p in people if p["payment"] == "已缴费")
    return db, paid, unpaid


def test_a_zh_cli_scan_says_the_refusal_in_chinese(demo_db, tmp_path):
    db, _paid, unpaid = demo_db
    copy = tmp_path / "demo.db"
    shutil.copyfile(db, copy)
    zh = cli("scan", unpaid, db=copy)
    output = zh.stdout + zh.stderr
    assert zh.returncode == 1, output
    assert message("unpaid", True) in output and message("unpaid") not in output
    en = cli("scan", unpaid, db=copy, lang="en")
    assert message("unpaid") in en.stdout + en.stderr
    assert not CJK.search(message("unpaid")) and message("unpaid", True) not in en.stdout


def test_a_zh_cli_says_an_unknown_code_and_a_desk_refusal_in_chinese(demo_db, tmp_path):
    db, paid, _unpaid = demo_db
    copy = tmp_path / "demo.db"
    shutil.copyfile(db, copy)
    missing = cli("scan", "NOPE-1", db=copy)
    assert message("not_found", True, code="NOPE-1") in missing.stdout + missing.stderr
    first = cli("scan", paid, db=copy)
    assert first.returncode == 0, first.stderr
    again = cli("scan", paid, db=copy)  # already admitted: who and when, in Chinese
    assert "已于" in again.stdout + again.stderr, again.stdout + again.stderr
    for _ in range(4):  # undo this desk's admissions until there is nothing left to undo
        undone = cli("undo", db=copy)
        if undone.returncode != 0:
            break
    said = undone.stdout + undone.stderr
    assert message("desk_nothing_to_undo", True) in said, said
    assert message("desk_nothing_to_undo") not in said


def test_a_zh_cli_scan_outside_the_event_days_says_why_in_chinese(tmp_path):
    """The fixture event is in June 2026: a scan on another day is refused by the core's
    date rule, said in Chinese (the date itself is data)."""
    db = tmp_path / "event.db"
    assert cli("init", EVENT_TOML, db=db, lang="en").returncode == 0
    assert cli("import", XLSX, db=db, lang="en").returncode == 0
    result = cli("scan", "SHIC2026-000002", db=db)
    said = result.stdout + result.stderr
    if "不在本活动日期内" not in said:
        pytest.skip(f"today is a day of the fixture event: {said!r}")
    assert "is not a day of this event" not in said
