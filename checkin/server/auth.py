"""Who is asking: bearer tokens (stored only as SHA-256 hashes), the two roles, enrolment codes.

- organiser tokens are made on the server machine (`checkin server token`);
- a desk token is handed out once, in exchange for a one-time enrolment code that an organiser
  made for one event; the desk token is bound to that event and device.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, update

from .db import Database, conferences, devices, enrolments, organiser_tokens, utcnow, wall_tokens
from .errors import ApiError, not_found

ORGANISER, DESK = "organiser", "desk"
WALL_PREFIX = "wall"  # wall_...: a welcome wall's read-only token (create_wall_token)
# Enrolment codes: no 0/O, 1/I/L, so they can be read out and typed; 31^8 ≈ 8.5e11 codes.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DEFAULT_CODE_TTL = dt.timedelta(hours=24)
# last_seen is written at most this often per device, so reads do not turn into writes.
SEEN_EVERY = dt.timedelta(seconds=30)


@dataclass(frozen=True)
class Principal:
    role: str
    event_id: str | None = None  # desks: the one event the token is for
    device_id: str | None = None
    label: str = ""  # organiser token label or device name
    revoked_at: str | None = None  # a revoked desk, let in only for its final upload

    @property
    def is_organiser(self) -> bool:
        return self.role == ORGANISER


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def create_organiser_token(db: Database, label: str = "organiser") -> str:
    """A new organiser token; only its hash is kept, so it is shown once."""
    token = new_token("org")
    with db.write() as conn:
        conn.execute(organiser_tokens.insert().values(
            token_hash=hash_secret(token), label=label or "organiser", created_at=utcnow()))
    return token


def _bearer(header: str | None) -> str:
    scheme, _, token = (header or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise ApiError(401, "unauthorized",
                       "send a token: 'Authorization: Bearer <token>' (an organiser token from "
                       "`checkin server token`, or the desk token given at enrolment)")
    return token


def authenticate(db: Database, header: str | None, *, allow_revoked: bool = False) -> Principal:
    """Who sends this token. `allow_revoked`: a revoked desk too (its final upload)."""
    digest = hash_secret(_bearer(header))
    principal = _recall(db, digest)
    if principal is None:
        principal = _look_up(db, digest)
        _remember(db, digest, principal)
    return _let_in(principal, allow_revoked)


def remembered(db: Database, header: str | None, *, allow_revoked: bool = False,
               ) -> Principal | None:
    """authenticate() without the database: its answer when the token was looked up in the
    last REMEMBER_SECONDS, else None."""
    principal = _recall(db, hash_secret(_bearer(header)))
    return None if principal is None else _let_in(principal, allow_revoked)


# A token's principal is kept this long after it was looked up: a desk asks six times a
# round, every two seconds, and each was a database round trip (under 100 desks, with the
# thread it took, a third of the service's requests' time). Revoking or enrolling a desk
# here forgets them all at once; another service process on the same database sees a
# revocation after at most this long. Unknown tokens are never kept.
REMEMBER_SECONDS = 5.0
REMEMBER_MOST = 10_000  # tokens kept at once (then all are forgotten and read again)
_remembered: weakref.WeakKeyDictionary[Database, dict[str, tuple[Principal, float]]] = \
    weakref.WeakKeyDictionary()
_clock = time.monotonic  # (tests move it on)


def _recall(db: Database, digest: str) -> Principal | None:
    principal, at = _remembered.get(db, {}).get(digest, (None, 0.0))
    return principal if _clock() - at < REMEMBER_SECONDS else None


def _remember(db: Database, digest: str, principal: Principal) -> None:
    kept = _remembered.setdefault(db, {})
    if len(kept) >= REMEMBER_MOST:
        kept.clear()
    kept[digest] = (principal, _clock())


def forget_tokens(db: Database) -> None:
    """The next request of every token is looked up again (a desk revoked or enrolled)."""
    _remembered.pop(db, None)


def _let_in(principal: Principal, allow_revoked: bool) -> Principal:
    if principal.revoked_at is not None and not allow_revoked:
        raise ApiError(401, "revoked", f"this desk ({principal.label}) was revoked by an "
                       f"organiser on {principal.revoked_at[:16].replace('T', ' ')} UTC; it may "
                       "no longer sync")
    return principal


def _look_up(db: Database, digest: str) -> Principal:
    """The token's principal, from the database (a desk's last_seen written now and then)."""
    with db.read() as conn:
        def organiser():
            return conn.execute(
                select(organiser_tokens.c.label)
                .where(organiser_tokens.c.token_hash == digest,
                       organiser_tokens.c.revoked_at.is_(None))).first()

        # Desks ask most, so their table first; an organiser token is found by its hash
        # in its own table, whatever its prefix.
        desk = conn.execute(select(devices).where(devices.c.token_hash == digest)).first()
        if desk is None:
            org = organiser()
            if org is not None:
                return Principal(ORGANISER, label=org.label)
    if desk is None:
        if wall_event(db, token_digest=digest) is not None:
            raise ApiError(403, "forbidden", "this is a welcome-wall token: it opens the wall "
                           "page (/wall/<event>) and nothing else")
        raise ApiError(401, "unauthorized", "this token is not known to the server")
    now = utcnow()
    stale = (dt.datetime.now(dt.UTC) - SEEN_EVERY).isoformat(timespec="milliseconds")
    if desk.last_seen is None or desk.last_seen < stale:
        with db.write_alone() as conn:
            conn.execute(update(devices).values(last_seen=now).where(
                devices.c.event_id == desk.event_id, devices.c.device_id == desk.device_id))
    return Principal(DESK, event_id=desk.event_id, device_id=desk.device_id, label=desk.name,
                     revoked_at=desk.revoked_at)


def require_organiser(who: Principal) -> None:
    if not who.is_organiser:
        raise ApiError(403, "forbidden", "this needs an organiser token; a desk token cannot do it")


def require_event(who: Principal, event_id: str) -> None:
    """A desk token works only for its own event."""
    if not who.is_organiser and who.event_id != event_id:
        raise ApiError(403, "forbidden", f"this desk is enrolled for event {who.event_id!r}, "
                       f"not {event_id!r}")


# -- enrolment ---------------------------------------------------------------------------------
def normalise_code(code: str) -> str:
    """'k7q2-9xpd', 'K7Q2 9XPD' -> 'K7Q29XPD' (what was typed or scanned, made comparable)."""
    return "".join(c for c in code.upper() if c.isalnum())


def _stamp(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="milliseconds")


def new_enrolment(db: Database, event_id: str, device_name: str,
                  ttl: dt.timedelta = DEFAULT_CODE_TTL, *,
                  wall: Callable[[], float] = time.time) -> dict:
    """`wall`: the clock codes expire by (the service's; tests move it)."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    code = f"{raw[:4]}-{raw[4:]}"
    expires = _stamp(wall() + ttl.total_seconds())
    with db.write() as conn:
        if conn.execute(select(conferences.c.id).where(conferences.c.id == event_id)).first() is None:
            raise not_found(f"event {event_id!r}")
        conn.execute(enrolments.insert().values(
            code_hash=hash_secret(raw), event_id=event_id, device_name=device_name,
            created_at=utcnow(), expires_at=expires))
    return {"code": code, "expires_at": expires, "device_name": device_name}


def enrol(db: Database, code: str, device_id: str, device_name: str, *,
          wall: Callable[[], float] = time.time) -> dict:
    """Exchange a one-time code for a desk token. A device id enrolled and not revoked for the
    event is refused (409 device_taken, the code stays unused): a laptop holding a copy of
    another desk's database would otherwise take over that desk's token and both would upload
    under one id, their double admissions never seen. A revoked device enrols again (new
    token, no longer revoked)."""
    digest = hash_secret(normalise_code(code))
    token = new_token(DESK)
    now = utcnow()
    with db.write() as conn:
        row = conn.execute(select(enrolments).where(enrolments.c.code_hash == digest)).first()
        if row is None:
            raise ApiError(401, "unauthorized", "this enrolment code is not known: check it, or "
                           "ask the organiser for a new one")
        if row.used_at is not None:
            raise ApiError(410, "code_used", "this enrolment code was already used; each code "
                           "enrols one desk: ask the organiser for a new one")
        if row.expires_at <= _stamp(wall()):
            raise ApiError(410, "code_expired", "this enrolment code has expired: ask the "
                           "organiser for a new one")
        key = (devices.c.event_id == row.event_id) & (devices.c.device_id == device_id)
        enrolled = conn.execute(select(devices.c.name, devices.c.revoked_at).where(key)).first()
        if enrolled is not None and enrolled.revoked_at is None:
            raise ApiError(409, "device_taken", f"device {device_id} is already enrolled for "
                           f"this event as {enrolled.name!r}: a copy of another desk's database "
                           "cannot enrol; enrol with a fresh desk database (to enrol that desk "
                           "again, the organiser revokes it first). The code was not used.")
        claimed = conn.execute(
            update(enrolments).values(used_at=now, device_id=device_id)
            .where(enrolments.c.code_hash == digest, enrolments.c.used_at.is_(None)))
        if claimed.rowcount != 1:
            raise ApiError(410, "code_used", "this enrolment code was just used by another desk")
        name = row.device_name or device_name or device_id
        if enrolled is None:
            conn.execute(devices.insert().values(
                event_id=row.event_id, device_id=device_id, name=name,
                token_hash=hash_secret(token), enrolled_at=now))
        else:
            conn.execute(update(devices).where(key).values(
                name=name, token_hash=hash_secret(token), enrolled_at=now, revoked_at=None))
        config_toml = conn.execute(select(conferences.c.config_toml)
                                   .where(conferences.c.id == row.event_id)).scalar_one()
    forget_tokens(db)  # (a revoked device enrolled again: its old token is no more)
    return {"token": token, "event": row.event_id, "device_id": device_id, "device_name": name,
            "config_toml": config_toml, "server_id": db.server_id}


def list_devices(db: Database, event_id: str) -> list[dict]:
    with db.read() as conn:
        rows = conn.execute(select(devices).where(devices.c.event_id == event_id)
                            .order_by(devices.c.enrolled_at)).all()
    return [{"device_id": r.device_id, "name": r.name, "enrolled_at": r.enrolled_at,
             "last_seen": r.last_seen, "last_upload": r.last_upload,
             "revoked": r.revoked_at is not None, "revoked_at": r.revoked_at,
             "unsent": r.unsent} for r in rows]


def revoke_device(db: Database, event_id: str, device_id: str) -> dict:
    with db.write() as conn:
        key = (devices.c.event_id == event_id) & (devices.c.device_id == device_id)
        row = conn.execute(select(devices).where(key)).first()
        if row is None:
            raise not_found(f"device {device_id!r} in event {event_id!r}")
        revoked_at = row.revoked_at or utcnow()
        conn.execute(update(devices).where(key).values(revoked_at=revoked_at))
    forget_tokens(db)
    # What the desk last said it had not sent: it may still upload what it recorded before
    # this moment, at its next round, before it wipes itself.
    return {"device_id": device_id, "name": row.name, "revoked": True, "revoked_at": revoked_at,
            "unsent": row.unsent, "last_upload": row.last_upload, "last_seen": row.last_seen}


# -- welcome-wall tokens --------------------------------------------------------------------------
# A separate kind of token, not a role: authenticate() never lets one in, so no route of the
# API can be reached with it; only the wall's own page and stream ask wall_event().
def create_wall_token(db: Database, event_id: str) -> str:
    """A new read-only token for `event_id`'s welcome wall; only its hash is kept."""
    token = new_token(WALL_PREFIX)
    with db.write() as conn:
        conn.execute(wall_tokens.insert().values(
            event_id=event_id, token_hash=hash_secret(token), created_at=utcnow()))
    return token


def revoke_wall_tokens(db: Database, event_id: str) -> int:
    """Every wall token of the event stops working (a link that was photographed)."""
    with db.write() as conn:
        done = conn.execute(update(wall_tokens).values(revoked_at=utcnow()).where(
            wall_tokens.c.event_id == event_id, wall_tokens.c.revoked_at.is_(None)))
    return done.rowcount


def wall_event(db: Database, token: str | None = None, *,
               token_digest: str | None = None) -> str | None:
    """The event whose wall this (unrevoked) wall token opens, or None."""
    if token_digest is None:
        if not token or len(token) > 200:
            return None
        token_digest = hash_secret(token)
    with db.read() as conn:
        return conn.execute(select(wall_tokens.c.event_id).where(
            wall_tokens.c.token_hash == token_digest,
            wall_tokens.c.revoked_at.is_(None))).scalar_one_or_none()
