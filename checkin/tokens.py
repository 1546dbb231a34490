"""What a scanned QR payload means: a plain registration code or a signed ticket (``CK1:…``),
alone or inside a URL or a JSON object.

A payload is untrusted input from a camera or a keyboard-wedge scanner: it is bounded in
length, stripped of what scanners add (CR/LF, spaces, BOM), and anything that is neither a
registration code nor something shaped like a ticket is refused with a reason instead of being
looked up. A ticket is only recognised here; the desk verifies it (checkin/tickets.py).
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from .normalize import CODE_PATTERN, MAX_CODE_CHARS
from .tickets import MAX_TICKET_CHARS, is_ticket

MAX_PAYLOAD_CHARS = 2048  # a version 40 QR holds ~4k bytes; confirmations never need that
_URL_KEYS = ("code", "ticket", "c", "t", "secret", "regcode")


class InvalidPayload(ValueError):
    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


def _from_url(text: str) -> tuple[str | None, bool]:
    """The code in a link, and whether it was only guessed from the path's last segment
    (no code=/ticket=... parameter): then the link may well be someone else's."""
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    for key in _URL_KEYS:
        if query.get(key):
            return query[key][0], False
    segments = [s for s in parts.path.split("/") if s]
    return (segments[-1], True) if segments else (None, True)


def _from_json(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict):
        for key in _URL_KEYS:
            if isinstance(data.get(key), str | int):
                return str(data[key])
    return None


@dataclass(frozen=True)
class Scanned:
    """What a payload carries: exactly one of a plain code or a ticket's text (unverified)."""

    code: str | None = None
    ticket: str | None = None
    # the code was guessed from a web link's path: its host, to say "not our QR code" when
    # nobody has that code (a WeChat article, a sponsor's site ...)
    link_host: str | None = None


def read_scanned(payload: str) -> Scanned:
    """The plain code or the signed ticket a payload carries, or InvalidPayload."""
    if payload is None:
        raise InvalidPayload("empty", "nothing was scanned")
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise InvalidPayload("too_long", f"payload of {len(payload)} characters is too long to be a code")
    text = unicodedata.normalize("NFKC", payload).strip().lstrip("\ufeff").strip()
    if not text:
        raise InvalidPayload("empty", "nothing was scanned")
    candidate: str | None = text
    link_host = None
    if re.match(r"^https?://", text, re.I):
        candidate, guessed = _from_url(text)
        link_host = (urlsplit(text).hostname or "?") if guessed else None
    elif text.startswith("{"):
        candidate = _from_json(text)
    if not candidate:
        raise InvalidPayload("not_a_code", "the QR code holds no registration code")
    candidate = candidate.strip()
    if is_ticket(candidate):
        if len(candidate) > MAX_TICKET_CHARS:
            raise InvalidPayload("too_long", "the scanned ticket is far too long")
        return Scanned(ticket=candidate)
    if len(candidate) > MAX_CODE_CHARS or not CODE_PATTERN.match(candidate):
        shown = candidate[:24] + ("…" if len(candidate) > 24 else "")
        raise InvalidPayload("not_a_code", f"{shown!r} is not a registration code")
    return Scanned(code=candidate, link_host=link_host)


def plain_code(payload: str) -> str:
    """The plain registration code a payload carries, or InvalidPayload. A signed ticket is
    refused here: its code means nothing until verified (Desk.scan does that)."""
    scanned = read_scanned(payload)
    if scanned.code is None:
        raise InvalidPayload("not_a_code", "a signed ticket, not a plain registration code")
    return scanned.code
