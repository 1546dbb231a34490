"""A desk trusts exactly the central list it enrolled with: the certificate whose fingerprint
the enrolment code named is kept (pinned) and is the only one its connections accept. No CA,
no warning to click through; a changed certificate is refused, naming both fingerprints.

Enrolment takes the server's certificate over a first, unverified handshake, compares its
fingerprint with the one given, and only then sends the code over a connection that accepts
that certificate alone: a machine pretending to be the server never sees the code.
"""

from __future__ import annotations

import socket
import ssl
from urllib.parse import urlsplit

from ..certs import fingerprint_of_pem, matches, shown

HANDSHAKE_TIMEOUT = 5.0


class CertificateMismatch(Exception):
    """The server presents another certificate than the one named (or pinned)."""

    def __init__(self, url: str, expected: str, actual: str | None, *, at_enrolment: bool):
        self.url, self.expected, self.actual = url, expected, actual
        presented = f"certificate {shown(actual)}" if actual else "no certificate we could read"
        if at_enrolment:
            message = (f"the server at {url} presents {presented}, not {shown(expected)} as "
                       "the enrolment code says: it may be another machine pretending to be "
                       "the central list. The code was not sent; check the address and the "
                       "fingerprint with the organiser")
        else:
            message = (f"the server at {url} presents {presented}, not {shown(expected)} that "
                       "this desk pinned at enrolment: it may be another machine pretending to "
                       "be the central list, so nothing was sent. If the organiser replaced "
                       "the server's certificate, enrol this desk again")
        super().__init__(message)
        self.message = message


def peer_certificate(url: str, timeout: float = HANDSHAKE_TIMEOUT) -> str:
    """The certificate (PEM) the server at an https URL presents, read without trusting it."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, port), timeout=timeout) as raw, \
            context.wrap_socket(raw, server_hostname=host) as tls:
        der = tls.getpeercert(binary_form=True)
    return ssl.DER_cert_to_PEM_cert(der)


def take_certificate(url: str, expected: str) -> str:
    """The server's certificate, when its fingerprint is the one the enrolment names; else
    CertificateMismatch. OSError when the server cannot be reached."""
    pem = peer_certificate(url)
    actual = fingerprint_of_pem(pem)
    if not matches(expected, actual):
        raise CertificateMismatch(url, expected, actual, at_enrolment=True)
    return pem


def pinned_context(pem: str) -> ssl.SSLContext:
    """A client context that accepts this certificate and nothing else (its name and any CA
    do not matter: it was pinned by fingerprint)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_REQUIRED
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # a CA-issued leaf, pinned alone
    context.load_verify_locations(cadata=pem)
    return context


def mismatch(url: str, pem: str) -> CertificateMismatch:
    """What a pinned connection that failed its handshake met, for the message."""
    try:
        actual: str | None = fingerprint_of_pem(peer_certificate(url))
    except (OSError, ssl.SSLError, ValueError):
        actual = None
    return CertificateMismatch(url, fingerprint_of_pem(pem), actual, at_enrolment=False)
