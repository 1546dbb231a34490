"""The desk window's two languages: English source strings in checkin/ui, every one with a
finished Chinese translation in assets/translations/checkin_zh_CN.ts, the compiled .qm up to
date, and a window that shows the language it was started in."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EVENT_DAY

pytest.importorskip("PySide6")

from PySide6.QtCore import QCoreApplication, QLibraryInfo  # noqa: E402

from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.ui import i18n, translations  # noqa: E402

UI = Path(i18n.__file__).resolve().parent
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"\{\d*\}")
# Chinese that is data, not words of the window: a language's own name in the language menu,
# the default category of a walk-in (a category name of the event file).
CHINESE_DATA = {"中文", "参会代表"}
NOT_WINDOW_WORDS = {"screenshots.py"}  # its Chinese is demo data typed into the forms


def ts_messages() -> dict[tuple[str, str, str], dict]:
    return {(m["context"], m["source"], m["comment"]): m for m in translations.messages()}


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def source_strings() -> list[tuple[str, str, str, str]]:
    """(context, source, disambiguation, where) of every literal handed to self.tr(),
    translate("Context", ...) / QCoreApplication.translate(...) and QT_TRANSLATE_NOOP()."""
    found = []

    def visit(node: ast.AST, context: str, file: str) -> None:
        if isinstance(node, ast.ClassDef):
            context = node.name
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = [_literal(a) for a in node.args]
            where = f"{file}:{node.lineno}"
            if name == "tr" and isinstance(func, ast.Attribute) and args and args[0] is not None:
                found.append((context, args[0], args[1] if len(args) > 1 and args[1] else "",
                              where))
            elif name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2 \
                    and args[0] is not None and args[1] is not None:
                found.append((args[0], args[1], args[2] if len(args) > 2 and args[2] else "",
                              where))
        for child in ast.iter_child_nodes(node):
            visit(child, context, file)

    for path in sorted(UI.glob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), "", path.name)
    return found


def test_every_source_string_has_a_finished_chinese_translation():
    strings = source_strings()
    assert len(strings) > 300  # the scan found the window's words
    messages = ts_messages()
    missing = [(c, s, d, w) for c, s, d, w in strings if (c, s, d) not in messages]
    assert not missing, f"not in {i18n.TS_FILE.name} (run python -m checkin.ui.translations " \
                        f"update): {missing}"
    unfinished = [key for key, m in messages.items() if not m["finished"]]
    assert not unfinished, f"without a finished Chinese translation: {unfinished}"
    for (context, source, _), m in messages.items():
        assert CJK.search(m["translation"]) or not CJK.search(source), (context, source)
        assert not CJK.search(source), f"{context}: source strings are English: {source!r}"


def test_translations_keep_the_placeholders():
    for (context, source, _), m in ts_messages().items():
        assert sorted(PLACEHOLDER.findall(m["translation"])) == \
            sorted(PLACEHOLDER.findall(source)), (context, source, m["translation"])


def test_no_chinese_words_left_in_the_code():
    """The window's Chinese comes from the .ts file only (docstrings and comments aside)."""
    left = []
    for path in sorted(UI.glob("*.py")):
        if path.name in NOT_WINDOW_WORDS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.value) for node in ast.walk(tree)
                      if isinstance(node, ast.Expr) and _literal(node.value) is not None}
        for node in ast.walk(tree):
            text = _literal(node)
            if text and id(node) not in docstrings and CJK.search(text) \
                    and text not in CHINESE_DATA:
                left.append(f"{path.name}:{node.lineno}: {text!r}")
    assert not left, left


def _tool(name: str) -> str:
    try:
        return translations.tool(name)
    except FileNotFoundError:
        pytest.skip(f"{name} not installed")


def test_the_ts_file_is_what_lupdate_finds(tmp_path):
    """Running lupdate now adds and drops nothing: the .ts is current with the code."""
    _tool("pyside6-lupdate")
    copy = tmp_path / i18n.TS_FILE.name
    shutil.copyfile(i18n.TS_FILE, copy)
    translations.lupdate(copy)
    found = {(m["context"], m["source"], m["comment"]) for m in translations.messages(copy)}
    assert found == set(ts_messages())
    assert translations.unfinished(copy) == []


def test_the_qm_file_is_compiled_from_the_ts(tmp_path):
    _tool("pyside6-lrelease")
    fresh = tmp_path / "fresh.qm"
    translations.lrelease(i18n.TS_FILE, fresh)
    assert fresh.read_bytes() == i18n.QM_FILE.read_bytes(), \
        "checkin_zh_CN.qm is stale: run python -m checkin.ui.translations update"


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


def make_window(qtbot, store, tmp_path):
    from checkin.ui.main_window import DeskWindow

    window = DeskWindow(store, operator="ui", open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    qtbot.addWidget(window)
    return window


def tab_titles(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


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


def test_translations_command_reports_a_complete_file():
    result = subprocess.run([sys.executable, "-m", "checkin.ui.translations", "check"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 strings without a finished translation" in result.stdout


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
