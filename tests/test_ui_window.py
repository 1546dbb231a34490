"""The first desk window: a scanned code gives a banner with the name and the answer."""

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402

from checkin.desk import Desk  # noqa: E402
from checkin.ui.main_window import BANNER_COLOURS, REFUSED_COLOUR, DeskWindow  # noqa: E402


@pytest.fixture
def window(qtbot, event_store):
    win = DeskWindow(event_store)
    win.desk = Desk(event_store, operator="ui", chinese=True, now=lambda: EVENT_DAY)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def scan(qtbot, window, text):
    window.code_field.setText(text)
    qtbot.keyClick(window.code_field, "\r")


def test_scan_shows_welcome_then_already(qtbot, window):
    scan(qtbot, window, "SHIC2026-000002")
    assert "范俊" in window.banner.text() and "欢迎" in window.banner.text()
    assert BANNER_COLOURS[next(iter(BANNER_COLOURS))] in window.banner.styleSheet()
    assert window.code_field.text() == ""  # ready for the next person
    assert "已到 arrived 1 /" in window.summary.text()
    scan(qtbot, window, "SHIC2026-000002")
    assert "已于" in window.banner.text()


def test_unknown_code_is_red(qtbot, window):
    scan(qtbot, window, "SHIC2026-999999")
    assert REFUSED_COLOUR in window.banner.styleSheet()
    assert "查无此报名编号" in window.banner.text()
