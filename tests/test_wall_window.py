"""The desk's own welcome wall (checkin/ui/wall_window.py), offscreen on a real event
database: a check-in shows the name (masked by default) on the change bus at once, a person
marked wall_hidden never shows and still counts, a walk-in shows, a wall on its own follows
by its timer, and its DB reads go through a DbRunner. A 1920x1080 picture is saved
(CHECKIN_WALL_SHOTS=DIR keeps it)."""

import dataclasses
import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from checkin.masking import mask_name  # noqa: E402
from checkin.model import Wall  # noqa: E402
from checkin.store import registrants as reg_store  # noqa: E402
from checkin.ui.changes import ChangeBus, Changes  # noqa: E402
from checkin.ui.tasks import DbRunner  # noqa: E402
from checkin.ui.wall_window import WallWindow  # noqa: E402

PAID = "SHIC2026-000002"  # 范俊
HIDDEN = "SHIC2026-000003"  # 朱思佳


def _names(wall: WallWindow) -> list[str]:
    return [wall.hero_name.text()] + [c.name.text() for c in wall.cards if c.isVisible()]


def test_arrivals_show_on_the_desks_wall(qtbot, desk, event_store, tmp_path):
    bus = ChangeBus()
    wall = WallWindow(event_store, changes=bus, refresh_ms=3_600_000)  # the bus alone
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    wall.show()
    people = {r.code: r for r in reg_store.all_registrants(event_store.reader())}
    assert wall.total.text() == "0" and wall.expected.text() == f"/ {len(people):,}"

    decision = desk.scan(PAID)
    bus.publish(Changes.decided(decision))
    assert wall.hero_name.text() == mask_name(people[PAID].name) == "范*"
    assert wall.hero_org.text() == people[PAID].organisation

    desk.edit(HIDDEN, {"wall_hidden": "yes"})
    bus.publish(Changes.decided(desk.scan(HIDDEN)))
    walk_in, _ = desk.walk_in({"name": "李雷", "organisation": "上海交通大学医学院",
                               "payment": "现场缴费"})
    bus.publish(Changes(admissions=True, registrants=True, code=walk_in.code))
    assert _names(wall) == ["李*", "范*"]  # the hidden one is not there ...
    assert wall.total.text() == "3"  # ... and counted
    assert mask_name(people[HIDDEN].name) not in _names(wall)

    for reg in people.values():  # a full wall for the picture
        if len(wall.arrivals) >= 10:
            break
        if reg.code not in (PAID, HIDDEN) and desk.scan(reg.code).ok:
            bus.publish(Changes(admissions=True))
    assert len(_names(wall)) == 10
    qtbot.waitUntil(lambda: wall._animation.state() == wall._animation.State.Stopped)
    shots = Path(os.environ.get("CHECKIN_WALL_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    picture = wall.grab()
    assert (picture.width(), picture.height()) == (1920, 1080)
    assert picture.save(str(shots / "desk-wall.png"))
    wall.close()


def test_a_wall_on_its_own_follows_by_its_timer_and_reads_off_the_gui_thread(
        qtbot, desk, event_store):
    runner = DbRunner()
    try:
        wall = WallWindow(event_store, runner=runner, refresh_ms=50)
        qtbot.addWidget(wall)
        wall.show()
        desk.scan(PAID)
        qtbot.waitUntil(lambda: wall.hero_name.text() == "范*", timeout=5000)
        assert wall.total.text() == "1"
        wall.close()
    finally:
        runner.stop()


def test_a_counts_only_wall_names_nobody(qtbot, desk, event_store):
    with event_store.transaction() as conn:
        event_store.save_config(conn, dataclasses.replace(
            event_store.config, wall=Wall(show="counts", colour="#c62828",
                                          background="#fafafa")))
    wall = WallWindow(event_store, refresh_ms=3_600_000)
    qtbot.addWidget(wall)
    wall.show()
    desk.scan(PAID)
    wall.refresh()
    assert wall.total.text() == "1" and wall.arrivals == []
    assert not wall.hero.isVisible() and not any(c.isVisible() for c in wall.cards)
    wall.close()
