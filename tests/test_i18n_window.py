"""The desk window in both languages, its words from the one gettext catalogue
(checkin/locale, see tests/test_i18n.py): a zh window whose screens show no English word that
is not data, and a check that does fail when one does."""

from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path

import pytest
from conftest import EVENT_DAY

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QModelIndex, Qt  # noqa: E402
from PySide6.QtGui import QTextDocument  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from ui_helpers import desk_window  # noqa: E402

from checkin import i18n as catalogue  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.ui import i18n  # noqa: E402

# Every window module imported before a language is installed, as the launcher does (it
# imports them all, then installs the translator): words translated at import time would
# stay English on a Chinese screen, and the walk below must see that whatever ran first.
for _module in ("launcher", "main_window", "settings_dialog", "walkin_dialog"):
    importlib.import_module(f"checkin.ui.{_module}")

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

# -- what counts as an English message ---------------------------------------------------
# Data and names that stay as they are on a Chinese screen: a brand, a standard, a unit, a
# key, a file type. Anything else in Latin letters is a word of the window left in English.
ALLOWED_WORDS = {
    "QR", "PDF", "CUPS", "Wi", "Fi", "USB", "HID", "CSV", "XLSX", "TOML", "JSON", "PIN",
    "URL", "HTTPS", "TLS", "ID", "IP", "Ctrl", "Shift", "Alt", "Esc", "Enter", "Tab", "Del",
    "Backspace", "PgUp", "PgDn", "mm", "ms", "px", "dpi", "Checkin", "Desk",  # the brand
    "Qt", "zbar", "zxing", "OpenCV",  # not WeChat, Alipay: 微信, 支付宝 on a Chinese screen
    "English",  # the language menu names each language in its own words
}
# Not words at all: links, addresses, paths, commands in backticks, codes with digits.
NOT_WORDS = re.compile(
    r"https?://\S+|\S+@\S+\.\S+|`[^`]*`|(?<![\w])[~/][\w./~-]+|\S*\d\S*|"
    r"checkin-enrol:\S*|\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b|&(?=\w)")
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")


def english_words(text: str, data: set[str] = frozenset()) -> list[str]:
    """The English words of a text on a Chinese screen, data and allowed names left out."""
    plain = NOT_WORDS.sub(" ", text)
    return [w for w in WORD.findall(plain)
            if w not in ALLOWED_WORDS and w not in data and len(w) > 1]


def plain_text(text: str) -> str:
    if re.search(r"<[a-zA-Z/][^>]*>|&\w+;", text):  # rich text: what it shows
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def _menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    found = [(where, menu.title())]
    for action in menu.actions():
        if action.menu() is not None:
            found += _menu_texts(action.menu(), f"{where}/menu")
        elif not action.isSeparator():
            found += [(f"{where}/action", action.text()), (f"{where}/tip", action.toolTip())]
    return found


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text on screen in `root`: window titles, labels, buttons,
    group titles, placeholders, tabs, combo items, menus, table and list headers and cells,
    read-only texts, and tooltips."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        where = f"{type(widget).__name__}:{widget.objectName() or ''}"
        if widget.isWindow():
            found.append((f"{where} title", widget.windowTitle()))
        if widget.toolTip():
            found.append((f"{where} tooltip", widget.toolTip()))
        if isinstance(widget, (QLabel, QAbstractButton)):
            found.append((where, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((where, widget.title()))
        elif isinstance(widget, QLineEdit):
            found.append((f"{where} placeholder", widget.placeholderText()))
            if widget.isReadOnly():
                found.append((where, widget.text()))
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            found.append((f"{where} placeholder", widget.placeholderText()))
            if widget.isReadOnly():
                found.append((where, widget.toPlainText()))
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                found += [(f"{where} tab", widget.tabText(i)),
                          (f"{where} tab tip", widget.tabToolTip(i))]
        elif isinstance(widget, QComboBox):
            found += [(f"{where} item", widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model, top = widget.model(), QModelIndex()
            try:
                columns = model.columnCount(top)
            except TypeError:  # a list model: one column, its count not public in PySide
                columns = 1
            for column in range(columns):
                found.append((f"{where} header", str(model.headerData(
                    column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")))
                for row in range(min(model.rowCount(top), 50)):
                    index = model.index(row, column)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(index, role)
                        if isinstance(value, str):
                            found.append((f"{where} cell", value))
        if isinstance(widget, QMainWindow) and widget.menuWidget() is not None:
            for action in widget.menuBar().actions():
                if action.menu() is not None:
                    found += _menu_texts(action.menu(), f"{where} menu")
    return [(where, plain_text(text)) for where, text in found if text and text.strip()]


def english_on_screen(root: QWidget, data: set[str] = frozenset()) -> list[str]:
    return [f"{where}: {text!r} -> {words}" for where, text in visible_texts(root)
            if (words := english_words(text, data))]


def event_data_words(store, operator: str = "ui") -> set[str]:
    """Latin words of the event's own data (its configuration: names of the event, forums,
    meals, categories; the registrants' rows), this desk's name and its operator: data,
    shown as the organiser or the desk typed it."""
    words: set[str] = set(WORD.findall(operator))

    def walk(value) -> None:
        if isinstance(value, str):
            words.update(WORD.findall(value))
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple, set)):
            for item in value:
                walk(item)

    walk(dataclasses.asdict(store.config))
    for row in store.reader().execute("SELECT * FROM registrants"):
        walk(tuple(row))
    walk(store.device_label(store.device_id))
    return words


# -- fixtures ------------------------------------------------------------------------------
@pytest.fixture
def language(qapp, monkeypatch):
    """Install a language for one test; English (what every other test sees) afterwards."""
    def install(tag: str) -> str:
        monkeypatch.setenv(i18n.ENV, tag)
        return i18n.install("system")

    yield install
    monkeypatch.setenv(i18n.ENV, "en")
    assert i18n.install("system") == "en"
    assert QCoreApplication.translate("DeskWindow", "Scan (F1)") == "Scan (F1)"
    assert catalogue.current().language == "en"


def make_window(qtbot, store, tmp_path):
    from checkin.ui.main_window import DeskWindow

    window = DeskWindow(store, operator="ui", open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    qtbot.addWidget(window)
    return window


def tab_titles(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


# -- which language ----------------------------------------------------------------------
@pytest.mark.parametrize(("tag", "language"), [
    ("zh_CN", "zh"), ("zh-Hans-CN", "zh"), ("zh_TW", "zh"), ("ZH", "zh"),
    ("en_US", "en"), ("en", "en"), ("fr_FR", "en"), ("de-DE", "en"),
])
def test_environment_override_picks_the_language(monkeypatch, tag, language):
    monkeypatch.setenv(i18n.ENV, tag)
    for setting in ("system", "zh", "en"):
        assert i18n.resolve(setting) == language


def test_setting_decides_without_override_and_system_asks_qt(monkeypatch):
    monkeypatch.delenv(i18n.ENV, raising=False)
    assert i18n.resolve("zh") == "zh" and i18n.resolve("en") == "en"
    assert i18n.resolve("system") == i18n.system_language() in ("zh", "en")


# -- the translator: by English text, whatever the Qt context -----------------------------
def test_qt_asks_the_catalogue_by_english_text_in_any_context(language):
    assert language("zh") == "zh"
    translate = QCoreApplication.translate
    assert translate("DeskWindow", "Scan (F1)") == "扫码 (F1)"
    # UI code moved to another class keeps its words: the context only picks a variant
    assert translate("SomeNewPanel", "Scan (F1)") == "扫码 (F1)"
    assert translate("SettingsDialog", "OK") == "确定" and translate("ResultBanner", "OK") == "通过"
    assert translate("SyncStatus", "error") == "出错" and translate("DeskWindow", "error") == "错误"
    assert translate("PersonPanel", "Not checked in", "failed") == "未签到"
    assert translate("PersonPanel", "Not checked in") == "未报到"
    assert translate("AnyClass", "No such string in the catalogue") == \
        "No such string in the catalogue"  # unknown: the source, not an empty string
    assert catalogue.gettext("Scan (F1)") == "扫码 (F1)"  # the Qt-free _() follows the window
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if (folder / "qtbase_zh_CN.qm").exists():  # Qt's own words (standard buttons) too
        assert translate("QPlatformTheme", "Cancel") == "取消"


# -- whole windows ---------------------------------------------------------------------------
def test_window_in_chinese(qtbot, event_store, tmp_path, language):
    assert language("zh_CN") == "zh" and i18n.chinese()
    window = make_window(qtbot, event_store, tmp_path)
    try:
        assert tab_titles(window) == ["扫码 (F1)", "查找 (F2)", "看板 (F3)"]
        assert window.station_box.itemText(0) == "报到"
        assert window.desk.chinese  # the core's reasons in the same language
        assert window.scan.banner.text().count("请扫码") == 1
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
        if (folder / "qtbase_zh_CN.qm").exists():  # Qt's own words (standard buttons) too
            assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        window.close()


def test_window_in_english(qtbot, event_store, tmp_path, language):
    assert language("en") == "en" and not i18n.chinese()
    window = make_window(qtbot, event_store, tmp_path)
    try:
        assert tab_titles(window) == ["Scan (F1)", "Find (F2)", "Dashboard (F3)"]
        assert window.station_box.itemText(0) == "Registration"
        assert not window.desk.chinese
        assert not CJK.search(window.scan.banner.text())
    finally:
        window.close()


def test_a_scan_answers_in_the_window_language(qtbot, event_store, tmp_path, language):
    from checkin.model import Outcome

    language("zh")
    window = make_window(qtbot, event_store, tmp_path)
    try:
        window.scan.submit("SHIC2026-999999")
        qtbot.waitUntil(lambda: window.scan.banner.outcome == Outcome.NOT_FOUND, timeout=10_000)
        text = window.scan.banner.text()
        assert "查无此人" in text and "查无此报名编号" in text  # title and core reason
    finally:
        window.close()


def test_camera_printer_and_sync_troubles_are_said_in_the_window_language(
        qtbot, event_store, tmp_path, language):
    """The finding: camera, printer and sync messages reached a Chinese screen in English.
    Their gist is now in the window's words (what the camera, CUPS or the server said stays
    in brackets or in the tooltip, for whoever fixes it)."""
    from checkin.desk import Desk
    from checkin.printing.printers import PrinterError
    from checkin.sync import status as st
    from checkin.ui.main_window import DeskWindow
    from checkin.ui.sync_panel import status_text

    class DisabledQueue:  # the printer, at the edge of the hardware: CUPS says it is disabled
        name = "badge"

        def print_pdf(self, pdf: bytes, title: str) -> None:
            raise PrinterError("printer 'badge' is disabled: switch it on and enable it "
                               "(lp: disabled)", "printer_disabled", name="badge",
                               said="lp: disabled")

    language("zh")
    window = DeskWindow(event_store, operator="ui", open_source=lambda: ImageFolderSource([]),
                        printer=DisabledQueue())
    qtbot.addWidget(window)
    window.desk = Desk(event_store, operator="ui", chinese=True, now=lambda: EVENT_DAY)
    try:
        window._camera_changed("lost", "camera 0 is not available (unplugged or used by "
                                       "another app)")
        assert "已拔出或被其他程序占用" in window.camera_state.text()
        assert "camera 0" in window.camera_state.toolTip()
        offline = st.SyncStatus(state=st.OFFLINE, pending=2, last_error=(
            "cannot reach the server at https://10.0.0.5:8765 (ConnectError: [Errno 111] "
            "Connection refused)"))
        line = status_text(offline)
        assert "无法连接服务器" in line and "cannot" not in line
        window.scan.submit("SHIC2026-000002")  # admitted: the badge goes to the printer
        qtbot.waitUntil(lambda: "打印机 badge 已停用" in window.printing.state.text(),
                        timeout=15_000)
        assert "lp: disabled" in window.printing.state.text()  # CUPS' own words, bracketed
        qtbot.waitUntil(lambda: "打印机 badge 已停用" in window.scan.banner.text(),
                        timeout=15_000)  # said on the banner too, in the same language
    finally:
        window.close()


# -- no English on a Chinese screen --------------------------------------------------------
def _settle(qtbot, ms: int = 150) -> None:
    qtbot.wait(ms)
    QApplication.processEvents()


def _pages(dialog) -> list:
    """Each page of a dialog made of tabs or a list of sections, shown in turn."""
    from PySide6.QtWidgets import QStackedWidget, QTabWidget

    tabs = dialog.findChildren(QTabWidget)
    stacks = dialog.findChildren(QStackedWidget)
    if tabs:
        return [(tabs[0], i) for i in range(tabs[0].count())]
    if stacks:
        return [(stacks[0], i) for i in range(stacks[0].count())]
    return [(None, 0)]


def screens_in_chinese(qtbot, store, tmp_path):
    """Yield (screen name, widget) for each screen of a zh desk window on the fixture event:
    scan (idle, admitted, refused), find with a person, dashboard, settings (every page),
    walk-in form, and the person panel's reprint, edit and override forms."""
    from checkin.model import Outcome
    from checkin.settings import SettingsFile
    from checkin.ui.settings_dialog import open_settings

    window = desk_window(qtbot, store, tmp_path / "printed")
    scan, person = window.scan, window.person
    try:
        window.tabs.setCurrentWidget(scan)
        _settle(qtbot)
        yield "scan (idle)", window
        for code, outcome in (("SHIC2026-000002", Outcome.OK),
                              ("SHIC2026-000002", Outcome.ALREADY),
                              ("SHIC2026-999999", Outcome.NOT_FOUND)):
            scan.submit(code)
            qtbot.waitUntil(lambda o=outcome: scan.banner.outcome == o, timeout=10_000)
            _settle(qtbot)
            yield f"scan ({outcome.value})", window

        window._find()
        name = store.reader().execute(
            "SELECT name FROM registrants WHERE code = 'SHIC2026-000002'").fetchone()[0]
        window.search.query.setText(name)
        qtbot.waitUntil(lambda: person.code == "SHIC2026-000002", timeout=10_000)
        qtbot.waitUntil(lambda: person.history.rowCount() >= 1, timeout=10_000)
        _settle(qtbot)
        yield "find (a person)", window
        for opened in (person.open_reprint, person.open_edit, person.open_override):
            opened()
            _settle(qtbot)
            yield f"person form {type(person.dialog).__name__}", person.dialog
            person.dialog.reject()

        window.open_walk_in()
        _settle(qtbot)
        yield "walk-in form", window.walk_in_dialog
        window.walk_in_dialog.discard()

        board = window.dashboard
        window.tabs.setCurrentWidget(board)
        qtbot.waitUntil(lambda: board.last_stats is not None, timeout=10_000)
        _settle(qtbot, 300)
        yield "dashboard", window

        window.tabs.setCurrentWidget(scan)
        dialog = open_settings(window, SettingsFile())
        _settle(qtbot)
        for container, index in _pages(dialog):
            if container is not None:
                container.setCurrentIndex(index)
                _settle(qtbot, 50)
            yield f"settings (page {index + 1})", dialog
        dialog.reject()
    finally:
        window.close()


def test_a_chinese_window_shows_no_english_message(qtbot, event_store, tmp_path, language):
    """Walk every visible text of every screen of a zh window; a Latin word that is neither
    data of the event nor an allowed name (QR, PDF, CUPS ...) is an untranslated string:
    add its Chinese to checkin/locale/zh_CN/LC_MESSAGES/checkin.po
    (`python -m checkin.catalogue update`, translate, update again)."""
    assert language("zh") == "zh"
    data = event_data_words(event_store)
    seen, english = [], []
    for screen, widget in screens_in_chinese(qtbot, event_store, tmp_path):
        texts = visible_texts(widget)
        assert any(CJK.search(text) for _, text in texts), screen  # the walk reads the screen
        seen.append(screen)
        english += [f"{screen} | {line}" for line in english_on_screen(widget, data)]
    assert len(seen) >= 10, seen
    assert not english, "English on a Chinese screen:\n" + "\n".join(english)


def test_the_english_check_catches_an_untranslated_label(qtbot, event_store, tmp_path,
                                                         language):
    """The same walk, with one label that missed the catalogue: the check fails on it, and
    on a tooltip and a table header that missed it too, while data stays allowed."""
    from PySide6.QtWidgets import QTableWidget, QVBoxLayout

    assert language("zh") == "zh"
    window = desk_window(qtbot, event_store, tmp_path / "printed")
    try:
        data = event_data_words(event_store)
        assert english_on_screen(window, data) == []
        holder = QWidget()
        layout = QVBoxLayout(holder)
        untranslated = QLabel(QCoreApplication.translate("ScanScreen", "Ready for the next guest"))
        data_only = QLabel("SHIC2026-000002 · QR · PDF · https://checkin.example.org")
        tipped = QLabel("扫码")
        tipped.setToolTip("Click to rescan")
        table = QTableWidget(1, 2)
        table.setHorizontalHeaderLabels(["姓名", "Arrived at"])
        for widget in (untranslated, data_only, tipped, table):
            layout.addWidget(widget)
        window.scan.layout().addWidget(holder)
        _settle(qtbot)
        found = "\n".join(english_on_screen(window, data))
        assert "Ready for the next guest" in found
        assert "Click to rescan" in found and "Arrived at" in found
        assert "SHIC2026-000002" not in found and "example" not in found
        holder.hide()  # what is not on screen is not looked at
        _settle(qtbot)
        assert english_on_screen(window, data) == []
    finally:
        window.close()


def test_start_connect_and_import_screens_in_chinese_show_no_english(qtbot, event_store,
                                                                      tmp_path, language):
    """The screens before and around the desk window: the start screen, connecting to a
    central list, and the import wizard over an open event."""
    from conftest import XLSX

    from checkin.ui.launcher import Launcher
    from checkin.ui.settings_dialog import NoCamera

    assert language("zh") == "zh"
    data = event_data_words(event_store)
    launcher = Launcher(operator="ui", open_source=NoCamera,
                        printer=FolderPrinter(tmp_path / "printed"))
    english = []
    try:
        start = launcher.show_start()
        _settle(qtbot)
        assert any(CJK.search(text) for _, text in visible_texts(start))
        english += [f"start | {line}" for line in english_on_screen(start, data)]
        central = start.connect_central()
        _settle(qtbot)
        english += [f"connect | {line}" for line in english_on_screen(central, data)]
        central.reject()
        start.close()
        window = desk_window(qtbot, event_store, tmp_path / "printed")
        importer = launcher.import_into(window, XLSX)
        qtbot.waitUntil(lambda: importer.preview is not None, timeout=15_000)
        _settle(qtbot)
        assert len(visible_texts(importer)) > 20  # the mapping and the file's first rows
        english += [f"import | {line}" for line in english_on_screen(importer, data)]
        importer.reject()
        window.close()
    finally:
        launcher.shutdown()
    assert not english, "English on a Chinese screen:\n" + "\n".join(english)
