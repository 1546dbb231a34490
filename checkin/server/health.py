"""`python -m checkin.server.health [URL]`: exit 0 when the central list answers /health, 1
otherwise, with one line saying what it saw. For a container's HEALTHCHECK and a systemd
watchdog or a monitoring probe on the same machine: it asks the loopback address, where the
service's own self-made certificate is trusted (nothing secret travels: /health is public)."""

from __future__ import annotations

import json
import ssl
import sys
import urllib.request

DEFAULT_URL = "https://127.0.0.1:8765"


def check(url: str = DEFAULT_URL, timeout: float = 5.0) -> tuple[bool, str]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # loopback, public endpoint: see the docstring
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=timeout,
                                    context=context) as answer:
            body = json.loads(answer.read())
    except (OSError, ValueError) as exc:
        return False, f"{url}: no answer ({exc})"
    if body.get("ok") is not True:
        return False, f"{url}: answered {body}"
    return True, f"{url}: ok (protocol {body.get('version')}, server {body.get('server_id')})"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    ok, line = check(args[0] if args else DEFAULT_URL)
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
