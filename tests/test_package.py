"""The built package works on its own: the wheel carries the fonts, templates, sounds, event
examples and the translation catalogue, and an installed wheel, run from outside the source
tree, makes a demo event, prints a badge with a plane-2 character, decodes its QR code,
draws every screen, and serves the central list.

How the installs are made, offline and in seconds: the wheel (built with --no-isolation,
from a copy of the source) is installed with --no-deps into a fresh venv, whose
site-packages gets a .pth naming the development venv's site-packages for the third-party
libraries. That directory is only added to sys.path, its own .pth files are not run, so the
development checkout's editable `checkin` stays out: the tests check that `checkin` comes
from the wheel. A second .pth installs an import blocker that refuses, as a real install of
one role would not have them, every library outside that role's dependencies. A role's
dependencies are read from the wheel's own metadata and followed through the installed
libraries' metadata, so `[server]` below means exactly what `pip install
'checkin-desk[server]'` would bring: the server is shown to start without PySide6, OpenCV
or reportlab, the desk without FastAPI, uvicorn or SQLAlchemy.
"""

from __future__ import annotations

import email.parser
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import sysconfig
import tarfile
import time
import urllib.request
import zipfile
from importlib.metadata import PackageNotFoundError, distribution, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "checkin-desk"
RARE_NAME = "王\U000201d4"  # 𠇔 U+201D4, CJK Extension B: only HanaMinB has it
BLOCKER = '''\
"""Refuses the libraries a role's install would not have (tests/test_package.py)."""
import os
import sys

BLOCKED = frozenset(filter(None, os.environ.get("CHECKIN_TEST_BLOCKED", "").split(",")))


class RoleBlocker:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (not in this install)",
                                      name=name)
        return None


if BLOCKED:
    sys.meta_path.insert(0, RoleBlocker)
'''


# -- building ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel, built from a copy of the source (nothing written into it)."""
    base = tmp_path_factory.mktemp("build")
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "checkin", source / "checkin",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                             str(base / "dist"), str(source)], cwd=base, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = (base / "dist").glob("*.whl")
    (sdist,) = (base / "dist").glob("*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def _source_files() -> set[str]:
    """Every file the package is made of: its modules, assets and catalogue."""
    return {p.relative_to(ROOT).as_posix() for p in (ROOT / "checkin").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def _metadata(wheel: Path):
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))


def test_the_wheel_carries_the_assets_and_the_catalogue_but_no_tests(built):
    with zipfile.ZipFile(built["wheel"]) as archive:
        names = set(archive.namelist())
    expected = _source_files()
    assert expected - names == set(), "files of checkin/ missing from the wheel"
    for asset in ("checkin/assets/fonts/wqy-microhei.ttc", "checkin/assets/fonts/HanaMinB.ttf",
                  "checkin/assets/fonts/LICENSE-Hanazono.txt", "checkin/assets/fonts/README.md",
                  "checkin/assets/templates/badge-a6.toml", "checkin/assets/sounds/ok.wav",
                  "checkin/assets/events/shic2026.toml",
                  "checkin/locale/zh_CN/LC_MESSAGES/checkin.mo"):
        assert asset in names
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]
    top = {n.split("/")[0] for n in names}
    assert top == {"checkin", f"checkin_desk-{_metadata(built['wheel'])['Version']}.dist-info"}
    assert built["wheel"].stat().st_size < 40_000_000  # fonts compressed: ~34 MB


def test_the_sdist_carries_the_assets(built):
    with tarfile.open(built["sdist"]) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    assert {"pyproject.toml", "README.md"} <= names
    assert _source_files() - names == set(), "files of checkin/ missing from the sdist"


def test_each_role_has_its_own_dependencies(built):
    """A server install brings no Qt or OpenCV, a desk none of the web service."""
    meta = _metadata(built["wheel"])
    core = _closure(meta, set())
    desk, server = _closure(meta, {"desk"}), _closure(meta, {"server"})
    assert {"sqlite-utils", "pydantic", "cryptography", "httpx", "platformdirs"} <= core
    assert not {"pyside6", "opencv-python-headless", "fastapi", "babel"} & core
    assert {"pyside6", "opencv-python-headless", "reportlab", "pypdfium2", "zxing-cpp"} <= desk
    assert not {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg"} & desk
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg"} <= server
    assert not {"pyside6", "opencv-python-headless", "reportlab", "pypdfium2"} & server
    assert desk | server <= _closure(meta, {"all"})


# -- what a role's install would have ---------------------------------------------------------
def _closure(meta, extras: set[str]) -> set[str]:
    """The distributions `pip install 'checkin-desk[extras]'` would install (canonical names),
    from the wheel's Requires-Dist and the installed libraries' own metadata."""
    ours = set(extras)
    todo: list[tuple[Requirement, set[str]]] = []
    pending = [Requirement(r) for r in meta.get_all("Requires-Dist") or []]
    changed = True
    while changed:  # our extras name each other: checkin-desk[all] = [desk,server]
        changed = False
        for req in pending:
            if canonicalize_name(req.name) == PROJECT and _wanted(req, ours) \
                    and not req.extras <= ours:
                ours |= req.extras
                changed = True
    todo = [(r, r.extras) for r in pending
            if canonicalize_name(r.name) != PROJECT and _wanted(r, ours)]
    found: set[str] = set()
    seen: set[tuple[str, frozenset]] = set()
    while todo:
        req, req_extras = todo.pop()
        name = canonicalize_name(req.name)
        if (name, frozenset(req_extras)) in seen:
            continue
        seen.add((name, frozenset(req_extras)))
        try:
            dist = distribution(name)
        except PackageNotFoundError:  # not for this platform, or an optional extra's
            continue
        found.add(name)
        for line in dist.requires or []:
            dep = Requirement(line)
            if _wanted(dep, set(req_extras)):
                todo.append((dep, set(dep.extras)))
    return found


def _wanted(req: Requirement, extras: set[str]) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras | {""})


def _blocked_imports(allowed: set[str]) -> set[str]:
    """Top-level import names of the development venv's libraries outside `allowed`."""
    blocked = set()
    for module, dists in packages_distributions().items():
        if not any(canonicalize_name(d) in allowed for d in dists):
            blocked.add(module)
    return blocked - {"checkin"}


# -- the installed wheel ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def venv(built, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed, the development venv's libraries behind it."""
    folder = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install",
                             "--quiet", "--no-deps", "--no-index", str(built["wheel"])],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; "
                                "print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    paths = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_checkin_dev_libraries.pth").write_text("\n".join(paths) + "\n", encoding="utf-8")
    (site / "_checkin_role_blocker.py").write_text(BLOCKER, encoding="utf-8")
    (site / "_checkin_role_blocker.pth").write_text("import _checkin_role_blocker\n",
                                                    encoding="utf-8")
    return folder


class Role:
    """Runs the installed wheel's programs as one role's install would, from `cwd`."""

    def __init__(self, venv: Path, built, extras: set[str], cwd: Path):
        self.venv, self.cwd = venv, cwd
        self.blocked = _blocked_imports(_closure(_metadata(built["wheel"]), extras))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PYTHON", "CHECKIN_", "VIRTUAL_ENV"))}
        self.env = {**env, "PYTHONNOUSERSITE": "1", "QT_QPA_PLATFORM": "offscreen",
                    "CHECKIN_HOME": str(cwd / "home"),
                    "CHECKIN_TEST_BLOCKED": ",".join(sorted(self.blocked))}

    def program(self, name: str) -> Path:
        return self.venv / ("Scripts" if os.name == "nt" else "bin") / name

    def run(self, program: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.program(program)), *args], cwd=self.cwd, env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def ok(self, program: str, *args: str, timeout: float = 120) -> str:
        result = self.run(program, *args, timeout=timeout)
        assert result.returncode == 0, f"{program} {args}: {result.stdout[-2000:]}" \
                                       f"{result.stderr[-3000:]}"
        return result.stdout


@pytest.mark.slow
def test_a_desk_install_works_outside_the_source_tree(venv, built, tmp_path):
    desk = Role(venv, built, {"desk"}, tmp_path)
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic"} <= desk.blocked
    where = json.loads(desk.ok("python", "-c", (
        "import json, checkin\nfrom checkin import resources as r\n"
        "print(json.dumps([checkin.__file__, str(r.fonts_dir()), str(r.templates_dir()),"
        " str(r.sounds_dir()), str(r.events_dir())]))")))
    for path in where:
        assert Path(path).is_relative_to(venv), f"{path}: not from the installed wheel"
        assert Path(path).exists()
    assert desk.run("python", "-c", "import fastapi").returncode != 0  # the blocker works

    db = ["--db", str(tmp_path / "demo.db")]
    desk.ok("checkin", *db, "demo", "--people", "40")
    made = json.loads(desk.ok("checkin", *db, "--json", "walkin", "--name", RARE_NAME,
                              "--payment", "免费"))
    assert "badge-a6" in desk.ok("checkin", "templates")
    desk.ok("checkin", *db, "badge", made["code"], "-o", "badge.pdf")

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(tmp_path / "badge.pdf")
    try:
        page = pdf[0]
        text = page.get_textpage().get_text_range()
        assert "\U000201d4" in text and "王" in text and made["code"] in text
        page.render(scale=4).to_pil().save(tmp_path / "badge.png")
    finally:
        pdf.close()
    decoded = json.loads(desk.ok("checkin", "decode", "badge.png", "--json"))
    assert made["code"] in decoded["codes"]

    desk.ok("checkin-desk", "--screenshots", "shots", timeout=300)
    for language in ("zh", "en"):
        shots = sorted((tmp_path / "shots" / language).glob("*.png"))
        assert len(shots) >= 10, language


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_server_install_serves_without_qt_opencv_or_reportlab(venv, built, tmp_path):
    server = Role(venv, built, {"server"}, tmp_path)
    assert {"PySide6", "cv2", "reportlab", "pypdfium2", "pyzbar", "budoux"} <= server.blocked
    db, port = str(tmp_path / "central.db"), _free_port()
    url = f"https://127.0.0.1:{port}"
    process = subprocess.Popen([str(server.program("checkin")), "serve", "--db", db,
                                "--port", str(port)], cwd=tmp_path, env=server.env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        unverified = ssl.create_default_context()
        unverified.check_hostname = False
        unverified.verify_mode = ssl.CERT_NONE  # a self-signed certificate made at start
        end, health = time.monotonic() + 60, None
        while health is None:
            if process.poll() is not None or time.monotonic() > end:
                process.kill()
                pytest.fail(f"checkin serve did not answer: {process.communicate()[0][-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", context=unverified,
                                            timeout=2) as answer:
                    health = json.loads(answer.read())
            except OSError:
                time.sleep(0.2)
        assert health["ok"] is True

        # The organiser's commands on the server machine, the enrolment QR drawn and saved.
        made = json.loads(server.ok("checkin", "server", "token", "--db", db, "--json"))
        over_http = ["--server", url, "--token", made["token"],
                     "--fingerprint", made["fingerprint"]]
        events = json.loads(server.ok("python", "-c", "from checkin.resources import events_dir;"
                                      "import json; print(json.dumps(str(events_dir())))"))
        server.ok("checkin", "server", "create-event", str(Path(events) / "shic2026.toml"),
                  "--id", "shic2026", *over_http)
        out = server.ok("checkin", "server", "enrol", "--event", "shic2026", "--device-name",
                        "报到处1", "--qr-png", "enrol.png", *over_http)
        assert "checkin-enrol:" in out and "█" in out  # the QR in the terminal, too
        assert (tmp_path / "enrol.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_plain_install_keeps_the_event_data_and_says_where_the_window_is(venv, built,
                                                                           tmp_path):
    """`pip install checkin-desk` alone: the command line's event data, no window."""
    core = Role(venv, built, set(), tmp_path)
    assert {"PySide6", "cv2", "reportlab", "numpy", "fastapi", "sqlalchemy"} <= core.blocked
    db = ["--db", str(tmp_path / "demo.db")]
    core.ok("checkin", *db, "demo", "--people", "20", "--export", "export.xlsx")
    people = json.loads(core.ok("checkin", *db, "--json", "list"))
    assert len(people) == 20
    assert "[OK]" in core.ok("checkin", *db, "scan", people[0]["code"], "--operator", "test")
    result = core.run("checkin-desk")
    assert result.returncode == 1
    assert "checkin-desk[desk]" in result.stderr and "Traceback" not in result.stderr
