"""`checkin serve` and the organiser commands (`checkin server ...`) against a real server."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import numpy as np
import zxingcpp
from PIL import Image

from checkin.cli import main
from checkin.server.commands import terminal_qr
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
        code, out, _ = _run(capsys, "server", "revoke", "desk-a", "--event", "shic2026", *server)
        assert code == 0 and "revoked desk-a" in out
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


def test_serve_runs_and_stops_on_sigint(db_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "CHECKIN_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "checkin.cli", "serve", "--db", db_url,
                             "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).json()
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read()
                assert time.monotonic() < deadline, "checkin serve did not start"
                time.sleep(0.2)
        assert health["ok"] is True
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, out
    assert f"http://127.0.0.1:{port}" in out and "Application shutdown complete" in out
