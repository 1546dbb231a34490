"""The desk window's language: English source strings, Chinese from Qt's translation file.

Every visible string in checkin/ui is English in the code, wrapped in `self.tr(...)` (in a
QObject subclass) or `QCoreApplication.translate("Context", ...)` (module functions); the
Chinese is in `assets/translations/checkin_zh_CN.ts`, compiled to `checkin_zh_CN.qm`
(`python -m checkin.ui.translations update` regenerates both). Names, categories and other
data from the event are never translated, and the core's reasons (checkin/messages.py) come
in the language the window passes to the Desk as `chinese`, which follows the same choice.

Which language: the `language` setting ("system" | "zh" | "en"); "system" asks
QLocale.system() (zh* is Chinese, anything else English). CHECKIN_LANG=zh|en overrides both
(tests, screenshots). `install()` is called by the launcher before any window is built; a
change in the settings dialog applies at the next start.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).resolve().parent.parent.parent / "assets" / "translations"
TS_FILE = TRANSLATIONS / "checkin_zh_CN.ts"
QM_FILE = TRANSLATIONS / "checkin_zh_CN.qm"
ENV = "CHECKIN_LANG"
CHINESE, ENGLISH = "zh", "en"

_installed: list[QTranslator] = []  # kept alive while installed (Qt does not own them)
_language = ENGLISH  # what the installed translators show (English: none installed)


def _is_chinese(tag: str) -> bool:
    return tag.strip().lower().replace("-", "_").startswith("zh")


def system_language() -> str:
    """zh when the system's first UI language is Chinese (any zh-* variant), else en."""
    locale = QLocale.system()
    tags = list(locale.uiLanguages()) or [locale.name()]
    return CHINESE if _is_chinese(tags[0]) else ENGLISH


def resolve(setting: str = "system") -> str:
    """The language ("zh" or "en") for a `language` setting; CHECKIN_LANG overrides it."""
    forced = os.environ.get(ENV, "").strip()
    if forced:
        return CHINESE if _is_chinese(forced) else ENGLISH
    if setting in (CHINESE, ENGLISH):
        return setting
    return system_language()


def install(setting: str = "system") -> str:
    """Install the translators for `setting` in the running QApplication (replacing those
    installed before) and return the language now shown: "zh" or "en". Qt's own
    translations (qtbase: standard buttons, file dialogs) come along when Qt has them."""
    global _language
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install the translations after the QApplication is made")
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    language = resolve(setting)
    if language == CHINESE:
        ours = QTranslator(app)
        if ours.load(str(QM_FILE)):
            app.installTranslator(ours)
            _installed.append(ours)
        else:
            log.warning("translations not loaded from %s: the desk shows English", QM_FILE)
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
    _language = language
    return language


def language() -> str:
    """The language the window shows now ("en" until `install` chose Chinese)."""
    return _language


def chinese() -> bool:
    """Whether the core's reasons should be in Chinese: the same as the window's words."""
    return _language == CHINESE
