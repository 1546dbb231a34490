"""A thin HTTP client for the central list (docs/sync-protocol.md), over httpx.

Every failure becomes one of four exceptions the sync round can act on:
- Offline: no answer we can use (cannot connect, timeout, connection dropped, 5xx): retry later;
- Unauthorized: the token is unknown or malformed (401 "unauthorized");
- Revoked: this device was revoked (401 "revoked"): stop syncing and say so;
- Rejected: any other 4xx, with the server's plain-sentence message.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx

from ..clockcheck import TimeSample
from ..enrol_link import EnrolLink as EnrolLink  # the link's format lives there
from ..enrol_link import parse_enrol_link as parse_enrol_link
from . import pinning

API = "/api/v1"
TIME_HEADER = "X-Checkin-Time"  # the service's clock on every answer (ms since the epoch)
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)
UPLOAD_TIMEOUT = httpx.Timeout(30.0, connect=3.0)
IMPORT_TIMEOUT = httpx.Timeout(300.0, connect=3.0)


class SyncError(Exception):
    """Base of every client error; `message` is a plain sentence for the desk."""

    def __init__(self, message: str, *, status: int | None = None, error: str = "",
                 body: Any = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.error = error
        self.body = body


class Offline(SyncError):
    """The server could not be reached or could not answer (network, timeout, 5xx)."""


class Unauthorized(SyncError):
    """401: the token is unknown, malformed or (as Revoked) revoked."""


class Revoked(Unauthorized):
    """401 {"error": "revoked"}: this desk may no longer sync."""


class Rejected(SyncError):
    """A 4xx other than 401: the request itself was refused (message from the server)."""


class Untrusted(SyncError):
    """The server presents another TLS certificate than the one this desk pinned: nothing
    was sent (the message names both fingerprints)."""


def _certificate_refused(exc: BaseException) -> bool:
    """A TLS handshake that failed on the server's certificate (not a network error)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or \
                "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _seg(value: str) -> str:
    """One path segment: codes may hold '/', '#' or '+', which must not change the path."""
    return quote(str(value), safe="")


class SyncClient:
    """One server, one token. Thread-safe enough for one sync worker (httpx.Client is)."""

    def __init__(self, base_url: str, token: str | None = None, *,
                 timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
                 transport: httpx.BaseTransport | None = None,
                 local_time: Callable[[], float] = time.time,
                 pinned_cert: str | None = None):
        """`local_time`: the desk laptop's own clock, against which the service's time is
        measured (the desk's Store.time.local). `pinned_cert`: the server's certificate (PEM)
        pinned at enrolment, the only one an https connection accepts; without it an https
        server must have a certificate this computer's CAs trust."""
        self.base_url = base_url.rstrip("/")
        self._local_time = local_time
        self.pinned_cert = pinned_cert
        self.token = token
        self._options = {"timeout": timeout, "transport": transport, "follow_redirects": False,
                         "headers": {"Accept": "application/json",
                                     "User-Agent": "checkin-desk-sync/1"}}
        self._http = self._connect()
        self.time_sample: TimeSample | None = None  # the service's clock, last answer
    # -- plumbing ------------------------------------------------------------
    def _connect(self) -> httpx.Client:
        verify = pinning.pinned_context(self.pinned_cert) if self.pinned_cert else True
        return httpx.Client(base_url=self.base_url, verify=verify, **self._options)

    def retarget(self, base_url: str, token: str | None, pinned_cert: str | None = None) -> None:
        """Follow a desk that was enrolled again (new token, maybe a new server certificate)
        or told the server moved."""
        self.token = token
        base_url = base_url.rstrip("/")
        if pinned_cert != self.pinned_cert:
            self._http.close()
            self.base_url, self.pinned_cert = base_url, pinned_cert
            self._http = self._connect()
        elif base_url != self.base_url:
            self.base_url = base_url
            self._http.base_url = base_url

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def request(self, method: str, path: str, *, json: Any = None, params: dict | None = None,
                content: bytes | None = None, timeout: httpx.Timeout | None = None,
                auth: bool = True) -> Any:
        headers = {}
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if content is not None:
            headers["Content-Type"] = "application/octet-stream"
        url = f"{API}{path}"
        kwargs: dict[str, Any] = {"headers": headers, "params": params}
        if timeout is not None:
            kwargs["timeout"] = timeout
        try:
            sent = self._local_time()
            if content is not None:
                response = self._http.request(method, url, content=content, **kwargs)
            else:
                response = self._http.request(method, url, json=json, **kwargs)
            self._sample_time(sent, response)
        except httpx.TimeoutException as exc:
            raise Offline(f"the server at {self.base_url} did not answer in time") from exc
        except httpx.ConnectError as exc:
            if self.pinned_cert and _certificate_refused(exc):
                raise Untrusted(pinning.mismatch(self.base_url, self.pinned_cert).message,
                                error="certificate_changed") from exc
            raise Offline(f"cannot reach the server at {self.base_url} "
                          f"({type(exc).__name__}: {exc or 'connection lost'})") from exc
        except httpx.TransportError as exc:  # connect errors, dropped connections, bad HTTP
            raise Offline(f"cannot reach the server at {self.base_url} "
                          f"({type(exc).__name__}: {exc or 'connection lost'})") from exc
        return self._answer(response)

    def _sample_time(self, sent: float, response: httpx.Response) -> None:
        stamp = response.headers.get(TIME_HEADER, "")
        if stamp.isdigit() and len(stamp) <= 15:
            self.time_sample = TimeSample(sent, self._local_time(), int(stamp))

    def _answer(self, response: httpx.Response) -> Any:
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_success:
            if body is None and response.content:
                raise Offline(f"the server answered {response.status_code} without JSON "
                              f"(is {self.base_url} a Checkin Desk server?)",
                              status=response.status_code)
            return body
        error = body.get("error", "") if isinstance(body, dict) else ""
        message = body.get("message") if isinstance(body, dict) else None
        message = message or f"the server answered {response.status_code} {response.reason_phrase}"
        status = response.status_code
        if status >= 500:
            raise Offline(f"server error: {message}", status=status, error=error, body=body)
        if status == 401:
            cls = Revoked if error == "revoked" else Unauthorized
            raise cls(message, status=status, error=error or "unauthorized", body=body)
        raise Rejected(message, status=status, error=error, body=body)

    # -- open ----------------------------------------------------------------
    def health(self) -> dict:
        return self.request("GET", "/health", auth=False)

    def enrol(self, code: str, device_id: str, device_name: str) -> dict:
        """-> {"token", "event", "device_id", "config_toml", "server_id"}"""
        return self.request("POST", "/enrol", auth=False,
                            json={"code": code, "device_id": device_id,
                                  "device_name": device_name})

    # -- desk ----------------------------------------------------------------
    def registrants(self, event: str, after: int, limit: int = 1000) -> dict:
        return self.request("GET", f"/events/{_seg(event)}/registrants",
                            params={"after": after, "limit": limit})

    def upload(self, event: str, events: list[dict], unsent: int | None = None) -> dict:
        """`unsent`: what is still in the outbox after these (shown to an organiser)."""
        body: dict[str, Any] = {"events": events}
        if unsent is not None:
            body["unsent"] = unsent
        return self.request("POST", f"/events/{_seg(event)}/events", json=body,
                            timeout=UPLOAD_TIMEOUT)

    def events(self, event: str, after: int, limit: int = 1000,
               exclude_device: str | None = None) -> dict:
        params: dict[str, Any] = {"after": after, "limit": limit}
        if exclude_device:
            params["exclude_device"] = exclude_device
        return self.request("GET", f"/events/{_seg(event)}/events", params=params)

    def all_events(self, event: str, page_size: int = 5000) -> tuple[list[dict], int]:
        """Every event the server holds (an organiser's check), page by page; with the
        cursor of the last one."""
        items, after = [], 0
        while True:
            page = self.events(event, after=after, limit=page_size)
            items += page["items"]
            after = page["cursor"]
            if not page["more"]:
                return items, after

    def records(self, event: str, after: int, limit: int = 1000) -> dict:
        """(organiser) Every desk's refused scans and audit entries."""
        return self.request("GET", f"/events/{_seg(event)}/records",
                            params={"after": after, "limit": limit})

    def conflicts(self, event: str) -> Any:
        return self.request("GET", f"/events/{_seg(event)}/conflicts")

    def stats(self, event: str) -> dict:
        return self.request("GET", f"/events/{_seg(event)}/stats")

    # -- organiser -----------------------------------------------------------
    def create_event(self, event: str, config_toml: str) -> dict:
        return self.request("POST", "/events", json={"id": event, "config_toml": config_toml})

    def list_events(self) -> Any:
        return self.request("GET", "/events")

    def import_export(self, event: str, filename: str, data: bytes,
                      mark_missing: str = "auto") -> dict:
        return self.request("POST", f"/events/{_seg(event)}/imports", content=data,
                            params={"filename": filename, "mark_missing": mark_missing},
                            timeout=IMPORT_TIMEOUT)

    def create_enrolment(self, event: str, device_name: str) -> dict:
        return self.request("POST", f"/events/{_seg(event)}/enrolments",
                            json={"device_name": device_name})

    def devices(self, event: str) -> Any:
        return self.request("GET", f"/events/{_seg(event)}/devices")

    def revoke(self, event: str, device_id: str) -> Any:
        return self.request("POST", f"/events/{_seg(event)}/devices/{_seg(device_id)}/revoke")

    def edit_registrant(self, event: str, code: str, base_version: int, fields: dict) -> dict:
        return self.request("PUT", f"/events/{_seg(event)}/registrants/{_seg(code)}",
                            json={"base_version": base_version, "fields": fields})
