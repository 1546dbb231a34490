"""Screenshots of every screen of the desk, in Chinese and in English, for review by eye.

    checkin-desk --screenshots DIR          (the same: python -m checkin.ui.screenshots DIR)

Builds the demo event in a temporary folder (nothing in the user's data folder is read or
written), runs the real windows and dialogs on it and writes, for each language, DIR/zh/*.png
and DIR/en/*.png at 1366x768: the start screen, the scan screen after an ok, an already and a
refused scan, the Find tab with the person panel, the walk-in form, the dashboard after a
morning of check-ins, the settings dialog, the import wizard's column mapping, the sync
status (offline, as a desk that lost the network shows it) and the connect dialog. Dialogs
are drawn over the window they open from, with their title. Runs headless: without a
display, Qt's offscreen platform is used.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from ..resources import fonts_dir

SIZE = (1366, 768)
LANGUAGES = ("zh", "en")
ROOT = Path(__file__).resolve().parent.parent.parent  # the source checkout, when run from one
SHARED_EXPORT = ROOT.parent / "shared" / "fixtures" / "shic2026-registrations.xlsx"
FONT = fonts_dir() / "wqy-microhei.ttc"
DESK_NAME = "报到处1"
OPERATOR = "王芳"
DEMO_PEOPLE = 1500


def _headless() -> None:
    """Qt's offscreen platform when there is no display to draw on (before the app)."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                 or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the desk did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(seconds: float = 0.15) -> None:
    """Let layouts, charts and queued signals finish before a grab."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


# -- drawing ---------------------------------------------------------------------------
def compose(dialog, background=None):
    """A 1366x768 picture of `dialog` (with a title bar saying its window title) centred over
    `background` (a window's grab, dimmed), or over a plain desktop colour."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    image = QImage(*SIZE, QImage.Format.Format_RGB32)
    image.fill(QColor("#546e7a"))
    painter = QPainter(image)
    try:
        if isinstance(background, QImage):
            painter.drawImage(0, 0, background)
        elif background is not None:
            painter.drawPixmap(0, 0, background)
        if background is not None:
            painter.fillRect(image.rect(), QColor(0, 0, 0, 90))
        shot = dialog.grab()
        bar = 30
        width, height = shot.width(), shot.height() + bar
        left, top = max(0, (SIZE[0] - width) // 2), max(0, (SIZE[1] - height) // 2)
        painter.fillRect(QRect(left + 6, top + 6, width, height), QColor(0, 0, 0, 70))
        painter.fillRect(QRect(left, top, width, bar), QColor("#cfd8dc"))
        font = QFont(dialog.font())
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#263238"))
        painter.drawText(QRect(left + 12, top, width - 24, bar),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         dialog.windowTitle())
        painter.drawPixmap(left, top + bar, shot)
    finally:
        painter.end()
    return image


def save(image, path: Path) -> Path:
    """Write a QImage or QPixmap as a 1366x768 PNG."""
    from PySide6.QtCore import Qt

    if (image.width(), image.height()) != SIZE:  # a window the screen would not fit
        print(f"{path.name}: {image.width()}x{image.height()} scaled to {SIZE[0]}x{SIZE[1]}",
              file=sys.stderr)
        image = image.scaled(*SIZE, Qt.AspectRatioMode.IgnoreAspectRatio,
                             Qt.TransformationMode.SmoothTransformation)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


# -- the event -------------------------------------------------------------------------
def _clock(day: dt.date, hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second))  # naive: event time


def _people(store):
    from ..model import PAID, UNPAID
    from ..store import registrants as reg_store

    everyone = sorted(reg_store.all_registrants(store.reader(), include_missing=False),
                      key=lambda r: r.code)
    paid = [r for r in everyone if r.payment == PAID]
    unpaid = [r for r in everyone if r.payment == UNPAID]
    return paid, unpaid


def _a_morning(store, day: dt.date, paid: list, chinese: bool) -> None:
    """Check-ins from 08:00 to 10:30, lunches and forum entries: data for the charts (the
    refusals among them in the screen's language, as the desk would have said them)."""
    from ..desk import Desk

    moment = [_clock(day, 8, 0)]
    desk = Desk(store, operator=OPERATOR, now=lambda: moment[0], chinese=chinese)
    arrived = paid[10:400:2]
    for i, reg in enumerate(arrived):
        minutes = int(150 * (i / len(arrived)) ** 0.8)  # a rush early, quieter later
        moment[0] = _clock(day, 8, 0) + dt.timedelta(minutes=minutes, seconds=i % 50)
        desk.scan(reg.code)
    meal = next((m for m in store.config.meals if m.date == day.isoformat()), None)
    for i, reg in enumerate(arrived[:120]):
        if meal is not None and meal.id in reg.meals:
            moment[0] = _clock(day, 11, 40) + dt.timedelta(seconds=20 * i)
            desk.scan(reg.code, f"meal:{meal.id}")
    for i, reg in enumerate(arrived[:160]):
        for forum in reg.forums[:1]:
            moment[0] = _clock(day, 14, 0) + dt.timedelta(seconds=10 * i)
            desk.scan(reg.code, f"forum:{forum}")


def _export(folder: Path) -> Path:
    """The shared test export when it is there (title rows, Chinese headers), else the
    demo's own export."""
    if SHARED_EXPORT.exists():
        return SHARED_EXPORT
    from ..demo import write_export

    return write_export(folder / "报名信息-demo.csv", 300)


# -- one language ----------------------------------------------------------------------
def shoot(language: str, folder: Path, work: Path) -> list[Path]:
    from .. import clockcheck, paths
    from ..demo import event_today
    from ..desk import Desk
    from ..model import Outcome
    from ..printing.printers import FolderPrinter
    from ..printing.queue import JobState
    from ..settings import SettingsFile
    from ..store import Store
    from ..sync import status as st
    from . import i18n
    from .dashboard import desks_seen
    from .launcher import Launcher
    from .settings_dialog import NoCamera, open_settings
    from .start_dialog import create_demo_event

    os.environ[i18n.ENV] = language
    i18n.install(language)
    paths.set_data_dir(work / f"home-{language}")
    settings = SettingsFile()
    settings.settings.device_name = DESK_NAME
    settings.save()
    db = create_demo_event(work / f"demo-{language}.db", DEMO_PEOPLE)
    day = event_today()
    with Store(db) as store:
        paid, unpaid = _people(store)
        _a_morning(store, day, paid, chinese=language == "zh")
    # The desk's clock: 10:42 on the event's first day, running from there.
    base, started = _clock(day, 10, 42, 17), time.monotonic()

    def clock() -> dt.datetime:
        return base + dt.timedelta(seconds=time.monotonic() - started)

    shots: list[Path] = []

    def shot(name: str, image) -> None:
        shots.append(save(image, folder / language / f"{name}.png"))

    launcher = Launcher(operator=OPERATOR, open_source=NoCamera,
                        printer=FolderPrinter(work / f"printed-{language}"))
    launcher.settings_file.settings.remember(db)  # a recent event on the start screen
    try:
        # The start screen, alone on the desktop.
        start = launcher.show_start()
        settle()
        shot("01-start", compose(start))

        window = launcher.open_event(db)
        store = window.store
        window.desk = Desk(store, operator=OPERATOR, chinese=i18n.chinese(), now=clock)
        window.printing.queue.desk = Desk(store, operator=OPERATOR, now=clock)
        window.resize(*SIZE)
        window.show()
        wait_until(lambda: window.search.index.generation >= 0)
        window.refresh_counts()
        scan, person = window.scan, window.person

        def answered(payload: str, outcome) -> None:
            scan.submit(payload)
            wait_until(lambda: scan.banner.outcome == outcome)
            settle()

        # The scan screen: welcome (green, the badge printing), already (amber), refused (red).
        guest, refused = paid[1], unpaid[0]
        answered(guest.code, Outcome.OK)
        queue = window.printing.queue
        wait_until(lambda: queue.jobs and all(j.state in (JobState.DONE, JobState.FAILED)
                                              for j in queue.jobs))
        settle(0.3)
        shot("02-scan-ok", window.grab())
        answered(guest.code, Outcome.ALREADY)
        shot("03-scan-already", window.grab())
        answered(refused.code, Outcome.NOT_ELIGIBLE)
        shot("04-scan-refused", window.grab())

        # Find: the list and the person panel with their history.
        window._find()
        window.search.query.setText(guest.name)
        wait_until(lambda: person.code == guest.code and person.history.rowCount() >= 2)
        settle(0.3)
        shot("05-find-person", window.grab())
        find = window.grab()

        # The walk-in form, with a phone number it refuses.
        window.open_walk_in()
        walk_in = window.walk_in_dialog
        walk_in.name.setText("李雷" if language == "zh" else "Li Lei")
        walk_in.phone.setText("1380013")
        walk_in.organisation.setText("北京协和医院")
        walk_in._check("phone")
        settle()
        shot("06-walk-in", compose(walk_in, find))
        walk_in.discard()

        # The dashboard after the morning.
        board = window.dashboard
        window.tabs.setCurrentWidget(board)
        wait_until(lambda: board.last_stats is not None and board.last_stats["arrived"] > 0)
        settle(0.3)
        shot("07-dashboard", window.grab())

        # The settings dialog, over the scan screen waiting for the next person.
        window.tabs.setCurrentWidget(scan)
        scan.banner.clear_answer()
        settle()
        idle = window.grab()
        dialog = open_settings(window, launcher.settings_file)
        settle()
        shot("08-settings", compose(dialog, idle))
        dialog.reject()

        # The import wizard: its column mapping and first rows.
        importer = launcher.import_into(window, _export(work))
        wait_until(lambda: importer.preview is not None)
        settle()
        shot("09-import", compose(importer, idle))
        importer.reject()

        # Sync: how a desk that lost the network says it (status bar and dashboard). The
        # status is made up; the words are the window's own.
        now = dt.datetime.now().astimezone()
        offline = st.SyncStatus(
            state=st.OFFLINE, pending=7, server_url="https://checkin.example.org",
            event="SHIC2026", last_success=(clock() - dt.timedelta(minutes=3)).isoformat(),
            last_attempt=clock().isoformat(), last_error="cannot reach the server at "
            "https://checkin.example.org (ConnectError: [Errno 111] Connection refused)",
            next_attempt=(now + dt.timedelta(seconds=12)).isoformat(), failures=3)
        window.sync.status = offline
        window.sync_state.render()
        board._timer.stop()  # keep the made-up state on screen
        window.tabs.setCurrentWidget(board)  # its own refresh first, then the made-up one
        wait_until(lambda: not window.runner.busy)
        settle()
        board._show_sync(offline, desks_seen(store), [])
        settle(0.3)
        shot("10-sync-offline", window.grab())

        # Connecting a desk to a central list, from the start screen.
        window.tabs.setCurrentWidget(scan)
        settle()
        start = launcher.show_start()
        central = start.connect_central()
        central.url.setText("https://checkin.example.org")
        central.code.setText("K7Q2-9XPD")
        central.fingerprint.setText("7QKX-M2ZD-UJ3N-AB5R")
        settle()
        shot("11-connect", compose(central, compose(start, window.grab())))
        central.reject()
        start.close()

        # The person panel's forms: reprint, edit (a name corrected), supervisor override.
        window._find()
        window.search.query.setText(guest.name)
        wait_until(lambda: person.code == guest.code)
        settle()
        find = window.grab()
        for name, opened in (("12-reprint", person.open_reprint), ("13-edit", person.open_edit)):
            opened()
            if name == "13-edit":
                person.dialog.reason.setText("姓名错字" if language == "zh" else "typo on badge")
            settle()
            shot(name, compose(person.dialog, find))
            person.dialog.reject()
        window.search.query.setText(refused.name)
        wait_until(lambda: person.code == refused.code)
        settle()
        person.open_override()
        settle()
        shot("14-override", compose(person.dialog, window.grab()))
        person.dialog.reject()

        # A laptop whose clock is two hours slow: measured against the central list (here a
        # made-up answer), said across the window; check-ins use the list's time.
        sent = time.time()
        clockcheck.record(store, clockcheck.TimeSample(sent, sent + 0.02,
                                                       int((sent + 2 * 3600) * 1000)))
        window.tabs.setCurrentWidget(scan)
        window.clock_warning.refresh()
        settle(0.3)
        shot("15-clock-wrong", window.grab())
    finally:
        launcher.shutdown()
        settle()
    return shots


def _cjk_font() -> None:
    """The screenshots need a Chinese font: the bundled one when the system has none."""
    from PySide6.QtGui import QFontDatabase

    if not QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese) \
            and FONT.exists():
        QFontDatabase.addApplicationFont(str(FONT))


QUIET = ("does not support propagateSizeHints", "does not support raise", "PulseAudio")


def _quiet_offscreen():
    """The offscreen platform says what it cannot do for every window, and the sound
    player's backend what libraries it did not find: not worth a line here. Returns the
    handler that was there before."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(_kind, context, message: str) -> None:
        category = getattr(context, "category", "") or ""
        if not (any(part in message for part in QUIET) or category.startswith("qt.multimedia")
                or "pipewire" in message or message.startswith(("Couldn't ", "Using Qt multi"))):
            print(message, file=sys.stderr)

    return qInstallMessageHandler(handler)


def run(folder: str | Path, languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """Write the screenshots into `folder` (made if missing); returns the files."""
    return run_shots(shoot, folder, languages, prefix="checkin-screenshots-")


def run_shots(shoot_language, folder: str | Path, languages: tuple[str, ...],
              prefix: str) -> list[Path]:
    """Headless, each language in turn: shoot_language(language, folder, tmp) -> files, with
    a demo event in a temporary folder; the language and data folder put back after."""
    _headless()
    from PySide6.QtWidgets import QApplication

    from . import i18n

    folder = Path(folder).expanduser().absolute()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("Checkin Desk")
    _cjk_font()
    saved_env = {key: os.environ.get(key) for key in (i18n.ENV, "CHECKIN_HOME")}
    previous = _quiet_offscreen() if app.platformName() == "offscreen" else False
    shots: list[Path] = []
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            for language in languages:
                shots += shoot_language(language, folder, Path(tmp))
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        i18n.install()  # back to the settings' language for whatever runs next
        if previous is not False:
            from PySide6.QtCore import qInstallMessageHandler

            qInstallMessageHandler(previous)
    return shots


def main(argv: list[str] | None = None) -> int:
    return command(argv, "python -m checkin.ui.screenshots",
                   "PNG screenshots of every desk screen, in Chinese and English", run)


def command(argv: list[str] | None, prog: str, description: str, write) -> int:
    """The screenshot commands' shared line: FOLDER [--language zh|en]..., the files printed."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--language", choices=LANGUAGES, action="append",
                        help="only this language (repeatable; default: both)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    shots = write(args.folder, tuple(args.language or LANGUAGES))
    for shot in shots:
        print(shot)
    print(f"{len(shots)} screenshots in {time.monotonic() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
