"""What a desk does: scan, undo, override, team check-in, walk-in, edit, print record,
revoke a signed ticket.

Each action decides and records in one BEGIN IMMEDIATE transaction, so two scans of
the same code (two threads, two processes) can never both be admitted, and the answer
is returned only after COMMIT: acknowledged means durable.

Signed tickets (checkin/tickets.py) are verified offline against the event's public keys: a
genuine ticket's code then goes through the usual decision, and one whose code this desk's
list does not have yet (registered online after the last sync) is admitted at registration
and reconciled when the registrant arrives (admissions are keyed by code).
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Callable

from . import normalize as norm
from . import presentation, tickets
from .alerts import alerts_for
from .messages import message
from .model import (
    ADMISSION_KINDS,
    NOWHERE,
    PAYMENT_METHODS,
    REGISTRANT_FIELDS,
    REGISTRATION,
    Decision,
    EventKind,
    LoggedEvent,
    Outcome,
    Registrant,
)
from .operator_name import default_operator
from .policy import (
    LIST,
    Scans,
    Station,
    allowed_days,
    decide,
    decide_exit,
    decide_unlisted,
    event_span,
    opening_hours,
    parse_station,
)
from .store import Store, audit, eventlog
from .store import registrants as reg_store
from .tickets import Ticket, TicketError
from .tokens import InvalidPayload, read_scanned

log = logging.getLogger("checkin.desk")

PAYMENT_METHOD_COLUMN = "缴费方式"  # where a walk-in's payment method is kept (extra)

CROSSINGS = (EventKind.ENTRY, EventKind.EXIT)  # undoable like admissions
_KIND_FOR_STATION = {REGISTRATION: EventKind.CHECKIN, "meal": EventKind.MEAL,
                     "forum": EventKind.FORUM, LIST: EventKind.LIST}


def _capacity(where: Station) -> int | str:
    limited = where.door or where.checkin_list
    return limited.capacity if limited and limited.capacity is not None else ""


class DeskError(ValueError):
    """An action that cannot be done; the message is for the person at the desk."""


class EditConflict(DeskError):
    """An edit based on a version someone else has changed since: nothing was written."""


class StaffChoice(str):
    """A registration code that staff picked from the list (search Enter, the person panel),
    as opposed to one read from a QR code: `Desk.scan(StaffChoice(code))` checks the person in
    even where the event requires signed tickets. Only code in this process makes one: nothing
    a camera or a handheld scanner sends can be a StaffChoice."""

    __slots__ = ()


class RevokedTickets:
    """The ids of tickets withdrawn by `revoke` events (not undone), local or synced, kept in
    step with the event log cheaply: the first call reads the revoke events once; every later
    call reads only the events stored since (by seq), so a scan pays two indexed look-ups."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._seq = 0  # events up to this seq have been read
        self._revokes: dict[str, str] = {}  # revoke event uuid -> ticket id
        self._undone: set[str] = set()  # uuids named by undo events
        self._ids: frozenset[str] = frozenset()

    def ids(self, conn: sqlite3.Connection) -> frozenset[str]:
        """Call with the connection of the transaction that acts on the answer."""
        last = eventlog.last_seq(conn)
        if last < self._seq:  # not the log it read before (a restored file): read it again
            self._reset()
        if last == self._seq:
            return self._ids
        rows = eventlog.revokes_and_undos(conn, self._seq, last)
        self._seq = last
        if rows:
            for uuid, kind, ref, ticket_id in rows:
                if kind == EventKind.REVOKE and isinstance(ticket_id, str):
                    self._revokes[uuid] = ticket_id.strip().upper()
                elif kind == EventKind.UNDO and ref:
                    self._undone.add(ref)
            self._ids = frozenset(t for u, t in self._revokes.items() if u not in self._undone)
        return self._ids

    def revoked_by(self, conn: sqlite3.Connection, ticket_id: str) -> bool:
        return ticket_id in self.ids(conn)


class Desk:
    def __init__(self, store: Store, operator: str | None = None, *, chinese: bool = False,
                 now: Callable[[], dt.datetime] | None = None):
        self.store = store
        self.operator = operator or default_operator()
        self.chinese = chinese
        self._now = now
        self.revoked = RevokedTickets()
        self._paper: dict | None = None  # set while backfilling: marks every fact it records

    # -- time: the event's own time zone, whatever the laptop is set to ------
    def now(self) -> dt.datetime:
        zone = self.store.config.zone()
        if self._now is None:
            return self.store.now(zone)  # the central list's time once it was measured
        moment = self._now()  # a given clock (tests, replays); naive means event time
        return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)

    def today(self) -> str:
        return self.now().date().isoformat()

    def _event(self, kind: EventKind, code: str | None, station: str | None = None, **kw) -> LoggedEvent:
        """A new fact stamped with this desk's clock, operator and wall time."""
        if self._paper:
            kw["data"] = {**(kw.get("data") or {}), **self._paper}
        return eventlog.new_event(self.store.clock, kind, code=code, station=station,
                                  operator=self.operator,
                                  wall_time=self.now().isoformat(timespec="milliseconds"), **kw)

    @staticmethod
    def _append(conn: sqlite3.Connection, event: LoggedEvent) -> None:
        if not eventlog.append(conn, event):  # a fresh uuid never collides: say so if it does
            raise DeskError(f"event {event.uuid} was already stored; nothing recorded")

    def parse_station(self, station_text: str) -> Station:
        return parse_station(station_text, self.store.config)

    # -- scanning ----------------------------------------------------------
    def scan(self, payload: str, station: str = REGISTRATION, *, by_staff: bool = False,
             exit: bool = False) -> Decision:
        """Decide one scan and, when admitted, record it durably; a refusal is recorded too
        (a `refused` event: the audit trail of forged tickets, unpaid people, second lunches,
        which reaches the central list). `by_staff`: the code was chosen by staff from the
        list (also said by passing a StaffChoice), not read from a QR code, so an event that
        requires signed tickets still admits it. `exit`: someone leaving through a forum door
        (the door's occupancy and the attendance minutes need both crossings)."""
        where = self.parse_station(station)
        if exit and not where.door:
            raise self._error("exit_not_a_door", station=where.label)
        decision = self._decide_scan(payload, where,
                                     by_staff or isinstance(payload, StaffChoice), exit)
        if not decision.ok:
            self._record_refusal(decision, where)
        return decision

    def backfill(self, code: str, station: str, at: dt.datetime, reason: str, *,
                 exit: bool = False) -> Decision:
        """A scan from a paper sign-in sheet (纸质签到表, 补录), entered afterwards: decided and
        stamped as of `at` (naive: the event's time), marked `backfilled` with the reason in
        the event (the CME sheet flags it) and in the audit trail. An organiser's job: the
        caller checks the role. Refused outside the event's days."""
        if not reason.strip():
            raise self._error("backfill_needs_reason")
        zone = self.store.config.zone()
        at = at.replace(tzinfo=zone) if at.tzinfo is None else at.astimezone(zone)
        span = event_span(self.store.config)
        if span is None or not span[0] <= at.date().isoformat() <= span[1]:
            raise self._error("backfill_outside_event", at=at.strftime("%Y-%m-%d %H:%M"),
                              first=span[0] if span else "?", last=span[1] if span else "?")
        if at > self.now():
            raise self._error("backfill_in_the_future", at=at.strftime("%Y-%m-%d %H:%M"))
        paper = Desk(self.store, self.operator, chinese=self.chinese, now=lambda: at)
        paper._paper = {"backfilled": True, "backfill_reason": reason.strip(),
                        "entered_at": self.now().isoformat(timespec="seconds")}
        decision = paper.scan(StaffChoice(code), station, exit=exit)
        audit.log(self.store, audit.BACKFILL, operator=self.operator, code=decision.code,
                  details={"station": station, "at": at.isoformat(timespec="minutes"),
                           "exit": exit, "outcome": str(decision.outcome),
                           "reason": reason.strip()})
        return decision

    def _record_refusal(self, decision: Decision, where: Station) -> None:
        """What was refused, to whom and why (never the scanned text of a code that is not
        one: it may be anybody's link). A refusal that cannot be written (a full disk) is
        logged: the person at the desk still hears why the scan was refused."""
        event = self._event(EventKind.REFUSED, decision.code, where.key, data={
            "outcome": str(decision.outcome), "reason_code": decision.reason_code,
            "reason": decision.reason,
            # both languages, so the recent-scans list shows it in whichever the window speaks
            "reason_zh": decision.reason if self.chinese else decision.reason_other,
            "reason_en": decision.reason_other if self.chinese else decision.reason})
        try:
            with self.store.transaction() as conn:
                self._append(conn, event)
        except sqlite3.Error:
            log.exception("could not record a refused scan")

    def _decide_scan(self, payload: str, where: Station, by_staff: bool,
                     leaving: bool = False) -> Decision:
        try:
            scanned = read_scanned(payload)
        except InvalidPayload as exc:
            return self._explain(Decision(Outcome.INVALID, where.key, reason_code=exc.reason_code), where)
        if scanned.ticket is not None:
            return self._scan_ticket(scanned.ticket, where, leaving)
        if (self.store.config.require_signature and where.kind == REGISTRATION
                and not by_staff):
            # Meal and forum stations read badges and vouchers, which carry plain codes.
            return self._explain(Decision(Outcome.INVALID, where.key, code=scanned.code,
                                          reason_code="signature_required"), where)
        with self.store.transaction() as conn:
            decision = self._decide_and_record(conn, scanned.code, where, leaving=leaving)
        if decision.outcome == Outcome.NOT_FOUND and scanned.link_host:
            # "No registration x" sends staff hunting for a person who does not exist
            decision.code, decision.reason_code = None, "foreign_link"
            return self._explain(decision, where, host=scanned.link_host)
        return decision

    def _scan_ticket(self, text: str, where: Station, leaving: bool = False) -> Decision:
        """Verify a signed ticket offline, then decide its code as any other."""
        config = self.store.config
        try:
            ticket = tickets.decode(text)
        except TicketError as exc:
            return self._refuse_ticket(exc.reason_code, where, None)
        try:
            # Signature, event and validity outside the write lock; revocation inside it, so
            # a revoke stored meanwhile (this desk or a sync) is always seen.
            tickets.verify(ticket, config.ticket_keys, event=config.short_name,
                           now=self.now().timestamp())
        except TicketError as exc:
            genuine = exc.reason_code not in ("forged", "unknown_key")
            return self._refuse_ticket(exc.reason_code, where, ticket if genuine else None)
        with self.store.transaction() as conn:
            if self.revoked.revoked_by(conn, ticket.id):
                return self._refuse_ticket("revoked", where, ticket)
            return self._decide_and_record(conn, ticket.code, where, ticket=ticket,
                                           leaving=leaving)

    def _refuse_ticket(self, reason_code: str, where: Station, ticket: Ticket | None) -> Decision:
        """A refused ticket. Its code (and the person, when listed) is shown only when the
        signature is genuine: a forged ticket's code says nothing."""
        decision = Decision(Outcome.INVALID, where.key, reason_code=reason_code)
        extra = {}
        if ticket is not None:
            zone = self.store.config.zone()

            def when(seconds: int) -> str:
                return dt.datetime.fromtimestamp(seconds, zone).strftime("%Y-%m-%d %H:%M")

            decision.code = ticket.code
            reg = reg_store.get(self.store.reader(), ticket.code)
            if reg is not None:
                decision.code, decision.name, decision.category = reg.code, reg.name, reg.category
            extra = {"event": ticket.event, "code": decision.code,
                     "valid_from": when(ticket.valid_from) if ticket.valid_from else "",
                     "valid_until": when(ticket.valid_until) if ticket.valid_until else ""}
        return self._explain(decision, where, **extra)

    def _decide_and_record(self, conn: sqlite3.Connection, code: str, where: Station,
                           ticket: Ticket | None = None, *, leaving: bool = False) -> Decision:
        reg = reg_store.get(conn, code)
        if reg is None and ticket is not None:
            return self._admit_unlisted(conn, ticket, where)
        if leaving:
            decision = decide_exit(where, reg, code,
                                   eventlog.door(conn, reg.code, where.key) if reg else NOWHERE)
            kind = EventKind.EXIT
        else:
            decision = self._decide_entry(conn, reg, code, where)
            kind = (EventKind.ENTRY if decision.reason_code == "reentered"
                    else _KIND_FOR_STATION[where.kind])
        if decision.ok:
            event = self._event(kind, reg.code, where.key,
                                data={"ticket_id": ticket.id} if ticket else None)
            self._append(conn, event)
            decision.event_uuid = event.uuid
        return self._explain(decision, where)

    def _decide_entry(self, conn: sqlite3.Connection, reg: Registrant | None, code: str,
                      where: Station) -> Decision:
        first = eventlog.admission(conn, code, where.key) if reg else None
        gate = where.door
        door = eventlog.door(conn, reg.code, where.key) if gate and first else None
        now = self.now()
        return decide(where, reg, code, self.store.config, today=now.date().isoformat(),
                      clock=now.strftime("%H:%M"), first_admission=first,
                      station_count=self._station_count(conn, where), door=door,
                      scans=self._scans(conn, reg, where, now) if reg and where.rule else None)

    def _station_count(self, conn: sqlite3.Connection, where: Station) -> int:
        """What a capacity is checked against: who is inside a door now (entries less
        exits), or how many a list without exits admitted; 0 where there is no capacity."""
        limited = where.door or where.checkin_list
        if limited is None or limited.capacity is None:
            return 0
        if where.door:
            return eventlog.occupancy(conn, where.key)
        return eventlog.admitted_count(conn, where.key)

    def _scans(self, conn: sqlite3.Connection, reg: Registrant, where: Station,
               now: dt.datetime) -> Scans:
        """This person's earlier scans here, for the station's rule."""
        zone = now.tzinfo
        entries, exits = eventlog.scans_at(conn, reg.code, where.key)

        def aware(stamps: list[str]) -> tuple[dt.datetime, ...]:
            return tuple(dt.datetime.fromisoformat(t).astimezone(zone) for t in stamps)

        return Scans(now=now, entries=aware(entries), exits=aware(exits), gate=self.operator)

    def _admit_unlisted(self, conn: sqlite3.Connection, ticket: Ticket, where: Station) -> Decision:
        """A genuine ticket for a code this desk's list lacks: admitted (policy.decide_unlisted)
        with no invented registrant; the admission counts for the person once the list brings
        them, since admissions are keyed by code."""
        first = eventlog.admission(conn, ticket.code, where.key)
        decision = decide_unlisted(where, ticket.code, self.store.config, today=self.today(),
                                   first_admission=first)
        if decision.ok:
            event = self._event(EventKind.CHECKIN, ticket.code, where.key,
                                data={"ticket_id": ticket.id, "unlisted": True})
            self._append(conn, event)
            decision.event_uuid = event.uuid
        return self._explain(decision, where, name=decision.code)

    def override(self, code: str, station: str, reason: str, supervisor: str) -> Decision:
        """Admit against the rules (unpaid but paying on site, forum over capacity ...)."""
        if not reason.strip() or not supervisor.strip():
            raise self._error("override_needs")
        where = self.parse_station(station)
        with self.store.transaction() as conn:
            reg = reg_store.get(conn, code)
            if reg is None:
                raise self._error("no_registration_walk_in", code=code)
            event = self._event(EventKind.OVERRIDE, reg.code, where.key,
                                data={"reason": reason.strip(), "supervisor": supervisor.strip()})
            self._append(conn, event)
        decision = Decision(Outcome.OK, where.key, code=reg.code, name=reg.name, category=reg.category,
                            reason_code="override", event_uuid=event.uuid, registrant=reg)
        return self._explain(decision, where, reason=reason)

    def check_in_team(self, code_or_team: str, station: str = REGISTRATION) -> list[Decision]:
        """A team leader checks the whole team in: one decision per member."""
        where = self.parse_station(station)
        with self.store.transaction() as conn:
            reg = reg_store.get(conn, code_or_team)
            team = reg.team if reg else code_or_team
            members = reg_store.team_members(conn, team) if team else []
            if not members:
                raise DeskError(f"no team found for {code_or_team!r}")
            return [self._decide_and_record(conn, m.code, where) for m in members]

    def undo(self, event_uuid: str | None = None, reason: str = "") -> LoggedEvent:
        """Cancel an admission (by default this desk's last one still in force)."""
        with self.store.transaction() as conn:
            if event_uuid is None:
                target = eventlog.last_undoable(conn, self.store.device_id)
                if target is None:
                    raise self._error("nothing_to_undo")
            else:
                target = eventlog.get(conn, event_uuid)
                if target is None or target.kind not in (*ADMISSION_KINDS, *CROSSINGS):
                    raise DeskError(f"no admission {event_uuid} to undo")
                if eventlog.is_undone(conn, target.uuid):
                    raise self._error("already_undone")
                if target.device_id != self.store.device_id:
                    # The central list refuses it too: a desk acts only on its own facts.
                    raise self._error("not_this_desks",
                                      desk=self.store.device_label(target.device_id))
            undo = self._event(EventKind.UNDO, target.code, target.station, ref=target.uuid,
                               data={"reason": reason} if reason else {})
            self._append(conn, undo)
            return undo

    def revoke_ticket(self, ticket_or_id: str, reason: str) -> LoggedEvent:
        """Withdraw one signed ticket (lost, resold, reissued): a `revoke` event, which syncs to
        the server and every desk like any other; from then on that ticket is refused while a
        re-issued one for the same person still admits. Takes the ticket id (the ticket_id
        column of `checkin tickets issue -o`) or the ticket itself."""
        if not reason.strip():
            raise self._error("revocation_needs_reason")
        text = (ticket_or_id or "").strip()
        code = None
        try:
            scanned = read_scanned(text)
        except InvalidPayload:
            scanned = None
        if scanned is not None and scanned.ticket is not None:
            try:
                ticket = tickets.decode(scanned.ticket)
            except TicketError as exc:
                raise DeskError(f"cannot revoke: {exc}") from exc
            ticket_id, code = ticket.id, ticket.code
        else:
            ticket_id = text.upper()
            if not tickets.is_ticket_id(ticket_id):
                raise DeskError(f"{text[:40]!r} is neither a ticket id (16 letters and digits, "
                                "the ticket_id column of `checkin tickets issue -o`) nor a "
                                "ticket (CK1:…)")
        with self.store.transaction() as conn:
            if self.revoked.revoked_by(conn, ticket_id):
                raise self._error("already_revoked", ticket=ticket_id)
            event = self._event(EventKind.REVOKE, code,
                                data={"ticket_id": ticket_id, "reason": reason.strip()})
            self._append(conn, event)
            return event

    # -- registrant changes ------------------------------------------------
    def walk_in(self, fields: dict, *, check_in: bool = True,
                payment_method: str | None = None) -> tuple[Registrant, Decision | None]:
        """Register someone on site; by default check them in in the same transaction. The
        payment is said, never assumed (a rushed "paid" lets an unpaid walk-in in for free);
        `payment_method`: how a paid walk-in paid (model.PAYMENT_METHODS)."""
        name, _ = norm.name(fields.get("name"))
        if not name:
            raise self._error("walk_in_needs_name")
        clean = self._clean_fields(fields)
        clean.update(name=name)
        clean.setdefault("category", "参会代表")
        if check_in and not clean.get("payment"):
            raise self._error("walk_in_needs_payment")
        if payment_method is not None and payment_method not in PAYMENT_METHODS:
            raise DeskError(f"paid by {payment_method!r}? one of {', '.join(PAYMENT_METHODS)}")
        extra = {PAYMENT_METHOD_COLUMN: payment_method} if payment_method else {}
        code, problem = norm.code(fields["code"]) if fields.get("code") else (None, None)
        if problem:
            raise DeskError(problem)
        with self.store.transaction() as conn:
            code = code or self._next_walk_in_code(conn)
            if reg_store.get(conn, code):
                raise self._error("code_taken", code=code)
            reg = Registrant(code=code, source="walk_in", extra=extra, **clean)
            reg_store.upsert(conn, [reg])
            self.store.bump_registrant_generation(conn)
            data = {"fields": reg.master_fields()}
            if payment_method:
                data["payment_method"] = payment_method
            event = self._event(EventKind.WALK_IN, code, data=data)
            self._append(conn, event)
            decision = self._decide_and_record(conn, code, self.parse_station(REGISTRATION)) if check_in else None
        return reg, decision

    def _next_walk_in_code(self, conn: sqlite3.Connection) -> str:
        count = eventlog.walk_ins_by(conn, self.store.device_id)
        return f"W-{self.store.device_id[:6].upper()}-{count + 1:04d}"

    def _clean_fields(self, fields: dict) -> dict:
        """Fields typed at the desk, normalised as an import would; code and name apart."""
        unknown = set(fields) - set(REGISTRANT_FIELDS)
        if unknown:
            raise DeskError(f"unknown fields: {', '.join(sorted(unknown))}")
        clean = {}
        for key, value in fields.items():
            if key in ("code", "name"):
                continue
            if key in ("meals", "forums"):
                clean[key] = value if isinstance(value, list) else norm.items(value)
            elif key == "category":
                clean[key], _ = norm.category(value, norm.event_category_words(self.store.config))
            else:
                clean[key], problem = norm.FIELD_NORMALISERS[key](value)
                if problem:
                    raise DeskError(problem.replace(" (kept in extra data)", ""))
        return clean

    def edit(self, code: str, changes: dict, *, base_version: int | None = None,
             reason: str = "") -> Registrant:
        """Correct a registrant (a name typo before reprinting ...). Audited as an event."""
        if not changes:
            raise self._error("nothing_to_change")
        if "code" in changes:
            raise self._error("code_unchangeable")
        clean = self._clean_fields(changes)
        if "name" in changes:
            clean["name"], problem = norm.name(changes["name"])
            if problem:
                raise self._error("name_empty")
        with self.store.transaction() as conn:
            reg = reg_store.get(conn, code)
            if reg is None:
                raise self._error("no_registration", code=code)
            if base_version is not None and base_version != reg.version:
                raise EditConflict(self._say("changed_meanwhile", code=code,
                                             version=reg.version))
            diff = {k: [getattr(reg, k), v] for k, v in clean.items() if getattr(reg, k) != v}
            if not diff:
                return reg
            # The server's version this desk last saw (its own version counts local edits too).
            central = reg_store.server_version(conn, reg.code)
            reg_store.apply_edit(conn, reg.code, {k: v[1] for k, v in diff.items()})
            self.store.bump_registrant_generation(conn)
            self._append(conn, self._event(
                EventKind.EDIT, reg.code,
                data={"changes": diff, "reason": reason,
                      "base_version": reg.version if central is None else central}))
            return reg_store.get(conn, reg.code)

    def is_reprint(self, code: str, document: str) -> bool:
        return eventlog.was_printed(self.store.reader(), code, document)

    def record_print(self, code: str, document: str, *, reason: str = "") -> LoggedEvent:
        """Every badge or voucher printed is a fact (reprints carry their reason)."""
        with self.store.transaction() as conn:
            if reg_store.get(conn, code) is None:
                raise self._error("no_registration", code=code)
            reprint = self.is_reprint(code, document)
            if reprint and not reason.strip():
                raise self._error("reprint_needs_reason")
            event = self._event(EventKind.PRINT, code,
                                data={"document": document, "reprint": reprint, "reason": reason})
            self._append(conn, event)
            return event

    # -- wording -----------------------------------------------------------
    def _say(self, key: str, **params) -> str:
        return message(f"desk_{key}", self.chinese, **params)

    def _error(self, key: str, **params) -> DeskError:
        """A refusal of an action, in the desk's language (messages.py, desk_*)."""
        return DeskError(self._say(key, **params))

    def _explain(self, decision: Decision, where: Station, **extra) -> Decision:
        reg = decision.registrant
        config = self.store.config
        days = allowed_days(where, config.category(reg.category) if reg else None, config)
        first, last = event_span(config) or ("", "")
        params = {
            "first": first, "last": last,
            "name": decision.name or "", "code": decision.code or "", "station": where.label,
            "category": decision.category or "",
            "payment": reg.payment if reg else "", "today": self.today(), "days": tuple(days),
            "slot": where.meal.name if where.meal else "",
            "forum": where.label if where.door else "",
            "capacity": _capacity(where), "why": decision.reason,
            **self._window_params(where),
            "first_time": self._when(decision.first_time),
            "first_device": self._desk_name(decision.first_device), **extra,
        }
        decision.reason = message(decision.reason_code, self.chinese, **params)
        decision.reason_other = message(decision.reason_code, not self.chinese, **params)
        decision.alerts = alerts_for(reg, config)
        decision.acknowledge = bool(decision.alerts) and config.alerts.acknowledge
        return decision

    def _window_params(self, where: Station) -> dict:
        """The opening hours a too-early or too-late refusal names."""
        slot = where.meal or where.forum or where.checkin_list
        hours = opening_hours(where, self.store.config)
        if slot is None or hours is None:
            return {}
        return {"start": slot.start, "end": slot.end, "opens": hours[0], "closes": hours[1],
                "now": self.now().strftime("%H:%M")}

    def _when(self, wall_time: str | None) -> str:
        """'08:12:03' for today, '2026-06-25 17:40' for another day, as the window says it."""
        return presentation.time_shown(wall_time, self.store.config.zone(), self.today())

    def _desk_name(self, device_id: str | None) -> str:
        return presentation.desk_name(self.store, device_id)
