"""The `checkin` command speaks one language (issue 13, item 3): a desk's whole morning run
with CHECKIN_LANG=zh shows no English word, and the same run with CHECKIN_LANG=en is English.

Each step runs the real command (a subprocess) on two copies of one demo event, one per
language, so both see the same state. What may stay Latin on a Chinese screen is data (codes,
names, the desk's name, file paths, event names from the event file), command syntax (the
program's name, options, subcommands, metavars, backticked commands, environment variables)
and a few names of standards (PDF, QR, CUPS ...): everything else made of 3+ ASCII letters is
a word left untranslated."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checkin.store import Store

CHECKIN = str(Path(sys.executable).parent / "checkin")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
WORD = re.compile(r"[A-Za-z]{3,}")  # a run of 3+ ASCII letters: an English word
# Names of standards, units and the program, the same in every language.
ALLOWED = {"checkin", "PDF", "QR", "CSV", "XLSX", "TOML", "JSON", "PIN", "CUPS", "SQLite", "UTC",
           "URL", "UUID", "PNG", "PEM", "TLS", "HTTP", "HTTPS", "WAL", "Ctrl",
           "Logic"}  # JSON Logic: the name of the rule language (checkin rules)
# Not words: commands in backticks, paths, options, environment variables, argparse's
# {choice,...} sets, and anything with a digit in it (codes, times, dates, masked phones).
NOT_WORDS = re.compile(
    r"`[^`]*`|(?<![\w])[~/][\w./~-]+|(?<![\w-])--?[A-Za-z][\w-]*|\$?CHECKIN_[A-Z_]+|"
    r"\{[\w,.-]*\}|[A-Za-z0-9_./:*+-]*\d[A-Za-z0-9_./:*+-]*")
ALERT = re.compile(r"^\s*⚠.*$", re.M)  # the event file's own alert words (its remarks, name_en)


def english_words(text: str, data: set[str], syntax: set[str] = frozenset()) -> list[str]:
    """The English words of a command's output, once data and syntax are taken out."""
    text = ALERT.sub(" ", text)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, " ")
    text = NOT_WORDS.sub(" ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED and w not in syntax]


def strings_in(document) -> set[str]:
    """Every string value of a JSON document: the data a command may quote."""
    if isinstance(document, str):
        return {document} if document else set()
    if isinstance(document, dict):
        return set().union(*(strings_in(v) for v in document.values()))
    if isinstance(document, list):
        return set().union(*(strings_in(v) for v in document))
    return set()


def command_syntax() -> set[str]:
    """The words of the command line itself: subcommands, options, choices and metavars."""
    from checkin.cli import build_parser

    found: set[str] = set()

    def walk(parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            found.update(action.option_strings)
            if isinstance(action.metavar, str):
                found.update(WORD.findall(action.metavar))
            elif action.option_strings:  # argparse's default metavar: --pdf-folder PDF_FOLDER
                found.update(WORD.findall(action.dest.upper()))
            if not action.option_strings:
                found.update(WORD.findall(action.dest))
            for choice in action.choices or ():
                found.update(WORD.findall(str(choice)))
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    walk(sub)

    walk(build_parser())
    return found


def run(lang: str, *args, db: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CHECKIN_DB", "LANGUAGE")}
    env.update(CHECKIN_LANG=lang, CHECKIN_HOME=str(home), CHECKIN_OPERATOR="alice")
    result = subprocess.run([CHECKIN, "--db", str(db), *map(str, args)], capture_output=True,
                            text=True, env=env, timeout=180)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def event(tmp_path_factory):
    """A demo event that runs today, its data as --json says it, and one paid and one
    unpaid registrant."""
    folder = tmp_path_factory.mktemp("cli-language")
    home, db = folder / "home", folder / "demo.db"
    made = run("en", "demo", "--people", 60, db=db, home=home)
    assert made.returncode == 0, made.stderr
    people = json.loads(run("en", "list", "--json", db=db, home=home).stdout)
    stats = json.loads(run("en", "stats", "--json", db=db, home=home).stdout)
    paid = next(p for p in people if p["payment"] == "已缴费")
    unpaid = next(p for p in people if p["payment"] == "未缴费")
    with Store(db) as store:
        desk = store.device_name
    data = strings_in(people) | strings_in(stats) | {desk, str(folder)}
    return {"db": db, "home": home, "data": data, "paid": paid, "unpaid": unpaid}


def the_morning(event) -> list[tuple[str, list, int | None]]:
    """(what, arguments, exit code) of what a desk does, in order."""
    paid, unpaid = event["paid"]["code"], event["unpaid"]["code"]
    return [
        ("scan: admitted", ["scan", paid], 0),
        ("scan: already in", ["scan", paid], 3),
        ("scan: unknown code", ["scan", "NOPE-1"], 1),
        ("scan: unpaid", ["scan", unpaid], 1),
        ("print to a PDF folder", ["print", paid, "--folder", "{pdf}"], 0),
        ("stats", ["stats"], 0),
        ("search", ["search", event["paid"]["name"][0]], 0),
        ("search: no match", ["search", "没有这个人"], 0),
        ("list", ["list"], 0),
        ("check", ["check"], 0),
        ("sync status, not enrolled", ["sync-status"], 0),
        ("sync, not enrolled", ["sync"], 2),
        ("purge without --yes", ["purge"], 2),
        ("undo", ["undo"], 0),
        ("undo: nothing left", ["undo"], 2),
        ("a usage error", ["scan"], 2),
    ]


HELP = [("help", ["--help"]), ("help of scan", ["scan", "--help"]),
        ("help of purge", ["purge", "--help"])]


@pytest.fixture(scope="module")
def runs(event, tmp_path_factory):
    """{(what, lang): CompletedProcess} of the morning and the help, in both languages."""
    done = {}
    for lang in ("zh", "en"):
        folder = tmp_path_factory.mktemp(f"desk-{lang}")
        db = folder / "demo.db"
        shutil.copyfile(event["db"], db)
        event["data"].add(str(folder))
        for what, args, code in the_morning(event):
            args = [str(a).replace("{pdf}", str(folder / "pdf")) for a in args]
            result = run(lang, *args, db=db, home=event["home"])
            if code is not None:
                assert result.returncode == code, (lang, what, result.stdout, result.stderr)
            done[(what, lang)] = result
        for what, args in HELP:
            done[(what, lang)] = run(lang, *args, db=db, home=event["home"])
    return done


MORNING = [what for what, _args, _code in the_morning({"paid": {"code": "", "name": "x"},
                                                         "unpaid": {"code": ""}})]


SYNTAX_SHOWN = {"a usage error"}  # argparse repeats the usage line with the error


@pytest.mark.parametrize("what", MORNING)
def test_a_zh_desk_morning_shows_no_english(runs, event, what):
    said = runs[(what, "zh")].stdout + runs[(what, "zh")].stderr
    syntax = command_syntax() if what in SYNTAX_SHOWN else set()
    assert CJK.search(said), said
    assert english_words(said, event["data"], syntax) == [], said


@pytest.mark.parametrize("what", MORNING)
def test_the_same_morning_in_english_is_english(runs, event, what):
    said = runs[(what, "en")].stdout + runs[(what, "en")].stderr
    syntax = command_syntax() if what in SYNTAX_SHOWN else set()
    assert english_words(said, event["data"], syntax), said


@pytest.mark.parametrize("what", [what for what, _args in HELP])
def test_zh_help_shows_no_english_and_en_help_is_english(runs, event, what):
    syntax = command_syntax() | {"registration", "meal", "forum"}  # --station's values
    zh = runs[(what, "zh")]
    assert zh.returncode == 0, zh.stderr
    assert "用法：checkin" in zh.stdout and "选项" in zh.stdout
    assert english_words(zh.stdout, event["data"], syntax) == [], zh.stdout
    en = runs[(what, "en")].stdout
    assert en.startswith("usage: checkin") and "show this help message and exit" in en
    assert english_words(en, event["data"], syntax)


def test_the_words_a_desk_reads_are_the_catalogues(runs):
    """Spot checks that the Chinese is the catalogue's, the English the code's."""
    def said(what, lang):
        return runs[(what, lang)].stdout + runs[(what, lang)].stderr

    assert said("scan: admitted", "zh").startswith("[通过]")
    assert said("scan: admitted", "en").startswith("[OK]")
    assert "[不可入场]" in said("scan: unpaid", "zh") and "[REFUSED]" in said("scan: unpaid", "en")
    assert "PDF 文件夹" in said("print to a PDF folder", "zh")
    assert "on PDF folder" in said("print to a PDF folder", "en")
    assert "--yes" in said("purge without --yes", "zh")
    assert "未注册" in said("sync status, not enrolled", "zh")
    assert "not enrolled" in said("sync status, not enrolled", "en")
    assert "缺少必需参数" in said("a usage error", "zh")
    assert "the following arguments are required" in said("a usage error", "en")
    zh_stats, en_stats = said("stats", "zh"), said("stats", "en")
    assert "应到" in zh_stats and "arrived" in en_stats


def test_the_json_of_scripts_does_not_change_with_the_language(event, tmp_path):
    """--json is for scripts: English keys and the same values whatever the language (the
    reason aside, which is said in the desk's language)."""
    answers = {}
    for lang in ("zh", "en"):
        db = tmp_path / f"{lang}.db"
        shutil.copyfile(event["db"], db)
        result = run(lang, "scan", event["unpaid"]["code"], "--json", db=db, home=event["home"])
        answers[lang] = json.loads(result.stdout)
    zh, en = answers["zh"], answers["en"]
    assert set(zh) == set(en) and zh["outcome"] == en["outcome"] == "not_eligible"
    assert {k: v for k, v in zh.items() if k not in ("reason", "event_uuid")} == \
        {k: v for k, v in en.items() if k not in ("reason", "event_uuid")}
    assert CJK.search(zh["reason"]) and not CJK.search(en["reason"])
