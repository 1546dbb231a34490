"""A desk the organiser revoked keeps no personal data (issue 7): its registrant data is
wiped as soon as the server says `revoked`, and a wipe that could not finish (a full disk
...) is finished at the next round. Also whether this desk was purged (`checkin purge`):
then its rounds only send what is left in the outbox."""

from __future__ import annotations

import logging
from typing import Protocol

from .. import wipe
from ..store import Store, audit
from . import status as st

log = logging.getLogger("checkin.sync")

NOT_COMPACTED = ("; the file is not compacted yet, so deleted data may remain in its free "
                 "pages: tried again at the next round")


class WipeNote(Protocol):
    """Where the round's report says what the wipe did (engine.SyncReport is one)."""

    error: str | None
    wiped: dict | None


def purged(store: Store) -> bool:
    """This desk's registrant data was purged (`checkin purge`, or wiped on revocation: meta
    `privacy.wiped`); enrolling again clears it."""
    return wipe.wiped_state(store) is not None


def wipe_revoked(store: Store, report: WipeNote, revoked: dict | None = None) -> dict | None:
    """Wipe the registrant data; what the wipe removed (None when it failed: tried again at
    the next round). The status carries it (state revoked, last_error ending in "registrant
    data wiped ..."; meta privacy.wiped). `revoked`: the server's answer just came (audited
    as `revoked` first)."""
    try:
        if revoked is not None:
            audit.log(store, audit.REVOKED, operator="sync", details=revoked)
        wiped = wipe.wipe(store, reason="revoked", operator="sync")
    except Exception as exc:  # sync_once never raises; the next round tries again  # noqa: BLE001
        log.exception("revoked: the wipe of this desk's registrant data failed")
        report.error = (f"{report.error}; the registrant data could NOT be wiped yet "
                        f"({exc}): it is tried again at the next round")
        return None
    log.warning("revoked by the organiser: %s registrant(s) wiped, %s event(s) scrubbed",
                wiped["registrants"], wiped["events_scrubbed"])
    report.error = (f"{report.error}; this desk's registrant data was wiped "
                    f"({wiped['registrants']} people, {wiped['events_scrubbed']} event(s) "
                    f"scrubbed, {wiped['pdfs']} PDF(s) deleted)"
                    + (NOT_COMPACTED if wipe.compaction_pending(wiped) else ""))
    return wiped


def finish_wipe(store: Store, report: WipeNote) -> None:
    """A revoked desk whose wipe did not finish: wipe, or compact, now."""
    wiped = wipe.wiped_state(store)
    if wiped is None:
        report.wiped = wipe_revoked(store, report)
        if report.wiped is not None:
            st.update(store, last_error=report.error)
    elif wipe.compaction_pending(wiped):
        report.wiped = wipe.compact_after_wipe(store)
        if not wipe.compaction_pending(report.wiped):
            report.error = (report.error or "").replace(NOT_COMPACTED, "")
            st.update(store, last_error=report.error)
