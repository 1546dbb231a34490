"""Keeping the translation catalogue current (needs Babel; the app itself reads the compiled
.mo with checkin/i18n.py and the standard library's gettext):

    python -m checkin.catalogue update   # extract from checkin/, merge into the .po, compile the .mo
    python -m checkin.catalogue check    # list untranslated, new and obsolete strings (exit 1 if any)
"""

from __future__ import annotations

import datetime
import re
import sys
from pathlib import Path

from .i18n import (
    ARGPARSE_WORDS,
    CATALOGUE_LOCALE,
    DOMAIN,
    MO_FILE,
    PACKAGE,
    PO_FILE,
    read_mo,
    translator,
)
from .messages import MESSAGES

# -- keeping the catalogue current (needs Babel) --------------------------------------------
# What the extraction reads: the window's tr("..."), translate("Context", "..."),
# QT_TRANSLATE_NOOP("Context", "..."), QT_TR_NOOP("..."), and the core's _()/gettext();
# the reason templates of checkin/messages.py are added from MESSAGES itself, and argparse's
# own words (the `checkin` command's usage and errors) from checkin.i18n.ARGPARSE_WORDS.
KEYWORDS = {
    "tr": None,
    "translate": (2,),
    "QT_TRANSLATE_NOOP": (2,),
    "QT_TR_NOOP": None,
    "_": None,
    "gettext": None,
    "pgettext": ((1, "c"), 2),
}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
PERCENT = re.compile(r"%(?:\(\w+\))?[sdr]")  # argparse's words: %s, %(prog)s, %r
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PO_HEADER = """\
# The words of Checkin Desk (签到台) in Chinese, by English source string.
# Kept current with `python -m checkin.catalogue update`; translate the empty msgstr entries,
# then run it again (it compiles checkin.mo). A msgctxt entry is a second Chinese rendering
# of an English string for one Qt context or reason code; it lives while its msgid does."""


def extract(root: Path = PACKAGE) -> dict[str, dict]:
    """Every English string of the code: {msgid: {"locations": {file}, "comments": [..],
    "contexts": {msgctxt of pgettext() calls}}}."""
    from babel.messages.extract import extract_from_dir



    found: dict[str, dict] = {}

    def add(msgid: str, where: str, comments=(), context: str | None = None) -> None:
        entry = found.setdefault(msgid, {"locations": set(), "comments": [], "contexts": set()})
        entry["locations"].add(where)
        if context:
            entry["contexts"].add(context)
        entry["comments"] += [c for c in comments if c not in entry["comments"]]

    for filename, _lineno, msgid, comments, context in extract_from_dir(
            root, method_map=[("**.py", "python")], keywords=KEYWORDS,
            comment_tags=("TRANSLATORS:",), strip_comment_tags=True):
        if isinstance(msgid, tuple):  # a keyword with several strings: the first is the text
            msgid = msgid[0]
        if msgid:
            add(msgid, f"{root.name}/{filename}", comments, context)
    for code, template in MESSAGES.items():
        add(template, f"{root.name}/messages.py", [f"reason code: {code}"])
    for words in ARGPARSE_WORDS:
        add(words, f"{root.name}/i18n.py", ["argparse's own words: keep each %-placeholder"])
    return found


def read_catalogue(path: Path = PO_FILE):
    from babel.messages.pofile import read_po

    with open(path, "rb") as fp:
        return read_po(fp, locale=CATALOGUE_LOCALE, domain=DOMAIN)


def translations_of(catalogue) -> dict[tuple[str | None, str], str]:
    """{(msgctxt or None, msgid): msgstr} of a Babel catalogue (translated entries only)."""
    return {(m.context, m.id): m.string for m in catalogue
            if m.id and isinstance(m.id, str) and m.string}


def merge(catalogue, extracted: dict[str, dict]):
    """A new catalogue: every extracted msgid with its translation (empty when new), the
    msgctxt variants whose msgid is still in the code; returns (catalogue, added, dropped)."""
    from babel.messages.catalog import Catalog

    from . import __version__

    old = {(m.context, m.id): m for m in catalogue if m.id}
    added = sorted(msgid for msgid in extracted if (None, msgid) not in old)
    added += sorted(f"{msgid} [{context}]" for msgid, entry in extracted.items()
                    for context in entry.get("contexts", ()) if (context, msgid) not in old)
    dropped = sorted(key for key in old if key[1] not in extracted)
    fresh = Catalog(locale=CATALOGUE_LOCALE, domain=DOMAIN, header_comment=PO_HEADER,
                    project="Checkin Desk", version=__version__, msgid_bugs_address="-",
                    creation_date=catalogue.creation_date,
                    revision_date=datetime.datetime.now(datetime.UTC) if added or dropped
                    or not isinstance(catalogue.revision_date, datetime.datetime)
                    else catalogue.revision_date, fuzzy=False,
                    last_translator="Checkin Desk developers",
                    language_team="Chinese (Simplified)")
    # alphabetical: code moving between files changes the #: lines only, not the order
    order = sorted(extracted, key=lambda msgid: (msgid.casefold(), msgid))
    for msgid in order:
        entry = extracted[msgid]
        locations = [(where, None) for where in sorted(entry["locations"])]
        previous = old.get((None, msgid))
        fresh.add(msgid, previous.string if previous else "", locations=locations,
                  auto_comments=entry["comments"],
                  user_comments=previous.user_comments if previous else [],
                  flags=["python-brace-format"] if PLACEHOLDER.search(msgid) else [])
        contexts = {context for (context, mid) in old if context and mid == msgid}
        for context in sorted(contexts | entry.get("contexts", set())):
            variant = old.get((context, msgid))
            fresh.add(msgid, variant.string if variant else "", locations=locations,
                      context=context, auto_comments=entry["comments"],
                      user_comments=variant.user_comments if variant else [],
                      flags=["python-brace-format"] if PLACEHOLDER.search(msgid) else [])
    return fresh, added, dropped


def write_catalogue(catalogue, po: Path = PO_FILE, mo: Path = MO_FILE) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    po.parent.mkdir(parents=True, exist_ok=True)
    with open(po, "wb") as fp:
        write_po(fp, catalogue, width=100, include_lineno=False, ignore_obsolete=True)
    with open(mo, "wb") as fp:
        write_mo(fp, read_catalogue(po))  # what is on disk, read back: the .mo matches it
    translator.cache_clear()


def problems(po: Path = PO_FILE, mo: Path = MO_FILE, root: Path = PACKAGE) -> list[str]:
    """What keeps the catalogue from being complete: strings of the code missing from the .po
    or without a translation, entries the code no longer has, translations that lost or
    gained a {placeholder} or are not Chinese, and a .mo that is not the .po compiled."""
    catalogue = read_catalogue(po)
    extracted = extract(root)
    _fresh, added, dropped = merge(catalogue, extracted)
    found = [f"new (run update): {msgid!r}" for msgid in added]
    found += [f"obsolete (run update): {msgid!r}" + (f" [{context}]" if context else "")
              for context, msgid in dropped]
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or message.id not in extracted:
            continue
        label = repr(message.id) + (f" [{message.context}]" if message.context else "")
        if not message.string:
            found.append(f"untranslated: {label}")
            continue
        if message.fuzzy:
            found.append(f"fuzzy (check, then remove the flag): {label}")
        if sorted(PLACEHOLDER.findall(message.string)) != sorted(PLACEHOLDER.findall(message.id)) \
                or sorted(PERCENT.findall(message.string)) != sorted(PERCENT.findall(message.id)):
            found.append(f"placeholders differ: {label} -> {message.string!r}")
        if not CJK.search(message.string):
            found.append(f"not Chinese: {label} -> {message.string!r}")
    if read_mo(mo) != translations_of(catalogue):
        found.append(f"{mo.name} is not {po.name} compiled (run update)")
    return found


def update(po: Path = PO_FILE, mo: Path = MO_FILE, root: Path = PACKAGE) -> tuple[list, list]:
    """Merge the code's strings into the .po and compile the .mo; returns (added, dropped)."""
    fresh, added, dropped = merge(read_catalogue(po), extract(root))
    write_catalogue(fresh, po, mo)
    return added, dropped


USAGE = """usage: python -m checkin.catalogue update|check
  update  extract the English strings of checkin/, merge them into checkin.po (new ones
          untranslated, obsolete ones dropped), compile checkin.mo
  check   list untranslated, new and obsolete strings and a stale .mo; exit 1 if any"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else ""
    if command == "update":
        added, dropped = update()
        for msgid in added:
            print(f"new: {msgid!r}")
        for context, msgid in dropped:
            print(f"dropped: {msgid!r}" + (f" [{context}]" if context else ""))
        left = problems()
        print(f"{PO_FILE.relative_to(PACKAGE.parent)}: {len(added)} new, {len(dropped)} "
              f"dropped, {len(left)} to do; {MO_FILE.name} compiled")
        for problem in left:
            print(problem)
        return 1 if left else 0
    if command == "check":
        left = problems()
        for problem in left:
            print(problem)
        print(f"{len(left)} problems in {PO_FILE.relative_to(PACKAGE.parent)}")
        return 1 if left else 0
    print(USAGE, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
