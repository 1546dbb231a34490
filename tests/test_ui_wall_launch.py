"""`checkin-desk --wall` and Ctrl+Shift+W: the desk window opens its welcome wall (full
screen on a second screen when there is one), which shows the desk's scans and closes with
the desk window."""

import shutil

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin.app import parse_args  # noqa: E402
from checkin.desk import Desk  # noqa: E402
from checkin.masking import mask_name  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.ui.launcher import Launcher  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊
WAIT = 20_000


@pytest.fixture
def launcher(tmp_path, _imported_event_db):
    path = tmp_path / "shic2026.db"
    shutil.copyfile(_imported_event_db, path)
    launcher = Launcher(db=path, wall=parse_args(["--wall"]).wall,
                        open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    launcher.start()
    yield launcher
    launcher.shutdown()
    QApplication.processEvents()


def test_the_wall_opens_with_the_desk_follows_its_scans_and_closes_with_it(qtbot, launcher):
    window, wall = launcher.window, launcher.wall
    window.desk = Desk(window.store, operator="ui", now=lambda: EVENT_DAY)  # the event's day
    assert wall is not None and wall.isVisible() and wall.store is window.store
    name = reg_store.get(window.store.reader(), PAID).name
    window.scan.submit(PAID)
    qtbot.waitUntil(lambda: wall.hero_name.text() == mask_name(name), timeout=WAIT)
    assert wall.total.text() == "1"

    wall.close()  # the projector's window closed by hand: the shortcut brings it back
    next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+Shift+W").trigger()
    assert launcher.wall is wall and wall.isVisible()
    qtbot.waitUntil(lambda: wall.hero_name.text() == mask_name(name), timeout=WAIT)

    window.close()
    assert not wall.isVisible() and not wall._timer.isActive()  # reads no closed event
