"""The welcome wall on the real service (SQLite and PostgreSQL): its read-only token reads
the wall and nothing else; the Server-Sent Events stream pushes arrivals named as the event's
[wall] says and carries nothing more (no code, phone, category); a person marked
wall_hidden is never named but counted; public walls need no token; `counts` names nobody."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest

from .central_helpers import EVENT_TOML

EXPORT = ("报名编号,姓名,手机号,单位,参会类型,缴费状态,不上墙\n"
          "T-001,张三明,13800000001,协和医院,参会代表,已缴费,\n"
          "T-002,李四,13800000002,隐身研究所,参会代表,已缴费,是\n"
          "T-003,欧阳娜娜,13800000003,华西医院,学生,已缴费,否\n")


class Stream:
    """A wall stream read in a thread: its raw text and its events, as they come."""

    def __init__(self, url: str, **kw):
        self.text = ""
        self.events: list[tuple[str, dict]] = []
        self.status: int | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(30.0, read=None))
        self._thread = threading.Thread(target=self._read, args=(url, kw), daemon=True)
        self._thread.start()
        assert self.wait(lambda: self.status is not None), "the stream never answered"

    def _read(self, url: str, kw: dict) -> None:
        try:
            with self._client.stream("GET", url, **kw) as response:
                self.status = response.status_code
                kind = None
                for line in response.iter_lines():
                    self.text += line + "\n"
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        self.events.append((kind, json.loads(line[6:])))
        except httpx.HTTPError:
            pass  # closed by the test

    def wait(self, predicate, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return False

    def last(self) -> dict:
        return self.events[-1][1]

    def arrivals(self) -> list[dict]:
        return [a for _, data in self.events for a in data.get("arrivals", [])]

    def close(self) -> None:
        self._client.close()


def _event(central, name: str, wall: str = "") -> str:
    text = EVENT_TOML.read_text(encoding="utf-8") + (f"\n[wall]\n{wall}\n" if wall else "")
    central.ok(central.post("/events", json={"id": name, "config_toml": text}), 201)
    central.import_bytes(name, EXPORT.encode("utf-8"), "wall.csv")
    return name


def _wall_token(central, event: str) -> dict:
    return central.ok(central.post(f"/events/{event}/wall-tokens"), 201)


def test_a_wall_token_reads_the_wall_and_nothing_else(central):
    event = _event(central, "walled")
    other = _event(central, "other")
    made = _wall_token(central, event)
    token = made["token"]
    assert token.startswith("wall_") and made["public"] is False
    assert made["url"] == f"{central.base_url}/wall/{event}?token={token}"
    desk = central.enrol(event)
    for method, path, body in [
            ("GET", f"/events/{event}/registrants", None),
            ("GET", f"/events/{event}/events", None),
            ("POST", f"/events/{event}/events",
             {"events": [desk.event_for("checkin", "T-001", "registration")]}),
            ("GET", f"/events/{event}/stats", None),
            ("GET", f"/events/{event}/conflicts", None),
            ("GET", "/events", None),
            ("POST", f"/events/{event}/wall-tokens", None),
            ("POST", f"/events/{event}/enrolments", {"device_name": "x"})]:
        answer = central.request(method, path, token=token, json=body)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"] == "forbidden"
        assert "welcome-wall token" in answer.json()["message"]
    # nothing was stored by it, and a desk cannot make wall tokens either
    assert central.ok(central.get(f"/events/{event}/stats"))["arrived"] == 0
    assert central.post(f"/events/{event}/wall-tokens", token=desk.token).status_code == 403

    page = httpx.get(f"{central.base_url}/wall/{event}")
    assert page.status_code == 401 and "wall-token" in page.text
    page = httpx.get(made["url"])
    assert page.status_code == 200 and "EventSource" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.cookies.get("checkin_wall") == token  # the stream and reloads use it
    reload = httpx.get(f"{central.base_url}/wall/{event}", cookies={"checkin_wall": token})
    assert reload.status_code == 200
    # another event's wall: not with this token
    assert httpx.get(f"{central.base_url}/wall/{other}?token={token}").status_code == 401
    denied = httpx.get(f"{central.base_url}/wall/{event}/stream")
    assert denied.status_code == 401 and denied.json()["error"] == "unauthorized"
    assert httpx.get(f"{central.base_url}/wall/nosuch?token={token}").status_code == 404

    done = central.ok(central.post(f"/events/{event}/wall-tokens/revoke"))
    assert done["revoked"] == 1
    assert httpx.get(made["url"]).status_code == 401


def test_the_stream_pushes_arrivals_masked_and_nothing_else(central):
    event = _event(central, "congress")  # [wall] show defaults to "masked"
    token = _wall_token(central, event)["token"]
    desk = central.enrol(event)
    stream = Stream(f"{central.base_url}/wall/{event}/stream?token={token}")
    try:
        assert stream.status == 200
        assert stream.wait(lambda: stream.events)
        assert stream.events[0] == ("snapshot", {"total": 0, "expected": 3, "arrivals": []})
        walk_in = {"code": "W-1", "name": "王小红", "phone": "13912345678",
                   "organisation": "仁济医院", "category": "学生", "payment": "现场缴费",
                   "meals": [], "forums": [], "wall_hidden": False}
        mistake = desk.event_for("checkin", "T-003", "registration")
        desk.upload([desk.event_for("checkin", "T-001", "registration"),
                     desk.event_for("checkin", "T-002", "registration"),  # hidden
                     desk.event_for("walk_in", "W-1", data={"fields": walk_in}),
                     desk.event_for("checkin", "W-1", "registration"), mistake])
        assert stream.wait(lambda: stream.last()["total"] == 4), stream.events
        shown_ids = {a["name"]: a["id"] for a in stream.arrivals()}
        # an admission undone leaves the wall and the count
        desk.upload([desk.event_for("undo", "T-003", "registration", ref=mistake["uuid"])])
        assert stream.wait(lambda: stream.last()["gone"] == [shown_ids["欧阳*娜"]])
        assert stream.wait(lambda: stream.last()["total"] == 3), stream.events
        shown = [a for a in stream.arrivals() if a["name"] != "欧阳*娜"]
        assert {(a["name"], a["organisation"]) for a in shown} == {
            ("张*明", "协和医院"), ("王*红", "仁济医院")}
        assert all(set(a) == {"id", "name", "organisation"} for a in shown)
        assert all(set(data) <= {"total", "expected", "arrivals", "gone"}
                   for _, data in stream.events)
        # the wall carries nothing else: no code, no phone, no category, not the hidden one
        for secret in ("T-00", "W-1", "1380000", "13912345678", "参会代表", "学生", "已缴费",
                       "现场缴费", "张三明", "王小红", "李四", "李*", "隐身研究所"):
            assert secret not in stream.text, secret

        # the organiser hides someone already shown: the card goes, the count stays
        row = next(r for r in central.pages(f"/events/{event}/registrants", limit=50)
                   if r["code"] == "T-001")
        central.ok(central.put(f"/events/{event}/registrants/T-001", json={
            "base_version": row["version"], "fields": {"wall_hidden": True}}))
        shown_id = next(a["id"] for a in shown if a["name"] == "张*明")
        assert stream.wait(lambda: shown_id in stream.last().get("gone", [])), stream.events
        assert stream.last()["total"] == 3

        # a new screen gets the wall as it is now
        again = Stream(f"{central.base_url}/wall/{event}/stream",
                       headers={"Authorization": f"Bearer {token}"})
        try:
            assert again.wait(lambda: again.events)
            kind, data = again.events[0]
            assert kind == "snapshot" and data["total"] == 3
            assert [a["name"] for a in data["arrivals"]] == ["王*红"]
        finally:
            again.close()
    finally:
        stream.close()


@pytest.mark.parametrize("show", ["name", "counts"])
def test_a_public_wall_needs_no_token(central, show):
    event = _event(central, f"public-{show}", f'show = "{show}"\npublic = true\n'
                                              'title = "欢迎参会"\ncolour = "#e91e63"')
    page = httpx.get(f"{central.base_url}/wall/{event}")
    assert page.status_code == 200 and "欢迎参会" in page.text and "#e91e63" in page.text
    assert "checkin_wall" not in page.headers.get("set-cookie", "")
    desk = central.enrol(event)
    stream = Stream(f"{central.base_url}/wall/{event}/stream")
    try:
        assert stream.status == 200 and stream.wait(lambda: stream.events)
        desk.upload([desk.event_for("checkin", "T-003", "registration")])
        assert stream.wait(lambda: stream.last()["total"] == 1), stream.events
        names = [a["name"] for a in stream.arrivals()]
        assert names == ([] if show == "counts" else ["欧阳娜娜"])
        assert ("欧阳娜娜" in stream.text) == (show == "name")
    finally:
        stream.close()


def test_checkin_server_wall_token_prints_the_address_and_its_qr(central, capsys):
    from checkin.cli import main

    from .test_central_cli import _qr_from_terminal

    event = _event(central, "cli-wall")
    server = ["--server", central.base_url, "--token", central.token]
    assert main(["server", "wall-token", "--event", event, *server]) == 0
    out = capsys.readouterr().out
    url = out.splitlines()[0]
    assert url.startswith(f"{central.base_url}/wall/{event}?token=wall_")
    assert "nothing else" in out
    qr = out[out.index("\n\n", out.index("nothing else")) + 2:].rstrip("\n")
    import zxingcpp

    assert [b.text for b in zxingcpp.read_barcodes(_qr_from_terminal(qr))] == [url]
    assert httpx.get(url).status_code == 200
    assert main(["server", "wall-token", "--event", event, "--revoke", "--json", *server]) == 0
    assert json.loads(capsys.readouterr().out) == {"event": event, "revoked": 1}
    assert httpx.get(url).status_code == 401
