"""Who may see personal data at the desk (issue 7; docs/personal-data.md): the roles, and
the organiser role unlocked with a PIN. Plain Python, no Qt.

The organiser PIN's salted scrypt hash is in the event file (`[privacy] organiser_pin_hash`);
every attempt, right or wrong, is in the audit trail, and after LOCKOUT_ATTEMPTS wrong ones in
LOCKOUT_WINDOW the desk stops checking PINs for a while. The rest of personal data has its own
module: masking and field minimisation in checkin/masking.py, the PIN's hash in checkin/pin.py,
the wipe in checkin/wipe.py (its SQL in checkin/store/personal.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from enum import StrEnum

from . import pin as _pin
from .i18n import _
from .masking import mask_email, mask_id, mask_phone, mask_text
from .model import Registrant
from .pin import verify_pin
from .store import audit

log = logging.getLogger("checkin.privacy")


class PrivacyError(Exception):
    """Refused for privacy reasons; the message says why in plain words."""


# -- roles ------------------------------------------------------------------------
class Role(StrEnum):
    DESK = "desk"  # registration staff and volunteers: personal data masked
    ORGANISER = "organiser"  # sees phone numbers and e-mails, exports, purges


def can_see_personal(role: Role | str | None) -> bool:
    return role == Role.ORGANISER


# -- masking (checkin/masking.py) ------------------------------------------------------
def display_registrant(reg: Registrant, role: Role | str | None) -> Registrant:
    """The registrant as this role may see it: the organiser sees it whole, a desk a copy
    with phone, e-mail, ID and CME card numbers and the numbers inside remarks and extra
    columns masked."""
    if can_see_personal(role):
        return reg
    return dataclasses.replace(
        reg, phone=mask_phone(reg.phone), email=mask_email(reg.email),
        id_number=mask_id(reg.id_number), cme_card=mask_id(reg.cme_card),
        remarks=mask_text(reg.remarks),
        extra={k: mask_text(v) if isinstance(v, str) else v for k, v in reg.extra.items()})


# -- the organiser PIN ------------------------------------------------------------
# Making and checking its hash is checkin/pin.py's job (the rule, scrypt's parameters).
# Below: who may try, and the audit trail of the tries.
LOCKOUT_ATTEMPTS = 5  # wrong PINs in a row on one desk ...
LOCKOUT_WINDOW = dt.timedelta(minutes=15)  # ... within this time lock the organiser role


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """'scrypt$N$r$p$<salt>$<hash>' for the event file's organiser_pin_hash; a PIN that
    breaks the rule (checkin.pin.RULE) is refused with PrivacyError, the rule in words."""
    try:
        return _pin.hash_pin(pin, salt=salt)
    except _pin.PinError as exc:
        raise PrivacyError(str(exc)) from None


def has_organiser_pin(store) -> bool:
    return bool(store.config.privacy.organiser_pin_hash)


def unlock(store, pin: str | None, *, operator: str | None = None, purpose: str = "") -> Role:
    """The organiser role for this operator, if `pin` is the event's organiser PIN; else
    PrivacyError. Right and wrong attempts both go into the audit trail."""
    stored = store.config.privacy.organiser_pin_hash
    if not stored:
        raise PrivacyError(_(
            "this event has no organiser PIN, so nobody has the organiser role on this desk: "
            "make one with `checkin privacy pin`, put the line it prints under [privacy] in the "
            "event file and `checkin init` it (or `checkin privacy pin --save` on this desk)"))
    if not pin:
        raise PrivacyError(_("the organiser role needs the organiser PIN: --pin PIN or "
                             "CHECKIN_ORGANISER_PIN"))
    now = audit.parse_time(audit.now(store))
    failures = audit.recent_failed_unlocks(store.reader(), store.device_id, LOCKOUT_WINDOW, now)
    if failures >= LOCKOUT_ATTEMPTS:
        audit.log(store, audit.UNLOCK, operator=operator,
                  details={"ok": False, "reason": "locked", "purpose": purpose})
        minutes = int(LOCKOUT_WINDOW.total_seconds() // 60)
        raise PrivacyError(_("{failures} wrong organiser PINs on this desk: the organiser role "
                             "is locked; try again in {minutes} minutes (attempt recorded)")
                           .format(failures=failures, minutes=minutes))
    ok = verify_pin(pin, stored)
    audit.log(store, audit.UNLOCK, operator=operator, details={"ok": ok, "purpose": purpose})
    if not ok:
        raise PrivacyError(_("wrong organiser PIN (the attempt is recorded in the audit trail)"))
    return Role.ORGANISER
