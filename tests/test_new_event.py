"""A new event from an export without the window (checkin/importer/new_event.py), and what
the import wizard may show of it (checkin/importer/masked.py)."""

from __future__ import annotations

import pytest
from conftest import EVENT_TOML, XLSX

from checkin.config import load_config
from checkin.importer import ImportFileError, preview_export
from checkin.importer import new_event as ne
from checkin.importer.masked import preview_for, problems_for
from checkin.importer.report import Problem
from checkin.privacy import Role
from checkin.store import Store, StoreError


def test_a_new_event_database_is_made_with_its_configuration(tmp_path, answers):
    target = ne.new_event_path(XLSX, tmp_path)
    report = ne.import_export(XLSX, load_config(EVENT_TOML), target=target)
    assert report.imported == answers["rows"]
    with Store(target) as store:
        assert store.config.short_name == "SHIC2026"
    assert ne.new_event_path(XLSX, tmp_path).name == "shic2026-registrations-2.db"


def test_a_minimal_event_is_named_after_its_export_and_learns_from_the_data(tmp_path):
    config = ne.minimal_config(XLSX)
    assert config.name == "shic2026-registrations" and config.meals == []
    target = tmp_path / "new.db"
    ne.import_export(XLSX, config, target=target)
    with Store(target) as store:
        assert store.config.meals  # found in the data


def test_an_unimportable_file_writes_nothing(tmp_path):
    nocode = tmp_path / "no-code.csv"
    nocode.write_text("姓名,手机号\n张三,13800138000\n", encoding="utf-8")
    target = tmp_path / "new.db"
    with pytest.raises(ImportFileError, match="no column for the registration code"):
        ne.import_export(nocode, ne.minimal_config(nocode), target=target)
    assert list(tmp_path.glob("new.db*")) == []


def test_a_failed_new_event_leaves_no_half_made_database(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(ne, "import_file", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        ne.create_event(tmp_path / "new.db", ne.minimal_config(XLSX), XLSX)
    assert list(tmp_path.glob("new.db*")) == []


def test_an_existing_file_is_never_overwritten(tmp_path):
    taken = tmp_path / "taken.db"
    taken.write_bytes(b"someone's event")
    with pytest.raises(StoreError, match="already exists"):
        ne.create_event(taken, ne.minimal_config(XLSX), XLSX)
    assert taken.read_bytes() == b"someone's event"


def test_the_open_event_takes_a_new_configuration_only_when_asked(store):
    ne.import_export(XLSX, load_config(EVENT_TOML), store=store, save_config=True)
    assert store.config.short_name == "SHIC2026"
    with pytest.raises(ValueError):
        ne.import_export(XLSX, store.config)  # neither a store nor a target


def test_bundled_event_files_are_offered_by_name():
    files = dict(ne.bundled_event_files())
    assert files[EVENT_TOML] == load_config(EVENT_TOML).name


def test_the_demo_event_is_made_through_the_importer(tmp_path):
    path = ne.create_demo_event(tmp_path / "sub" / "demo.db", people=30)
    with Store(path) as store:
        assert store.counts()["registrants"] == 30


def test_the_preview_for_the_desk_masks_what_the_cli_masks():
    preview = preview_export(XLSX, load_config(EVENT_TOML), rows=5)
    shown = preview_for(preview, Role.DESK)
    for whole, masked in zip(preview.people, shown.people, strict=True):
        assert masked.code == whole.code and masked.name == whole.name
        if whole.phone:
            assert "****" in masked.phone and masked.phone != whole.phone
    assert preview_for(preview, Role.ORGANISER) is preview
    problem = Problem(3, "手机号", "odd phone 13800138000")
    assert problems_for([problem], Role.DESK)[0].message == "odd phone 138****8000"
    assert problems_for([problem], Role.ORGANISER) == [problem]
