"""A small in-memory stand-in for the central list (docs/sync-protocol.md), served through
httpx.MockTransport: unit tests of the desk's round with failures injected exactly where a test
wants them. The real server is exercised in test_round_real.py."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable

import httpx

from checkin.model import ADMISSION_KINDS, REGISTRANT_FIELDS

KINDS = {"checkin", "meal", "forum", "override", "undo", "walk_in", "edit", "print", "resolve",
         "revoke", "refused", "audit"}


def _error(status: int, error: str, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error": error, "message": message})


class FakeCentral:
    def __init__(self, event: str = "ev1", config_toml: str = '[event]\nname = "Fake event"\n'):
        self.event = event
        self.config_toml = config_toml
        self.seq = 0
        self.registrants: dict[str, dict] = {}
        self.events: list[dict] = []
        self.records: list[dict] = []  # refused scans and audit entries (GET .../records)
        self.tokens: dict[str, str] = {}  # token -> device id
        self.revoked: set[str] = set()
        self.codes: dict[str, str] = {}  # enrolment code -> device name
        self.names: dict[str, str] = {}  # device id -> name
        self.requests: list[tuple[str, str]] = []
        # (method, path fragment) -> callable(request) -> Response | None; None: carry on.
        self.hooks: list[tuple[str, str, Callable]] = []
        # After handling: drop the answer (the server committed, the desk never heard).
        self.lose_answer_of: list[tuple[str, str]] = []
        # True: refuse malformed events as the real server does (FastAPI's 422 with
        # detail[].loc = ["body", "events", N, field]) rather than with a bare 422.
        self.validation_detail = False

    # -- organiser side, called directly by tests -------------------------------
    def add_registrant(self, code: str, name: str, **fields) -> dict:
        self.seq += 1
        old = self.registrants.get(code)
        item = {f: None for f in REGISTRANT_FIELDS}
        item.update(meals=[], forums=[])
        if old:
            item.update({k: old[k] for k in REGISTRANT_FIELDS})
        item.update(code=code, name=name, **fields)
        item.update(version=(old["version"] + 1) if old else 1, missing=False, source="import",
                    extra={}, seq=self.seq)
        self.registrants[code] = item
        return item

    def enrolment(self, device_name: str = "desk") -> str:
        code = secrets.token_hex(4).upper()
        self.codes[code] = device_name
        return code

    def refuse_uploads(self, status: int = 422, body: dict | None = None) -> None:
        """Every upload refused (a server of another version, a proxy): until hooks.clear()."""
        body = body or {"error": "invalid_request", "message": "events.0.foo: Field required"}
        self.hooks.append(("POST", "/events", lambda request: httpx.Response(status, json=body)))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- the API -----------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/api/v1")
        self.requests.append((request.method, path))
        for method, fragment, hook in self.hooks:
            if method == request.method and fragment in path:
                answer = hook(request)
                if answer is not None:
                    return answer
        response = self._route(request, path)
        for method, fragment in list(self.lose_answer_of):
            if method == request.method and fragment in path:
                self.lose_answer_of.remove((method, fragment))
                raise httpx.ReadError("connection dropped before the answer", request=request)
        return response

    def _device(self, request: httpx.Request) -> str | httpx.Response:
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if token not in self.tokens:
            return _error(401, "unauthorized", "unknown token")
        if token in self.revoked:
            return _error(401, "revoked", "this desk was revoked by the organiser")
        return self.tokens[token]

    def _route(self, request: httpx.Request, path: str) -> httpx.Response:
        if path == "/enrol" and request.method == "POST":
            body = json.loads(request.content)
            if body["code"] not in self.codes:
                return _error(410, "gone", "this enrolment code was used or has expired")
            self.names[body["device_id"]] = self.codes.pop(body["code"])
            token = secrets.token_hex(16)
            self.tokens[token] = body["device_id"]
            return httpx.Response(200, json={"token": token, "event": self.event,
                                             "device_id": body["device_id"],
                                             "config_toml": self.config_toml,
                                             "server_id": "fake"})
        device = self._device(request)
        if isinstance(device, httpx.Response):
            return device
        params = request.url.params
        if path == f"/events/{self.event}/stats":
            return httpx.Response(200, json={"devices": [
                {"device_id": d, "name": n} for d, n in self.names.items()]})
        if path == f"/events/{self.event}/registrants":
            after, limit = int(params["after"]), int(params["limit"])
            items = sorted((r for r in self.registrants.values() if r["seq"] > after),
                           key=lambda r: r["seq"])
            page = items[:limit]
            cursor = page[-1]["seq"] if page else after
            return httpx.Response(200, json={"items": page, "cursor": cursor,
                                             "more": len(items) > limit})
        if path == f"/events/{self.event}/events" and request.method == "GET":
            after, limit = int(params["after"]), int(params["limit"])
            exclude = params.get("exclude_device")
            items = [e for e in self.events if e["seq"] > after and e["device_id"] != exclude]
            page = items[:limit]
            cursor = page[-1]["seq"] if page else after
            return httpx.Response(200, json={"items": page, "cursor": cursor,
                                             "more": len(items) > limit})
        if path == f"/events/{self.event}/events" and request.method == "POST":
            batch = json.loads(request.content)["events"]
            if len(batch) > 1000:
                return _error(422, "too_many", "more than 1,000 events in one batch")
            if self.validation_detail:
                detail = [{"type": "literal_error", "loc": ["body", "events", i, "kind"],
                           "msg": f"Input should be one of {sorted(KINDS)}", "input": e.get("kind")}
                          for i, e in enumerate(batch) if e.get("kind") not in KINDS]
                if detail:
                    return httpx.Response(422, json={
                        "error": "invalid_request", "detail": detail,
                        "message": f"events.{detail[0]['loc'][2]}.kind: {detail[0]['msg']}"})
            if any(e.get("kind") not in KINDS for e in batch):
                return _error(422, "invalid", "unknown event kind")
            if any(e["device_id"] != device for e in batch):
                return _error(403, "forbidden", "events of another device")
            return httpx.Response(200, json={"results": [self._store(e) for e in batch]})
        return _error(404, "not_found", f"no route {path}")

    def _store(self, event: dict) -> dict:
        if event["kind"] in ("refused", "audit"):  # the desk's records: not in the feed
            known = any(e["uuid"] == event["uuid"] for e in self.records)
            if not known:
                self.records.append(event)
            return {"uuid": event["uuid"], "status": "duplicate" if known else "stored"}
        if any(e["uuid"] == event["uuid"] for e in self.events):
            return {"uuid": event["uuid"], "status": "duplicate", "seq": None}
        self.seq += 1
        stored = {**event, "seq": self.seq}
        result = {"uuid": event["uuid"], "status": "stored", "seq": self.seq}
        current = self.registrants.get(event.get("code") or "")
        if event["kind"] == "edit" and current:
            changes = event["data"]["changes"]  # field -> [old, new]
            touched = any(current.get(k) != old for k, (old, _) in changes.items())
            if event["data"].get("base_version", 0) < current["version"] and touched:
                result["status"] = "conflict"
                result["conflict"] = {"type": "stale_edit", "current": dict(current)}
            else:
                changes = {k: v[1] for k, v in event["data"]["changes"].items()}
                self.add_registrant(current["code"], changes.pop("name", current["name"]),
                                    **changes)
        if event["kind"] in ADMISSION_KINDS:
            undone = {e["ref"] for e in self.events if e["kind"] == "undo"}
            other = next((e for e in self.events
                          if e["kind"] in ADMISSION_KINDS and e["code"] == event["code"]
                          and e["station"] == event["station"] and e["uuid"] not in undone
                          and e["device_id"] != event["device_id"]), None)
            if other:
                result["status"] = "conflict"
                result["conflict"] = {"type": "double_admission", "other_uuid": other["uuid"],
                                      "other_device": other["device_id"],
                                      "other_wall_time": other["wall_time"]}
        self.events.append(stored)
        return result
