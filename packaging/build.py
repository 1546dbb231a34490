"""Build the one-folder bundle of Checkin Desk, then smoke-test it: one command.

    python packaging/build.py                 build dist/bundle/checkin-desk/, then test it
    python packaging/build.py --no-smoke      build only
    python packaging/build.py --smoke DIR     test a bundle built before (DIR: its folder)

Run it with the Python that has the app installed (`.venv/bin/python`, on Windows
`.venv\\Scripts\\python`) and PyInstaller (`pip install -e ".[bundle]"`). PyInstaller does
not cross-build: each system builds its own bundle from the same packaging/checkin-desk.spec.
The work files go to build/pyinstaller/, the bundle to dist/bundle/checkin-desk/ (on macOS also
dist/bundle/Checkin Desk.app).

The smoke test runs the bundled programs as a volunteer's computer would: from an empty
folder, with an environment that has neither the source tree nor the virtual environment in
it (no PYTHONPATH, PATH of the system only), Qt's offscreen platform. It checks that
- the bundled `checkin` answers --version, and every library it loads comes from the bundle
  (Linux: LD_DEBUG, macOS: DYLD_PRINT_LIBRARIES), libzbar included;
- `checkin demo` makes the demo event (the example event file, pinyin dictionaries);
- `checkin walkin` + `checkin badge` print a badge for 王𠇔 (U+201D4, only the bundled
  HanaMinB font has it): the PDF, read back with pypdfium2 here, holds the name and code;
- `checkin decode` reads that badge's QR code from a PNG, with every decoder loaded (zbar
  too), and with zbar alone (--decoder pyzbar);
- `checkin-desk --screenshots` draws every screen in Chinese and English, none blank;
- `checkin-desk --demo` opens the demo event in the window and keeps running;
- `checkin serve --plain-http` answers /health (its alembic migrations are inside).
tests/test_bundle.py runs the same checks under pytest.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "checkin-desk.spec"
NAME = "checkin-desk"
DIST = ROOT / "dist" / "bundle"
WORK = ROOT / "build" / "pyinstaller"
RARE_NAME = "王\U000201d4"  # 𠇔 U+201D4, CJK Extension B: only the bundled HanaMinB has it
WINDOWS, MACOS, LINUX = os.name == "nt", sys.platform == "darwin", sys.platform.startswith("linux")
EXE = ".exe" if WINDOWS else ""


class SmokeError(AssertionError):
    pass


# -- building ---------------------------------------------------------------------------------
def build(dist: Path = DIST, work: Path = WORK, *, echo: bool = False) -> Path:
    """Run PyInstaller on the spec; returns the bundle's folder (dist/checkin-desk)."""
    command = [sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm",
               "--distpath", str(dist), "--workpath", str(work)]
    result = subprocess.run(command, cwd=ROOT, text=True, timeout=1800,
                            stdout=None if echo else subprocess.PIPE, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        raise SmokeError(f"PyInstaller failed ({result.returncode}):\n"
                         f"{(result.stdout or '')[-4000:]}")
    folder = dist / NAME
    if not (folder / f"checkin{EXE}").is_file():
        raise SmokeError(f"no {folder / f'checkin{EXE}'} after the build")
    return folder


def folder_size(folder: Path) -> int:
    """Bytes of the files in `folder`, each counted once (symbolic links are not followed)."""
    total = 0
    for base, _dirs, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            if not os.path.islink(path):
                total += os.path.getsize(path)
    return total


# -- running the bundle as a volunteer's computer would -----------------------------------------
class Bundle:
    """The bundled programs, run from `work` (an empty folder) with a system-only environment."""

    def __init__(self, folder: Path, work: Path):
        self.folder, self.work = Path(folder).resolve(), Path(work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.home = self.work / "home"
        self.db = self.work / "demo.db"
        self._badge: tuple[str, Path] | None = None

    def program(self, name: str) -> Path:
        return self.folder / f"{name}{EXE}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {"HOME": str(self.work), "CHECKIN_HOME": str(self.home),
               "QT_QPA_PLATFORM": "offscreen"}
        if WINDOWS:  # what a Windows program needs to start at all; PATH: the system only
            for key in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP", "USERPROFILE",
                        "APPDATA", "LOCALAPPDATA", "COMSPEC", "PATHEXT"):
                if key in os.environ:
                    env[key] = os.environ[key]
            system_root = os.environ.get("SYSTEMROOT", r"C:\Windows")
            env["PATH"] = os.pathsep.join([system_root + r"\System32", system_root])
        else:
            env["PATH"] = "/usr/bin:/bin"
            env["LANG"] = "en_US.UTF-8" if MACOS else "C.UTF-8"
        env.update(extra)
        return env

    def run(self, program: str, *args: str, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.program(program)), *args], cwd=self.work,
                              env=env or self.env(), capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout)

    def ok(self, program: str, *args: str, timeout: float = 120,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        result = self.run(program, *args, timeout=timeout, env=env)
        if result.returncode != 0:
            raise SmokeError(f"{program} {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
        return result

    def demo(self) -> None:
        if not self.db.exists():
            self.ok("checkin", "--db", str(self.db), "demo", "--people", "40")

    def badge(self) -> tuple[str, Path]:
        """(code, PNG of the badge) of a walk-in named 王𠇔, checked in the PDF, made once."""
        if self._badge is None:
            self.demo()
            made = json.loads(self.ok("checkin", "--db", str(self.db), "--json", "walkin",
                                      "--name", RARE_NAME, "--payment", "免费").stdout)
            code = made["code"]
            pdf_path = self.work / "badge.pdf"
            self.ok("checkin", "--db", str(self.db), "badge", code, "-o", str(pdf_path))
            png = self.work / "badge.png"
            text = _render_pdf(pdf_path, png)
            for part in ("\U000201d4", "王", code):
                if part not in text:
                    raise SmokeError(f"{part!r} is not in the badge's text: {text!r}")
            self._badge = code, png
        return self._badge


def _render_pdf(pdf_path: Path, png: Path) -> str:
    """The PDF's first page's text; the page drawn at 4x into `png` (pypdfium2 and OpenCV of
    this process, not the bundle's)."""
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(pdf_path)
    try:
        page = pdf[0]
        text = page.get_textpage().get_text_range()
        pixels = page.render(scale=4).to_numpy()  # BGR(x), as OpenCV writes it
        if not cv2.imwrite(str(png), pixels[:, :, :3]):
            raise SmokeError(f"could not write {png}")
    finally:
        pdf.close()
    return text


def _loaded_libraries(stderr: str) -> list[str]:
    """The shared libraries a run loaded, from LD_DEBUG=libs (Linux: "calling init: PATH") or
    DYLD_PRINT_LIBRARIES (macOS: "dyld[PID]: <UUID> PATH", older "dyld: loaded: PATH")."""
    found = []
    for line in stderr.splitlines():
        line = line.strip()
        if LINUX and "calling init: " in line:
            found.append(line.split("calling init: ", 1)[1].strip())
        elif MACOS and line.startswith("dyld"):
            path = line.split(": ", 1)[-1].removeprefix("loaded: ")
            found.append(re.sub(r"^<[^>]*>\s*", "", path).strip())
    return found


def _outside(paths: list[str], folder: Path) -> list[str]:
    return [p for p in paths if not Path(p).resolve().is_relative_to(folder)]


def _trace_env(bundle: Bundle) -> dict[str, str] | None:
    if LINUX:
        return bundle.env(LD_DEBUG="libs")
    if MACOS:
        return bundle.env(DYLD_PRINT_LIBRARIES="1")
    return None


# -- the checks -------------------------------------------------------------------------------
def check_runs_from_the_bundle(bundle: Bundle) -> str:
    """`checkin --version` answers; the libraries it loads come from the bundle only."""
    for name in ("checkin", NAME):
        if not bundle.program(name).is_file():
            raise SmokeError(f"{bundle.program(name)} is missing")
    from checkin import __version__

    out = bundle.ok("checkin", "--version").stdout.strip()
    if out != f"checkin {__version__}":
        raise SmokeError(f"checkin --version said {out!r}")
    env = _trace_env(bundle)
    if env is None:
        return f"{out} (library trace: Linux and macOS only)"
    result = bundle.ok("checkin", "--version", env=env)
    loaded = _loaded_libraries(result.stderr)
    python_libs = [p for p in loaded if "python3" in p or ".cpython-" in p or ".abi3." in p]
    if not python_libs:
        raise SmokeError("no Python library in the trace:\n" + result.stderr[-2000:])
    if _outside(python_libs, bundle.folder):
        raise SmokeError(f"Python libraries loaded from outside the bundle: "
                         f"{_outside(python_libs, bundle.folder)}")
    dev = [p for p in _outside(loaded, bundle.folder)
           if any(Path(p).resolve().is_relative_to(d) for d in (ROOT, Path(sys.prefix).resolve()))]
    if dev:
        raise SmokeError(f"libraries loaded from the source tree or its venv: {dev}")
    return f"{out}; {len(python_libs)} Python libraries, all from the bundle"


def check_demo_event(bundle: Bundle) -> str:
    """`checkin demo` makes the demo event; `checkin list` reads it back."""
    bundle.demo()
    people = json.loads(bundle.ok("checkin", "--db", str(bundle.db), "--json", "list").stdout)
    if len(people) != 40:
        raise SmokeError(f"the demo event has {len(people)} people, not 40")
    if "badge-a6" not in bundle.ok("checkin", "templates").stdout:
        raise SmokeError("the bundled badge templates are not listed")
    return f"{len(people)} registrants; templates listed"


def check_badge(bundle: Bundle) -> str:
    """A badge for 王𠇔 printed to PDF holds the name (the bundled HanaMinB font) and code."""
    code, _png = bundle.badge()
    return f"badge of {RARE_NAME} ({code}): name and code in the PDF"


def check_decode(bundle: Bundle) -> str:
    """`checkin decode` reads the badge's QR code, every decoder loaded, zbar from the bundle."""
    code, png = bundle.badge()
    env = _trace_env(bundle)
    result = bundle.ok("checkin", "decode", "--json", str(png), env=env)
    if "unavailable" in result.stderr:
        raise SmokeError("a decoder is missing from the bundle:\n" + result.stderr[-3000:])
    codes = json.loads(result.stdout.strip().splitlines()[-1])["codes"]
    if code not in codes:
        raise SmokeError(f"decoded {codes}, not {code}")
    said = [f"decoded {code}"]
    if env is not None:
        zbar = [p for p in _loaded_libraries(result.stderr) if "libzbar" in Path(p).name]
        if not zbar:
            raise SmokeError("libzbar was not loaded:\n" + result.stderr[-2000:])
        if _outside(zbar, bundle.folder):
            raise SmokeError(f"libzbar loaded from outside the bundle: {zbar}")
        said.append(f"libzbar from {Path(zbar[0]).relative_to(bundle.folder)}")
    only = bundle.ok("checkin", "decode", "--json", "--decoder", "pyzbar", str(png))
    if code not in json.loads(only.stdout.strip().splitlines()[-1])["codes"]:
        raise SmokeError(f"zbar alone did not read {code}: {only.stdout}{only.stderr}")
    said.append("zbar alone reads it")
    return "; ".join(said)


def check_screenshots(bundle: Bundle) -> str:
    """`checkin-desk --screenshots` draws every screen in Chinese and English, none blank."""
    import cv2

    folder = bundle.work / "shots"
    bundle.ok(NAME, "--screenshots", str(folder), timeout=300)
    counts = {}
    for language in ("zh", "en"):
        shots = sorted((folder / language).glob("*.png"))
        if len(shots) < 10:
            raise SmokeError(f"{len(shots)} {language} screenshots in {folder / language}")
        for shot in shots:
            gray = cv2.imread(str(shot), cv2.IMREAD_GRAYSCALE)
            if gray is None or gray.shape != (768, 1366) or gray.std() < 5 \
                    or len(set(gray.ravel()[::97].tolist())) < 16:
                raise SmokeError(f"{shot} is blank or not 1366x768")
        counts[language] = len(shots)
    return f"{counts['zh']} zh + {counts['en']} en screenshots, none blank"


def check_desk_window(bundle: Bundle, wait: float = 90) -> str:
    """`checkin-desk --demo` makes the demo event, opens it in the window and keeps running."""
    home = bundle.work / "window-home"
    settings = home / "settings.json"
    process = subprocess.Popen([str(bundle.program(NAME)), "--demo"], cwd=bundle.work,
                               env=bundle.env(CHECKIN_HOME=str(home)),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               encoding="utf-8", errors="replace")
    try:
        end = time.monotonic() + wait
        opened = None
        while opened is None:
            if process.poll() is not None or time.monotonic() > end:
                break
            try:
                last = json.loads(settings.read_text(encoding="utf-8")).get("last_db")
            except (OSError, ValueError):
                last = None
            if last and Path(last).name == "demo.db" and Path(last).exists():
                opened = Path(last)
            else:
                time.sleep(0.25)
        if opened is not None:
            time.sleep(3)  # the window runs on the event: scan screen, camera, sounds
        alive = process.poll() is None
    finally:
        process.terminate()
        try:
            output = process.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
    if opened is None or not alive or "Traceback" in output:
        raise SmokeError(f"the window did not open the demo event and keep running "
                         f"(exit {process.returncode}):\n{output[-3000:]}")
    return "opened the demo event and kept running"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_serve(bundle: Bundle, wait: float = 60) -> str:
    """`checkin serve --plain-http` migrates a new central database and answers /health."""
    port = _free_port()
    db = bundle.work / "central.db"
    process = subprocess.Popen([str(bundle.program("checkin")), "serve", "--plain-http",
                                "--db", str(db), "--port", str(port)], cwd=bundle.work,
                               env=bundle.env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                               errors="replace")
    health = None
    try:
        end = time.monotonic() + wait
        while health is None:
            if process.poll() is not None or time.monotonic() > end:
                break
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health",
                                            timeout=2) as answer:
                    health = json.loads(answer.read())
            except OSError:
                time.sleep(0.2)
    finally:
        process.terminate()
        try:
            output = process.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            process.kill()
            output = process.communicate()[0]
    if not health or health.get("ok") is not True:
        raise SmokeError(f"checkin serve did not answer /health ({health}):\n{output[-3000:]}")
    return f"/health ok on a freshly migrated {db.name}"


CHECKS: tuple[Callable[[Bundle], str], ...] = (
    check_runs_from_the_bundle, check_demo_event, check_badge, check_decode,
    check_screenshots, check_desk_window, check_serve)


def smoke(folder: Path, work: Path | None = None) -> bool:
    """Run every check on the bundle in `folder`, printing one line each; True if all pass."""
    passed = True
    with tempfile.TemporaryDirectory(prefix="checkin-bundle-smoke-") as tmp:
        bundle = Bundle(folder, work or Path(tmp))
        for check in CHECKS:
            started = time.monotonic()
            try:
                said = check(bundle)
            except (SmokeError, subprocess.TimeoutExpired, OSError, ValueError) as exc:
                passed = False
                print(f"  FAIL {check.__name__[6:]:<22} {time.monotonic() - started:5.1f} s  "
                      f"{exc}", flush=True)
            else:
                print(f"  ok   {check.__name__[6:]:<22} {time.monotonic() - started:5.1f} s  "
                      f"{said}", flush=True)
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python packaging/build.py",
                                     description="build the one-folder bundle, then smoke-test it")
    parser.add_argument("--no-smoke", action="store_true", help="build only")
    parser.add_argument("--smoke", type=Path, metavar="DIR",
                        help="only smoke-test the bundle already built in DIR")
    parser.add_argument("--dist", type=Path, default=DIST, help=f"default {DIST}")
    parser.add_argument("--work", type=Path, default=WORK, help=f"default {WORK}")
    args = parser.parse_args(argv)

    if args.smoke:
        folder = args.smoke
    else:
        if importlib.util.find_spec("PyInstaller") is None:
            print(f"PyInstaller is not installed for {sys.executable}: "
                  f"pip install -e '.[bundle]'", file=sys.stderr)
            return 1
        print(f"building {args.dist / NAME} with PyInstaller (work files in {args.work}) ...",
              flush=True)
        started = time.monotonic()
        try:
            folder = build(args.dist, args.work, echo=True)
        except SmokeError as exc:
            print(exc, file=sys.stderr)
            return 1
        built = time.monotonic() - started
        print(f"built {folder} in {built:.0f} s: {folder_size(folder) / 1e6:.0f} MB, "
              f"{sum(1 for _ in folder.rglob('*'))} files", flush=True)
        if MACOS and (args.dist / "Checkin Desk.app").exists():
            print(f"      and {args.dist / 'Checkin Desk.app'}")
        if args.no_smoke:
            return 0
    print(f"smoke test of {folder} (from an empty folder, system-only environment):",
          flush=True)
    started = time.monotonic()
    passed = smoke(folder)
    print(f"smoke test {'passed' if passed else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
