"""The service's TLS certificate: made on first start (a key and a self-signed certificate,
kept next to its database) unless the organiser gives their own (`--cert`, `--key`).

Desks do not check it against any CA: they pin its fingerprint, which the enrolment code and
its QR carry (checkin/certs.py). So the self-signed certificate is as good as a CA's here,
and it never expires in the middle of an event (ten years).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
from dataclasses import dataclass
from pathlib import Path

from ..certs import fingerprint_of_pem

CERT_FILE = "central-tls.pem"
KEY_FILE = "central-tls.key"
VALID_FOR = dt.timedelta(days=3650)


class TlsError(ValueError):
    """A certificate or key that cannot be used; the message says why."""


@dataclass(frozen=True)
class Certificate:
    cert_file: Path
    key_file: Path
    fingerprint: str
    made: bool = False  # made just now (the first start)


def ensure_certificate(folder: Path, hosts: list[str]) -> Certificate:
    """The certificate in `folder`, made there on the first call (`hosts`: names and
    addresses it is for; desks pin it, so they only make the certificate readable)."""
    cert_file, key_file = folder / CERT_FILE, folder / KEY_FILE
    if cert_file.exists() and key_file.exists():
        return load(cert_file, key_file)
    folder.mkdir(parents=True, exist_ok=True)
    cert_pem, key_pem = make_self_signed(hosts)
    _write_private(key_file, key_pem)
    cert_file.write_bytes(cert_pem)
    return Certificate(cert_file, key_file, fingerprint_of_pem(cert_pem.decode("ascii")),
                       made=True)


def load(cert_file: Path, key_file: Path) -> Certificate:
    """A certificate and key the organiser gave (or made earlier), checked to belong
    together, so `checkin serve` says what is wrong before any desk connects."""
    try:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert_file), str(key_file))
        pem = cert_file.read_text(encoding="ascii")
    except FileNotFoundError as exc:
        raise TlsError(f"no such file: {exc.filename}") from exc
    except (ssl.SSLError, OSError, UnicodeDecodeError) as exc:
        raise TlsError(f"{cert_file} and {key_file} are not a certificate and its key in PEM "
                       f"form ({exc})") from exc
    first = pem[:pem.index("-----END CERTIFICATE-----") + 25] if "-----END CERTIFICATE-----" \
        in pem else pem
    return Certificate(cert_file, key_file, fingerprint_of_pem(first))


def make_self_signed(hosts: list[str]) -> tuple[bytes, bytes]:
    """(certificate PEM, key PEM): an EC P-256 key and a certificate for `hosts`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in dict.fromkeys(h for h in hosts if h):
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Checkin Desk central list")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + VALID_FOR)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def _write_private(path: Path, data: bytes) -> None:
    """Readable by this user only (the key is what makes the service the service)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
