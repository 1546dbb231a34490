"""The ID card and CME card numbers in the desk window's person panel: masked for the desk
role, whole once the organiser PIN unlocks it (recorded as shown), masked again when it is
locked. Real window, offscreen, on a real SQLite file."""

import dataclasses

import pytest

pytest.importorskip("PySide6")

from conftest import EVENT_DAY  # noqa: E402
from ui_helpers import find_window, select  # noqa: E402

from checkin import privacy  # noqa: E402
from checkin.desk import Desk  # noqa: E402
from checkin.privacy import Role  # noqa: E402
from checkin.store import audit  # noqa: E402

XUMIN = "SHIC2026-000005"  # 许敏
PIN = "2468013579"
ID_NUMBER = "11010519491231002X"
WAIT = 15_000


def test_the_person_panel_masks_the_numbers_until_the_organiser_unlocks(qtbot, event_store,
                                                                        tmp_path):
    config = event_store.config
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(config, privacy=dataclasses.replace(
            config.privacy, organiser_pin_hash=privacy.hash_pin(PIN))))
    Desk(event_store, operator="alice", now=lambda: EVENT_DAY).edit(
        XUMIN, {"id_number": ID_NUMBER, "cme_card": "CME20260042"}, reason="for CME credit")
    window = find_window(qtbot, event_store, tmp_path / "printed")
    try:
        select(window, "xumin", XUMIN)
        values = window.person.values
        assert values["id_number"].text() == "1101************2X"
        assert values["cme_card"].text() == "*********42"

        window.organiser_action.trigger()
        window.pin_dialog.pin.setText(PIN)
        window.pin_dialog.action.click()
        qtbot.waitUntil(lambda: window.organiser.role == Role.ORGANISER, timeout=WAIT)
        qtbot.waitUntil(lambda: values["id_number"].text() == ID_NUMBER, timeout=WAIT)
        assert values["cme_card"].text() == "CME20260042"
        qtbot.waitUntil(lambda: bool(audit.entries(event_store.reader(), audit.SHOWN)),
                        timeout=WAIT)
        shown = audit.entries(event_store.reader(), audit.SHOWN)[0]
        assert {"id_number", "cme_card"} <= set(shown.details["fields"])
        assert ID_NUMBER not in str(shown.details)  # which fields, never the number

        window.organiser_action.trigger()  # locked again
        assert values["id_number"].text() == "1101************2X"
    finally:
        window.organiser.lock()
        window.close()
