"""Certificate fingerprints, as the central list shows them and desks pin them (no CA, no
warning to click through: a desk trusts exactly the certificate its enrolment code named, as
Syncthing pins device ids).

A fingerprint is the SHA-256 of the certificate (DER), in base32 without padding: 52
letters and digits, shown in groups of four (`MFRG-GZDF-...`). The enrolment link and its QR
carry all of it; a person typing it may give the first 16 characters or more (80 bits: no
certificate can be made to match them).
"""

from __future__ import annotations

import base64
import hashlib
import ssl

MIN_TYPED = 16  # characters of a fingerprint a person must type at least


class FingerprintError(ValueError):
    """A fingerprint that cannot be compared (too short, not base32); the message says why."""


def fingerprint(der: bytes) -> str:
    """The fingerprint of a DER certificate: base32 of its SHA-256, 52 characters."""
    return base64.b32encode(hashlib.sha256(der).digest()).decode("ascii").rstrip("=")


def fingerprint_of_pem(pem: str) -> str:
    return fingerprint(ssl.PEM_cert_to_DER_cert(pem))


def shown(value: str) -> str:
    """'MFRGGZDF...' -> 'MFRG-GZDF-...' (what people read out and compare)."""
    text = normalise(value)
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normalise(value: str) -> str:
    """What was typed or scanned, comparable: letters and digits, upper case."""
    return "".join(c for c in (value or "").upper() if c.isalnum())


def check_typed(value: str) -> str:
    """A fingerprint as given by a person or a link, normalised; FingerprintError when it
    is too short to pin anything or not a fingerprint at all."""
    text = normalise(value)
    if len(text) < MIN_TYPED:
        raise FingerprintError(f"the server's fingerprint needs at least {MIN_TYPED} of its "
                               "characters (it is shown with the enrolment code)")
    if len(text) > 52 or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in text):
        raise FingerprintError("that is not a server fingerprint (letters A-Z and digits 2-7, "
                               "as shown with the enrolment code)")
    return text


def matches(expected: str, actual: str) -> bool:
    """The certificate's fingerprint `actual` is the one given (whole, or its first
    MIN_TYPED characters or more)."""
    given = normalise(expected)
    return len(given) >= MIN_TYPED and normalise(actual).startswith(given)
