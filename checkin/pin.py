"""The organiser PIN's hash: make it, check it, verify a PIN against it. Nothing else (no
store, no sync, no Qt); the rules around it (lockout, audit, roles) are in checkin/privacy.py.

The hash is in the event file (`[privacy] organiser_pin_hash = "scrypt$N$r$p$salt$hash"`),
so every desk laptop holds a copy and whoever takes one can guess PINs offline at their own
pace. Two things make that slow (docs/personal-data.md, "The PIN", has the measured figures):

- the secret: at least MIN_DIGIT_PIN_LENGTH characters without a letter (10 digits: 10^10
  PINs), or MIN_PIN_LENGTH with a letter among them (36^8 - 10^8 of letters and digits);
- the KDF: scrypt, memory-hard, at N=2^17, r=8, p=1: 128 MiB and about 0.37 s per guess on
  one core of the 2-core reference machine, so a full search of the 10-digit PINs takes
  about a hundred core-years.

A hash made with other parameters (older event files: N=2^14, 16 MiB) still unlocks, and
`checkin init` warns that it is weak (`weak_pin_hash`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os

from .i18n import _

MIN_PIN_LENGTH = 8  # the shortest PIN: with a letter among its characters ...
MIN_DIGIT_PIN_LENGTH = 10  # ... and without one (digits: 10^10 of them)
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 17, 8, 1  # 128 MiB, ~0.37 s per guess (see above)
_MAX_SCRYPT_MEMORY = 256 * 2 ** 20  # the most a stored hash may make a desk allocate
_MIB = 2 ** 20

RULE = (f"an organiser PIN is at least {MIN_DIGIT_PIN_LENGTH} characters long, or at least "
        f"{MIN_PIN_LENGTH} with a letter among them")  # English; rule() says it in the language


def rule() -> str:
    """The PIN rule in words, in the current language (checkin/i18n.py)."""
    return _("an organiser PIN is at least {0} characters long, or at least {1} with a letter "
             "among them").format(MIN_DIGIT_PIN_LENGTH, MIN_PIN_LENGTH)


class PinError(ValueError):
    """A PIN too weak to be hashed; the message says the rule in plain words."""


def _memory(n: int, r: int) -> int:
    return 128 * n * r


def _size(n_bytes: int) -> str:
    return f"{n_bytes // _MIB} MiB" if n_bytes >= _MIB else f"{n_bytes // 1024} KiB"


def pin_problem(pin: str | None) -> str | None:
    """Why `pin` may not be an organiser PIN (the rule, and what this one lacks), or None."""
    pin = (pin or "").strip()
    has_letter = any(c.isalpha() for c in pin)
    if len(pin) >= (MIN_PIN_LENGTH if has_letter else MIN_DIGIT_PIN_LENGTH):
        return None
    this = (_("{0} characters") if has_letter else _("{0} characters and no letter")).format(
        len(pin))
    return _("{rule} ({digits} digits will do, and so will a passphrase): this one has {this}. "
             "A shorter one can be guessed offline from a copy of the event file, which every "
             "desk laptop holds").format(rule=rule(), digits=MIN_DIGIT_PIN_LENGTH, this=this)


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$<salt>$<hash>' (base64) for the event file's organiser_pin_hash;
    PinError if the PIN breaks the rule."""
    problem = pin_problem(pin)
    if problem:
        raise PinError(problem)
    salt = salt or os.urandom(16)
    digest = _scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.strip().encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=2 * _memory(n, r) * p + _MIB)


def _parse_pin_hash(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        raise ValueError("not a PIN hash of the form scrypt$N$r$p$salt$hash")
    try:
        n, r, p = (int(x) for x in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error) as exc:
        raise ValueError("a damaged PIN hash (numbers or base64 unreadable)") from exc
    if n < 2 ** 10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16 \
            or _memory(n, r) * p > _MAX_SCRYPT_MEMORY:
        raise ValueError("scrypt parameters out of range")
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("salt or hash too short")
    return n, r, p, salt, digest


def check_pin_hash(stored: str) -> str | None:
    """Why `stored` is not a usable PIN hash, or None."""
    try:
        _parse_pin_hash(stored)
    except ValueError as exc:
        return str(exc)
    return None


def verify_pin(pin: str | None, stored: str | None) -> bool:
    """Whether `pin` is the PIN of `stored`, whatever valid scrypt parameters it carries (an
    event file made before the current standard keeps working; see weak_pin_hash)."""
    if not pin or not stored:
        return False
    try:
        n, r, p, salt, digest = _parse_pin_hash(stored)
    except ValueError:
        return False
    return hmac.compare_digest(_scrypt(pin, salt, n, r, p)[:len(digest)], digest)


def weak_pin_hash(stored: str | None) -> str | None:
    """Why the stored hash is cheaper to attack than the current standard (an older event
    file), in words, or None: strong enough, none, or unreadable (check_pin_hash says that)."""
    if not stored:
        return None
    try:
        n, r, p, _salt, _digest = _parse_pin_hash(stored)
    except ValueError:
        return None
    work, standard = n * r * p, SCRYPT_N * SCRYPT_R * SCRYPT_P
    if work >= standard and _memory(n, r) >= _memory(SCRYPT_N, SCRYPT_R):
        return None
    less = _(", about {0} times less work").format(f"{standard / work:.0f}") \
        if work < standard else ""
    return _("this event's organiser PIN hash is weaker than today's standard: scrypt {old} "
             "({old_memory} per guess{less}) against {new} ({new_memory} per guess), and its "
             "PIN may be shorter than today's rule allows ({rule}), so a stolen desk laptop's "
             "copy can be guessed offline much sooner. It still unlocks. To replace it, make a "
             "new PIN with `checkin privacy pin`, put its line under [privacy] in the event "
             "file and `checkin init` the desks with it").format(
        old=f"N={n}, r={r}, p={p}", old_memory=_size(_memory(n, r)), less=less,
        new=f"N={SCRYPT_N}, r={SCRYPT_R}, p={SCRYPT_P}",
        new_memory=_size(_memory(SCRYPT_N, SCRYPT_R)), rule=rule())
