"""The desk's settings file: round trip, damaged files, atomic writes, the data folder."""

import json
import logging
import os
import stat
import subprocess
import sys

import pytest
from conftest import ROOT, rerun_where_permissions_bind

from checkin import paths
from checkin.settings import (
    NO_CAMERA,
    PDF_FOLDER,
    Settings,
    SettingsError,
    SettingsFile,
    load_settings,
    save_settings,
)


def test_defaults_when_there_is_no_file():
    settings = load_settings()
    assert settings == Settings()
    assert settings.auto_print("badge") and not settings.auto_print("vouchers")
    assert settings.template("badge") == "badge-a6"
    assert settings.printed_folder() == paths.data_dir() / "printed"


def test_round_trip_in_the_data_folder(tmp_path):
    settings = Settings(device_name="报到处1", camera_index=NO_CAMERA, camera_width=1920,
                        camera_height=1080, sounds=False, language="en",
                        pdf_folder=str(tmp_path / "pdf"))
    settings.set_document("badge", printer="Brother_QL_820NWB", template="badge-62mm")
    settings.set_document("vouchers", printer=PDF_FOLDER, template="voucher-58mm",
                          auto_print=True, scaling="fit")
    settings.remember(tmp_path / "a.db")
    settings.remember(tmp_path / "b.db")
    settings.remember(tmp_path / "a.db")
    written = save_settings(settings)
    assert written == paths.data_dir() / "settings.json"
    assert json.loads(written.read_text(encoding="utf-8"))["device_name"] == "报到处1"
    again = load_settings()
    assert again == settings
    assert again.last_db == str(tmp_path / "a.db")
    assert again.recent_dbs == [str(tmp_path / "a.db"), str(tmp_path / "b.db")]
    assert again.printer("vouchers") == PDF_FOLDER and again.auto_print("vouchers")
    assert (again.scaling("badge"), again.scaling("vouchers")) == ("actual", "fit")
    assert again.language == "en"
    assert [p.name for p in paths.data_dir().iterdir()] == ["settings.json"]  # no temp left


def test_recent_list_is_bounded_and_forget_removes(tmp_path):
    settings = Settings()
    for i in range(15):
        settings.remember(tmp_path / f"{i}.db")
    assert len(settings.recent_dbs) == 10 and settings.recent_dbs[0].endswith("14.db")
    settings.forget(tmp_path / "14.db")
    assert settings.last_db == "" and not settings.recent_dbs[0].endswith("14.db")


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2]", b""])
def test_a_damaged_file_gives_defaults_and_a_warning(content, caplog):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="checkin.settings"):
        assert load_settings() == Settings()
    assert "defaults used" in caplog.text


def test_wrong_values_keep_their_defaults_and_the_rest_is_kept(caplog):
    path = paths.settings_file()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({
        "device_name": "desk-7", "camera_index": "zero", "camera_width": -5, "sounds": "yes",
        "language": "fr", "recent_dbs": ["a.db", 3], "auto_print_badge": False,
        "badge_scaling": "shrink", "vouchers_scaling": "fit",
        "from_a_newer_version": 1,
    }), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="checkin.settings"):
        settings = load_settings()
    assert settings.device_name == "desk-7" and settings.auto_print_badge is False
    assert (settings.camera_index, settings.camera_width, settings.sounds, settings.language,
            settings.recent_dbs) == (0, 1280, True, "system", [])
    assert (settings.badge_scaling, settings.vouchers_scaling) == ("actual", "fit")
    assert "camera_index" in caplog.text and "language" in caplog.text
    assert "badge_scaling" in caplog.text


def test_badges_and_labels_print_at_actual_size_unless_told():
    settings = Settings()
    assert settings.scaling("badge") == settings.scaling("vouchers") == "actual"
    with pytest.raises(ValueError, match="actual or fit"):
        settings.set_document("badge", scaling="shrink")


def test_unknown_document_is_refused():
    with pytest.raises(ValueError, match="badge or vouchers"):
        Settings().printer("poster")


def test_a_failed_save_leaves_the_old_file(monkeypatch):
    save_settings(Settings(device_name="old"))

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SettingsError, match="No space left"):
        save_settings(Settings(device_name="new"))
    assert load_settings().device_name == "old"
    assert [p.name for p in paths.data_dir().iterdir()] == ["settings.json"]


def test_read_only_data_folder_keeps_settings_in_memory(tmp_path, request):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if paths.write_problem(folder) is None:
        folder.chmod(0o755)
        return rerun_where_permissions_bind(request, tmp_path)
    try:
        paths.set_data_dir(folder)
        assert "ermission denied" in paths.write_problem(folder)
        file = SettingsFile()
        file.settings.sounds = False
        assert not file.save()
        assert "cannot save the settings" in file.error and str(folder) in file.error
        assert file.settings.sounds is False  # still applies for this run
    finally:
        folder.chmod(0o755)


def test_write_problem_creates_the_folder(tmp_path):
    assert paths.write_problem(tmp_path / "new" / "deeper") is None
    assert (tmp_path / "new" / "deeper").is_dir()
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    assert paths.write_problem(blocker / "sub") is not None


def test_data_dir_flag_moves_everything(tmp_path):
    """`checkin-desk --data-dir` sets the folder before anything reads it."""
    probe = ("import sys; from checkin import app, paths; "
             "args = app.parse_args(['--data-dir', sys.argv[1]]); "
             "print(paths.data_dir()); print(paths.settings_file())")
    out = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "desk data")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out == [str(tmp_path / "desk data"), str(tmp_path / "desk data" / "settings.json")]
