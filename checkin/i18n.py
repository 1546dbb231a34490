"""The one translation system: English in the code, Chinese in a gettext catalogue.

Every user-visible string is English where it is written: the core's reasons
(checkin/messages.py, keyed by reason code), `_()`/`gettext()` in Qt-free code, and
`self.tr(...)` / `QCoreApplication.translate(...)` in the desk window (checkin/ui/i18n.py
installs a QTranslator that asks this module). The Chinese of each English string (msgid) is
in `checkin/locale/zh_CN/LC_MESSAGES/checkin.po`, compiled to `checkin.mo` next to it; both
are committed and ship inside the package. A string is looked up by its English alone, so UI
code can move between classes: the Qt context (a class name, the first argument of
translate()) or a reason code is used as msgctxt only for the rare English that needs two
Chinese renderings ("OK" on a button 确定, on a scan answer 通过).

    python -m checkin.catalogue update   # extract from checkin/, merge into the .po, compile the .mo
    python -m checkin.catalogue check    # list untranslated, new and obsolete strings (exit 1 if any)

`update` needs Babel; the running desk and CLI read the .mo with the standard library.

Which language: CHECKIN_LANG=zh|en (any zh* tag is Chinese) overrides everything; else the
desk window's `language` setting ("system" | "zh" | "en"); else the system's: LANG, then
the locale (the window asks Qt for the system's UI language instead).
"""

from __future__ import annotations

import gettext as _stdlib_gettext
import locale
import os
from functools import cache
from pathlib import Path

DOMAIN = "checkin"
PACKAGE = Path(__file__).resolve().parent
LOCALE_DIR = PACKAGE / "locale"
CATALOGUE_LOCALE = "zh_CN"
PO_FILE = LOCALE_DIR / CATALOGUE_LOCALE / "LC_MESSAGES" / f"{DOMAIN}.po"
MO_FILE = PO_FILE.with_suffix(".mo")
ENV = "CHECKIN_LANG"
CHINESE, ENGLISH = "zh", "en"
CONTEXT_SEPARATOR = "\x04"  # how gettext joins msgctxt and msgid in a .mo


# -- which language ----------------------------------------------------------------------
def is_chinese(tag: str) -> bool:
    """zh, zh_CN, zh-Hans-CN, ZH ... are Chinese; anything else is English."""
    return tag.strip().lower().replace("-", "_").startswith("zh")


def forced_language() -> str | None:
    """The language CHECKIN_LANG asks for, or None when it is not set."""
    forced = os.environ.get(ENV, "").strip()
    if not forced:
        return None
    return CHINESE if is_chinese(forced) else ENGLISH


def system_language() -> str:
    """The system's language as the CLI sees it: LANG, else the process locale."""
    tag = os.environ.get("LANG") or (locale.getlocale()[0] or "")
    return CHINESE if is_chinese(tag) else ENGLISH


def resolve(setting: str = "system", system=system_language) -> str:
    """The language ("zh" or "en") for a `language` setting; CHECKIN_LANG overrides it and
    "system" asks `system()` (the window passes Qt's idea of the system language)."""
    forced = forced_language()
    if forced:
        return forced
    if setting in (CHINESE, ENGLISH):
        return setting
    return system()


def prefers_chinese() -> bool:
    """Whether the CLI and other Qt-free callers should speak Chinese."""
    return resolve() == CHINESE


# -- the catalogue -------------------------------------------------------------------------
def read_mo(path: Path = MO_FILE) -> dict[tuple[str | None, str], str]:
    """The translations of a compiled catalogue: {(msgctxt or None, msgid): msgstr}, without
    the header and without empty translations. {} when the file is missing."""
    try:
        with open(path, "rb") as fp:
            compiled = _stdlib_gettext.GNUTranslations(fp)
    except OSError:
        return {}
    found: dict[tuple[str | None, str], str] = {}
    for key, text in compiled._catalog.items():  # the parsed .mo (no public accessor)
        if not isinstance(key, str) or not key or not text:
            continue  # the header (msgid ""), plural forms (not used)
        context, _, msgid = key.rpartition(CONTEXT_SEPARATOR)
        found[(context or None, msgid)] = text
    return found


class Translator:
    """The words of one language: English is the identity, Chinese comes from the .mo."""

    def __init__(self, language: str, catalogue: dict[tuple[str | None, str], str]) -> None:
        self.language = language
        self.catalogue = catalogue

    @property
    def chinese(self) -> bool:
        return self.language == CHINESE

    def lookup(self, text: str, context: str | None = None) -> str | None:
        """The translation of `text` (its variant for `context` first), or None."""
        if context:
            found = self.catalogue.get((context, text))
            if found:
                return found
        return self.catalogue.get((None, text))

    def gettext(self, text: str) -> str:
        return self.lookup(text) or text

    def pgettext(self, context: str, text: str) -> str:
        """`text` as said in `context` (a Qt context or reason code); the context-free
        translation when the context has no variant of its own."""
        return self.lookup(text, context) or text

    __call__ = gettext

    def __repr__(self) -> str:
        return f"Translator({self.language!r}, {len(self.catalogue)} strings)"


@cache
def translator(language: str) -> Translator:
    """The Translator of "zh" or "en" (anything not Chinese is English)."""
    if is_chinese(language):
        return Translator(CHINESE, read_mo(MO_FILE))
    return Translator(ENGLISH, {})


_current: Translator | None = None


def use(language: str) -> Translator:
    """Make `language` the one gettext()/_() speak (the window calls it with its own)."""
    global _current
    _current = translator(language)
    return _current


def current() -> Translator:
    """The Translator of gettext()/_(): set by use(), else the environment's language."""
    return _current or translator(resolve())


def gettext(text: str) -> str:
    return current().gettext(text)


def pgettext(context: str, text: str) -> str:
    return current().pgettext(context, text)


_ = gettext


# -- argparse's own words ------------------------------------------------------------------
# The `checkin` command's help and usage errors are argparse's: "usage:", "options", "the
# following arguments are required: %s" ... argparse asks gettext for them, so they are
# msgids of the catalogue (added by checkin/catalogue.py from this list, with argparse's
# %-placeholders kept as they are) and speak_argparse() makes argparse ask this module.
ARGPARSE_WORDS = (
    "usage: ",
    "positional arguments",
    "options",
    "show this help message and exit",
    "%(prog)s: error: %(message)s\n",
    "argument %(argument_name)s: %(message)s",
    "the following arguments are required: %s",
    "one of the arguments %s is required",
    "unrecognized arguments: %s",
    "not allowed with argument %s",
    "ignored explicit argument %r",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "expected %s argument",
    "expected %s arguments",
    "ambiguous option: %(option)s could match %(matches)s",
    "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "unexpected option string: %s",
    "can't open '%(filename)s': %(error)s",
)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return gettext(singular if n == 1 else plural)


def speak_argparse() -> None:
    """Make argparse say its own words (usage, section titles, errors) through gettext()
    here, in the language of the rest of the command; English stays argparse's English."""
    import argparse

    argparse._ = gettext  # argparse looks its words up through these module globals
    argparse.ngettext = _ngettext
