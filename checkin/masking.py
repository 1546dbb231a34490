"""Masking and field minimisation of personal data: plain functions over values and dicts,
shared by the desk (checkin/privacy.py: what a desk role sees, what a desk stores) and the
central list (what a desk token receives). No I/O.

A desk token gets from the central list only what the event grants desks
(docs/personal-data.md): the fields of `[privacy] desk_fields`, with phone numbers, e-mails
and the numbers inside remarks and extra columns masked unless `desk_unmasked` names them,
and ID card and CME card numbers masked always.
Searching by the last four digits of a phone still works on a masked number (138****8000).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from .model import ALWAYS_KEPT, REGISTRANT_FIELDS, Privacy, Registrant
from .pinyin import is_cjk

# What a desk token receives masked unless `[privacy] desk_unmasked` names it.
MASKED_FIELDS = ("phone", "email", "remarks", "extra")
# Personal data of the highest class: ID card numbers (身份证号) and CME card numbers (学分卡号).
# Masked for the desk role wherever shown and for every desk token, whatever `desk_unmasked`
# says (the event file may not name them there: checkin/config.py); never printed
# (printing/templates.py); whole only in an organiser's export.
NEVER_UNMASKED = ("id_number", "cme_card")

def mask_phone(phone: str | None) -> str | None:
    """13800138000 -> 138****8000; +86 138-0013-8000 -> +86 138****8000; a landline
    010-62345678 -> 010****5678; shorter numbers keep their last digits at most."""
    if phone is None:
        return None
    text = str(phone).strip()
    if not text or "*" in text:  # empty, or masked already (what a desk token received)
        return text
    digits = re.sub(r"\D", "", text)
    prefix = ""
    if text.startswith(("+", "00")):
        if text.startswith("00"):
            digits = digits[2:]
        if digits.startswith("86") and len(digits) > 2:
            prefix, digits = "+86 ", digits[2:]
        else:
            prefix = "+"
    elif len(digits) == 13 and digits.startswith("861"):
        prefix, digits = "+86 ", digits[2:]
    n = len(digits)
    if n >= 10:
        return f"{prefix}{digits[:3]}****{digits[-4:]}"
    if n >= 7:
        return f"{prefix}****{digits[-4:]}"
    if n >= 5:
        return f"{prefix}***{digits[-2:]}"
    return f"{prefix}****"


def mask_email(email: str | None) -> str | None:
    """zhang.san@example.org -> z***@example.org (the domain stays: it is rarely personal)."""
    if email is None:
        return None
    text = str(email).strip()
    if not text or "***" in text:  # empty, or masked already
        return text
    local, at, domain = text.rpartition("@")
    if not at:
        return f"{text[:1]}***"
    return f"{local[:1]}***@{domain}"


def mask_id(number: str | None) -> str | None:
    """An ID card or CME card number: 11010519491231002X -> 1101************2X (the region
    and the last two characters); a shorter card number keeps its last two (A1234567 ->
    ******67), a very short one nothing."""
    if number is None:
        return None
    text = str(number).strip()
    if not text or "*" in text:  # empty, or masked already (what a desk token received)
        return text
    n = len(text)
    if n >= 12:
        return f"{text[:4]}{'*' * (n - 6)}{text[-2:]}"
    if n >= 6:
        return f"{'*' * (n - 2)}{text[-2:]}"
    return "****"


# Two-character surnames (欧阳娜娜 is 欧阳 + 娜娜): the common ones.
COMPOUND_SURNAMES = frozenset((
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "令狐", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台",
    "公冶", "太史", "申屠", "钟离", "闻人", "赫连", "东郭", "万俟", "濮阳", "淳于", "单于",
    "拓跋", "司空", "左丘", "第五"))
_NAME_DOTS = re.compile(r"\s*[·•・.]\s*")


def _masked_part(part: str) -> str:
    """阿依古丽 -> 阿**丽: the first and last characters of a long part, the first of a
    short one."""
    if len(part) <= 2:
        return part[:1] + "*" * (len(part) - 1)
    return f"{part[0]}{'*' * (len(part) - 2)}{part[-1]}"


def mask_name(name: str | None) -> str:
    """A name as the welcome wall shows it when it may not show it whole: the surname, the
    given name masked. 张三明 -> 张*明, 张明 -> 张*, 欧阳娜娜 -> 欧阳*娜, 阿依古丽·买买提 ->
    阿**丽·买*提, John Smith -> J. Smith (the surname kept, given names as initials)."""
    text = " ".join(str(name or "").split())
    if not text:
        return ""
    if is_cjk(text[0]):
        if _NAME_DOTS.search(text):  # a minority name: mask each part
            return "·".join(_masked_part(p) for p in _NAME_DOTS.split(text) if p)
        compact = text.replace(" ", "")
        surname = compact[:2] if compact[:2] in COMPOUND_SURNAMES else compact[:1]
        given = compact[len(surname):]
        if len(given) <= 1:
            return surname + "*" * len(given)
        return f"{surname}{'*' * (len(given) - 1)}{given[-1]}"
    words = text.split(" ")
    if len(words) == 1:
        return _masked_part(words[0])
    return " ".join(f"{w[0]}." for w in words[:-1]) + f" {words[-1]}"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[-\s]?)?1[3-9]\d(?:[-\s]?\d){8}(?!\d)"
                    r"|(?<![\d-])0\d{2,3}-\d{7,8}(?!\d)")


def mask_text(text: str | None) -> str | None:
    """Free text (remarks, extra columns) with phone numbers, e-mails and ID card numbers
    inside it masked; the rest unchanged ("素食，电话13800138000" -> "素食，电话138****8000")."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: mask_email(m.group()), str(text))
    text = _ID_CARD.sub(lambda m: f"{m.group()[:3]}****{m.group()[-4:]}", text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


def mask_data(value, key: str | None = None):
    """A copy of event data / JSON with personal values masked: `phone`, `email`,
    `id_number` and `cme_card` keys (also inside lists, as in an edit's {"phone": [old,
    new]}), other text via mask_text."""
    if isinstance(value, dict):
        return {k: mask_data(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v, key) for v in value]
    if isinstance(value, str):
        if key == "phone":
            return mask_phone(value)
        if key == "email":
            return mask_email(value)
        if key in NEVER_UNMASKED:
            return mask_id(value)
        return mask_text(value)
    return value


def minimise_record(record: dict, desk_fields: Iterable[str] | None) -> dict:
    """A registrant as a dict (a walk-in's `fields`, an edit's `changes`, a conflict's
    `current`) without the fields `desk_fields` leaves out (a copy; None: unchanged)."""
    if desk_fields is None or not isinstance(record, dict):
        return record
    keep = set(desk_fields) | set(ALWAYS_KEPT)
    out = {}
    for key, value in record.items():
        if key in REGISTRANT_FIELDS and key not in keep:
            continue
        if key == "extra" and "extra" not in keep:
            if isinstance(value, dict):
                value = {k: v for k, v in value.items() if f"extra.{k}" in keep}
            elif isinstance(value, list):  # an edit's [old, new]
                value = [{k: v for k, v in x.items() if f"extra.{k}" in keep}
                         if isinstance(x, dict) else x for x in value]
        out[key] = value
    return out


def desk_record(record: dict, privacy: Privacy) -> dict:
    """A registrant (a feed item, a walk-in's `fields`, an edit's `changes` or a conflict's
    `current`) as a desk token may receive it: minimised, then masked. A copy."""
    if not isinstance(record, dict):
        return record
    record = minimise_record(record, privacy.desk_fields)
    masked = (set(MASKED_FIELDS) - set(privacy.desk_unmasked)) | set(NEVER_UNMASKED)
    return {key: mask_data(value, key) if key in masked else value
            for key, value in record.items()}


def desk_event(item: dict, privacy: Privacy) -> dict:
    """An event (feed item, conflict) as a desk token may receive it: the registrant data a
    walk-in or an edit carries goes through desk_record; a conflict's `current` too."""
    data = item.get("data")
    if isinstance(data, dict):
        key = {"walk_in": "fields", "edit": "changes"}.get(item.get("kind"))
        if key and isinstance(data.get(key), dict):
            item = {**item, "data": {**data, key: desk_record(data[key], privacy)}}
    conflict = item.get("conflict")
    if isinstance(conflict, dict) and isinstance(conflict.get("current"), dict):
        item = {**item, "conflict": {**conflict,
                                     "current": desk_record(conflict["current"], privacy)}}
    return item


_EMPTY = {"meals": [], "forums": []}


def minimise(reg: Registrant, desk_fields: Iterable[str] | None) -> Registrant:
    """Keep only `desk_fields` of `reg` (in place; returned): the others become None (or
    empty lists), extra columns stay only with "extra" or "extra.<header>". None: all."""
    if desk_fields is None:
        return reg
    keep = set(desk_fields)
    for name in REGISTRANT_FIELDS:
        if name not in keep and name not in ALWAYS_KEPT:
            setattr(reg, name, list(_EMPTY[name]) if name in _EMPTY else None)
    if "extra" not in keep and reg.extra:
        reg.extra = {k: v for k, v in reg.extra.items() if f"extra.{k}" in keep}
    return reg


def minimise_event(event, desk_fields: Iterable[str] | None):
    """Another desk's (or the organiser's) walk-in or edit, as this desk may keep it: the
    values of fields `desk_fields` leaves out are not stored here (the central list has the
    whole fact). Applied before the event is appended; stored events never change."""
    if desk_fields is None or event.kind not in ("walk_in", "edit"):
        return event
    key = "fields" if event.kind == "walk_in" else "changes"
    if not isinstance(event.data.get(key), dict):
        return event
    data = {**event.data, key: minimise_record(event.data[key], desk_fields)}
    return dataclasses.replace(event, data=data)
