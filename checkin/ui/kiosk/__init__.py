"""The self check-in kiosk (自助签到, `checkin-desk --kiosk`): a full-screen window of its own
for attendees, beside the staffed desks. One module per screen (start, phone, pick, confirm,
badge, done, referral, paused, PIN, staff), the attendee's way through them (attendee.py),
what keeps it locked down (lockdown.py), the printer it depends on (printer_watch.py), its
look (style.py) and the window that holds them (window.py). The rules are checkin/kiosk.py."""

from .window import KioskWindow

__all__ = ["KioskWindow"]
