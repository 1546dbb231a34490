"""Every package a desk installs has a wheel on PyPI for the desk laptops: Windows (x86-64) and
macOS (Apple silicon and Intel), for CPython 3.11, at the version installed here. A missing
wheel means `pip install 'checkin-desk[desk]'` builds from source there (a compiler, Rust, Qt's
headers ...) or fails: the test names each such package.

The desk's set is read from pyproject.toml, [project] dependencies plus the `desk` extra,
followed through each installed package's own requirements with their markers evaluated for
the target (so Windows gets colorama for click, for example), each pinned at the version this
environment has (a package not installed here: its requirement's range).

`pip download --only-binary=:all: --no-deps --platform ... --python-version 3.11
--implementation cp` asks PyPI itself (no local index, find-links or constraints of this
machine), one call per platform, the three in parallel, through pip's cache; a failed call is
asked again one package at a time to name every missing one. macOS wheels carry the oldest
macOS they run on (macosx_13_0_universal2 runs on 13 and later), so each macOS architecture is
asked with several --platform tags, from macOS 26 down to the first that architecture ran (11
on Apple silicon, 10.13 for Intel here): a wheel for any of them counts. Which macOS the desk
then needs (the newest of its packages' oldest) is read from PyPI's file lists (the JSON simple
API) and checked against what the README says (MACOS_FLOOR).

pyzbar: its Windows wheel bundles zbar's DLLs (libzbar-64.dll, libiconv.dll), nothing else to
install; on macOS pip takes its pure-Python wheel and zbar comes from Homebrew (`brew install
zbar`); without it that decoder is left out and reported (checkin/scanner/decoders.py), the
others read the codes. (On Apple silicon Homebrew's /opt/homebrew/lib is not where ctypes looks
by default: DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib.)

Needs PyPI: skipped, with the reason, only when PyPI cannot be reached at all.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import re
import subprocess
import sys
import tomllib
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import compatible_tags, cpython_tags, mac_platforms
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

pytestmark = pytest.mark.slow

INDEX = "https://pypi.org/simple/"
PYTHON = "3.11"
PROJECT = "checkin-desk"
ROLE = "desk"  # the extra a desk laptop installs

# target -> (the --platform tags pip is given, the environment markers are evaluated in)
TARGETS: dict[str, tuple[list[str], dict[str, str]]] = {
    "win_amd64": (["win_amd64"], {
        "sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
        "platform_machine": "AMD64"}),
    "macosx_11_0_arm64": (
        [f"macosx_{v}_0_arm64" for v in (26, 15, 14, 13, 12, 11)],
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "arm64"}),
    "macosx_10_13_x86_64": (
        [f"macosx_{v}_x86_64" for v in ("26_0", "15_0", "14_0", "13_0", "12_0", "11_0",
                                        "10_15", "10_14", "10_13")],
        {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
         "platform_machine": "x86_64"}),
}
# The oldest macOS the desk installs on, per target, as the README says: the newest of the
# oldest macOS of each package's wheels (opencv-python-headless 5.1 has wheels for 15 on).
MACOS_FLOOR = {"macosx_11_0_arm64": (15, 0), "macosx_10_13_x86_64": (15, 0)}
COMMON_MARKERS = {"python_version": PYTHON, "python_full_version": f"{PYTHON}.9",
                  "implementation_name": "cpython", "implementation_version": f"{PYTHON}.9",
                  "platform_python_implementation": "CPython", "platform_release": "",
                  "platform_version": ""}
ZBAR_ON_MACOS = "brew install zbar (pyzbar's macOS wheel is pure Python, without zbar)"


# -- the desk's packages ---------------------------------------------------------------------
def _roots() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    wanted, roots, seen_extras = [ROLE], [Requirement(r) for r in project["dependencies"]], set()
    while wanted:  # the role's extra, and the extras it names of this project itself
        extra = wanted.pop()
        if extra in seen_extras or extra not in extras:
            continue
        seen_extras.add(extra)
        for line in extras[extra]:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == PROJECT:
                wanted += sorted(requirement.extras)
            else:
                roots.append(requirement)
    return roots


def desk_packages(markers: dict[str, str]) -> dict[str, str]:
    """name -> pip requirement, the desk's whole set on the target: pinned at the version
    installed here ("numpy==2.4.6") where that satisfies every requirement on it that applies
    there (a cap for one platform only, say), else those requirements' range."""
    env = {**COMMON_MARKERS, **markers}
    specifiers: dict[str, SpecifierSet] = {}
    visited: set[tuple[str, frozenset[str]]] = set()
    todo: list[tuple[Requirement, frozenset[str]]] = [(r, frozenset()) for r in _roots()]
    while todo:
        requirement, extras = todo.pop()
        if requirement.marker is not None and not any(
                requirement.marker.evaluate({**env, "extra": extra}) for extra in extras or {""}):
            continue
        name = canonicalize_name(requirement.name)
        specifiers[name] = specifiers.get(name, SpecifierSet()) & requirement.specifier
        if (name, frozenset(requirement.extras)) in visited:
            continue
        visited.add((name, frozenset(requirement.extras)))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:  # for another platform only (colorama on Windows)
            continue
        for line in dist.requires or []:
            todo.append((Requirement(line), frozenset(requirement.extras)))
    found = {}
    for name, specifier in specifiers.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = None
        found[name] = (f"{name}=={installed}" if installed and specifier.contains(
            installed, prereleases=True) else f"{name}{specifier}")
    return found


# -- asking PyPI -----------------------------------------------------------------------------
@dataclass
class Wheels:
    target: str
    wheels: dict[str, str] = field(default_factory=dict)  # name -> wheel file name
    missing: dict[str, str] = field(default_factory=dict)  # name -> what pip said
    files: dict[str, Path] = field(default_factory=dict)


def _pip_env() -> dict[str, str]:
    """PyPI and only PyPI: no config file (this machine's local index, find-links and
    constraints), no PIP_* source settings from the environment; pip's cache stays."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PIP_FIND_LINKS", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_NO_INDEX",
                        "PIP_CONSTRAINT", "PIP_REQUIREMENT"}}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}


def _pip_download(requirements: list[str], platforms: list[str], dest: Path):
    command = [sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--no-deps",
               "--python-version", PYTHON, "--implementation", "cp", "--index-url", INDEX,
               "--dest", str(dest), "--progress-bar", "off", "--quiet"]
    for platform in platforms:
        command += ["--platform", platform]
    return subprocess.run(command + requirements, capture_output=True, text=True, timeout=600,
                          env=_pip_env())


def _why(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if "ERROR" in line]
    return lines[-1] if lines else stderr.strip()[-300:]


def wheels_for(target: str, dest: Path) -> Wheels:
    platforms, markers = TARGETS[target]
    packages = desk_packages(markers)
    result = Wheels(target)
    dest.mkdir(parents=True, exist_ok=True)
    done = _pip_download(sorted(packages.values()), platforms, dest)
    if done.returncode != 0:  # name every package without a wheel, not only pip's first
        with ThreadPoolExecutor(4) as pool:
            answers = dict(zip(packages, pool.map(
                lambda requirement: _pip_download([requirement], platforms, dest),
                packages.values()), strict=True))
        result.missing = {name: _why(answer.stderr) for name, answer in answers.items()
                          if answer.returncode != 0}
    for path in dest.glob("*.whl"):
        name = canonicalize_name(parse_wheel_filename(path.name)[0])
        result.wheels[name], result.files[name] = path.name, path
    for name in packages:
        if name not in result.wheels and name not in result.missing:
            result.missing[name] = "pip saved no wheel for it"
    return result


def _pypi_unreachable() -> str:
    try:
        with urllib.request.urlopen(INDEX + "pip/", timeout=10):
            return ""
    except OSError as exc:
        return f"PyPI ({INDEX}) cannot be reached from here: {exc}"


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> dict[str, Wheels]:
    why = _pypi_unreachable()
    if why:
        pytest.skip(why + " - the wheels for Windows and macOS were NOT checked")
    root = tmp_path_factory.mktemp("wheels")
    with ThreadPoolExecutor(len(TARGETS)) as pool:
        found = dict(zip(TARGETS, pool.map(lambda t: wheels_for(t, root / t), TARGETS),
                         strict=True))
    for target, result in found.items():  # what -rA / a failure shows
        print(f"\n{target}: {len(result.wheels)} wheels")
        for name, wheel in sorted(result.wheels.items()):
            print(f"  {name:28} {tags_of(wheel)}")
    return found


def tags_of(wheel: str) -> str:
    return "-".join(wheel.removesuffix(".whl").split("-")[-3:])


def oldest_macos(wheel: str) -> tuple[int, int] | None:
    """The oldest macOS a wheel runs on (macosx_13_0_universal2 -> (13, 0)); None: any."""
    versions = [(int(major), int(minor))
                for major, minor in re.findall(r"macosx_(\d+)_(\d+)_", wheel)]
    return min(versions) if versions else None


# -- the checks ------------------------------------------------------------------------------
@pytest.mark.parametrize("target", list(TARGETS))
def test_every_desk_package_has_a_wheel(wheels, target):
    result = wheels[target]
    if result.missing:  # pip would build these from source there (a compiler, Rust ...)
        pytest.fail(f"no wheel on PyPI for {target}, CPython {PYTHON}: " + "; ".join(
            f"{name} (pip: {why.removeprefix('ERROR: ')})"
            for name, why in sorted(result.missing.items())), pytrace=False)
    for must in ("pyside6", "pyside6-essentials", "shiboken6", "opencv-python-headless",
                 "zxing-cpp", "numpy", "pypdfium2", "reportlab", "cryptography"):
        assert must in result.wheels, f"{must} is not among the desk's packages any more?"


def test_on_windows_pyzbar_brings_zbar_itself(wheels):
    wheel = wheels["win_amd64"].files["pyzbar"]
    assert wheel.name.endswith("win_amd64.whl"), wheel.name
    with zipfile.ZipFile(wheel) as archive:
        dlls = {Path(n).name.lower() for n in archive.namelist() if n.lower().endswith(".dll")}
    assert "libzbar-64.dll" in dlls, dlls  # nothing else to install for the second decoder


@pytest.mark.parametrize("target", ["macosx_11_0_arm64", "macosx_10_13_x86_64"])
def test_on_macos_zbar_comes_from_homebrew(wheels, target):
    wheel = wheels[target].files["pyzbar"]
    with zipfile.ZipFile(wheel) as archive:
        bundled = [n for n in archive.namelist() if n.endswith((".dylib", ".so"))]
    if bundled:  # a pyzbar that brings zbar: the README's Homebrew step can go
        pytest.fail(f"pyzbar's macOS wheel now bundles {bundled}: drop '{ZBAR_ON_MACOS}' "
                    "from the README")
    assert wheel.name.endswith("none-any.whl")


def _files(name: str) -> list[dict]:
    request = urllib.request.Request(f"{INDEX}{name}/",
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)["files"]


def oldest_macos_of(name: str, version: str, arch: str) -> tuple[int, int] | None:
    """The oldest macOS any wheel of `name` `version` for CPython 3.11 on `arch` runs on
    ((0, 0): any, a pure-Python wheel), None when it has none."""
    platforms = list(mac_platforms((26, 0), arch))
    usable = set(cpython_tags((3, 11), platforms=platforms))
    usable |= set(compatible_tags((3, 11), "cp311", platforms))
    found = []
    for file in _files(name):
        if not file["filename"].endswith(".whl") or file.get("yanked"):
            continue
        try:
            _, wheel_version, _, tags = parse_wheel_filename(file["filename"])
        except InvalidWheelFilename:  # old uploads named before the rules
            continue
        if str(wheel_version) == version and tags & usable:
            found.append(oldest_macos(file["filename"]) or (0, 0))
    return min(found) if found else None


@pytest.mark.parametrize("target", ["macosx_11_0_arm64", "macosx_10_13_x86_64"])
def test_which_macos_the_desk_needs(wheels, target):
    """The desk installs on the newest of its packages' oldest macOS: the README says which
    (MACOS_FLOOR), and this fails, naming the package, when an upgrade raises it."""
    arch = "x86_64" if target.endswith("x86_64") else "arm64"
    pins = {name: requirement.partition("==")[2]
            for name, requirement in desk_packages(TARGETS[target][1]).items()
            if "==" in requirement and name in wheels[target].wheels}
    with ThreadPoolExecutor(8) as pool:
        needs = dict(zip(pins, pool.map(lambda n: oldest_macos_of(n, pins[n], arch), pins),
                         strict=True))
    needs = {name: version for name, version in needs.items() if version}
    highest = max(needs.values())
    setters = sorted(name for name, version in needs.items() if version == highest)
    print(f"{target}: the desk installs on macOS {highest[0]}.{highest[1]} and later "
          f"({', '.join(setters)})")
    floor = MACOS_FLOOR[target]
    assert highest <= floor, (
        f"{target}: {', '.join(setters)} need(s) macOS {highest[0]}.{highest[1]}; the README "
        f"says {floor[0]}.{floor[1]}: say the new one there and in MACOS_FLOOR")
