"""Steps the desk-window tests share."""

from PySide6.QtCore import Qt


def select(window, query, code):
    """Type a query in the Find tab and click the result with this code (picked on purpose:
    Enter may then check that person in)."""
    from PySide6.QtTest import QTest

    window.search.query.setText(query)
    results = window.search.results
    row = next(r for r in range(results.count())
               if results.item(r).data(Qt.ItemDataRole.UserRole) == code)
    item = results.item(row)
    results.scrollToItem(item)
    QTest.mouseClick(results.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, results.visualItemRect(item).center())
    assert window.search.picked and window.person.values["code"].text() == code
    return item


def desk_window(qtbot, store, printed, **options):
    """A desk window shown at 1366x768 and active, no camera, PDFs to `printed`, with a desk
    whose clock stands at the event day (Chinese reasons)."""
    from conftest import EVENT_DAY
    from PySide6.QtWidgets import QApplication

    from checkin.desk import Desk
    from checkin.printing.printers import FolderPrinter
    from checkin.scanner.sources import ImageFolderSource
    from checkin.ui.main_window import DeskWindow

    window = DeskWindow(store, operator="ui", open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(printed), **options)
    window.desk = Desk(store, operator="ui", chinese=True, now=lambda: EVENT_DAY)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    return window


def find_window(qtbot, store, printed, **options):
    """desk_window on the Find tab, with the search index built."""
    window = desk_window(qtbot, store, printed, **options)
    qtbot.waitUntil(lambda: window.search.index.generation >= 0, timeout=10_000)
    window.tabs.setCurrentWidget(window.find)
    return window
