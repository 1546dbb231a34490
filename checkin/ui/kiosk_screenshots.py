"""Screenshots of every kiosk screen, in Chinese and English, portrait and landscape.

    checkin-desk --kiosk --screenshots DIR   (python -m checkin.ui.kiosk_screenshots DIR)

Writes DIR/<zh|en>/<portrait|landscape>/NN-<screen>.png at 1080x1920 and 1920x1080 from a
demo event in a temporary folder (the user's data folder is not touched), driving the real
kiosk: the start screen with a phone held up, the phone digits, the names found, the ID
confirmation after a wrong try, the badge preview, printing with vouchers, a referral to the
desk, closed for a printer out of labels, the staff PIN and the staff screen. Headless."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}
LANGUAGES = ("zh", "en")
SCREENS = ("01-start", "02-phone", "03-pick", "04-confirm", "05-badge", "06-done",
           "07-referral", "08-paused", "09-pin", "10-staff")
DEMO_PEOPLE = 300
TAIL = "2046"  # the phone digits typed


def held_up_phone(code: str):
    """A camera picture for the mirror: a phone showing a QR code in front of a grey room."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter

    from ..qr import image as qr_image

    picture = QImage(1280, 720, QImage.Format.Format_RGB32)
    picture.fill(QColor("#6d7b84"))
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#202124"))
    painter.drawRoundedRect(QRectF(470, 90, 340, 560), 36, 36)
    painter.fillRect(QRectF(490, 130, 300, 480), QColor("white"))
    code_pixels = qr_image(code, scale=10)
    h, w = code_pixels.shape
    tile = QImage(code_pixels.tobytes(), w, h, w, QImage.Format.Format_Grayscale8)
    painter.drawImage(QRectF(510, 230, 260, 260), tile)
    painter.end()
    return picture


def _people(store):
    """Three people whose phones end alike (made so in this throwaway event; the first two
    with an ID number: one is checked in in each orientation), and an unpaid person."""
    from ..alerts import alerts_for
    from ..model import PAID, UNPAID
    from ..store import registrants as reg_store

    everyone = reg_store.all_registrants(store.reader(), include_missing=False)
    found = [r for r in everyone if r.id_number and r.payment == PAID
             and not alerts_for(r, store.config)][:3]
    with store.transaction() as conn:
        for number, person in enumerate(found):
            phone = f"13{number}0012{TAIL}"
            reg_store.apply_edit(conn, person.code, {"phone": phone})
        store.bump_registrant_generation(conn)
    unpaid = next(r for r in everyone if r.payment == UNPAID)
    return found, unpaid


def shoot(language: str, folder: Path, work: Path) -> list[Path]:
    from .. import paths
    from ..demo import DEMO_ORGANISER_PIN, event_today
    from ..model import Kiosk
    from ..printing.printers import FolderPrinter
    from ..settings import Settings
    from ..store import Store
    from . import i18n
    from .kiosk import KioskWindow
    from .screenshots import settle, wait_until
    from .settings_dialog import NoCamera
    from .start_dialog import create_demo_event

    os.environ[i18n.ENV] = language
    i18n.install(language)
    paths.set_data_dir(work / f"home-{language}")
    db = create_demo_event(work / f"kiosk-{language}.db", DEMO_PEOPLE)
    store = Store(db)
    with store.transaction() as conn:  # the phone path with the ID card's last four
        store.save_config(conn, dataclasses.replace(store.config, kiosk=Kiosk(
            confirm="id_tail", auto_print_seconds=3, idle_seconds=20)))
    found, unpaid = _people(store)
    tail = TAIL
    moment = dt.datetime.combine(event_today(), dt.time(8, 5))
    shots: list[Path] = []
    window = KioskWindow(store, printer=FolderPrinter(work / f"printed-{language}"),
                         settings=Settings(auto_print_vouchers=True),
                         open_source=NoCamera, now=lambda: moment, full_screen=False,
                         idle_ms=0, tick_ms=3_600_000, done_ms=3_600_000,
                         probe_ms=3_600_000, sync_interval=3600)
    flow = window.flow
    try:
        window.show()
        for index, (orientation, size) in enumerate(SIZES.items()):
            window.resize(*size)
            window.go_home()
            wait_until(lambda size=size: (window.width(), window.height()) == size)

            def shot(name: str, orientation=orientation) -> None:
                settle(0.2)
                path = folder / language / orientation / f"{name}.png"
                path.parent.mkdir(parents=True, exist_ok=True)
                if not window.grab().save(str(path), "PNG"):
                    raise OSError(f"could not write {path}")
                shots.append(path)

            flow.start.mirror.show_frame(held_up_phone(found[index].code))
            shot("01-start")
            flow.start.phone_button.click()
            flow.phone.keypad.press(tail[:2])
            shot("02-phone")
            flow.phone.keypad.press(tail[2:])
            wait_until(lambda: window.screen_now is flow.pick)
            shot("03-pick")
            person = next(p for p in found
                          if p.code == flow.pick.matches.candidates[index].code)
            flow.pick.buttons[index].click()
            wrong = "0000" if not person.id_number.endswith("0000") else "1111"
            flow.confirm.keypads["id_tail"].press(wrong)
            wait_until(lambda: flow.confirm.tries_left is not None)
            shot("04-confirm")
            flow.confirm.keypads["id_tail"].press(person.id_number[-4:].upper())
            wait_until(lambda: flow.badge.image is not None or window.screen_now not in (
                flow.confirm, flow.badge), timeout=30)
            if window.screen_now is not flow.badge:
                raise RuntimeError(f"no badge: {window.screen_now.__class__.__name__} "
                                   f"{flow.referral.group} {flow.confirm.tries_left}")
            shot("05-badge")
            flow.badge.print_button.click()
            wait_until(lambda: flow.done.printed)
            shot("06-done")
            window.go_home()
            window.gate.offer(unpaid.code)
            wait_until(lambda: window.screen_now is flow.referral)
            shot("07-referral")
            window.watch.job_failed("printer 'Brother_QL_820NWB' is out of labels")
            window.go_home()
            shot("08-paused")
            window.ask_pin()
            window.pin.keypad.press("demo")
            shot("09-pin")
            window.pin.pin.setText(DEMO_ORGANISER_PIN)
            window.pin.unlock_button.click()
            wait_until(lambda: window.screen_now is window.staff, timeout=30)
            shot("10-staff")
            window._resume()
    finally:
        window.shutdown()
        settle()
        store.close()
    return shots


def run(folder: str | Path, languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    from .screenshots import run_shots

    return run_shots(shoot, folder, languages, prefix="checkin-kiosk-shots-")


def main(argv: list[str] | None = None) -> int:
    from .screenshots import command

    return command(argv, "python -m checkin.ui.kiosk_screenshots",
                   "PNG screenshots of every self check-in kiosk screen", run)


if __name__ == "__main__":
    sys.exit(main())
