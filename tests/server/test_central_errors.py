"""Bad input gets a 4xx with a plain message, and the service keeps answering."""

from __future__ import annotations

import contextlib
import socket
from urllib.parse import urlsplit

import httpx


def _alive(central) -> None:
    assert httpx.get(f"{central.base_url}/health", timeout=10).json()["ok"] is True


def _error(response, status: int, word: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["message"] and isinstance(body["message"], str)
    if word:
        assert body["error"] == word
    return body


def test_malformed_json_and_fields(central):
    event = central.small_event()
    desk = central.enrol(event)
    path = f"/events/{event}/events"
    body = _error(central.post(path, token=desk.token, content=b'{"events": [',
                               headers={"Content-Type": "application/json"}),
                  422, "invalid_request")
    assert "JSON" in body["message"] and body["detail"]
    good = desk.event_for("checkin", "T-001", "registration")
    for broken in ({**good, "kind": "teleport"}, {k: v for k, v in good.items() if k != "uuid"},
                   {**good, "data": [1, 2]}):
        _error(desk.upload([broken]), 422, "invalid_request")
    # A bad clock stamp is that event's fault alone: rejected in the answer, never stored.
    stamp = central.ok(desk.upload([{**good, "hlc": "yesterday"}]))["results"][0]
    assert stamp["status"] == "rejected" and stamp["error"] == "bad_stamp"
    _error(central.post(path, token=desk.token, json={"nothing": []}), 422)
    _error(central.post("/enrol", token=None, json={"code": "X", "device_id": "bad id!"}), 422)
    _error(central.put(f"/events/{event}/registrants/T-001",
                       json={"base_version": "one", "fields": {}}), 422)
    _error(central.put(f"/events/{event}/registrants/T-001",
                       json={"base_version": 1, "fields": {"phone": "12"}}), 422, "invalid_field")
    _alive(central)
    assert desk.upload([good]).json()["results"][0]["status"] == "stored"


def test_event_from_another_device_is_refused(central):
    event = central.small_event()
    a = central.enrol(event, device_id="desk-a")
    forged = a.event_for("checkin", "T-001", "registration")
    forged["device_id"] = "desk-b"
    body = _error(a.upload([a.event_for("print", "T-002"), forged]), 403, "wrong_device")
    assert "desk-b" in body["message"]
    assert central.pages(f"/events/{event}/events", limit=10) == [], "nothing of that batch kept"


def test_oversized_bodies_and_batches(central):
    event = central.small_event()
    desk = central.enrol(event)
    path = f"/events/{event}/events"
    big = b'{"events": [], "pad": "' + b"x" * (1 << 20) + b'"}'
    body = _error(central.post(path, token=desk.token, content=big,
                               headers={"Content-Type": "application/json"}), 413, "too_large")
    assert "MiB" in body["message"]
    _alive(central)

    def chunks():  # no Content-Length: the limit is enforced while reading
        yield b'{"events": [], "pad": "'
        for _ in range(20):
            yield b"y" * 65536
        yield b'"}'

    _error(central.post(path, token=desk.token, content=chunks(),
                        headers={"Content-Type": "application/json"}), 413, "too_large")
    _alive(central)
    batch = [desk.event_for("print", "T-001") for _ in range(1001)]
    body = _error(desk.upload(batch), 422, "invalid_request")
    assert "1000" in body["message"]
    assert len(_ok_results(desk.upload(batch[:1000]))) == 1000
    _alive(central)


def _ok_results(response) -> list:
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_garbage_on_the_socket_does_not_stop_the_server(central):
    url = urlsplit(central.base_url)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        with contextlib.suppress(OSError):
            sock.recv(1024)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(b"POST /api/v1/enrol HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    _alive(central)


def test_unknown_paths_and_methods(central):
    _error(central.get("/nowhere"), 404, "not_found")
    _error(central.request("DELETE", "/events"), 405, "method_not_allowed")
    _error(central.get("/events/nope/registrants"), 404, "not_found")
    _alive(central)


def test_database_gone_gives_503_and_the_service_still_answers(pg_database):
    import secrets

    import psycopg
    import pytest

    from checkin.server.testing import organiser_token, running_server

    from .central_helpers import PG_ADMIN

    url, why = pg_database
    if url is None:
        pytest.skip(why)
    name = f"checkin_test_gone_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            gone = url.rsplit("/", 1)[0] + f"/{name}"
            token = organiser_token(gone)
            with running_server(gone) as base:
                headers = {"Authorization": f"Bearer {token}"}
                assert httpx.get(f"{base}/api/v1/events", headers=headers).status_code == 200
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                response = httpx.get(f"{base}/api/v1/events", headers=headers, timeout=30)
                body = _error(response, 503, "database_unavailable")
                assert "try again" in body["message"]
                assert httpx.get(f"{base}/api/v1/health").json()["ok"] is True
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_connections_the_database_dropped_are_replaced(pg_database, monkeypatch):
    """PostgreSQL restarted, or a firewall cut idle connections: a pooled connection idle
    for IDLE_PING_SECONDS is pinged and replaced unseen; one dropped between two requests
    in steady use fails one request (503, which desks retry) and the next one is served."""
    import psycopg
    import pytest

    from checkin.server import db as server_db
    from checkin.server.testing import organiser_token, running_server

    from .central_helpers import PG_ADMIN
    from .conftest import _reset_schema

    url, why = pg_database
    if url is None:
        pytest.skip(why)
    _reset_schema(url)
    name = url.rsplit("/", 1)[1]
    token = organiser_token(url)
    headers = {"Authorization": f"Bearer {token}"}

    def drop_connections() -> int:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            return admin.execute("SELECT count(pg_terminate_backend(pid)) FROM "
                                 "pg_stat_activity WHERE datname = %s", (name,)).fetchone()[0]

    with running_server(url) as base:
        assert httpx.get(f"{base}/api/v1/events", headers=headers).status_code == 200
        monkeypatch.setattr(server_db, "IDLE_PING_SECONDS", 0.0)  # every one counts as idle
        assert drop_connections() >= 1
        assert httpx.get(f"{base}/api/v1/events", headers=headers).status_code == 200
        monkeypatch.setattr(server_db, "IDLE_PING_SECONDS", 3600.0)  # none pinged
        assert drop_connections() >= 1
        _error(httpx.get(f"{base}/api/v1/events", headers=headers), 503, "database_unavailable")
        assert httpx.get(f"{base}/api/v1/events", headers=headers).status_code == 200
