"""A copied desk database cannot enrol as a second desk: the desk says what to do instead."""

from __future__ import annotations

import shutil

import pytest

from checkin.store import Store
from checkin.sync.client import Rejected, SyncClient
from checkin.sync.enrolment import enrol


def test_a_copied_desk_database_is_told_to_use_a_fresh_one(central, real_desks, tmp_path):
    event = central.new_event(import_export=False)
    original = real_desks("报到处1", event)
    copy_path = tmp_path / "copy.db"
    original.store._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(original.store.path, copy_path)
    code = central.organiser.create_enrolment(event, "报到处2")["code"]
    with Store(copy_path) as copied, SyncClient(central.base_url) as bootstrap:
        with pytest.raises(Rejected, match="fresh desk database") as refused:
            enrol(copied, bootstrap, code)
    assert refused.value.error == "device_taken"
    with Store(tmp_path / "fresh.db") as fresh, SyncClient(central.base_url) as bootstrap:
        enrol(fresh, bootstrap, code)  # the code was not used up by the refusal
