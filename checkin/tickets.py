"""Signed tickets: a registration code an offline desk can trust without the list.

Wire form: ``CK1:`` + base32 (no padding) of a small binary record and its Ed25519 signature.
Upper-case base32 and ``:`` are in the QR alphanumeric alphabet, so a ticket for a 20-character
code at a 16-character event still fits a version 8 QR code at error level M (tests/test_tickets).

Record, all integers big-endian:
    version u8 | key id (u8 length, ASCII) | event (u8 length, UTF-8) | code (u8 length, UTF-8)
    | valid_from u32 | valid_until u32 (Unix seconds; 0 = no bound) | issued_at u32
    | signature (64 bytes)
A ticket's id (for revocation) is a hash of the whole; issued_at makes a re-issued ticket for
the same person a different ticket, so revoking a lost one leaves the new one valid.
The signature covers ``b"checkin-ticket\\0"`` + every byte before it, so changing any field, or
presenting a signature made for something else, fails verification.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import struct
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "CK1:"
VERSION = 1
SIGNATURE_BYTES = 64
CONTEXT = b"checkin-ticket\0"
MAX_TICKET_CHARS = 400  # a well-formed ticket is ~120-200 characters: refuse far longer early


class TicketError(ValueError):
    """A ticket that must be refused; `reason_code` keys the desk's bilingual message."""

    def __init__(self, reason_code: str, message: str):
        super().__init__(message)
        self.reason_code = reason_code


@dataclass(frozen=True)
class Ticket:
    key_id: str
    event: str
    code: str
    valid_from: int  # Unix seconds, 0 = from any time
    valid_until: int  # Unix seconds, 0 = no end
    issued_at: int
    signed_part: bytes
    signature: bytes

    @property
    def id(self) -> str:
        digest = hashlib.sha256(self.signed_part + self.signature).digest()
        return base64.b32encode(digest[:10]).decode("ascii")


def is_ticket(text: str) -> bool:
    return text[: len(PREFIX)].upper() == PREFIX


# -- keys ------------------------------------------------------------------
def new_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The form public keys travel in inside the event configuration (base64 of 32 bytes)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


@functools.lru_cache(maxsize=32)  # a desk verifies against the same few keys all morning
def load_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not an Ed25519 public key: {text[:16]!r}…") from exc


TICKET_ID = re.compile(r"[A-Z2-7]{16}")  # Ticket.id: base32 of 10 bytes


def is_ticket_id(text: str) -> bool:
    return bool(TICKET_ID.fullmatch(text))


# -- encoding --------------------------------------------------------------
def _short(value: str, what: str) -> bytes:
    raw = value.encode("utf-8")
    if not raw or len(raw) > 64:
        raise ValueError(f"{what} must be 1 to 64 bytes, got {len(raw)}")
    return bytes([len(raw)]) + raw


def issue(key: Ed25519PrivateKey, key_id: str, event: str, code: str, *,
          valid_from: int = 0, valid_until: int = 0, issued_at: int | None = None) -> str:
    """A signed ticket for one registration code, as the text to put in a QR code."""
    if not key_id.isascii():
        raise ValueError("key id must be ASCII")
    body = (bytes([VERSION]) + _short(key_id, "key id") + _short(event, "event id")
            + _short(code, "registration code") + struct.pack(">III", valid_from, valid_until,
                                int(time.time()) if issued_at is None else issued_at))
    signature = key.sign(CONTEXT + body)
    return PREFIX + base64.b32encode(body + signature).decode("ascii").rstrip("=")


def decode(text: str) -> Ticket:
    """The ticket's fields, not yet verified; TicketError('malformed') for anything else."""
    if len(text) > MAX_TICKET_CHARS:
        raise TicketError("malformed", "the ticket is far too long")
    if not is_ticket(text):
        raise TicketError("malformed", "not a signed ticket")
    body32 = text[len(PREFIX):].strip().upper()
    try:
        raw = base64.b32decode(body32 + "=" * (-len(body32) % 8))
    except (binascii.Error, ValueError) as exc:
        raise TicketError("malformed", "the ticket is damaged (not base32)") from exc
    if base64.b32encode(raw).decode("ascii").rstrip("=") != body32:  # stray bits, padding
        raise TicketError("malformed", "the ticket is damaged (not in canonical form)")
    try:
        if raw[0] != VERSION:
            raise TicketError("malformed", f"ticket version {raw[0]} is not supported")
        pos, fields = 1, []
        for _ in range(3):
            length = raw[pos]
            fields.append(raw[pos + 1: pos + 1 + length].decode("utf-8"))
            if len(fields[-1].encode("utf-8")) != length:
                raise IndexError
            pos += 1 + length
        valid_from, valid_until, issued_at = struct.unpack_from(">III", raw, pos)
        pos += 12
    except (IndexError, struct.error, UnicodeDecodeError) as exc:
        raise TicketError("malformed", "the ticket is damaged (truncated fields)") from exc
    signature = raw[pos:]
    if len(signature) != SIGNATURE_BYTES:
        raise TicketError("malformed", "the ticket is damaged (signature length)")
    key_id, event, code = fields
    return Ticket(key_id, event, code, valid_from, valid_until, issued_at, raw[:pos], signature)


def verify(ticket: Ticket, public_keys: dict[str, str], *, event: str, now: float,
           revoked: set[str] | frozenset[str] = frozenset()) -> str:
    """The registration code of a genuine, current, unrevoked ticket for this event;
    otherwise TicketError with the reason a desk shows. `revoked` holds ticket ids."""
    key_text = public_keys.get(ticket.key_id)
    if key_text is None:
        raise TicketError("unknown_key", f"signed with key {ticket.key_id!r}, "
                          "which this event does not trust")
    try:
        load_public_key(key_text).verify(ticket.signature, CONTEXT + ticket.signed_part)
    except InvalidSignature as exc:
        raise TicketError("forged", "the ticket's signature is not genuine") from exc
    if ticket.event != event:
        raise TicketError("wrong_event", f"the ticket is for another event ({ticket.event})")
    if ticket.valid_from and now < ticket.valid_from:
        raise TicketError("not_yet_valid", "the ticket is not valid yet")
    if ticket.valid_until and now > ticket.valid_until:
        raise TicketError("expired", "the ticket has expired")
    if ticket.id in revoked:
        raise TicketError("revoked", f"this ticket of {ticket.code} was revoked")
    return ticket.code
