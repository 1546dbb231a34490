"""Self check-in at a kiosk (自助签到): the rules, without Qt (the screens are checkin/ui/kiosk).

Two ways in. A scanned code goes through `Desk.scan`, as at a staffed desk. Without a code,
the last four digits of the phone list the people whose phone ends so, masked (张*明, the
organisation shortened, the category; never a phone number or an e-mail); the attendee picks
their own name and, where the event's `[kiosk] confirm` asks, confirms with the last four
characters of their ID number or the digits of their registration code.

What a kiosk cannot finish (a refusal, an alert that needs a person, a confirmation that
fails, a badge to correct, a printer that failed) sends the attendee to the staffed desk with
a referral number and a two-digit group that staff can read; the queue behind reads neither
the reason nor the person's data. The detail is kept where staff look: the refused scan in
the event log (the desk's recent scans, the person's history) and a `kiosk_referral` entry of
the audit trail with the number. An admission the kiosk cannot finish is undone at once, so
the staffed desk checks the person in as usual (with the alert on its banner).
"""

from __future__ import annotations

import hmac
import re
import threading
from dataclasses import dataclass, field

from .desk import Desk, StaffChoice
from .i18n import _
from .masking import mask_name
from .model import (
    KIOSK_CLOSED,
    KIOSK_CONFIRMATIONS,
    KIOSK_REOPENED,
    REGISTRATION,
    Decision,
    EventConfig,
    Outcome,
    Registrant,
)
from .pinyin import is_cjk
from .store import Store, audit
from .store import registrants as reg_store

PHONE_TAIL = 4  # digits typed on the keypad
MAX_CANDIDATES = 6  # more people share the digits: the desk finds them better
MAX_TRIES = 3  # wrong confirmations of one person before the kiosk sends them to the desk
ORGANISATION_WIDTH = 12  # a shortened organisation: this many columns (a CJK character is 2)
NONE, ID_TAIL, CODE = KIOSK_CONFIRMATIONS
REFERRAL = "kiosk_referral"  # the audit action of a referral to the staffed desk
COUNTER = "kiosk.referrals"  # meta key: the last referral number of this desk
UNDO_REASON = "self check-in kiosk: sent to the staffed desk"

# Referral groups: what staff read beside the number (README, "Self check-in kiosks").
UNREADABLE = "10"  # the QR code is not a registration code
NOT_FOUND = "11"  # no registration (or no match for the phone digits)
TICKET = "12"  # a ticket that does not admit (forged, expired, revoked, other event ...)
NOT_LISTED = "13"  # a valid ticket for someone not yet on this desk's list
PAYMENT = "21"  # not paid, refunded, an unknown payment status
ALREADY = "31"  # already checked in
NOT_TODAY = "41"  # not a day of the event, or not this person's day
NOT_ENTITLED = "51"  # any other refusal (a rule, a category)
ALERT = "61"  # admitted, but an alert needs a person (a wheelchair, a VIP)
CONFIRM = "71"  # could not confirm who they are (ID or code wrong, or not on file)
BADGE = "81"  # something on the badge to correct
PRINTER = "91"  # the badge did not print

_GROUPS = {
    UNREADABLE: ("empty", "too_long", "not_a_code"),
    NOT_FOUND: ("not_found", "removed", "foreign_link"),
    TICKET: ("malformed", "forged", "unknown_key", "wrong_event", "not_yet_valid", "expired",
             "revoked", "signature_required", "unlisted_station"),
    PAYMENT: ("unpaid", "refunded", "payment_unknown"),
    NOT_TODAY: ("outside_event", "wrong_day", "too_early", "too_late"),
}
_GROUP_OF = {code: group for group, codes in _GROUPS.items() for code in codes}


def group_names() -> dict[str, str]:
    """Each referral group in words for staff, in the current language."""
    return {
        UNREADABLE: _("QR code is not a registration code"),
        NOT_FOUND: _("not found on the list"),
        TICKET: _("ticket not accepted (forged, expired, revoked, other event)"),
        NOT_LISTED: _("valid ticket, not yet on this desk's list"),
        PAYMENT: _("payment (unpaid, refunded)"),
        ALREADY: _("already checked in"),
        NOT_TODAY: _("not admitted today"),
        NOT_ENTITLED: _("not admitted here (a rule or the category)"),
        ALERT: _("alert: needs a person (check in at the desk)"),
        CONFIRM: _("identity not confirmed"),
        BADGE: _("badge to correct (admitted, not printed)"),
        PRINTER: _("badge did not print (admitted)"),
    }


def referral_group(decision: Decision) -> str | None:
    """The group that sends this scan's attendee to the staffed desk, or None when the kiosk
    can finish it (admitted, on the list, no alert)."""
    if decision.ok:
        if decision.registrant is None:
            return NOT_LISTED  # no badge data on this desk yet
        return ALERT if decision.alerts else None
    if decision.outcome == Outcome.ALREADY:
        return ALREADY
    return _GROUP_OF.get(decision.reason_code, NOT_ENTITLED)


# -- the phone path ------------------------------------------------------------------------
def digits(text: str | None) -> str:
    return re.sub(r"\D", "", str(text or ""))


def phone_tail(phone: str | None) -> str:
    """The last four digits of a phone number ("" when it has fewer); a masked number
    (138****8000, what a desk may hold) keeps them."""
    found = digits(phone)
    return found[-PHONE_TAIL:] if len(found) >= PHONE_TAIL else ""


def short_organisation(organisation: str | None, width: int = ORGANISATION_WIDTH) -> str:
    """The start of an organisation, enough to tell two people apart and no more: 北京协和医院
    stays, 中国信息通信研究院云计算与大数据研究所 -> 中国信息通信…."""
    text = " ".join(str(organisation or "").split())
    used, kept = 0, []
    for char in text:
        used += 2 if is_cjk(char) else 1
        if used > width:
            return "".join(kept).rstrip(" ,，(（-") + "…"
        kept.append(char)
    return text


@dataclass(frozen=True)
class Candidate:
    """One person whose phone ends with the digits typed, as a kiosk may show them."""

    code: str
    name: str  # masked: 张*明
    organisation: str  # shortened
    category: str
    twin: bool = False  # another candidate looks the same on screen


@dataclass(frozen=True)
class Matches:
    candidates: tuple[Candidate, ...] = ()
    too_many: bool = False  # more than MAX_CANDIDATES: none are shown


class PhoneBook:
    """Who has which phone tail: built once per registrant generation from the rows the
    search reads (code, name, organisation, category, phone, missing), on the thread that
    asks. People marked missing (left the export) are not offered."""

    def __init__(self, store: Store):
        self.store = store
        self._generation = -1
        self._tails: dict[str, list] = {}
        self._lock = threading.Lock()

    def _refresh(self) -> None:
        generation = self.store.registrant_generation()
        if generation == self._generation:
            return
        tails: dict[str, list] = {}
        for row in reg_store.search_rows(self.store.reader()):
            tail = phone_tail(row["phone"])
            if tail and not row["missing"]:
                tails.setdefault(tail, []).append(row)
        self._tails, self._generation = tails, generation

    def find(self, tail: str) -> Matches:
        tail = digits(tail)
        if len(tail) != PHONE_TAIL:
            return Matches()
        with self._lock:
            self._refresh()
            rows = self._tails.get(tail, [])
        if len(rows) > MAX_CANDIDATES:
            return Matches(too_many=True)
        shown = [(r["code"], mask_name(r["name"]), short_organisation(r["organisation"]),
                  r["category"] or "") for r in rows]
        looks = [s[1:] for s in shown]
        return Matches(tuple(Candidate(*s, twin=looks.count(s[1:]) > 1) for s in shown))


# -- confirming who they are ---------------------------------------------------------------
def confirm_mode(config: EventConfig) -> str:
    mode = config.kiosk.confirm
    return mode if mode in KIOSK_CONFIRMATIONS else NONE


def phone_path_open(config: EventConfig) -> bool:
    """Whether the kiosk offers the phone digits: not where the event accepts only signed
    tickets and asks for no confirmation (anyone knowing four digits would be admitted)."""
    return not (config.require_signature and confirm_mode(config) == NONE)


def code_digits(code: str) -> str:
    """The digits at the end of a registration code (SHIC2026-000002 -> 000002): what a
    keypad can type of it."""
    found = re.search(r"(\d+)$", code or "")
    return found.group(1) if found else ""


def expected_answer(reg: Registrant, mode: str) -> str:
    """What the attendee must type to confirm (upper case), or "" when this kiosk cannot
    ask it: no ID number on file, one masked on this desk (1101************2X), a code
    without four digits at its end."""
    if mode == ID_TAIL:
        tail = (reg.id_number or "").strip().upper()[-PHONE_TAIL:]
        return tail if len(tail) == PHONE_TAIL and "*" not in tail else ""
    if mode == CODE:
        found = code_digits(reg.code)
        return found if len(found) >= PHONE_TAIL else ""
    return ""


def confirms(reg: Registrant, mode: str, typed: str) -> bool:
    """Whether `typed` confirms this person (compared in constant time)."""
    if mode == NONE:
        return True
    expected = expected_answer(reg, mode)
    answer = re.sub(r"\s", "", str(typed or "")).upper()
    return bool(expected) and hmac.compare_digest(answer.encode(), expected.encode())


# -- one attendee at the kiosk -------------------------------------------------------------
@dataclass
class Answer:
    """What the kiosk shows next: the decision (admitted: the badge), or a referral to the
    staffed desk (its number and group), or a confirmation to try again."""

    decision: Decision | None = None
    referral: str | None = None  # the group, when sent to the desk
    number: int | None = None  # the referral number shown
    tries_left: int | None = None  # a wrong confirmation: how many more may be tried
    extra: dict = field(default_factory=dict)

    @property
    def admitted(self) -> bool:
        return self.referral is None and self.decision is not None and self.decision.ok

    @property
    def registrant(self) -> Registrant | None:
        return self.decision.registrant if self.decision else None


class SelfCheckIn:
    """The kiosk's desk work, called on its one DB thread: scan, find by phone, pick (with
    the confirmation), refer."""

    def __init__(self, desk: Desk, station: str = REGISTRATION):
        self.desk = desk
        self.station = station
        self.phone_book = PhoneBook(desk.store)
        self._wrong: dict[str, int] = {}  # wrong confirmations per code, this run

    @property
    def store(self) -> Store:
        return self.desk.store

    def scan(self, payload: str) -> Answer:
        """A code from the camera or the handheld scanner."""
        return self._finish(self.desk.scan(payload, self.station))

    def find(self, tail: str) -> Matches:
        return self.phone_book.find(tail)

    def pick(self, code: str, typed: str = "") -> Answer:
        """The attendee chose `code` among the matches (and typed `typed` to confirm)."""
        mode = confirm_mode(self.store.config)
        reg = reg_store.get(self.store.reader(), code)
        if reg is None:
            return self.refer(NOT_FOUND, code)
        if mode != NONE:
            if self._wrong.get(reg.code, 0) >= MAX_TRIES or not expected_answer(reg, mode):
                return self.refer(CONFIRM, reg.code, reason="cannot confirm")
            if not confirms(reg, mode, typed):
                self._wrong[reg.code] = self._wrong.get(reg.code, 0) + 1
                left = MAX_TRIES - self._wrong[reg.code]
                if left <= 0:
                    return self.refer(CONFIRM, reg.code, reason="wrong confirmation")
                return Answer(tries_left=left)
            self._wrong.pop(reg.code, None)
        # Chosen from the list, not read from a QR code: admitted as a desk's pick would be.
        return self._finish(self.desk.scan(StaffChoice(reg.code), self.station))

    def _finish(self, decision: Decision) -> Answer:
        group = referral_group(decision)
        if group is None:
            return Answer(decision)
        if decision.ok and decision.event_uuid:
            # The staffed desk admits them itself (its banner shows the alert, it prints).
            self.desk.undo(decision.event_uuid, reason=UNDO_REASON)
        answer = self.refer(group, decision.code, reason=decision.reason_code
                            or str(decision.outcome))
        answer.decision = decision
        return answer

    def refer(self, group: str, code: str | None = None, *, reason: str = "") -> Answer:
        """Send the attendee to the staffed desk: the next referral number of this desk,
        recorded in the audit trail with the group and the reason code (no personal data)."""
        store = self.store
        with store.transaction() as conn:
            number = int(store.meta(COUNTER) or 0) % 999 + 1  # under the write lock
            store.set_meta(conn, COUNTER, str(number))
            audit.record(store, conn, REFERRAL, operator=self.desk.operator, code=code,
                         details={"number": number, "group": group, "reason": reason,
                                  "station": self.station})
        return Answer(referral=group, number=number)


def record_closed(store: Store, operator: str, problem: str) -> None:
    """The kiosk closed itself for `problem` (its printer), or opened again (""): an audit
    entry, which the next sync round takes to the central list for the staffed desks."""
    with store.transaction() as conn:
        audit.record(store, conn, KIOSK_CLOSED if problem else KIOSK_REOPENED,
                     operator=operator, details={"problem": problem} if problem else {})
