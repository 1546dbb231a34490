"""The import wizard: the column mapping preview of real exports, corrections that change
what is imported, the import on a worker thread with its progress and report, and files
that must be refused without touching the store."""

import shutil

import pytest

pytest.importorskip("PySide6")

from conftest import CSV_GBK, EVENT_TOML, XLSX  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from checkin import paths  # noqa: E402
from checkin.config import load_config  # noqa: E402
from checkin.demo import write_export  # noqa: E402
from checkin.importer import preview_export  # noqa: E402
from checkin.importer.new_event import new_event_path  # noqa: E402
from checkin.masking import mask_email, mask_phone  # noqa: E402
from checkin.printing.printers import FolderPrinter  # noqa: E402
from checkin.privacy import Role  # noqa: E402
from checkin.scanner.sources import ImageFolderSource  # noqa: E402
from checkin.store import Store  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.ui.import_dialog import ImportDialog  # noqa: E402
from checkin.ui.launcher import Launcher  # noqa: E402


@pytest.fixture
def configured_store(store):
    with store.transaction() as conn:
        store.save_config(conn, load_config(EVENT_TOML))
    return store


def wizard(qtbot, **kwargs) -> ImportDialog:
    dialog = ImportDialog(**kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def run_import(qtbot, dialog, timeout=120_000):
    seen = []
    dialog.progress.valueChanged.connect(seen.append)
    dialog.import_button.click()
    assert dialog.running
    qtbot.waitUntil(lambda: not dialog.running, timeout=timeout)
    return seen


def _mapped(dialog) -> dict:
    return {f: c.currentData() for f, c in dialog.combos.items() if c.currentData()}


def test_preview_shows_the_detected_mapping_of_the_xlsx(qtbot, configured_store):
    dialog = wizard(qtbot, store=configured_store, file=XLSX)
    assert dialog.import_button.isEnabled()
    assert dialog.config_box.currentText().startswith("This event's configuration")
    mapping = _mapped(dialog)
    assert mapping["code"] == "报名编号" and mapping["name"] == "姓名"
    assert mapping["phone"] == "手机号" and mapping["title"] == "职务/职称"
    assert mapping["amount"] == "金额(元)" and mapping["meals"] == "用餐"
    assert "序号" in dialog.unmapped.text()
    assert "header on row 2" in dialog.status.text() and "报名信息" in dialog.status.text()
    table = dialog.rows_table
    assert table.rowCount() == 20
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    code_col, meal_col = headers.index("Code"), headers.index("Meals")
    assert table.item(0, code_col).text() == "SHIC2026-000001"
    assert table.item(0, meal_col).text() == "0626-lunch、0627-lunch"  # the event's meal ids
    assert dialog.mapping_table.item(0, 2).text() == "SHIC2026-000001"  # first-row sample


def test_import_runs_with_progress_to_100_and_shows_the_report(qtbot, configured_store, answers):
    dialog = wizard(qtbot, store=configured_store, file=XLSX)
    seen = run_import(qtbot, dialog)
    assert dialog.error == "" and dialog.report is not None
    assert seen and seen[-1] == 100 and dialog.progress.value() == 100
    assert seen == sorted(seen)  # never goes back
    assert dialog.pages.currentIndex() == 1 and dialog.pages.isTabEnabled(1)
    assert f"Imported {answers['rows']} of {answers['rows']} rows" in dialog.summary.text()
    assert "Likely duplicate" in dialog.summary.text()
    assert "Import finished" in dialog.status.text()
    assert configured_store.counts()["registrants"] == answers["rows"]
    assert not dialog.import_button.isEnabled()  # not twice by accident
    dialog.reject()


def test_correcting_a_column_changes_what_is_imported(qtbot, configured_store):
    dialog = wizard(qtbot, store=configured_store, file=XLSX)
    phone = dialog.combos["phone"]
    phone.setCurrentIndex(phone.findData(""))  # "not imported"
    phone.activated.emit(phone.currentIndex())
    assert dialog.mapping() == {"phone": ""}
    assert "手机号" in dialog.unmapped.text()  # now kept as extra data
    headers = [dialog.rows_table.horizontalHeaderItem(c).text()
               for c in range(dialog.rows_table.columnCount())]
    assert "Phone" not in headers
    organisation = dialog.combos["organisation"]  # the title column as organisation:
    organisation.setCurrentIndex(organisation.findData("职务/职称"))  # the title field loses it
    organisation.activated.emit(organisation.currentIndex())
    assert dialog.combos["title"].currentData() == ""
    run_import(qtbot, dialog)
    people = {p.code: p for p in reg_store.all_registrants(configured_store.reader())}
    assert all(p.phone is None for p in people.values())
    fan = people["SHIC2026-000002"]
    assert "手机号" in fan.extra or fan.extra.get("手机号") is None
    assert sum("手机号" in p.extra for p in people.values()) > 2000
    assert all(p.title is None for p in people.values())
    assert any(p.organisation in ("院长", "主任", "教授", "工程师") for p in people.values())


def test_gbk_csv_imports_into_a_new_event(qtbot, answers, tmp_path):
    target = new_event_path(CSV_GBK, tmp_path)
    assert target == tmp_path / "shic2026-registrations-gbk.db"
    dialog = wizard(qtbot, target=target, file=CSV_GBK)
    assert "gb18030" in dialog.status.text()
    assert dialog.config_box.currentData() == "@minimal"
    run_import(qtbot, dialog)
    assert dialog.error == "" and dialog.open_button.isVisible()
    with Store(target) as store:
        assert store.counts()["registrants"] == answers["gbk_rows"]
        assert store.config.name == "shic2026-registrations-gbk"
        assert "6月26日午餐" in [m.name for m in store.config.meals]  # found in the data
    assert new_event_path(CSV_GBK, tmp_path).name == "shic2026-registrations-gbk-2.db"


def test_a_bundled_event_file_can_be_chosen_for_a_new_event(qtbot, tmp_path):
    dialog = wizard(qtbot, target=tmp_path / "new.db", file=XLSX)
    index = next(i for i in range(dialog.config_box.count())
                 if dialog.config_box.itemData(i).endswith("shic2026.toml"))
    dialog.config_box.setCurrentIndex(index)
    dialog._config_chosen()
    run_import(qtbot, dialog)
    with Store(tmp_path / "new.db") as store:
        assert store.config.short_name == "SHIC2026"
        assert [m.id for m in store.config.meals] == ["0626-lunch", "0626-dinner", "0627-lunch"]


def test_a_file_without_a_code_column_is_refused_and_the_store_untouched(
        qtbot, event_store, tmp_path):
    before = event_store.counts()
    nocode = tmp_path / "no-code.csv"
    nocode.write_text("姓名,手机号,单位\n张三,13800138000,协和\n", encoding="utf-8")
    dialog = wizard(qtbot, store=event_store, file=nocode)
    assert "no column for the registration code" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.combos["code"].currentData() == ""
    assert dialog.combos["name"].currentData() == "姓名"  # the rest is still shown
    dialog.start_import()  # even if forced, nothing is written
    qtbot.waitUntil(lambda: not dialog.running, timeout=20_000)
    assert "Nothing was imported" in dialog.status.text()
    assert event_store.counts() == before
    imports = event_store.reader().execute("SELECT count(*) FROM imports").fetchone()[0]
    assert imports == 1  # the fixture's own import only


def test_picking_the_code_column_makes_such_a_file_importable(qtbot, store, tmp_path):
    path = tmp_path / "voucher.csv"
    path.write_text("凭证,姓名\nV-1,张三\nV-2,李四\n", encoding="utf-8")
    dialog = wizard(qtbot, store=store, file=path)
    assert not dialog.import_button.isEnabled()
    code = dialog.combos["code"]
    code.setCurrentIndex(code.findData("凭证"))
    code.activated.emit(code.currentIndex())
    assert dialog.import_button.isEnabled()
    run_import(qtbot, dialog)
    assert [p.code for p in reg_store.all_registrants(store.reader())] == ["V-1", "V-2"]


def test_an_unknown_encoding_is_a_clear_message(qtbot, store, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Code,Name\nA1,Jos\xe9 M\xfcller\xff\xfe\n".encode("latin-1"))
    dialog = wizard(qtbot, store=store, file=path)
    assert "cannot tell the text encoding" in dialog.status.text()
    assert not dialog.import_button.isEnabled()
    assert store.counts()["registrants"] == 0


def test_the_window_keeps_running_during_a_large_import(qtbot, store, tmp_path):
    export = write_export(tmp_path / "big.csv", 12_000)
    dialog = wizard(qtbot, store=store, file=export)
    ticks = []
    timer = QTimer(interval=20, timeout=lambda: ticks.append(1))
    timer.start()
    seen = run_import(qtbot, dialog)
    timer.stop()
    assert dialog.report.imported == 12_000
    assert len(set(seen)) >= 5  # the bar moved in steps, not 0 -> 100
    assert len(ticks) >= 5  # the GUI thread's event loop ran all along


def test_import_from_the_start_screen_opens_the_new_event(qtbot, tmp_path, answers):
    launcher = Launcher(open_source=lambda: ImageFolderSource([]),
                        printer=FolderPrinter(tmp_path / "printed"))
    launcher.start()
    try:
        dialog = launcher.start_dialog.import_export(XLSX)
        assert dialog.target.parent == paths.data_dir()
        run_import(qtbot, dialog)
        dialog.open_button.click()
        qtbot.waitUntil(lambda: launcher.window is not None, timeout=10_000)
        assert launcher.window.store.path == str(paths.data_dir() / "shic2026-registrations.db")
        assert launcher.window.store.counts()["registrants"] == answers["rows"]
        # and the window's own File menu imports into it again (an update: nothing new)
        again = launcher.import_into(launcher.window, XLSX)
        assert again.config_box.currentData() == "@current"
        run_import(qtbot, again)
        assert again.report.added == 0 and again.report.unchanged == answers["rows"]
        again.reject()
    finally:
        launcher.shutdown()
        QApplication.processEvents()


def test_new_event_target_is_never_overwritten(qtbot, tmp_path, event_store):
    existing = tmp_path / "taken.db"
    shutil.copyfile(event_store.path, existing)
    dialog = wizard(qtbot, target=existing, file=XLSX)
    run_import(qtbot, dialog)
    assert "already exists" in dialog.status.text()


def _column(table, header: str) -> list[str]:
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = headers.index(header)
    return [table.item(r, column).text() for r in range(table.rowCount())
            if table.item(r, column) is not None]


def test_the_preview_masks_phones_and_emails_as_the_cli_does_unless_organiser(
        qtbot, configured_store):
    """The desk role sees 138****8000 and z***@example.org in the preview, the examples and
    the raw rows, exactly what `checkin import` shows; the organiser sees them whole."""
    config = configured_store.config
    people = preview_export(XLSX, config, rows=20).people
    dialog = wizard(qtbot, store=configured_store, file=XLSX)  # no window: the desk role
    assert dialog.role == Role.DESK
    phones, emails = _column(dialog.rows_table, "Phone"), _column(dialog.rows_table, "E-mail")
    assert phones == [mask_phone(p.phone) or "" for p in people]
    assert emails == [mask_email(p.email) or "" for p in people]
    assert any("****" in p for p in phones) and any("***@" in e for e in emails)
    whole = [p.phone for p in people if p.phone]
    assert not any(number in " ".join(phones) for number in whole)
    examples = {f: dialog.mapping_table.item(row, 2).text()
                for row, f in enumerate(dialog.combos)}
    assert "****" in examples["phone"] and "***@" in examples["email"]

    dialog.set_role(Role.ORGANISER)  # unlocked: whole, as `--role organiser` shows them
    assert _column(dialog.rows_table, "Phone") == [p.phone or "" for p in people]
    assert _column(dialog.rows_table, "E-mail") == [p.email or "" for p in people]
    dialog.set_role(Role.DESK)  # locked again
    assert _column(dialog.rows_table, "Phone") == phones
    organiser = wizard(qtbot, store=configured_store, file=XLSX, role=Role.ORGANISER)
    assert _column(organiser.rows_table, "Phone") == [p.phone or "" for p in people]


def test_the_raw_rows_of_an_incomplete_mapping_are_masked_too(qtbot, store, tmp_path):
    path = tmp_path / "no-code.csv"
    path.write_text("姓名,手机号,邮箱,备注\n张三,13800138000,zhang.san@example.org,"
                    "电话 13900139000\n", encoding="utf-8")
    dialog = wizard(qtbot, store=store, file=path)
    assert not dialog.import_button.isEnabled()  # no code column: the rows as the file has them
    row = [dialog.rows_table.item(0, c).text() for c in range(dialog.rows_table.columnCount())]
    assert row == ["张三", "138****8000", "z***@example.org", "电话 139****9000"]
    assert dialog.mapping_table.item(list(dialog.combos).index("phone"), 2).text() \
        == "138****8000"


def test_the_import_dialog_follows_the_windows_organiser_mode(qtbot, event_store, tmp_path):
    from ui_helpers import desk_window

    window = desk_window(qtbot, event_store, tmp_path / "printed")
    try:
        dialog = ImportDialog(window, store=event_store, file=XLSX)
        qtbot.addWidget(dialog)
        assert dialog.role == Role.DESK and "****" in " ".join(
            _column(dialog.rows_table, "Phone"))
        window.organiser._unlocked()  # as a right PIN does
        assert dialog.role == Role.ORGANISER
        assert "****" not in " ".join(_column(dialog.rows_table, "Phone"))
        window.organiser.lock("manual")
        assert dialog.role == Role.DESK
        assert "****" in " ".join(_column(dialog.rows_table, "Phone"))
        dialog.reject()
    finally:
        window.close()


def test_a_file_without_a_header_row_does_not_show_its_first_person_whole(qtbot, store, tmp_path):
    """Without a header row the first row is offered as the headers: it is a person."""
    path = tmp_path / "no-header.csv"
    path.write_text("张三,13800138000\n李四,13900139000\n", encoding="utf-8")
    dialog = wizard(qtbot, store=store, file=path)
    table = dialog.rows_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["张三", "138****8000"]
    assert [table.item(0, c).text() for c in range(table.columnCount())] == ["李四", "139****9000"]
    phone = dialog.combos["phone"]
    assert [phone.itemText(i) for i in range(phone.count())][1:] == ["张三", "138****8000"]
    assert phone.itemData(2) == "13800138000"  # the mapping still names the real column
    assert "13800138000" not in dialog.status.text() and "138****8000" in dialog.status.text()
