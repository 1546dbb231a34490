"""The desk window's language: English source strings, Chinese from the gettext catalogue.

Every visible string in checkin/ui is English in the code, wrapped in `self.tr(...)` (in a
QObject subclass) or `QCoreApplication.translate("Context", ...)` (module functions). The
Chinese is in the one catalogue of the whole program, checkin/locale/zh_CN/LC_MESSAGES/
checkin.po compiled to checkin.mo (checkin/i18n.py; `python -m checkin.catalogue update` keeps it
current). `CatalogueTranslator` is the QTranslator that answers Qt from it, by the English
text alone: the Qt context (the class name for self.tr) only picks a msgctxt variant where one
English string has two Chinese renderings, so code can move between classes. Names,
categories and other data from the event are never translated, and the core's reasons
(checkin/messages.py) come in the language the window passes to the Desk as `chinese`, which
follows the same choice.

Which language: the `language` setting ("system" | "zh" | "en"); "system" asks
QLocale.system() (zh* is Chinese, anything else English). CHECKIN_LANG=zh|en overrides both
(tests, screenshots). `install()` is called by the launcher before any window is built; a
change in the settings dialog applies at the next start.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from .. import i18n as catalogue
from ..i18n import CHINESE, ENGLISH, ENV, is_chinese

__all__ = ["CHINESE", "ENGLISH", "ENV", "CatalogueTranslator", "chinese", "install",
           "language", "resolve", "switch", "system_language"]

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []  # kept alive while installed (Qt does not own them)
_language = ENGLISH  # what the installed translators show (English: none installed)


class CatalogueTranslator(QTranslator):
    """Qt's words from the gettext catalogue: the disambiguation's or the context's msgctxt
    variant first, then the English text alone. Answers None (a null QString: Qt then asks
    the next translator, e.g. qtbase, or shows the source) for what it does not know."""

    def __init__(self, words: catalogue.Translator, parent=None) -> None:
        super().__init__(parent)
        self.words = words

    def translate(self, context, source_text, disambiguation=None, n=-1):
        if not source_text:
            return None
        words = self.words
        if disambiguation:
            found = words.lookup(source_text, disambiguation)
            if found:
                return found
        return words.lookup(source_text, context)

    def isEmpty(self) -> bool:
        return not self.words.catalogue

    def language(self) -> str:
        return "zh_CN" if self.words.chinese else "en"


def system_language() -> str:
    """zh when the system's first UI language is Chinese (any zh-* variant), else en."""
    locale = QLocale.system()
    tags = list(locale.uiLanguages()) or [locale.name()]
    return CHINESE if is_chinese(tags[0]) else ENGLISH


def resolve(setting: str = "system") -> str:
    """The language ("zh" or "en") for a `language` setting; CHECKIN_LANG overrides it."""
    return catalogue.resolve(setting, system=system_language)


def install(setting: str = "system") -> str:
    """Install the translators for `setting` in the running QApplication (replacing those
    installed before) and return the language now shown: "zh" or "en". Qt's own
    translations (qtbase: standard buttons, file dialogs) come along when Qt has them. The
    Qt-free gettext()/_() of checkin.i18n speak the same language from then on."""
    return switch(resolve(setting))


def switch(language: str) -> str:
    """Show `language` ("zh" or "en") from now on, whatever CHECKIN_LANG says: install()'s
    work once the language is decided, and a self check-in kiosk's language button (a
    person's own choice). Windows retranslate their words themselves."""
    global _language
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install the translations after the QApplication is made")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = CHINESE if language == CHINESE else ENGLISH
    if language == CHINESE:
        words = catalogue.translator(CHINESE)
        if words.catalogue:
            ours = CatalogueTranslator(words, app)
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.warning("translations not loaded from %s: the desk shows English",
                        catalogue.MO_FILE)
            language = ENGLISH
    if language == CHINESE:
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        if qtbase.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       qt_folder):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
        else:
            log.info("Qt's own Chinese translations not found in %s", qt_folder)
    catalogue.use(language)
    _language = language
    return language


def language() -> str:
    """The language the window shows now ("en" until `install` chose Chinese)."""
    return _language


def chinese() -> bool:
    """Whether the core's reasons should be in Chinese: the same as the window's words."""
    return _language == CHINESE
