"""`checkin serve` and the organiser commands (`checkin server ...`) against a real server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import httpx
import numpy as np
import pytest
import zxingcpp
from PIL import Image

from checkin.cli import main
from checkin.clock import HybridClock, now_iso
from checkin.commands.server import terminal_qr
from checkin.server.testing import running_server

from .central_helpers import EVENT_TOML, XLSX


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _qr_from_terminal(text: str) -> np.ndarray:
    """Turn the half-block drawing back into pixels (light glyph halves are light)."""
    halves = {"█": (255, 255), "▀": (255, 0), "▄": (0, 255), " ": (0, 0)}
    rows = []
    for line in text.splitlines():
        top, bottom = zip(*(halves[c] for c in line), strict=True)
        rows += [top, bottom]
    image = np.array(rows, dtype=np.uint8)
    return np.kron(image, np.ones((8, 8), dtype=np.uint8))


def test_terminal_qr_reads_back():
    payload = "checkin-enrol:http://192.168.1.20:8765#K7Q2-9XPD"
    found = zxingcpp.read_barcodes(_qr_from_terminal(terminal_qr(payload)))
    assert [b.text for b in found] == [payload]


def test_organiser_commands(db_url, capsys, tmp_path, monkeypatch):
    code, out, _ = _run(capsys, "server", "token", "--db", db_url, "--label", "ops", "--json")
    assert code == 0
    token = json.loads(out)["token"]
    with running_server(db_url) as base:
        server = ["--server", base]
        code, out, _ = _run(capsys, "server", "create-event", str(EVENT_TOML), "--id", "shic2026",
                            *server, "--token", token)
        assert code == 0 and "created event shic2026" in out
        monkeypatch.setenv("CHECKIN_ORGANISER_TOKEN", token)
        code, out, _ = _run(capsys, "server", "import", str(XLSX), "--event", "shic2026", *server)
        assert code == 0 and "imported 2401 of 2401 data rows: 2401 new" in out
        png = tmp_path / "enrol.png"
        code, out, _ = _run(capsys, "server", "enrol", "--event", "shic2026", "--device-name",
                            "报到处1", "--qr-png", str(png), *server)
        assert code == 0
        payload = next(line[4:] for line in out.splitlines() if line.startswith("QR: "))
        assert payload.startswith(f"checkin-enrol:{base}#")
        assert [b.text for b in zxingcpp.read_barcodes(Image.open(png))] == [payload]
        drawing = "\n".join(line for line in out.splitlines() if line and set(line) <= set("█▀▄ "))
        assert [b.text for b in zxingcpp.read_barcodes(_qr_from_terminal(drawing))] == [payload]
        enrolled = httpx.post(f"{base}/api/v1/enrol", json={
            "code": payload.rsplit("#", 1)[1], "device_id": "desk-a"}).json()
        assert enrolled["event"] == "shic2026"
        code, out, _ = _run(capsys, "server", "devices", "--event", "shic2026", *server)
        assert code == 0 and "desk-a  报到处1" in out
        # The desk uploads: an admission, a refused scan, a forged stamp; 4 more not sent yet.
        clock = HybridClock("desk-a")

        def fact(kind, code, station="registration", **data):
            return {"uuid": str(uuid.uuid4()), "kind": kind, "code": code, "station": station,
                    "device_id": "desk-a", "operator": "alice", "wall_time": now_iso(),
                    "hlc": clock.tick(), "ref": None, "data": data}

        admit = fact("checkin", "SHIC2026-000002")
        forged = {**fact("checkin", "SHIC2026-000003"), "hlc": "9999999999999-00000-desk-a"}
        batch = [admit, fact("refused", "SHIC2026-000005", outcome="not_eligible",
                             reason_code="unpaid"), forged]
        httpx.post(f"{base}/api/v1/events/shic2026/events", json={"events": batch, "unsent": 4},
                   headers={"Authorization": f"Bearer {enrolled['token']}"}).raise_for_status()
        code, out, _ = _run(capsys, "server", "rejected", "--event", "shic2026", *server)
        assert code == 0 and "报到处1" in out and "[clock_ahead]" in out
        code, out, _ = _run(capsys, "server", "audit", "--event", "shic2026", *server)
        assert code == 0 and "refused: SHIC2026-000005 unpaid" in out
        code, out, _ = _run(capsys, "server", "undo", admit["uuid"], "--event", "shic2026",
                            "--reason", "scanned the wrong badge", *server)
        assert code == 0 and "undone: SHIC2026-000002 at registration" in out
        code, out, _ = _run(capsys, "server", "stats", "--event", "shic2026", *server, "--json")
        assert json.loads(out)["arrived"] == 0
        code, out, _ = _run(capsys, "server", "revoke", "desk-a", "--event", "shic2026", *server)
        assert code == 0 and "revoked desk-a" in out and "4 event(s) not sent" in out
        code, out, _ = _run(capsys, "server", "stats", "--event", "shic2026", *server, "--json")
        assert code == 0 and json.loads(out)["expected"] == 2401
        code, out, _ = _run(capsys, "server", "events", *server)
        assert "shic2026" in out and "2401 registrants" in out
        code, _, err = _run(capsys, "server", "revoke", "nope", "--event", "shic2026", *server)
        assert code == 2 and "does not exist" in err
        monkeypatch.delenv("CHECKIN_ORGANISER_TOKEN")
        code, _, err = _run(capsys, "server", "devices", "--event", "shic2026", *server)
        assert code == 2 and "organiser token is needed" in err
        code, _, err = _run(capsys, "server", "devices", "--event", "shic2026", *server,
                            "--token", "wrong")
        assert code == 2 and "not known" in err
    code, _, err = _run(capsys, "server", "events", "--server", base, "--token", token)
    assert code == 2 and "cannot reach" in err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(db_url, tmp_path, *extra):
    port = _free_port()
    env = {**os.environ, "CHECKIN_HOME": str(tmp_path / "home"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "checkin.cli", "serve", "--db", db_url,
                             "--port", str(port), *extra], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return port, proc


def _until_healthy(proc, url: str, verify) -> dict:
    deadline = time.monotonic() + 30
    while True:
        try:
            return httpx.get(f"{url}/api/v1/health", timeout=1, verify=verify).json()
        except httpx.TransportError:
            assert proc.poll() is None, proc.stdout.read()
            assert time.monotonic() < deadline, "checkin serve did not start"
            time.sleep(0.2)


def _stop(proc) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    return out


def test_serve_speaks_https_with_its_own_certificate_and_stops_on_sigint(db_url, tmp_path):
    from checkin.certs import fingerprint_of_pem, normalise
    from checkin.sync import pinning

    port, proc = _serve(db_url, tmp_path)
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        assert lines[0].startswith(f"Checkin central list on https://127.0.0.1:{port}"), lines
        assert lines[1].startswith("certificate fingerprint "), lines
        fingerprint = normalise(lines[1].split("fingerprint ", 1)[1])
        url = f"https://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # what a desk pins at enrolment, once the service listens
            try:
                pem = pinning.take_certificate(url, fingerprint)
                break
            except ConnectionRefusedError:
                assert proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert fingerprint_of_pem(pem) == fingerprint
        health = _until_healthy(proc, url, pinning.pinned_context(pem))
        assert health["ok"] is True
        with pytest.raises(httpx.ConnectError):  # no CA vouches for it: only the pin does
            httpx.get(f"{url}/api/v1/health", timeout=2)
        out = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert "Application shutdown complete" in out
    # Made once, next to an SQLite database (else in the data folder), and reused.
    folder = tmp_path if db_url.startswith("sqlite") else tmp_path / "home"
    assert fingerprint_of_pem((folder / "central-tls.pem").read_text()) == fingerprint
    assert (folder / "central-tls.key").stat().st_mode & 0o077 == 0, "the key is private"
    port, proc = _serve(db_url, tmp_path)
    try:
        again = [proc.stdout.readline() for _ in range(2)][1]
        assert normalise(again.split("fingerprint ", 1)[1]) == fingerprint
    finally:
        proc.kill()
        proc.communicate()


def test_serve_plain_http_only_when_asked_and_says_so(db_url, tmp_path):
    port, proc = _serve(db_url, tmp_path, "--plain-http")
    try:
        assert _until_healthy(proc, f"http://127.0.0.1:{port}", True)["ok"] is True
        out = _stop(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert f"http://127.0.0.1:{port}" in out and "WARNING: plain HTTP" in out
