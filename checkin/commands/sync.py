"""`checkin` subcommands of this package. Heavy imports stay inside the command functions,
so `checkin --help` and the desk commands start fast."""

from __future__ import annotations

import json
import shlex
import sys
import time

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
        return _fail("give the enrolment code (or the checkin-enrol:URL#CODE link)")
    try:
        enrol_desk(args.url, args.code, fingerprint=args.fingerprint,
                   device_name=args.device_name or "", db_path=args.db)
    except SyncError as exc:
        return _fail(f"enrolment failed: {exc.message}")
    with _store(args) as store:
        result = enrolment(store)
    emit(args, result, f"enrolled {result['device_name']} ({result['device_id']}) for "
                        f"{result['config']} ({result['event']}) at {result['server_url']}; "
                        f"run `checkin --db {shlex.quote(str(args.db))} sync` to download the "
                        "registrants")
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
            print(f"{len(again)} event(s) the server refused put back in the outbox")
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
    from ..sync.worker import SyncWorker

    last = None

    def show(status) -> None:
        nonlocal last
        error = f" — {status.last_error}" if status.last_error else ""
        line = f"{status.label}, {status.pending} not yet sent{error}"
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
    from ..messages import prefers_chinese
    from ..store.audit import event_zone
    from ..sync import status as st

    with _store(args) as store:
        status = st.load(store)
        zone = event_zone(store)
        today = store.now(zone).date().isoformat()
        warning = clockcheck.warning(store, today, chinese=prefers_chinese())
        checked = clockcheck.last_check(store) or {}
    text = status.text(zone)
    if warning:
        text += f"\nCLOCK: {warning}"
    elif checked:
        text += (f"\nclock: agrees with the central list (checked "
                 f"{shown_in(checked['at'], zone)[:16]})")
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
                return _fail("a resolution needs --reason")
            operator = args.operator or default_operator()
            try:
                event = resolve(store, args.resolve, operator=operator, reason=args.reason,
                                keep=args.keep)
            except ConflictError as exc:
                return _fail(str(exc))
            emit(args, {"resolved": args.resolve, "event": event.uuid, "data": event.data},
                  f"resolved ({event.data['resolution']}): {event.code} at {event.station}; "
                  "the resolution reaches other desks with the next sync")
            return 0
        if args.keep:
            return _fail("--keep goes with --resolve UUID")
        found = open_conflicts(store)
    if args.json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no open conflicts")
        return 0
    lines = []
    for c in found:
        who = f"{c.code} {c.name or ''}".strip()
        lines.append(f"{c.type}: {who} at {c.station or '-'}  (resolve with --resolve {c.uuid})")
        for e in c.events:
            lines.append(f"    {e['wall_time'][:19].replace('T', ' ')}  {e['kind']:<8} "
                         f"{e['device']}  {e['operator']}  {e['uuid']}")
        message = c.detail.get("message")
        if message:
            lines.append(f"    server: {message}")
    print("\n".join(lines) + f"\n{len(found)} open conflict(s)")
    return 0


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("enroll", cmd_enroll, "join this desk to a central list with an enrolment code")
    p.add_argument("url", help="the server's address, or the checkin-enrol:URL#CODE link")
    p.add_argument("code", nargs="?", help="the one-time code the organiser gave (K7Q2-9XPD)")
    p.add_argument("--fingerprint", help="the https server's certificate fingerprint shown with "
                                         "the code (the link carries it)")
    p.add_argument("--device-name", help="this desk's name shown to others (e.g. 报到处1)")
    p = command("sync", cmd_sync, "send this desk's events and fetch the central list")
    p.add_argument("--server", help="the server's new address (when it moved)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="one round, then exit (default)")
    mode.add_argument("--watch", action="store_true",
                      help="keep syncing until Ctrl-C, printing status changes")
    p.add_argument("--interval", type=float, default=2.0, help="seconds between rounds (--watch)")
    p.add_argument("--retry-rejected", action="store_true",
                   help="first put the events the server refused (listed by `checkin "
                        "conflicts` as rejected) back in the outbox, to send them again")
    p = command("conflicts", cmd_conflicts, "list sync conflicts, or resolve one")
    p.add_argument("--resolve", metavar="UUID", help="the conflicting event to resolve")
    p.add_argument("--keep", metavar="UUID", help="the admission that stands")
    p.add_argument("--reason", help="why (recorded with the resolution)")
    command("sync-status", cmd_sync_status, "online/offline, events not yet sent, last sync")
