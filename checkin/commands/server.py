"""`checkin` subcommands of this package. Heavy imports stay inside the command functions,
so `checkin --help` and the desk commands start fast.

    checkin serve [--db URL] [--host H] [--port P] [--public-url URL]
    checkin server token [--db URL] [--label NAME]          (on the server machine)
    checkin server backup [--db URL] [--keep N] FILE|FOLDER  (on the server machine)
    checkin server restore --db URL FILE [--replace]         (on the server machine)
    checkin server create-event EVENT_TOML --id ID          (the rest over HTTP, organiser
    checkin server import FILE --event ID                    token from --token or
    checkin server enrol --event ID --device-name NAME       $CHECKIN_ORGANISER_TOKEN,
    checkin server devices --event ID                        server from --server or
    checkin server revoke DEVICE --event ID                  $CHECKIN_SERVER)
    checkin server events | stats --event ID
    checkin server undo ADMISSION --event ID --reason TEXT
    checkin server rejected | audit --event ID
    checkin server cme --event ID [-o FILE.xlsx]
    checkin server wall-token --event ID [--revoke]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..i18n import _
from .support import CommandLine, emit

DEFAULT_PORT = 8765
TOKEN_ENV = "CHECKIN_ORGANISER_TOKEN"
SERVER_ENV = "CHECKIN_SERVER"
FINGERPRINT_ENV = "CHECKIN_SERVER_FINGERPRINT"
PUBLIC_URL_ENV = "CHECKIN_PUBLIC_URL"  # a service unit's or container's setting


class ServerCommandError(ValueError):
    """Said on one line by `checkin` (exit code 2)."""


def register(cli: CommandLine) -> None:
    command = cli.add
    p = command("serve", cmd_serve, _("run the central list service (desks sync with it)"))
    _url_db_option(p)
    p.add_argument("--host", default="127.0.0.1",
                   help=_("address to listen on (default {0}: this machine only; {1}: every "
                          "network, for desks on the venue network)").format("127.0.0.1",
                                                                            "0.0.0.0"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=_("default {0}").format(DEFAULT_PORT))
    p.add_argument("--public-url", default=os.environ.get(PUBLIC_URL_ENV) or None,
                   help=_("how desks reach this server, for enrolment QR codes (default: ${0}, "
                          "else the address the organiser used)").format(PUBLIC_URL_ENV))
    p.add_argument("--cert", type=Path, help=_("your own TLS certificate (PEM; default: one "
                                               "made on first start, next to the database)"))
    p.add_argument("--key", type=Path, help=_("the key of --cert (PEM)"))
    p.add_argument("--plain-http", action="store_true",
                   help=_("serve plain HTTP: tokens, check-ins and personal data travel in "
                          "clear (only behind your own TLS proxy, or for a test)"))

    p = command("server", _needs_subcommand, _("organiser commands for the central list"))
    _drop_option(p, "--db")
    sub = p.add_subparsers(dest="server_command", required=True, metavar="SUBCOMMAND")

    def subcommand(name, func, help_text, *, over_http: bool = True):
        q = sub.add_parser(name, help=help_text, description=help_text)
        q.set_defaults(func=func)
        q.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help=_("print JSON for scripts"))
        if over_http:
            q.add_argument("--server", default=os.environ.get(SERVER_ENV),
                           help=_("the service's URL (default: ${0}, else {1})").format(
                               SERVER_ENV, f"https://127.0.0.1:{DEFAULT_PORT}"))
            q.add_argument("--token", default=None,
                           help=_("organiser token (default: ${0})").format(TOKEN_ENV))
            q.add_argument("--fingerprint", default=os.environ.get(FINGERPRINT_ENV),
                           help=_("the https server's certificate fingerprint, as `checkin "
                                  "serve` prints it (default: ${0})").format(FINGERPRINT_ENV))
        return q

    q = subcommand("token", cmd_token, _("make an organiser token (run on the server machine)"),
                   over_http=False)
    _url_db_option(q)
    q.add_argument("--label", default="organiser", help=_("whose token (shown in logs)"))
    q = subcommand("backup", cmd_backup, _("back up the central list into one file, while desks "
                                           "sync (run on the server machine)"), over_http=False)
    _url_db_option(q)
    q.add_argument("target", type=Path, metavar="FILE|FOLDER",
                   help=_("a file ending in .gz, or else a folder for backups named by their time"))
    q.add_argument("--keep", type=int, default=48,
                   help=_("in a folder, keep the newest N backups (default {0})").format(48))
    q = subcommand("restore", cmd_restore, _("restore the central list from a backup file "
                                             "(run on the server machine)"), over_http=False)
    _url_db_option(q)
    q.add_argument("backup_file", type=Path, metavar="FILE")
    q.add_argument("--replace", action="store_true",
                   help=_("replace the list the database holds now"))
    q = subcommand("create-event", cmd_create_event,
                   _("create an event from an event TOML file"))
    q.add_argument("event_file", type=Path, metavar="EVENT_TOML")
    q.add_argument("--id", required=True, help=_("the event's id, e.g. {0}").format("shic2026"))
    subcommand("events", cmd_events, _("list the events on the server"))
    q = subcommand("import", cmd_import, _("import a registration export (XLSX or CSV)"))
    q.add_argument("file", type=Path, metavar="FILE")
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("--dry-run", action="store_true",
                   help=_("show what would change, write nothing"))
    missing = q.add_mutually_exclusive_group()
    missing.add_argument("--mark-missing", dest="mark_missing", action="store_const",
                         const="true", default="auto",
                         help=_("mark everyone not in this file as gone, however many"))
    missing.add_argument("--supplement", dest="mark_missing", action="store_const",
                         const="false", help=_("this file adds to the list: mark nobody as gone"))
    q = subcommand("enrol", cmd_enrol, _("make a one-time code (and QR) that enrols one desk"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("--device-name", required=True, help=_("e.g. {0}").format("报到处1"))
    q.add_argument("--hours", type=float, default=24,
                   help=_("how long the code works (default 24)"))
    q.add_argument("--qr-png", type=Path, help=_("also save the QR code as a PNG image"))
    q.add_argument("--no-qr", action="store_true", help=_("do not draw the QR in the terminal"))
    q = subcommand("devices", cmd_devices, _("list the desks enrolled for an event"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q = subcommand("revoke", cmd_revoke, _("revoke a desk: its token stops working at once"))
    q.add_argument("device", metavar="DEVICE")
    q.add_argument("--event", required=True, help=_("the event's id"))
    q = subcommand("stats", cmd_stats, _("headcounts across every desk"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q = subcommand("undo", cmd_undo, _("cancel an admission made at any desk (an organiser's "
                                       "correction; a desk may undo only its own)"))
    q.add_argument("admission", metavar="ADMISSION",
                   help=_("the admission's event id (uuid), as `checkin history` or `checkin "
                          "server audit` show it"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("--reason", required=True, help=_("why, for the audit trail"))
    q = subcommand("rejected", cmd_rejected, _("events the service refused from desks, and why"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q = subcommand("audit", cmd_audit, _("every desk's refused scans and audit trail"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("--kind", choices=("refused", "audit"), help=_("only one of the two"))
    q = subcommand("wall-token", cmd_wall_token,
                   _("the welcome wall's address with a read-only token, for the projector"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("--revoke", action="store_true",
                   help=_("stop every wall token of the event (a link that was photographed)"))
    q.add_argument("--no-qr", action="store_true", help=_("do not draw the QR in the terminal"))
    q = subcommand("cme", cmd_cme, _("CME credit over every desk's door scans; with -o, the "
                                     "CME office's sheet (ID numbers and phones whole, audited)"))
    q.add_argument("--event", required=True, help=_("the event's id"))
    q.add_argument("-o", "--output", type=Path, metavar="FILE.xlsx",
                   help=_("write the CME office's sheet to this file"))


# -- argparse plumbing ----------------------------------------------------------------------------
def _drop_option(parser: argparse.ArgumentParser, option: str) -> None:
    """Remove an option this parser inherited from the shared parent parser, in this parser
    only (argparse shares the action objects with the parent, so no 'resolve' handler)."""
    action = parser._option_string_actions.get(option)
    if action is None:
        return
    for opt in action.option_strings:
        parser._option_string_actions.pop(opt, None)
    parser._actions.remove(action)
    for group in parser._action_groups:
        if action in group._group_actions:
            group._group_actions.remove(action)


def _url_db_option(parser: argparse.ArgumentParser) -> None:
    # The shared --db is a Path, which would turn postgresql://host into postgresql:/host.
    _drop_option(parser, "--db")
    parser.add_argument("--db", dest="db_url", default=None, metavar="URL",
                        help=_("database URL: {0} or {1}, or a file path (default: {2} in the "
                               "user data folder)").format(
                            "sqlite:///path/central.db",
                            "postgresql+psycopg://user@host:5432/dbname", "central.db"))


def _needs_subcommand(_args) -> int:  # argparse requires the subcommand; never reached
    return 2




# -- on the server machine ------------------------------------------------------------------------
def cmd_serve(args) -> int:
    from ..certs import shown
    from ..server.app import create_app
    from ..server.db import default_url, display_url, normalise_url
    from ..server.serving import run

    url = normalise_url(args.db_url) if args.db_url else default_url()
    scheme = "http" if args.plain_http else "https"
    public = args.public_url or _guess_public_url(args.host, args.port, scheme)
    tls = None if args.plain_http else _certificate(args, url, public)
    try:
        app = create_app(url, public_url=public,
                         fingerprint=tls.fingerprint if tls else None)
    except Exception as exc:
        raise ServerCommandError(_("cannot open the database {0}: {1}").format(
            display_url(url), _first_line(exc))) from exc
    print(_("Checkin central list on {address}  (database: {database})").format(
        address=f"{scheme}://{args.host}:{args.port}", database=display_url(url)))
    if tls:
        print(_("certificate fingerprint {0}").format(shown(tls.fingerprint)))
        print("  " + (_("(made now in {0}; enrolment codes carry it, so desks trust exactly this "
                        "server)") if tls.made else
                      _("(from {0}; enrolment codes carry it, so desks trust exactly this "
                        "server)")).format(tls.cert_file))
    else:
        print(_("WARNING: plain HTTP: desk tokens, check-ins and personal data travel in clear "
                "over the network; use it only behind your own TLS proxy, or for a test"))
    print(_("desks connect to {0}; live headcount: {1}").format(public, f"{public}/live/<event>"))
    if args.host in ("127.0.0.1", "localhost"):
        print(_("listening on this machine only: use --host {0} for desks on the network")
              .format("0.0.0.0"))
    options = {"ssl_certfile": str(tls.cert_file), "ssl_keyfile": str(tls.key_file)} \
        if tls else {}
    run(app, host=args.host, port=args.port, log_level="info", access_log=False,
        timeout_graceful_shutdown=10, **options)
    return 0


def _certificate(args, db_url: str, public: str):
    """The organiser's --cert/--key, or the certificate kept next to the database (made on
    the first start)."""
    from urllib.parse import urlsplit

    from ..server.tls import TlsError, ensure_certificate, load

    try:
        if args.cert or args.key:
            if not (args.cert and args.key):
                raise ServerCommandError(_("--cert and --key go together"))
            return load(args.cert, args.key)
        hosts = [urlsplit(public).hostname or "", args.host, "localhost", "127.0.0.1"]
        return ensure_certificate(tls_folder(db_url),
                                  [h for h in hosts if h not in ("0.0.0.0", "::")])
    except (TlsError, OSError) as exc:
        raise ServerCommandError(_("cannot use the TLS certificate: {0}").format(exc)) from exc


def tls_folder(db_url: str) -> Path:
    """Where the service keeps its certificate: beside an SQLite file, else in the data
    folder (a PostgreSQL server)."""
    from sqlalchemy import make_url

    from .. import paths

    parsed = make_url(db_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        return Path(parsed.database).parent
    return paths.data_dir()


def _guess_public_url(host: str, port: int, scheme: str = "https") -> str:
    """The LAN address desks will use when listening on every interface (no packet is sent:
    connecting a UDP socket only picks the outgoing interface)."""
    import socket

    if host not in ("0.0.0.0", "::", ""):
        return f"{scheme}://{host}:{port}"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed
            address = s.getsockname()[0]
    except OSError:
        address = socket.gethostname()
    return f"{scheme}://{address}:{port}"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def cmd_token(args) -> int:
    from ..server.auth import create_organiser_token

    url, db = _open_database(args)
    try:
        token = create_organiser_token(db, args.label)
    finally:
        db.dispose()
    from ..certs import fingerprint_of_pem, shown
    from ..server.tls import CERT_FILE

    cert = tls_folder(url) / CERT_FILE
    fingerprint = fingerprint_of_pem(cert.read_text(encoding="ascii")) if cert.exists() else None
    emit(args, {"token": token, "label": args.label, "fingerprint": fingerprint},
          f"{token}\n" + _("(organiser token for {label}: shown only now, the server keeps only "
                           "its hash; pass it with --token or export {env}=...)").format(
              label=args.label, env=TOKEN_ENV)
          + ("\n" + _("the server's certificate fingerprint: {fingerprint} (--fingerprint or "
                      "export {env}=... on other computers)").format(
              fingerprint=shown(fingerprint), env=FINGERPRINT_ENV) if fingerprint else ""))
    return 0


def _open_database(args):
    from ..server.db import Database, default_url, display_url, normalise_url

    url = normalise_url(args.db_url) if args.db_url else default_url()
    try:
        return url, Database(url)
    except Exception as exc:
        raise ServerCommandError(_("cannot open the database {0}: {1}").format(
            display_url(url), _first_line(exc))) from exc


def cmd_backup(args) -> int:
    from ..server.backup import backup, backup_into

    _url, db = _open_database(args)
    try:
        if args.target.is_dir() or not args.target.name.endswith(".gz"):  # a timer's folder
            args.target.mkdir(parents=True, exist_ok=True)
            summary, removed = backup_into(db, args.target, keep=args.keep)
        else:
            summary, removed = backup(db, args.target), []
    finally:
        db.dispose()
    emit(args, {"file": summary.file, "revision": summary.revision, "rows": summary.rows,
                "removed": [str(p) for p in removed]},
         _("backed up {rows} row(s) to {file}").format(rows=summary.total, file=summary.file)
         + "".join("\n" + _("removed the old backup {0}").format(p) for p in removed))
    return 0


def cmd_restore(args) -> int:
    from ..server.backup import restore
    from ..server.db import default_url, normalise_url

    url = normalise_url(args.db_url) if args.db_url else default_url()
    summary = restore(url, args.backup_file, replace=args.replace)
    emit(args, {"file": summary.file, "revision": summary.revision, "rows": summary.rows,
                "server_id": summary.server_id},
         _("restored {rows} row(s) from {file} (made {when})").format(
             rows=summary.total, file=summary.file, when=summary.created_at))
    return 0


# -- over HTTP ------------------------------------------------------------------------------------
def _call(args, method: str, path: str, **kwargs):
    """The service's JSON answer (an error said in one line, as the service put it)."""
    response = _request(args, method, path, **kwargs)
    try:
        return response.json()
    except ValueError:
        raise ServerCommandError(_not_ours(args, response)) from None


def _request(args, method: str, path: str, **kwargs):
    """The service's answer to an organiser's request, when it is a success."""
    import httpx

    base = _base(args)
    token = args.token or os.environ.get(TOKEN_ENV)
    if not token:
        raise ServerCommandError(_("an organiser token is needed: --token or ${0} (make one "
                                   "with `checkin server token` on the server machine)")
                                 .format(TOKEN_ENV))
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    try:
        response = httpx.request(method, f"{base}/api/v1{path}", headers=headers,
                                 timeout=kwargs.pop("timeout", 30.0),
                                 verify=_trust(base, args.fingerprint), **kwargs)
    except httpx.TimeoutException as exc:
        raise ServerCommandError(_("the server at {0} did not answer in time").format(base)) \
            from exc
    except httpx.HTTPError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            raise ServerCommandError(_(
                "the server at {base} has a certificate this computer does not trust: give "
                "its fingerprint (--fingerprint or ${env}; `checkin serve` prints it at "
                "start)").format(base=base, env=FINGERPRINT_ENV)) from exc
        raise ServerCommandError(_("cannot reach the server at {0}: {1}").format(base, exc)) \
            from exc
    if response.is_success:
        return response
    try:
        body = response.json()
    except ValueError:
        body = None
    message = body.get("message") if isinstance(body, dict) else None
    raise ServerCommandError(message or _not_ours(args, response))


def _base(args) -> str:
    return (args.server or f"https://127.0.0.1:{DEFAULT_PORT}").rstrip("/")


def _not_ours(args, response) -> str:
    return _("the server answered {status} (is {base} a Checkin Desk server?)").format(
        status=f"{response.status_code} {response.reason_phrase}", base=_base(args))


def _trust(base: str, fingerprint: str | None):
    """What an organiser command trusts: an https server by its certificate's fingerprint
    (pinned as desks do); without one, this computer's CAs (a certificate of your own)."""
    if not base.lower().startswith("https://"):
        return True
    from ..certs import FingerprintError, check_typed
    from ..sync import pinning

    if not fingerprint:
        local = _local_certificate(base)
        return pinning.pinned_context(local) if local else True
    try:
        return pinning.pinned_context(pinning.take_certificate(base, check_typed(fingerprint)))
    except (FingerprintError, pinning.CertificateMismatch) as exc:
        raise ServerCommandError(str(exc)) from exc
    except OSError as exc:
        raise ServerCommandError(_("cannot reach the server at {0}: {1}").format(base, exc)) \
            from exc


def _local_certificate(base: str) -> str | None:
    """On the server machine (the service on localhost, its database in the data folder):
    the certificate `checkin serve` made there, so the organiser needs no fingerprint."""
    from urllib.parse import urlsplit

    from ..server.db import default_url
    from ..server.tls import CERT_FILE

    if urlsplit(base).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    path = tls_folder(default_url()) / CERT_FILE
    try:
        return path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None


def _seg(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def cmd_create_event(args) -> int:
    try:
        text = args.event_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ServerCommandError(_("cannot read {0}: {1}").format(args.event_file, exc)) \
            from exc
    made = _call(args, "POST", "/events", json={"id": args.id, "config_toml": text})
    emit(args, made, _("created event {id}: {name}").format(id=made["id"], name=made["name"]))
    return 0


def cmd_events(args) -> int:
    items = _call(args, "GET", "/events")["items"]
    lines = [f"{e['id']}  {e['name']}  " + _("({registrants} registrants, {devices} desks)")
             .format(registrants=e["registrants"], devices=e["devices"]) for e in items]
    emit(args, items, "\n".join(lines) or _("no events yet"))
    return 0


def cmd_import(args) -> int:
    from ..importer import ImportReport, Problem

    try:
        data = args.file.read_bytes()
    except OSError as exc:
        raise ServerCommandError(_("cannot read {0}: {1}").format(
            args.file, exc.strerror or exc)) from exc
    body = _call(args, "POST", f"/events/{_seg(args.event)}/imports", content=data,
                 params={"filename": args.file.name, "mark_missing": args.mark_missing,
                         "dry_run": str(args.dry_run).lower()},
                 headers={"Content-Type": "application/octet-stream"}, timeout=600.0)
    report = ImportReport(**{**body, "mapping": [(m["column"], m["field"]) for m in body["mapping"]],
                             "problems": [Problem(**p) for p in body["problems"]]})
    emit(args, body, report.to_text())
    return 0


def cmd_enrol(args) -> int:
    made = _call(args, "POST", f"/events/{_seg(args.event)}/enrolments",
                 json={"device_name": args.device_name, "valid_hours": args.hours})
    lines = [_("enrolment code for {desk} ({event}): {code}").format(
                 desk=made["device_name"], event=args.event, code=made["code"]),
             _("works once, until {0} UTC").format(made["expires_at"][:16].replace("T", " "))]
    if made.get("fingerprint"):
        from ..certs import shown

        lines.append(_("server fingerprint: {0} (typed with the code: at least its first 16 "
                       "characters; the QR carries it)").format(shown(made["fingerprint"])))
    lines.append(f"QR: {made['qr']}")
    if args.qr_png:
        save_qr_png(made["qr"], args.qr_png)
        lines.append(_("QR image saved to {0}").format(args.qr_png))
    if not args.no_qr and not getattr(args, "json", False):
        lines += ["", terminal_qr(made["qr"])]
    emit(args, made, "\n".join(lines))
    return 0


def cmd_devices(args) -> int:
    items = _call(args, "GET", f"/events/{_seg(args.event)}/devices")["items"]
    lines = [f"{d['device_id']}  {d['name']}  " + _(
                 "enrolled {enrolled}  last seen {seen}  last upload {upload}").format(
                 enrolled=_when(d["enrolled_at"]), seen=_when(d["last_seen"]),
                 upload=_when(d["last_upload"]))
             + ("  " + _("({0} not sent then)").format(d["unsent"]) if d.get("unsent") else "")
             + ("  " + _("REVOKED") if d["revoked"] else "") for d in items]
    emit(args, items, "\n".join(lines) or _("no desks enrolled yet"))
    return 0


def cmd_revoke(args) -> int:
    done = _call(args, "POST", f"/events/{_seg(args.event)}/devices/{_seg(args.device)}/revoke")
    lines = [_("revoked {device} ({name}): it can no longer sync").format(
        device=done["device_id"], name=done["name"])]
    if done.get("unsent"):
        lines.append(_("when it last uploaded ({at} UTC) it still had {count} event(s) not sent")
                     .format(at=_when(done.get("last_upload")), count=done["unsent"]))
    lines.append(_("at its next round it uploads what it recorded before now (nothing later), "
                   "then wipes its copy of the list; a desk that never connects again keeps "
                   "what it did not send"))
    emit(args, done, "\n".join(lines))
    return 0


def _when(stamp: str | None) -> str:
    return stamp[:16].replace("T", " ") if stamp else "—"


def cmd_undo(args) -> int:
    done = _call(args, "POST", f"/events/{_seg(args.event)}/events/{_seg(args.admission)}/undo",
                 json={"reason": args.reason})
    emit(args, done, _("undone: {code} at {station} (undo {uuid}); every desk learns it at its "
                       "next round").format(code=done["code"], station=done["station"],
                                            uuid=done["uuid"]))
    return 0


def cmd_rejected(args) -> int:
    items = _call(args, "GET", f"/events/{_seg(args.event)}/rejected")["items"]
    lines = [f"{_when(r['received_at'])}  {r['device']}  {r['kind']} {r['code'] or ''}  "
             f"[{r['error']}] {r['message']}" for r in items]
    emit(args, items, "\n".join(lines) or _("no event was refused"))
    return 0


def cmd_audit(args) -> int:
    items, after = [], 0
    kinds = {args.kind} if args.kind else {"refused", "audit"}
    while True:
        page = _call(args, "GET", f"/events/{_seg(args.event)}/records",
                     params={"after": after, "limit": 5000})
        items += [e for e in page["items"] if e["kind"] in kinds]
        after = page["cursor"]
        if not page["more"]:
            break
    lines = [f"{e['wall_time'][:19].replace('T', ' ')}  {e['device_id']}  {e['operator']}  "
             f"{e['kind']}: " + (e["data"].get("action", "") if e["kind"] == "audit" else
                                 f"{e['code'] or ''} {e['data'].get('reason_code', '')}")
             for e in items]
    emit(args, items, "\n".join(lines) or _("nothing recorded yet"))
    return 0


def cmd_cme(args) -> int:
    from .cme import credit_table

    if args.output is None:
        report = _call(args, "GET", f"/events/{_seg(args.event)}/cme", timeout=300.0)
        emit(args, report, credit_table([s["name"] for s in report["sessions"]],
                                        report["items"]))
        return 0
    if args.output.suffix.lower() != ".xlsx":
        raise ServerCommandError(_("the CME office's sheet is an .xlsx file, not {0}")
                                 .format(args.output.name))
    response = _request(args, "GET", f"/events/{_seg(args.event)}/cme.xlsx", timeout=300.0)
    try:
        args.output.write_bytes(response.content)
    except OSError as exc:
        raise ServerCommandError(_("cannot write {0}: {1}").format(
            args.output, exc.strerror or exc)) from exc
    rows = int(response.headers.get("X-Checkin-Rows", "0"))
    emit(args, {"file": str(args.output), "rows": rows},
         _("wrote {rows} person(s) with CME credit to {file}").format(rows=rows,
                                                                      file=args.output))
    return 0


def cmd_wall_token(args) -> int:
    path = f"/events/{_seg(args.event)}/wall-tokens"
    if args.revoke:
        done = _call(args, "POST", f"{path}/revoke")
        emit(args, done, _("{count} wall token(s) of {event} no longer work; a wall already "
                           "open keeps its page until it reconnects").format(
            count=done["revoked"], event=args.event))
        return 0
    made = _call(args, "POST", path)
    lines = [made["url"], "",
             _("Open it on the projector's computer (full screen: F11). The token reads this "
               "event's welcome wall and nothing else; `--revoke` stops it.")]
    if made.get("public"):
        lines.append(_("This wall is public ([wall] public = true): its address works without "
                       "the token too."))
    if made.get("fingerprint"):
        lines.append(_("With the service's own certificate the browser warns once before it "
                       "shows the page (accept it: the token reads the wall only)."))
    if not args.no_qr and not getattr(args, "json", False):
        lines += ["", terminal_qr(made["url"])]
    emit(args, made, "\n".join(lines))
    return 0


def cmd_stats(args) -> int:
    s = _call(args, "GET", f"/events/{_seg(args.event)}/stats")
    lines = [_("{event}: {arrived} of {expected} arrived").format(
        event=s["name"], arrived=s["arrived"], expected=s["expected"])]
    lines += [f"  {c['category']}: {c['arrived']} / {c['expected']}" for c in s["by_category"]]
    lines += [f"  {m['name']}: {m['redeemed']} / {m['entitled']}" for m in s["meals"]]
    lines += [f"  {f['name']}: {f['entered']}" + (f" / {f['capacity']}" if f["capacity"] else "")
              for f in s["forums"]]
    if s["conflicts"]:
        lines.append(_("{0} open conflict(s)").format(s["conflicts"]))
    emit(args, s, "\n".join(lines))
    return 0


# -- QR codes -------------------------------------------------------------------------------------
def terminal_qr(text: str) -> str:
    """The QR in half-block characters, two module rows per line: light modules are drawn,
    dark ones left as the (dark) terminal background, so phones read it as printed."""
    from .. import qr

    rows = qr.dark_modules(text, quiet_zone=True, ec_level="").tolist()
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    glyph = {(False, False): "█", (False, True): "▀", (True, False): "▄", (True, True): " "}
    return "\n".join("".join(glyph[(top, bottom)] for top, bottom in zip(a, b, strict=True))
                     for a, b in zip(rows[::2], rows[1::2], strict=True))


def save_qr_png(text: str, path: Path, scale: int = 10) -> None:
    from PIL import Image

    from .. import qr

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(qr.image(text, scale=scale)).save(path)
