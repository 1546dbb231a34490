"""The HTTP client turns every failure into Offline, Unauthorized, Revoked or Rejected."""

import socket

import httpx
import pytest

from checkin.sync.client import (
    Offline,
    Rejected,
    Revoked,
    SyncClient,
    Unauthorized,
    parse_enrol_link,
)


def _client(handler) -> SyncClient:
    return SyncClient("http://central.test/", "tok", transport=httpx.MockTransport(handler))


def test_bearer_token_and_json_answer():
    seen = {}

    def handler(request):
        seen["auth"] = request.headers["Authorization"]
        seen["path"] = request.url.raw_path.decode()
        return httpx.Response(200, json={"items": [], "cursor": 0, "more": False})

    with _client(handler) as client:
        assert client.registrants("shic 2026", after=0)["cursor"] == 0
    assert seen["auth"] == "Bearer tok"
    assert seen["path"].startswith("/api/v1/events/shic%202026/registrants?after=0")


@pytest.mark.parametrize("status, body, exc, error", [
    (401, {"error": "unauthorized", "message": "unknown token"}, Unauthorized, "unauthorized"),
    (401, {"error": "revoked", "message": "revoked by the organiser"}, Revoked, "revoked"),
    (403, {"error": "forbidden", "message": "organisers only"}, Rejected, "forbidden"),
    (410, {"error": "gone", "message": "code already used"}, Rejected, "gone"),
    (422, {"error": "invalid", "message": "bad field", "detail": []}, Rejected, "invalid"),
    (500, {"error": "internal", "message": "boom"}, Offline, "internal"),
    (503, None, Offline, ""),
])
def test_error_answers_become_typed_exceptions(status, body, exc, error):
    def handler(request):
        if body is None:
            return httpx.Response(status, text="<html>Service Unavailable</html>")
        return httpx.Response(status, json=body)

    with _client(handler) as client, pytest.raises(exc) as raised:
        client.stats("ev")
    assert raised.value.status == status and raised.value.error == error
    if body:
        assert body["message"] in raised.value.message


def test_revoked_is_also_unauthorized():
    assert issubclass(Revoked, Unauthorized)


def test_refused_connection_and_timeout_are_offline():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with SyncClient(f"http://127.0.0.1:{port}", "t") as client, pytest.raises(Offline):
        client.health()

    with socket.socket() as listener:  # accepts, never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with SyncClient(url, "t", timeout=0.3) as client, pytest.raises(Offline, match="in time"):
            client.health()


def test_a_web_page_instead_of_json_is_not_taken_for_an_answer():
    with _client(lambda r: httpx.Response(200, text="<html>captive portal</html>")) as client:
        with pytest.raises(Offline, match="without JSON"):
            client.health()


def test_enrol_link_from_the_organisers_qr():
    from checkin.enrol_link import EnrolLink, enrol_link

    assert parse_enrol_link("checkin-enrol:http://10.0.0.5:8765/#K7Q2-9XPD") == EnrolLink(
        "http://10.0.0.5:8765", "K7Q2-9XPD")
    assert parse_enrol_link(" http://10.0.0.5:8765/ ") == EnrolLink("http://10.0.0.5:8765")
    fp = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPIYTEMZUGU3D"
    link = enrol_link("https://10.0.0.5:8765/", "K7Q2-9XPD", fp)
    assert link == f"checkin-enrol:https://10.0.0.5:8765#K7Q2-9XPD;sha256={fp}"
    assert parse_enrol_link(link) == EnrolLink("https://10.0.0.5:8765", "K7Q2-9XPD", fp)
