"""What a template's {fields} are filled with, for a badge and for a meal voucher."""

from __future__ import annotations

import datetime as dt
import json
import string

from .. import tickets
from ..model import EventConfig, MealSlot, Registrant

# category: "参会代表 Delegate" where the event file gives the English name (name_en), else the
# name alone; category_name and category_en: each of the two alone, for a template that asks.
BADGE_FIELDS = ("name", "organisation", "title", "category", "category_name", "category_en",
                "category_colour", "team", "track", "code", "qr_payload", "event_name",
                "event_dates")
VOUCHER_FIELDS = (*BADGE_FIELDS, "meal_name", "meal_date", "meal_time", "voucher_payload")
LETTER_FIELDS = (*BADGE_FIELDS, "ticket")
ALL_FIELDS = (*VOUCHER_FIELDS, "ticket")


def _dates(config: EventConfig) -> str:
    """'2026年6月25日–28日', '2026年6月30日–7月2日', or one day, as Chinese events write it."""
    if not config.start:
        return ""
    start = dt.date.fromisoformat(config.start)
    text = f"{start.year}年{start.month}月{start.day}日"
    if config.end and config.end != config.start:
        end = dt.date.fromisoformat(config.end)
        text += f"–{end.day}日" if (end.year, end.month) == (start.year, start.month) \
            else f"–{end.month}月{end.day}日"
    return text


def category_label(name: str, english: str) -> str:
    """'参会代表 Delegate': both names when the event gives both, else the one there is."""
    if not english or english.casefold() == name.casefold():
        return name or english
    return f"{name} {english}" if name else english


def badge_fields(reg: Registrant, config: EventConfig) -> dict[str, str]:
    category = config.category(reg.category)
    english = category.name_en if category else ""
    return {
        "name": reg.name, "organisation": reg.organisation or "", "title": reg.title or "",
        "category": category_label(reg.category or "", english),
        "category_name": reg.category or "", "category_en": english,
        "category_colour": category.colour if category else "#607d8b",
        "team": reg.team or "", "track": reg.track or "", "code": reg.code,
        "qr_payload": badge_ticket(reg, config) or reg.code,
        "event_name": config.name, "event_dates": _dates(config),
    }


def badge_ticket(reg: Registrant, config: EventConfig) -> str | None:
    """The person's signed ticket, when the export brought one (a `ticket`/`凭证` column, kept
    in extra data): the badge's QR then verifies offline like the confirmation. Only a ticket
    for this very code and event is used (the latest issued, if several); else None."""
    best: tickets.Ticket | None = None
    text = None
    for value in reg.extra.values():
        if not isinstance(value, str) or not tickets.is_ticket(value.strip()):
            continue
        try:
            ticket = tickets.decode(value.strip())
        except tickets.TicketError:
            continue
        if ticket.code.casefold() == reg.code.casefold() and (
                not config.short_name or ticket.event == config.short_name) and (
                best is None or ticket.issued_at > best.issued_at):
            best, text = ticket, value.strip()
    return text


def voucher_payload(code: str, slot: MealSlot) -> str:
    """What a meal voucher's QR holds: the person and the slot (tokens.plain_code reads
    the code from it; a meal station checks the slot)."""
    return json.dumps({"code": code, "meal": slot.id}, ensure_ascii=False, separators=(",", ":"))


def voucher_fields(reg: Registrant, config: EventConfig, slot: MealSlot) -> dict[str, str]:
    times = f"{slot.start}–{slot.end}" if slot.start and slot.end else ""
    return {**badge_fields(reg, config), "meal_name": slot.name, "meal_date": slot.date or "",
            "meal_time": times, "voucher_payload": voucher_payload(reg.code, slot)}


def letter_fields(reg: Registrant, config: EventConfig, ticket: str) -> dict[str, str]:
    return {**badge_fields(reg, config), "ticket": ticket}


def entitled_slots(reg: Registrant, config: EventConfig) -> list[MealSlot]:
    """The meal slots a person gets a voucher for (listed, or given to their category)."""
    category = config.category(reg.category)
    wanted = set(reg.meals) | set(category.meals if category else ())
    return [m for m in config.meals if m.id in wanted or m.name in wanted]


def fill(text: str, fields: dict[str, str]) -> str:
    """'{name} ({title})' with the fields; unknown names are an error, not a blank."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    unknown = names - set(fields)
    if unknown:
        raise KeyError(f"unknown field(s) {', '.join(sorted(unknown))}; fields are: "
                       f"{', '.join(fields)}")
    return text.format(**fields)
