"""Coverage-guided fuzzing (atheris) of what a scanner can send: QR payloads and tickets.

    .venv/bin/python fuzz/fuzz_payloads.py -max_total_time=60

Only the documented refusals may come out (InvalidPayload, TicketError); anything else, a
hang (-timeout) or runaway memory is a finding that atheris reports with the input.
"""

import contextlib
import sys

import atheris

with atheris.instrument_imports():
    from checkin import tickets
    from checkin.tokens import InvalidPayload, plain_code

KEY = tickets.new_private_key()
TRUSTED = {"k1": tickets.public_key_text(KEY)}
GENUINE = tickets.issue(KEY, "k1", "SHIC2026", "SHIC2026-000001")


def test_one(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(4096)
    with contextlib.suppress(InvalidPayload):
        plain_code(text)
    for candidate in (text, "CK1:" + text.upper(), GENUINE[: len(GENUINE) // 2] + text):
        with contextlib.suppress(tickets.TicketError):
            tickets.verify(tickets.decode(candidate), TRUSTED, event="SHIC2026", now=0)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
