"""`checkin` subcommands of this package. Heavy imports stay inside the command functions,
so `checkin --help` and the desk commands start fast."""

from __future__ import annotations

import json
import shlex
import sys
import time

from ..i18n import _
from .support import CommandLine, emit


def _store(args, *, create: bool = False):
    from .support import open_store

    return open_store(args, create=create)


def _fail(message: str) -> int:
    print(f"checkin: {message}", file=sys.stderr)
    return 2


def cmd_enroll(args) -> int:
    from ..sync.client import SyncError, parse_enrol_link
    from ..sync.enrolment import enrol_desk, enrolment

    if not (args.code or parse_enrol_link(args.url).code):
        return _fail(_("give the enrolment code (or the {0} link)").format(
            "checkin-enrol:URL#CODE"))
    try:
        enrol_desk(args.url, args.code, fingerprint=args.fingerprint,
                   device_name=args.device_name or "", db_path=args.db)
    except SyncError as exc:
        return _fail(_("enrolment failed: {0}").format(exc.message))
    with _store(args) as store:
        result = enrolment(store)
    emit(args, result, _("enrolled {desk} ({device}) for {event_name} ({event}) at {server}; "
                         "run `{command}` to download the registrants").format(
        desk=result["device_name"], device=result["device_id"], event_name=result["config"],
        event=result["event"], server=result["server_url"],
        command=f"checkin --db {shlex.quote(str(args.db))} sync"))
    return 0


def cmd_sync(args) -> int:
    from ..sync import status as st
    from ..sync.engine import sync_once
    from ..sync.enrolment import NotEnrolled, client_for
    from ..sync.rejected import retry_rejected

    with _store(args) as store:
        try:
            client = client_for(store, args.server)
        except NotEnrolled as exc:
            return _fail(exc.message)
        again = retry_rejected(store) if args.retry_rejected else None
        if again is not None and not args.json:
            print(_("{0} event(s) the server refused put back in the outbox").format(len(again)))
        with client:
            if not args.watch:
                report = sync_once(store, client)
                status = st.load(store)
                data = {"report": report.to_json(), "status": status.to_json()}
                if again is not None:
                    data["retried"] = again
                emit(args, data, report.text())
                return 0 if report.ok else 2
            return _watch(args, store, client)


def _watch(args, store, client) -> int:
    """Sync until Ctrl-C, printing a line whenever the status changes."""
    from ..sync import status as st
    from ..sync.worker import SyncWorker

    last = None

    def show(status) -> None:
        nonlocal last
        error = f" — {status.last_error}" if status.last_error else ""
        line = _("{state}, {count} not yet sent").format(state=st.shown_label(status.state),
                                                         count=status.pending) + error
        if line == last:  # a quiet terminal while nothing changes
            return
        last = line
        if args.json:
            print(json.dumps(status.to_json(), ensure_ascii=False), flush=True)
        else:
            print(f"{time.strftime('%H:%M:%S')}  {line}", flush=True)

    worker = SyncWorker(store, client, interval=args.interval, on_status=show)
    worker.start()
    try:
        while worker.running:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()
    return 0


def cmd_sync_status(args) -> int:
    from .. import clockcheck
    from ..clock import shown_in
    from ..store.audit import event_zone
    from ..sync import status as st

    with _store(args) as store:
        status = st.load(store)
        zone = event_zone(store)
        today = store.now(zone).date().isoformat()
        warning = clockcheck.warning(store, today)
        checked = clockcheck.last_check(store) or {}
    text = status.text(zone)
    if warning:
        text += "\n" + _("CLOCK: {0}").format(warning)
    elif checked:
        text += "\n" + _("clock: agrees with the central list (checked {0})").format(
            shown_in(checked["at"], zone)[:16])
    emit(args, {**status.to_json(), "clock": {"offset_ms": checked.get("offset_ms"),
                                                "checked_at": checked.get("at"),
                                                "warning": warning}}, text)
    return 0


def cmd_conflicts(args) -> int:

    from ..operator_name import default_operator
    from ..sync.conflicts import ConflictError, open_conflicts, resolve

    with _store(args) as store:
        if args.resolve:
            if not args.reason:
                return _fail(_("a resolution needs --reason"))
            operator = args.operator or default_operator()
            try:
                event = resolve(store, args.resolve, operator=operator, reason=args.reason,
                                keep=args.keep)
            except ConflictError as exc:
                return _fail(str(exc))
            emit(args, {"resolved": args.resolve, "event": event.uuid, "data": event.data},
                  _("resolved ({resolution}): {code} at {station}; the resolution reaches "
                    "other desks with the next sync").format(
                      resolution=event.data["resolution"], code=event.code,
                      station=event.station))
            return 0
        if args.keep:
            return _fail(_("--keep goes with --resolve UUID"))
        found = open_conflicts(store)
    if args.json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(_("no open conflicts"))
        return 0
    lines = []
    for c in found:
        who = f"{c.code} {c.name or ''}".strip()
        lines.append(_("{type}: {who} at {station}  (resolve with --resolve {uuid})").format(
            type=_conflict_type(c.type), who=who, station=c.station or "-", uuid=c.uuid))
        for e in c.events:
            lines.append(f"    {e['wall_time'][:19].replace('T', ' ')}  {e['kind']:<8} "
                         f"{e['device']}  {e['operator']}  {e['uuid']}")
        message = c.detail.get("message")
        if message:
            lines.append("    " + _("server: {0}").format(message))
    print("\n".join(lines) + "\n" + _("{0} open conflict(s)").format(len(found)))
    return 0


def _conflict_type(kind: str) -> str:
    """A conflict's type in words, as the window's dashboard says it."""
    return {"double_admission": _("admitted at two desks"), "stale_edit": _("edit on old data"),
            "code_taken": _("code already taken"), "unknown_code": _("code unknown centrally"),
            "rejected": _("refused by the server"), "invalid": _("not usable")}.get(kind, kind)


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("enroll", cmd_enroll,
                _("join this desk to a central list with an enrolment code"))
    p.add_argument("url", metavar="URL",
                   help=_("the server's address, or the {0} link").format(
                       "checkin-enrol:URL#CODE"))
    p.add_argument("code", nargs="?", metavar="CODE",
                   help=_("the one-time code the organiser gave ({0})").format("K7Q2-9XPD"))
    p.add_argument("--fingerprint", help=_("the https server's certificate fingerprint shown "
                                           "with the code (the link carries it)"))
    p.add_argument("--device-name",
                   help=_("this desk's name shown to others (e.g. {0})").format("报到处1"))
    p = command("sync", cmd_sync, _("send this desk's events and fetch the central list"))
    p.add_argument("--server", help=_("the server's new address (when it moved)"))
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true",
                      help=_("one round, then exit (default)"))
    mode.add_argument("--watch", action="store_true",
                      help=_("keep syncing until Ctrl-C, printing status changes"))
    p.add_argument("--interval", type=float, default=2.0,
                   help=_("seconds between rounds (--watch)"))
    p.add_argument("--retry-rejected", action="store_true",
                   help=_("first put the events the server refused (listed by `checkin "
                          "conflicts` as rejected) back in the outbox, to send them again"))
    p = command("conflicts", cmd_conflicts, _("list sync conflicts, or resolve one"))
    p.add_argument("--resolve", metavar="UUID", help=_("the conflicting event to resolve"))
    p.add_argument("--keep", metavar="UUID", help=_("the admission that stands"))
    p.add_argument("--reason", help=_("why (recorded with the resolution)"))
    command("sync-status", cmd_sync_status,
            _("online/offline, events not yet sent, last sync"))
