"""The central list as a service (deploy/): the systemd units are valid for systemd, and the
command lines they and the container run really start the service, answer the health check,
stop cleanly on SIGTERM, and take a backup. (A container image cannot be built here: no
container engine runs on this machine; its command line is run as the image would.)"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from checkin.server import health
from checkin.server.backup import read_header

from .central_helpers import ROOT

DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
INSTALLED = "/opt/checkin/bin/"


def _unit(name: str) -> dict[str, list[str]]:
    """key -> values of a systemd unit file (keys may repeat)."""
    keys: dict[str, list[str]] = {}
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), []).append(value.strip())
    return keys


def _command(unit: dict[str, list[str]], key: str, overrides: dict[str, str]) -> list[str]:
    """The unit's command line as systemd would run it here: its Environment= values (then
    ours) for ${NAME}, the virtualenv of this test run for /opt/checkin/bin."""
    env = dict(v.split("=", 1) for v in unit.get("Environment", []))
    env.update(overrides)
    line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], unit[key][0])
    return [part.replace(INSTALLED, f"{BIN}/") for part in shlex.split(line)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ok, line = health.check(url, timeout=2)
        if ok:
            return line
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.2)  # a process starting up: polled, nothing to inject
    raise AssertionError(f"{url} never answered /health")


def _stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=20)  # the unit's TimeoutStopSec
    # uvicorn finishes the requests under way, then ends by the signal it was sent, which
    # systemd counts as a clean stop
    assert process.returncode in (0, -signal.SIGTERM), out
    assert "Finished server process" in out, out
    return out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze is not installed here (Debian: systemd)")
@pytest.mark.parametrize("name", ["checkin-central.service", "checkin-central-backup.service",
                                  "checkin-central-backup.timer"])
def test_systemd_accepts_the_units(name, tmp_path):
    text = (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED, f"{BIN}/")
    (tmp_path / name).write_text(text, encoding="utf-8")
    if name.endswith(".timer"):  # a timer is verified with the service it starts
        service = name.replace(".timer", ".service")
        (tmp_path / service).write_text(
            (DEPLOY / service).read_text(encoding="utf-8").replace(INSTALLED, f"{BIN}/"))
    result = subprocess.run(["systemd-analyze", "verify", str(tmp_path / name)],
                            capture_output=True, text=True, timeout=60)
    said = [line for line in (result.stdout + result.stderr).splitlines()
            if name.split(".")[0] in line]
    assert result.returncode == 0 and said == [], "\n".join(said)


def test_the_service_starts_answers_its_health_check_stops_and_is_backed_up(tmp_path):
    port = _free_port()
    env = {"CHECKIN_HOME": str(tmp_path / "state"),
           "CHECKIN_CENTRAL_DB": str(tmp_path / "state" / "central.db"),
           "CHECKIN_PORT": str(port)}
    service = _unit("checkin-central.service")
    command = _command(service, "ExecStart", env)
    assert command[1:3] == ["serve", "--host"]
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        line = _wait_healthy(f"https://127.0.0.1:{port}", process)
        assert ": ok (protocol" in line
        # the unit's own start check (ExecStartPost) says ready
        post = _command(service, "ExecStartPost", env)
        assert subprocess.run(post, env={**os.environ, **env}, capture_output=True,
                              timeout=90).returncode == 0
        backup = _command(_unit("checkin-central-backup.service"), "ExecStart", env)
        done = subprocess.run([*backup[:-1], str(tmp_path / "backups")],
                              env={**os.environ, **env}, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        files = list((tmp_path / "backups").glob("central-*.backup.gz"))
        assert len(files) == 1 and read_header(files[0])["server_id"] in line
    finally:
        out = _stop(process)
    assert "certificate fingerprint" in out  # what the organiser reads in the journal
    ok, said = health.check(f"https://127.0.0.1:{port}", timeout=2)
    assert not ok and "no answer" in said
    assert health.main([f"https://127.0.0.1:{port}"]) == 1


def test_the_container_command_serves_with_and_without_a_public_url(tmp_path):
    text = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    cmd = re.search(r'^CMD \["sh", "-c", "(.*)"\]$', text, re.M).group(1).replace('\\"', '"')
    check = re.search(r'CMD \["python", "-m", "checkin.server.health", "([^"]+)"\]', text)
    assert check and check.group(1).endswith(":8765")
    for public in ("", "https://checkin.example.org:8765"):
        port = _free_port()
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
               "CHECKIN_HOME": str(tmp_path / "home"),
               "CHECKIN_CENTRAL_DB": str(tmp_path / "home" / "central.db"),
               "CHECKIN_PUBLIC_URL": public}
        process = subprocess.Popen(["sh", "-c", cmd.replace("8765", str(port))], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            _wait_healthy(f"https://127.0.0.1:{port}", process)
        finally:
            out = _stop(process)
        if public:
            assert f"desks connect to {public}" in out
