"""The enrolment link an organiser's QR holds, and what a desk reads from it:

    checkin-enrol:<server url>#<code>[;sha256=<certificate fingerprint>]

The fingerprint (checkin/certs.py) lets the desk trust exactly that server with no CA; a
plain-http server (`checkin serve --plain-http`) has none.
"""

from __future__ import annotations

from dataclasses import dataclass

ENROL_PREFIX = "checkin-enrol:"
FINGERPRINT_MARK = ";sha256="


@dataclass(frozen=True)
class EnrolLink:
    url: str
    code: str | None = None
    fingerprint: str | None = None  # of the server's TLS certificate (checkin/certs.py)


def enrol_link(url: str, code: str, fingerprint: str | None) -> str:
    """What an organiser's enrolment QR holds: checkin-enrol:<url>#<code>[;sha256=<fp>]."""
    return f"{ENROL_PREFIX}{url.rstrip('/')}#{code}" + (
        f"{FINGERPRINT_MARK}{fingerprint}" if fingerprint else "")


def parse_enrol_link(text: str) -> EnrolLink:
    """'checkin-enrol:<base url>#<code>;sha256=<fingerprint>' (the QR an organiser shows)
    -> its parts; a plain URL -> EnrolLink(url)."""
    text = text.strip()
    if not text.startswith(ENROL_PREFIX):
        return EnrolLink(text.rstrip("/"))
    url, _, rest = text[len(ENROL_PREFIX):].partition("#")
    code, _, fingerprint = rest.partition(FINGERPRINT_MARK)
    return EnrolLink(url.strip().rstrip("/"), code.strip() or None,
                     fingerprint.strip() or None)
