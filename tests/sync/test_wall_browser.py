"""The welcome wall in a real browser: Debian's headless Chromium (driven by selenium through
chromedriver) opens /wall/<event> on the real service (SQLite and PostgreSQL), a real desk
checks people in and syncs, and their names appear on the page within 2 s, pushed over
Server-Sent Events. A person the desk marked wall_hidden never appears (counted all the
same), a walk-in does, the total moves. Screenshots at 1920x1080 are saved for a look
(CHECKIN_WALL_SHOTS=DIR keeps them there; otherwise in the test's tmp folder).

Without Chromium (a machine without `chromium` and `chromium-driver`) the tests are skipped,
saying so; ./setup.sh installs both."""

from __future__ import annotations

import base64
import os
import shutil
import time
from pathlib import Path

import pytest

from checkin.masking import mask_name
from checkin.store import registrants as reg_store
from checkin.sync.engine import sync_once

from .conftest import EVENT_TOML

PAID = "SHIC2026-000002"  # 范俊, 参会代表, 已缴费
HIDDEN = "SHIC2026-000003"  # 朱思佳: asks not to be on the wall
APPEARS_WITHIN = 2.0  # seconds from the desk's sync to the name on the projector
CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER),
    reason="Chromium and chromedriver are not installed (apt-get install chromium "
           "chromium-driver, as ./setup.sh does): the welcome wall's browser tests need them")


@pytest.fixture
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                    "(pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--window-size=1920,1080", "--hide-scrollbars", "--force-device-scale-factor=1",
                 "--lang=en-US"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options,
                              service=webdriver.ChromeService(executable_path=DRIVER))
    # exactly a 1080p projector, whatever the window's frame takes
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield driver
    finally:
        driver.quit()  # before the service stops: its stream ends with the browser


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("CHECKIN_WALL_SHOTS") or tmp_path / "wall-shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _text(driver, selector: str) -> str:
    """An element's text as set (animations may hold it transparent a moment)."""
    return driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
        selector)


def _shown_names(driver) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll('#hero .name, #list .card .name')]"
        ".map(e => e.textContent).filter(Boolean);")


def _until(driver, predicate, timeout: float, what: str) -> float:
    """Poll the page until `predicate(driver)` holds; the seconds it took (fails after)."""
    from selenium.webdriver.support.ui import WebDriverWait

    start = time.monotonic()
    WebDriverWait(driver, timeout, poll_frequency=0.05).until(
        predicate, message=f"{what}: not within {timeout} s; page: {_page_text(driver)}")
    return time.monotonic() - start


def _page_text(driver) -> str:
    return driver.execute_script("return document.body.innerText")


def _settled(driver) -> None:
    """The animations over (a picture taken mid-way is blurred)."""
    _until(driver, lambda d: d.execute_script(
        "return document.getAnimations().every(a => a.playState === 'finished')"),
        10, "the animations' end")


def _screenshot(driver, path: Path) -> None:
    driver.save_screenshot(str(path))
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1920, 1080), (width, height)


def _no_script_errors(driver) -> None:
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe


def test_names_arrive_on_the_wall_as_desks_check_people_in(central, real_desks, browser,
                                                           shots):
    event = central.new_event()
    desk = real_desks("报到处1", event)
    assert sync_once(desk.store, desk.client).ok
    people = {r.code: r for r in reg_store.all_registrants(desk.store.reader())}
    made = central.organiser.request("POST", f"/events/{event}/wall-tokens")
    browser.get(made["url"])
    _until(browser, lambda d: _text(d, "#expected") == "2,401" and not _text(d, "#state"),
           10, "the wall's first snapshot")
    assert "token=" not in browser.current_url  # taken off the address bar at once
    assert _text(browser, "#total") == "0"

    # one check-in at the desk, one sync: the name is on the projector within 2 s
    assert desk.desk.scan(PAID).ok
    assert sync_once(desk.store, desk.client).ok
    masked = mask_name(people[PAID].name)  # [wall] show defaults to "masked": 范*
    took = _until(browser, lambda d: _text(d, "#hero .name") == masked, APPEARS_WITHIN,
                  f"{masked} on the wall")
    print(f"{masked} appeared {took:.2f} s after the sync")
    assert _text(browser, "#hero .org") == (people[PAID].organisation or "")
    assert _text(browser, "#total") == "1"
    assert people[PAID].name not in _page_text(browser) or masked == people[PAID].name
    _settled(browser)
    _screenshot(browser, shots / "wall-first-arrival.png")

    # a privacy request made at the desk travels with the sync; a walk-in appears too
    desk.desk.edit(HIDDEN, {"wall_hidden": "yes"}, reason="asked at the desk")
    assert desk.desk.scan(HIDDEN).ok
    walk_in, decision = desk.desk.walk_in({"name": "李雷", "organisation": "上海交通大学医学院",
                                           "payment": "现场缴费"})
    assert decision is not None and decision.ok
    assert sync_once(desk.store, desk.client).ok
    _until(browser, lambda d: _text(d, "#hero .name") == "李*" and _text(d, "#total") == "3",
           APPEARS_WITHIN, "the walk-in on the wall")
    hidden = people[HIDDEN]
    shown_orgs = {people[PAID].organisation, walk_in.organisation}
    text = _page_text(browser)
    assert hidden.name not in text and mask_name(hidden.name) not in _shown_names(browser)
    if hidden.organisation not in shown_orgs:
        assert hidden.organisation not in text
    assert _shown_names(browser) == ["李*", masked]

    # a queue of arrivals (a desk that was offline): each shown, the newest on top
    admitted = []
    for reg in people.values():
        if len(admitted) == 9:
            break
        if reg.code not in (PAID, HIDDEN) and desk.desk.scan(reg.code).ok:
            admitted.append(reg)
    assert sync_once(desk.store, desk.client).ok
    newest = mask_name(admitted[-1].name)
    _until(browser, lambda d: _text(d, "#total") == "12", APPEARS_WITHIN, "the total")
    _until(browser, lambda d: _text(d, "#hero .name") == newest, 10, "the last of the queue")
    names = _shown_names(browser)
    assert len(names) == 10 and mask_name(hidden.name) not in names
    assert names[:3] == [mask_name(r.name) for r in reversed(admitted[-3:])]
    _settled(browser)
    _screenshot(browser, shots / "wall-full.png")
    _no_script_errors(browser)


def _logo() -> str:
    """A logo as a data: URL (shows with no internet): a red ring and a bar, drawn here."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (360, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 150, 150), outline=(198, 40, 40, 255), width=18)
    draw.rectangle((180, 60, 350, 100), fill=(198, 40, 40, 255))
    out = BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_a_counts_only_wall_with_the_events_colours(central, real_desks, browser, shots):
    event = f"c{os.urandom(4).hex()}"
    central.organiser.create_event(event, EVENT_TOML.read_text(encoding="utf-8") + f"""
[wall]
show = "counts"
public = true
title = "欢迎参加第二届医疗行业数字创新大会"
logo = "{_logo()}"
colour = "#c62828"
background = "#fafafa"
""")
    from testkit.data import XLSX

    central.organiser.import_export(event, XLSX.name, XLSX.read_bytes())
    desk = real_desks("报到处1", event)
    assert sync_once(desk.store, desk.client).ok
    browser.get(f"{central.base_url}/wall/{event}")  # public: no token
    _until(browser, lambda d: _text(d, "#expected") == "2,401" and not _text(d, "#state"),
           10, "the wall's first snapshot")
    assert desk.desk.scan(PAID).ok
    assert sync_once(desk.store, desk.client).ok
    _until(browser, lambda d: _text(d, "#total") == "1", APPEARS_WITHIN, "the total")
    assert "范" not in _page_text(browser)  # counts only: nobody is named
    assert browser.execute_script(
        "return getComputedStyle(document.body).color") == "rgb(16, 21, 27)"  # dark on light
    _settled(browser)
    _screenshot(browser, shots / "wall-counts.png")
    _no_script_errors(browser)
