"""Plain data objects shared by every layer. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter
from zoneinfo import ZoneInfo

from .i18n import _

# Canonical payment words, as Chinese exports spell them.
PAID = "已缴费"
UNPAID = "未缴费"
REFUNDED = "已退款"
FREE = "免费"
ADMITTED_PAYMENTS = (PAID, FREE)
# How a walk-in paid at the desk (kept with the registrant as extra["缴费方式"] and in the
# walk-in event): cash, WeChat Pay, Alipay, bank card, bank transfer, invoice to follow.
PAYMENT_METHODS = ("cash", "wechat", "alipay", "card", "transfer", "invoice")

REGISTRATION = "registration"


class Outcome(StrEnum):
    OK = "ok"
    ALREADY = "already"
    NOT_FOUND = "not_found"
    NOT_ELIGIBLE = "not_eligible"
    INVALID = "invalid"


class EventKind(StrEnum):
    CHECKIN = "checkin"  # admitted at the registration desk
    MEAL = "meal"  # a meal slot redeemed
    FORUM = "forum"  # entered a forum door
    OVERRIDE = "override"  # admitted by a supervisor against the rules (any station)
    UNDO = "undo"  # cancels an earlier admission (ref = its uuid)
    WALK_IN = "walk_in"  # registered on site
    EDIT = "edit"  # registrant fields changed at a desk
    PRINT = "print"  # a badge or voucher printed
    RESOLVE = "resolve"  # closes a sync conflict (ref = one of its events; data.resolution)
    REVOKE = "revoke"  # a signed ticket no longer admits (data.ticket_id, data.reason)
    REFUSED = "refused"  # a scan that admitted nobody (data.outcome, data.reason_code)
    AUDIT = "audit"  # an audit-trail entry on its way to the central list (never stored locally)
    ENTRY = "entry"  # came back in through a forum door after leaving (the first entry: FORUM)
    EXIT = "exit"  # left through a forum door
    LIST = "list"  # passed a custom check-in list (欢迎礼包, 展厅): its first entry


# device_id of the events the central list records itself (an organiser's edits)
CENTRAL_DEVICE = "central"

# The headcount row of people admitted on a signed ticket before the list had them: its
# label, in English (headcount figures show unlisted() in the current language).
UNLISTED = "not yet on the list"


def unlisted() -> str:
    return _("not yet on the list")


def untitled_event() -> str:
    """The name of an event whose file gives none, in the language it is made in."""
    return _("Untitled event")

ADMISSION_KINDS = (EventKind.CHECKIN, EventKind.MEAL, EventKind.FORUM, EventKind.LIST,
                   EventKind.OVERRIDE)
# Crossings of a door (a forum's, a list's), in and out: who is inside is whoever's last one
# is not an exit.
ENTRY_KINDS = (EventKind.FORUM, EventKind.LIST, EventKind.OVERRIDE, EventKind.ENTRY)
MOVEMENT_KINDS = (*ENTRY_KINDS, EventKind.EXIT)

# Fields an export or a desk can set on a registrant, in display order.
REGISTRANT_FIELDS = (
    "code",
    "name",
    "gender",
    "phone",
    "email",
    "organisation",
    "title",
    "category",
    "track",
    "team",
    "payment",
    "amount",
    "meals",
    "forums",
    "remarks",
    "id_number",
    "cme_card",
    "wall_hidden",
)
# Kept on every desk whatever `[privacy] desk_fields` says: a desk cannot work without the
# code and the name, and dropping `wall_hidden` would put a person who asked not to be
# shown on a desk's welcome wall.
ALWAYS_KEPT = ("code", "name", "wall_hidden")


@dataclass
class Registrant:
    code: str
    name: str
    gender: str | None = None
    phone: str | None = None
    email: str | None = None
    organisation: str | None = None
    title: str | None = None
    category: str | None = None
    track: str | None = None
    team: str | None = None
    payment: str | None = None
    amount: float | None = None
    meals: list[str] = field(default_factory=list)
    forums: list[str] = field(default_factory=list)
    remarks: str | None = None
    # For CME credit (docs/cme.md): 身份证号 (18 characters, its check digit verified on
    # import) and 学分卡号. Personal data of the highest class: masked for the desk role and
    # desk tokens, never printed (checkin/masking.py NEVER_UNMASKED).
    id_number: str | None = None
    cme_card: str | None = None
    # A privacy request: never named on the welcome wall (still counted in its total).
    wall_hidden: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    source: str = "import"  # import | walk_in | central
    missing: bool = False  # vanished from the latest export (kept, never deleted)
    version: int = 1

    def master_fields(self) -> dict:
        return {f: getattr(self, f) for f in REGISTRANT_FIELDS}


class RegistrantColumns:
    """Registrants a field at a time: one list per Registrant field, all as long, in the
    constructor's order. What an import of 100,000 rows carries from the file to the
    INSERTs: reading or writing one attribute of 100,000 objects costs ~5 ms a field, and
    making the objects as much again (issue 17)."""

    NAMES = tuple(f.name for f in fields(Registrant))

    def __init__(self, columns: dict[str, list] | None = None):
        self.columns = columns if columns is not None else {name: [] for name in self.NAMES}

    @classmethod
    def of(cls, registrants: list[Registrant]) -> RegistrantColumns:
        return cls({name: list(map(attrgetter(name), registrants)) for name in cls.NAMES})

    def __len__(self) -> int:
        return len(self.columns["code"])

    def column(self, name: str) -> list:
        return self.columns[name]

    def extend(self, more: RegistrantColumns) -> None:
        for name, column in self.columns.items():
            column += more.columns[name]

    def registrants(self) -> list[Registrant]:
        return list(map(Registrant, *self.columns.values()))


@dataclass(frozen=True)
class MealSlot:
    id: str
    name: str
    date: str | None = None  # ISO date; None when only the export named it
    start: str | None = None  # "HH:MM" in the event's zone: served from, until end
    end: str | None = None
    # Minutes before start and after end still served (None: the event's default).
    tolerance_minutes: int | None = None
    rule: str = ""  # JSON Logic (docs/rules.md), checked after the slot's own settings


@dataclass(frozen=True)
class Forum:
    id: str
    name: str
    room: str | None = None
    capacity: int | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    # True: only those who chose it in the export (or whose category has all_forums) enter.
    signup_required: bool = False
    tolerance_minutes: int | None = None  # as MealSlot's: the door opens this much early
    # False: once out (an exit scan), not back in. Capacity counts who is inside.
    reentry: bool = True
    rule: str = ""  # JSON Logic (docs/rules.md), checked after the forum's own settings


@dataclass(frozen=True)
class CheckinList:
    """A check-in list of the event's own beyond registration, meals and forums (欢迎礼包,
    展厅): who may pass, when, once or again, through a door with exits or not."""

    id: str
    name: str
    categories: tuple[str, ...] = ()  # only these categories (empty: every category)
    products: tuple[str, ...] = ()  # only those entitled to one of these (meal/forum ids)
    paid: tuple[str, ...] | None = None  # payment states that pass (None: paid and free)
    days: tuple[str, ...] = ()  # ISO dates (empty: any day of the event)
    start: str | None = None  # "HH:MM" in the event's zone, with the tolerance either side
    end: str | None = None
    tolerance_minutes: int | None = None
    exits: bool = False  # a door: exit scans too, occupancy, capacity of who is inside
    reentry: bool = False  # again after passing once (after an exit, for a door)
    capacity: int | None = None
    rule: str = ""  # JSON Logic (docs/rules.md), checked after the settings above


@dataclass(frozen=True)
class Category:
    name: str
    colour: str = "#607d8b"
    # The name in English where the event gives one ("Delegate" for 参会代表): badges print
    # both, "参会代表 Delegate" (printing/fields.py). Not a word exports are matched on.
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    # Days (ISO dates) this category is admitted; empty = every check-in day.
    days: tuple[str, ...] = ()
    # Meal slot ids given to everyone in the category, on top of what the export lists.
    meals: tuple[str, ...] = ()
    # True: may enter every forum regardless of sign-up (guests, jury, press, staff).
    all_forums: bool = False


@dataclass(frozen=True)
class Privacy:
    """The event file's `[privacy]` section (checkin/privacy.py applies it)."""

    # Salted scrypt hash of the organiser PIN (`checkin privacy pin`); "": no organiser
    # role on desks (personal data stays masked, exports and purge are refused).
    organiser_pin_hash: str = ""
    # Registrant fields a desk stores (code and name always); None: every field.
    desk_fields: tuple[str, ...] | None = None
    # Fields desks receive whole from the central list (else phone numbers and e-mails, and
    # the numbers inside remarks and extra columns, reach them masked: 138****8000).
    desk_unmasked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alerts:
    """The event file's `[alerts]` (checkin/alerts.py): who staff must look after, said on
    the banner with its own sound."""

    words: tuple[str, ...] = ()  # a remark containing one of these is an alert ("轮椅", "VIP")
    categories: tuple[str, ...] = ()  # everyone of these categories (嘉宾, 讲者 ...)
    fields: tuple[str, ...] = ()  # fields whose any value is one ("extra.特殊需求")
    acknowledge: bool = False  # staff press Space before the next scan is decided


# How a self check-in kiosk confirms a person found by the last digits of their phone
# (checkin/ui/kiosk): nothing more, the last four of the ID number, or the registration code.
KIOSK_CONFIRMATIONS = ("none", "id_tail", "code")
# The audit actions of a kiosk that closed itself (its printer cannot print: details.problem)
# and opened again: the central list keeps each kiosk's latest, and every desk's status bar
# says which kiosks are closed (checkin/server/events.py, checkin/ui/sync_panel.py).
KIOSK_CLOSED, KIOSK_REOPENED = "kiosk_closed", "kiosk_reopened"


@dataclass(frozen=True)
class Kiosk:
    """The event file's `[kiosk]`: how self check-in kiosks behave."""

    confirm: str = "none"  # one of KIOSK_CONFIRMATIONS
    auto_print_seconds: int = 3  # the badge preview prints by itself after this (0: tap Print)
    idle_seconds: int = 20  # back to the start, the screen cleared, after this without input


# How the welcome wall names arrivals: the full name, the surname with the given name
# masked (张*明), or no names at all (the counts only).
WALL_SHOWS = ("name", "masked", "counts")


@dataclass(frozen=True)
class Wall:
    """The event file's `[wall]`: the welcome wall (签到大屏) the central service shows on a
    projector, /wall/<event> (checkin/server/wall.py)."""

    show: str = "masked"  # one of WALL_SHOWS
    public: bool = False  # True: no token needed to open it
    title: str = ""  # above the names (default: the event's name)
    logo: str = ""  # an https: or data: URL of an image ("": none)
    colour: str = ""  # the accent colour, "#1565c0" ("": the default)
    background: str = ""  # the page's background colour ("": the default)
    language: str = ""  # "zh" or "en": the page's words ("Welcome"); "": the service's


@dataclass(frozen=True)
class CmeSession:
    """One session that earns CME credit: a forum door's time slot (继续医学教育)."""

    id: str
    name: str
    station: str  # the door where presence is scanned ("forum:F1")
    date: str  # ISO date
    start: str  # "HH:MM" in the event's zone
    end: str
    credits: float


@dataclass(frozen=True)
class Cme:
    """The event file's `[cme]`: the CME project and what earns its credit (checkin/cme.py)."""

    project_number: str = ""  # 项目编号, as the CME office knows the project
    project_name: str = ""
    credit_class: str = ""  # 学分类别: I类 (national/provincial projects) or II类
    credits: float | None = None  # on offer for the whole project (a cap); None: the sum
    # Present for at least this share of a session's minutes earns its credits.
    min_share: float = 0.8
    # True: a session earns credit only with an exit scanned (check-in and check-out each
    # half-day, as some CME offices ask); an entry left open then earns nothing.
    require_exit: bool = False
    sessions: tuple[CmeSession, ...] = ()


@dataclass
class EventConfig:
    name: str = field(default_factory=untitled_event)
    short_name: str = ""
    timezone: str = "Asia/Shanghai"
    start: str | None = None
    end: str | None = None
    checkin_days: tuple[str, ...] = ()
    meals: list[MealSlot] = field(default_factory=list)
    forums: list[Forum] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    # Signed tickets: key id -> Ed25519 public key (base64). Empty: plain codes only.
    ticket_keys: dict[str, str] = field(default_factory=dict)
    # True: a scanned plain code is refused (staff can still find the person and check in).
    require_signature: bool = False
    privacy: Privacy = field(default_factory=Privacy)
    alerts: Alerts = field(default_factory=Alerts)
    # A meal slot or forum with start and end admits only then, give or take this (minutes).
    window_tolerance_minutes: int = 15
    cme: Cme | None = None
    lists: list[CheckinList] = field(default_factory=list)
    kiosk: Kiosk = field(default_factory=Kiosk)
    wall: Wall = field(default_factory=Wall)
    registration_rule: str = ""  # JSON Logic for the registration desk ([registration] rule)

    def meal(self, key: str) -> MealSlot | None:
        return next((m for m in self.meals if key in (m.id, m.name)), None)

    def forum(self, key: str) -> Forum | None:
        return next((f for f in self.forums if key in (f.id, f.name)), None)

    def checkin_list(self, key: str) -> CheckinList | None:
        return next((x for x in self.lists if key in (x.id, x.name)), None)

    def category(self, name: str | None) -> Category | None:
        return next((c for c in self.categories if c.name == name), None)

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class LoggedEvent:
    """One append-only fact. `hlc` orders events across desks."""

    uuid: str
    kind: str
    code: str | None
    station: str | None
    device_id: str
    operator: str
    wall_time: str
    hlc: str
    ref: str | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Door:
    """One person at one forum door: inside or not, and since when (their last crossing)."""

    inside: bool
    last_kind: str | None  # None: never crossed it
    last_time: str | None
    last_device: str | None


NOWHERE = Door(False, None, None, None)


@dataclass
class Decision:
    outcome: Outcome
    station: str
    code: str | None = None
    name: str | None = None
    category: str | None = None
    reason: str = ""
    reason_code: str = ""  # machine key for the UI's translated message
    reason_other: str = ""  # the reason in the desk's other language (zh ↔ en), for the log
    event_uuid: str | None = None  # the admission recorded, when outcome is ok
    alerts: tuple[str, ...] = ()  # what staff must know about this person (checkin/alerts.py)
    acknowledge: bool = False  # the event asks staff to acknowledge the alerts (Space)
    first_time: str | None = None  # for `already`: when and where first admitted (or left)
    first_device: str | None = None
    exit: bool = False  # an exit scan at a forum door
    registrant: Registrant | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.OK

    def to_json(self) -> dict:
        return {
            "outcome": str(self.outcome),
            "station": self.station,
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "reason": self.reason,
            "reason_code": self.reason_code,
            "event_uuid": self.event_uuid,
            "exit": self.exit,
            "first_time": self.first_time,
            "first_device": self.first_device,
            "alerts": list(self.alerts),
        }
