"""What the central-list tests share: paths, a small export, a client with both roles."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx

from checkin.clock import HybridClock, now_iso
from checkin.resources import events_dir
from testkit.data import ANSWERS, XLSX  # noqa: F401  (re-exported to the central tests)

ROOT = Path(__file__).resolve().parents[2]
EVENT_TOML = events_dir() / "shic2026.toml"  # checkin/assets/events (issue 14)
# libpq connection string of the PostgreSQL admin database the tests make their database in
PG_ADMIN = os.environ.get("CHECKIN_TEST_PG", "host=127.0.0.1 port=5432 user=postgres "
                                             "dbname=postgres connect_timeout=3")

SMALL_CSV = (
    "报名编号,姓名,手机号,参会类型,缴费状态,用餐\n"
    "T-001,张三,13800000001,参会代表,已缴费,6月26日午餐\n"
    "T-002,李四,13800000002,参会代表,已缴费,6月26日午餐\n"
    "T-003,王五,13800000003,学生,已缴费,\n"
    "T-004,赵六,13800000004,嘉宾/专家,免费,6月26日午餐、6月27日午餐\n"
    "T-005,钱七,13800000005,参会代表,未缴费,\n"
)

class Desk:
    """An enrolled desk: its token, device id and clock; makes wire events."""

    def __init__(self, central: Central, event: str, device_id: str, token: str):
        self.central = central
        self.event = event
        self.device_id = device_id
        self.token = token
        self.clock = HybridClock(device_id)

    def event_for(self, kind: str, code: str | None = None, station: str | None = None,
                  **kw) -> dict:
        return {"uuid": str(uuid.uuid4()), "kind": kind, "code": code, "station": station,
                "device_id": self.device_id, "operator": "alice", "wall_time": now_iso(),
                "hlc": self.clock.tick(), "ref": kw.get("ref"), "data": kw.get("data", {})}

    def upload(self, events: list[dict]) -> httpx.Response:
        return self.central.post(f"/events/{self.event}/events", json={"events": events},
                                 token=self.token)

    def get(self, path: str, **kw) -> httpx.Response:
        return self.central.get(path, token=self.token, **kw)


class Central:
    """A running server and an organiser token; requests with either role."""

    def __init__(self, base_url: str, token: str, db_url: str):
        self.base_url = base_url
        self.token = token
        self.db_url = db_url
        self.http = httpx.Client(base_url=f"{base_url}/api/v1", timeout=60)

    def request(self, method: str, path: str, *, token: str | None = "organiser", **kw):
        headers = kw.pop("headers", {})
        if token == "organiser":
            token = self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, path, headers=headers, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    def put(self, path, **kw):
        return self.request("PUT", path, **kw)

    def ok(self, response: httpx.Response, status: int = 200):
        assert response.status_code == status, response.text
        return response.json()

    def create_event(self, event: str = "shic2026") -> dict:
        text = EVENT_TOML.read_text(encoding="utf-8")
        return self.ok(self.post("/events", json={"id": event, "config_toml": text}), 201)

    def import_bytes(self, event: str, data: bytes, filename: str, **params) -> dict:
        response = self.post(f"/events/{event}/imports", content=data,
                             params={"filename": filename, **params},
                             headers={"Content-Type": "application/octet-stream"})
        return self.ok(response)

    def small_event(self, event: str = "small") -> str:
        self.create_event(event)
        self.import_bytes(event, SMALL_CSV.encode("utf-8"), "small.csv")
        return event

    def enrol(self, event: str, device_id: str | None = None, name: str = "报到处") -> Desk:
        made = self.ok(self.post(f"/events/{event}/enrolments", json={"device_name": name}), 201)
        device_id = device_id or uuid.uuid4().hex[:12]
        answer = self.ok(self.post("/enrol", token=None, json={
            "code": made["code"], "device_id": device_id, "device_name": name}))
        return Desk(self, event, device_id, answer["token"])

    def pages(self, path: str, limit: int, token: str | None = "organiser", **params) -> list:
        """Every item of a feed, page by page."""
        items, after = [], 0
        while True:
            page = self.ok(self.get(path, params={"after": after, "limit": limit, **params},
                                    token=token))
            assert page["cursor"] >= after
            items += page["items"]
            after = page["cursor"]
            if not page["more"]:
                return items

    def close(self) -> None:
        self.http.close()


