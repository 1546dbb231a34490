"""The ASGI app: routes, roles, error bodies, body-size limits. `create_app(db_url)`.

Routes are thin: each checks who is asking and hands the work to one module (auth,
conferences, imports, registrants/events, stats, live). Handlers are plain functions, so
FastAPI runs them in its thread pool and the event loop never waits on the database.
"""

# No `from __future__ import annotations` here: FastAPI reads the routes' annotations, and
# some of them (Who, the bearer scheme) are local to create_app.
import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from typing import Annotated
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..clock import HybridClock
from ..enrol_link import enrol_link
from . import (
    auth,
    cme,
    conferences,
    event_reads,
    events,
    feeds,
    imports,
    live,
    registrants,
    stats,
    wall_page,
)
from .auth import Principal
from .db import Database, default_url
from .db import registrants as registrant_rows
from .errors import ApiError, not_found
from .wall_feed import WallFeed
from .wire import Enrol, EventBatch, NewEnrolment, NewEvent, OrganiserUndo, RegistrantEdit

log = logging.getLogger("checkin.server")

PROTOCOL_VERSION = 1
MAX_JSON_BYTES = 1 << 20  # 1 MiB
MAX_UPLOAD_BYTES = 50 << 20  # 50 MiB, an import's file
LIVE_CACHE_SECONDS = 5.0
# Threads for the other requests (anyio's default is 40): few, since each one running
# Python takes the one GIL from the uploads and the event loop. Under 100 desks, 16 gave
# upload p95 479 ms, 6 360 ms, 3 293 ms, while the desks' download rounds (background work)
# went from p95 918 to 1,023 ms.
SYNC_THREADS = 3
ROWS_HEADER = "X-Checkin-Rows"  # how many rows a file the service answers with holds
WALL_COOKIE = "checkin_wall"  # the wall's token, kept by the projector's browser
# The wall page loads nothing from elsewhere but the event's logo (an https: or data: URL)
# and sends no Referer, so a logo's server never sees the token in the page's address.
WALL_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                "Content-Security-Policy": "default-src 'none'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; img-src https: data:; connect-src 'self'"}

_WORDS = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large",
          415: "unsupported_media_type", 422: "invalid_request", 429: "too_many_requests"}

EventId = Annotated[str, Path(min_length=1, max_length=64, description="the event id")]
MAX_CURSOR = 2 ** 53  # feed numbers stay below this (and exact in any JSON reader)
After = Annotated[int, Query(ge=0, le=MAX_CURSOR,
                             description="the cursor: the last feed number applied")]
Limit = Annotated[int, Query(ge=1, le=feeds.MAX_LIMIT, description="page size")]
REGISTRANTS_FEED = feeds.Feed(registrant_rows)


def create_app(db_url: str | None = None, *, public_url: str | None = None,
               max_json_bytes: int = MAX_JSON_BYTES,
               max_upload_bytes: int = MAX_UPLOAD_BYTES,
               wall: Callable[[], float] = time.time,
               fingerprint: str | None = None) -> FastAPI:
    """The central list over the database at `db_url` (migrated here, before serving).
    `public_url`: how desks reach this server, for enrolment QR codes (default: the URL the
    organiser's request came in on). `wall`: the service's clock (tests move it), which
    desks measure theirs against and which bounds their stamps. `fingerprint`: of the TLS
    certificate the service is served with, put in every enrolment code so that desks pin
    it (None: plain HTTP)."""
    db = Database(db_url or default_url())
    clock = HybridClock(events.CENTRAL_DEVICE, wall=wall)
    live_cache: dict[str, tuple[float, str]] = {}
    wall_feed = WallFeed(db)
    recent = event_reads.recent_events(db)  # the events feeds' tails, in memory

    @asynccontextmanager
    async def lifespan(_app):
        anyio.to_thread.current_default_thread_limiter().total_tokens = SYNC_THREADS
        yield
        await wall_feed.close()
        db.dispose()

    app = FastAPI(
        title="Checkin Desk central list", version=__version__, lifespan=lifespan,
        description="Registrants flow down to desks, events flow up and across. "
                    "The protocol: docs/sync-protocol.md.")
    app.state.db = db
    app.state.wall_feed = wall_feed
    app.add_middleware(BodyLimit, limits=(("/imports", max_upload_bytes),),
                       default=max_json_bytes)
    app.add_middleware(ServerTime, wall=wall)
    _error_handlers(app)
    bearer = HTTPBearer(auto_error=False, description="an organiser or desk token")

    async def principal(creds: HTTPAuthorizationCredentials | None, *,
                        allow_revoked: bool = False) -> Principal:
        """A token looked up a moment ago is answered here, in the event loop; another one
        in a worker thread (the database)."""
        header = f"{creds.scheme} {creds.credentials}" if creds else None
        return auth.remembered(db, header, allow_revoked=allow_revoked) or \
            await run_in_threadpool(auth.authenticate, db, header, allow_revoked=allow_revoked)

    async def who(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
                  ) -> Principal:
        return await principal(creds)

    Who = Annotated[Principal, Depends(who)]

    known_events: set[str] = set()  # events are never deleted: asked once each

    def event_for(who: Principal, event_id: str, *, organiser: bool = False) -> None:
        if organiser:
            auth.require_organiser(who)
        auth.require_event(who, event_id)
        if event_id not in known_events:
            with db.read() as conn:
                conferences.require(conn, event_id)
            known_events.add(event_id)

    api = APIRouter(prefix="/api/v1")

    @app.get("/health", include_in_schema=False)
    @api.get("/health", tags=["service"])
    async def health() -> dict:  # no thread: it touches nothing but memory
        return {"ok": True, "version": PROTOCOL_VERSION, "server_id": db.server_id}

    # -- organiser: events, imports, enrolment, devices --------------------------------------
    @api.post("/events", status_code=201, tags=["organiser"])
    def create_event(body: NewEvent, who: Who) -> dict:
        auth.require_organiser(who)
        return conferences.create(db, body.id, body.config_toml)

    @api.get("/events", tags=["organiser"])
    def list_events(who: Who) -> dict:
        auth.require_organiser(who)
        return {"items": conferences.list_all(db)}

    @api.post("/events/{event}/imports", tags=["organiser"], openapi_extra={
        "requestBody": {"required": True, "content": {"application/octet-stream": {
            "schema": {"type": "string", "format": "binary"}}}}})
    async def import_export(
            request: Request, event: EventId,
            filename: Annotated[str, Query(min_length=1, max_length=255,
                                           description="the file's name: .xlsx or .csv")],
            mark_missing: Annotated[str, Query(pattern="^(auto|true|false)$")] = "auto",
            dry_run: bool = False,
            creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)] = None,
    ) -> JSONResponse:
        await run_in_threadpool(event_for, await principal(creds), event, organiser=True)
        data = await request.body()
        report = await run_in_threadpool(imports.run_import, db, event, data, filename,
                                         mark_missing, dry_run)
        wall_feed.notify(event)  # the expected count moved
        return JSONResponse(report)

    @api.post("/events/{event}/enrolments", status_code=201, tags=["organiser"])
    def create_enrolment(event: EventId, body: NewEnrolment, request: Request, who: Who) -> dict:
        event_for(who, event, organiser=True)
        made = auth.new_enrolment(db, event, body.device_name,
                                  dt.timedelta(hours=body.valid_hours), wall=wall)
        base = (public_url or str(request.base_url)).rstrip("/")
        return {**made, "event": event, "fingerprint": fingerprint,
                "qr": enrol_link(base, made["code"], fingerprint)}

    @api.post("/enrol", tags=["desk"])
    def enrol(body: Enrol) -> dict:
        return auth.enrol(db, body.code, body.device_id, body.device_name, wall=wall)

    @api.get("/events/{event}/devices", tags=["organiser"])
    def list_devices(event: EventId, who: Who) -> dict:
        event_for(who, event, organiser=True)
        return {"items": auth.list_devices(db, event)}

    @api.post("/events/{event}/devices/{device_id}/revoke", tags=["organiser"])
    def revoke(event: EventId, device_id: Annotated[str, Path(max_length=100)],
               who: Who) -> dict:
        event_for(who, event, organiser=True)
        return auth.revoke_device(db, event, device_id)

    # -- registrants ----------------------------------------------------------------------------
    @api.get("/events/{event}/registrants", tags=["desk"])
    def registrant_feed(event: EventId, who: Who, after: After = 0,
                        limit: Limit = feeds.DEFAULT_LIMIT) -> JSONResponse:
        event_for(who, event)
        with db.read() as conn:
            grant = None if who.is_organiser else event_reads.event_privacy(conn, event)
            page = REGISTRANTS_FEED.page(conn, event, after, limit, registrants.item_for(grant))
        return JSONResponse(page)

    @api.put("/events/{event}/registrants/{code:path}", tags=["organiser"])
    def edit_registrant(event: EventId, code: str, body: RegistrantEdit, who: Who) -> dict:
        event_for(who, event, organiser=True)
        edited = events.organiser_edit(db, event, code, body.base_version, body.fields, who,
                                       clock, body.reason)
        wall_feed.notify(event)
        return edited

    # -- events ---------------------------------------------------------------------------------
    @api.post("/events/{event}/events", tags=["desk"])
    async def upload(event: EventId, body: EventBatch, creds: Annotated[
            HTTPAuthorizationCredentials | None, Depends(bearer)]) -> dict:
        """The upload waits for its conference's group-commit line here, in the event loop,
        without a thread of its own (upload_line.py)."""
        # A revoked desk may still upload what it recorded before it was revoked (its last
        # round, before it wipes itself); nothing else.
        who = await principal(creds, allow_revoked=True)
        if event in known_events:
            event_for(who, event)
        else:
            await run_in_threadpool(event_for, who, event)
        batch = [e.model_dump() for e in body.events]
        results = await asyncio.wrap_future(events.submit(
            db, event, who, batch, unsent=body.unsent, now_ms=int(wall() * 1000)))
        wall_feed.notify(event)  # arrivals reach the welcome wall at once
        if event_reads.needs_grant(who, results):
            results = await run_in_threadpool(event_reads.granted, db, event, who, results)
        return {"results": results}

    @api.post("/events/{event}/events/{uuid}/undo", tags=["organiser"])
    def undo_admission(event: EventId, uuid: Annotated[str, Path(max_length=64)],
                       body: OrganiserUndo, who: Who) -> dict:
        event_for(who, event, organiser=True)
        undone = events.organiser_undo(db, event, uuid, who, clock, body.reason,
                                       now_ms=int(wall() * 1000))
        wall_feed.notify(event)
        return undone

    @api.get("/events/{event}/events", tags=["desk"])
    def event_feed(event: EventId, who: Who, after: After = 0,
                   limit: Limit = feeds.DEFAULT_LIMIT,
                   exclude_device: Annotated[str | None, Query(max_length=100)] = None,
                   ) -> Response:
        event_for(who, event)
        return feeds.json_response(event_reads.feed(db, event, after, limit, exclude_device,
                                                    who=who, recent=recent))

    @api.get("/events/{event}/records", tags=["organiser"])
    def record_feed(event: EventId, who: Who, after: After = 0,
                    limit: Limit = feeds.DEFAULT_LIMIT) -> Response:
        """Every desk's refused scans and audit entries, as the events feed pages them."""
        event_for(who, event, organiser=True)
        return feeds.json_response(event_reads.feed(db, event, after, limit, records=True,
                                                    recent=recent))

    @api.get("/events/{event}/rejected", tags=["organiser"])
    def list_rejected(event: EventId, who: Who) -> dict:
        event_for(who, event, organiser=True)
        return {"items": event_reads.rejected(db, event)}

    @api.get("/events/{event}/conflicts", tags=["desk"])
    def list_conflicts(event: EventId, who: Who) -> dict:
        event_for(who, event)
        return {"items": event_reads.open_conflicts(db, event, event_reads.grant_for(db, event, who))}

    @api.get("/events/{event}/stats", tags=["desk"])
    def event_stats(event: EventId, who: Who) -> dict:
        event_for(who, event)
        return stats.headcounts(db, event)

    # -- CME credit over every desk's door scans (docs/cme.md) ---------------------------------
    @api.get("/events/{event}/cme", tags=["organiser"])
    def cme_report(event: EventId, who: Who) -> dict:
        """Minutes per session, credits and why any fell short, per person scanned at a CME
        door, as `checkin cme --json` says it on a desk."""
        event_for(who, event, organiser=True)
        return cme.report(db, event)

    @api.get("/events/{event}/cme.xlsx", tags=["organiser"], response_class=Response,
             responses={200: {"content": {cme.XLSX_TYPE: {}},
                              "description": "the CME office's sheet"}})
    def cme_sheet(event: EventId, who: Who) -> Response:
        """The CME office's sheet, as `checkin export cme` writes it on a desk (ID numbers and
        phones whole: in the service's audit trail)."""
        event_for(who, event, organiser=True)
        data, rows = cme.sheet(db, event)
        events.organiser_audit(db, event, who, clock, "export",
                               {"what": "cme", "format": "xlsx", "rows": rows})
        return Response(data, media_type=cme.XLSX_TYPE, headers={
            "Content-Disposition": f'attachment; filename="cme-{event}.xlsx"',
            ROWS_HEADER: str(rows)})

    # -- the welcome wall's tokens (read the wall, nothing else) ---------------------------
    @api.post("/events/{event}/wall-tokens", status_code=201, tags=["organiser"])
    def create_wall_token(event: EventId, request: Request, who: Who) -> dict:
        """A read-only token for the event's welcome wall and the wall's address with it."""
        event_for(who, event, organiser=True)
        token = auth.create_wall_token(db, event)
        with db.read() as conn:
            public = conferences.config(conn, event).wall.public
        base = (public_url or str(request.base_url)).rstrip("/")
        return {"event": event, "token": token, "public": public, "fingerprint": fingerprint,
                "url": f"{base}/wall/{quote(event, safe='')}?token={token}"}

    @api.post("/events/{event}/wall-tokens/revoke", tags=["organiser"])
    def revoke_wall_tokens(event: EventId, who: Who) -> dict:
        event_for(who, event, organiser=True)
        return {"event": event, "revoked": auth.revoke_wall_tokens(db, event)}

    app.include_router(api)

    # -- the welcome wall (签到大屏) ----------------------------------------------------------------
    def wall_config(event: str, request: Request, token: str | None):
        """The event's configuration when this request may see its wall (None: unknown
        event); 401 without the wall's token unless the wall is public."""
        with db.read() as conn:
            if not conferences.exists(conn, event):
                return None
            config = conferences.config(conn, event)
        if config.wall.public:
            return config
        header = request.headers.get("authorization", "")
        given = token or request.cookies.get(WALL_COOKIE) or (
            header[7:].strip() if header.lower().startswith("bearer ") else None)
        if auth.wall_event(db, given) != event:
            raise ApiError(401, "unauthorized", "this welcome wall needs its token: "
                           "`checkin server wall-token --event ID` prints its address")
        return config

    WallToken = Annotated[str | None, Query(max_length=200, description="a wall token")]

    @app.get("/wall/{event}", response_class=HTMLResponse, tags=["service"])
    def wall_screen(event: EventId, request: Request, token: WallToken = None) -> HTMLResponse:
        """The welcome wall for a projector: names pushed as they arrive (no token when the
        event's [wall] is public)."""
        try:
            config = wall_config(event, request, token)
        except ApiError:
            return HTMLResponse(wall_page.locked(event), status_code=401, headers=WALL_HEADERS)
        if config is None:
            return HTMLResponse(live.not_found(event), status_code=404)
        page = HTMLResponse(wall_page.render(config.name, config.wall), headers=WALL_HEADERS)
        if token and not config.wall.public:  # the page's stream and reloads need no ?token
            page.set_cookie(WALL_COOKIE, token, path=f"/wall/{event}", httponly=True,
                            samesite="strict", max_age=14 * 24 * 3600,
                            secure=request.url.scheme == "https")
        return page

    @app.get("/wall/{event}/stream", tags=["service"], response_class=StreamingResponse,
             responses={200: {"content": {"text/event-stream": {}}}})
    async def wall_stream(event: EventId, request: Request,
                          token: WallToken = None) -> StreamingResponse:
        """Server-Sent Events: `snapshot` on connecting, `update` as arrivals come (names
        as the event's [wall] shows them and organisations; nothing else)."""
        config = await run_in_threadpool(wall_config, event, request, token)
        if config is None:
            raise not_found(f"event {event!r}")
        await wall_feed.join(event)  # a database that cannot be read answers 503 here
        return StreamingResponse(wall_feed.stream(event), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})  # nginx: don't buffer

    # -- the public live page -------------------------------------------------------------------
    @app.get("/live/{event}", response_class=HTMLResponse, tags=["service"])
    def live_page(event: EventId) -> HTMLResponse:
        cached = live_cache.get(event)
        if cached and time.monotonic() - cached[0] < LIVE_CACHE_SECONDS:
            return HTMLResponse(cached[1])
        with db.read() as conn:
            known = conferences.exists(conn, event)
        if not known:
            return HTMLResponse(live.not_found(event), status_code=404)
        page = live.render(stats.headcounts(db, event, with_devices=False))
        live_cache[event] = (time.monotonic(), page)
        return HTMLResponse(page)

    return app


# -- errors -------------------------------------------------------------------------------------
def _error(status: int, error: str, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": error, "message": message, **extra}, status_code=status)


def _validation_message(errors: list[dict]) -> str:
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "")
        return f"the body is not valid JSON ({reason})".replace(" ()", "")
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"{where}: {first.get('msg', 'invalid')}{more}"


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request, exc: ApiError):
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request, exc: RequestValidationError):
        errors = list(exc.errors())
        return _error(422, "invalid_request", _validation_message(errors),
                      detail=jsonable_encoder(errors, custom_encoder={Exception: str}))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request, exc: StarletteHTTPException):
        word = _WORDS.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else word.replace("_", " ")
        if exc.status_code == 404 and message == "Not Found":
            message = "there is no such address on this server (the API is under /api/v1)"
        return JSONResponse({"error": word, "message": message}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def database_down(_request, exc):
        log.warning("database unavailable: %s", exc)
        return _error(503, "database_unavailable", "the server cannot reach its database just "
                      "now; nothing was changed: try again shortly")

    @app.exception_handler(DataError)
    async def unstorable(_request, exc):
        log.warning("data the database refused: %s", exc)
        return _error(422, "invalid_request", "the request holds a value the database cannot "
                      "store (a NUL character, a number out of range): nothing was changed")

    @app.exception_handler(IntegrityError)
    async def integrity(_request, exc):
        log.warning("integrity error: %s", exc)
        return _error(409, "conflict", "this clashes with data stored at the same moment; "
                      "nothing was changed: try again")

    @app.exception_handler(Exception)
    async def unexpected(_request, exc: Exception):
        log.exception("unexpected error", exc_info=exc)
        return _error(500, "internal", f"the server failed ({type(exc).__name__}); nothing "
                      "was changed by this request")


# -- the service's clock on every answer ------------------------------------------------------
TIME_HEADER = b"x-checkin-time"


class ServerTime:
    """Every answer carries the service's clock (X-Checkin-Time: ms since the epoch, UTC), so
    a desk measures its own clock at each round without a request of its own
    (checkin/clockcheck.py)."""

    def __init__(self, app, *, wall: Callable[[], float] = time.time):
        self.app = app
        self.wall = wall

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def stamped(message):
            if message["type"] == "http.response.start":
                now = str(int(self.wall() * 1000)).encode()
                message = {**message, "headers": [*message.get("headers", ()),
                                                  (TIME_HEADER, now)]}
            await send(message)

        await self.app(scope, receive, stamped)


# -- body size ----------------------------------------------------------------------------------
class BodyLimit:
    """413 for bodies over the limit: at once when Content-Length says so (the body is read
    and dropped, up to a bound, so the client gets the answer rather than a reset), else as
    soon as a streamed body passes it."""

    DRAIN_BOUND = 64 << 20

    def __init__(self, app, *, limits: tuple[tuple[str, int], ...], default: int):
        self.app = app
        self.limits = limits
        self.default = default

    def limit_for(self, path: str) -> int:
        return next((n for suffix, n in self.limits if path.endswith(suffix)), self.default)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        try:
            declared = int(length) if length is not None else None
        except ValueError:
            declared = None
        if declared is not None and declared > limit:
            if declared <= self.DRAIN_BOUND:
                await _drain(receive)
            return await _too_large(send, limit)
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # FastAPI passes an HTTPException raised while reading the body through
                    raise StarletteHTTPException(413, _too_large_message(limit))
            return message

        await self.app(scope, counted, send)


def _too_large_message(limit: int) -> str:
    size = f"{limit / (1 << 20):g} MiB" if limit >= 1 << 20 else f"{limit:,} bytes"
    return (f"the request body is larger than this server accepts here ({size}); send fewer "
            "events per batch, or a smaller file")


async def _drain(receive) -> None:
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def _too_large(send, limit: int) -> None:
    response = _error(413, "too_large", _too_large_message(limit))
    response.headers["connection"] = "close"
    await response({"type": "http"}, _never, send)


async def _never():  # pragma: no cover - a Response never reads its receive channel here
    return {"type": "http.disconnect"}
