#!/usr/bin/env bash
# Set up Checkin Desk on a fresh Debian/Ubuntu machine and open the demo event.
#
#   ./setup.sh              install everything, build the demo event, open the desk window
#   ./setup.sh --no-window  the same without opening the window (CI, servers)
#
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")"

OPEN_WINDOW=1
for arg in "$@"; do
  case "$arg" in
    --no-window) OPEN_WINDOW=0 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\n== %s\n' "$*"; }
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# System packages: zbar for the QR decoder, Qt's X11/EGL runtime libraries, CJK fonts so
# Chinese names render on screen, libpulse for the answer sounds (QtMultimedia), poppler to
# look at badge PDFs, Xvfb for screenshots, CUPS (cupsd, lp, lpstat, lpadmin) to print and
# cups-pdf (a PDF-writing print queue: the printing tests start a private CUPS with one),
# PostgreSQL for the central list service.
APT_PACKAGES=(
  python3 python3-venv python3-pip
  libzbar0
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
  libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxrender1 libxi6
  libpulse0
  fonts-noto-cjk poppler-utils xvfb
  cups printer-driver-cups-pdf
  postgresql
)
# Headless Chromium and its driver: the welcome wall's page is tested in a real browser
# (tests/sync/test_wall_browser.py). Installed where apt has them (Debian); Ubuntu ships
# Chromium as a snap, and there the browser test is skipped, saying why.
TEST_APT_PACKAGES=(chromium chromium-driver)
if command -v apt-get >/dev/null 2>&1; then
  pg_running=0
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1; then pg_running=1; fi
  missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    # A PostgreSQL already running (installed another way) counts as present.
    if [ "$pkg" = postgresql ] && [ "$pg_running" = 1 ]; then continue; fi
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  missing_tests=()
  for pkg in "${TEST_APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing_tests+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ] || [ ${#missing_tests[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    for pkg in ${missing_tests[@]+"${missing_tests[@]}"}; do
      if apt-cache show "$pkg" >/dev/null 2>&1; then
        missing+=("$pkg")
      else
        say "$pkg is not in this system's apt: the welcome wall's browser test will be skipped"
      fi
    done
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  else
    say "system packages already installed"
  fi
else
  echo "setup.sh: no apt-get here; see README 'Windows and macOS' for other systems" >&2
fi

# PostgreSQL must be running for the central service's tests.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1; then
  say "starting PostgreSQL"
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    version=$(ls /etc/postgresql | sort -V | tail -1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  else
    $SUDO service postgresql start || true
  fi
fi

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup.sh: Python 3.11 or newer is needed (found $("$PYTHON" --version))" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv"
  "$PYTHON" -m venv .venv
fi
say "installing Checkin Desk and its Python dependencies"
.venv/bin/python -m pip install -q --upgrade pip
# The desk and the central service together ([all] = [desk,server]) and the test tools.
.venv/bin/python -m pip install -q -e ".[all,dev]"
# The coverage-guided fuzzer has wheels for Linux/macOS x86-64 only: without it the fuzz
# tests are skipped (and say why), everything else works.
.venv/bin/python -m pip install -q -e ".[fuzz]" || say "atheris did not install: fuzz tests will be skipped"

say "building the demo event (1,500 registrants, running today)"
DEMO_DB=.demo/demo.db
rm -f "$DEMO_DB" "$DEMO_DB-wal" "$DEMO_DB-shm"
mkdir -p .demo
CHECKIN=".venv/bin/checkin --db $DEMO_DB"
$CHECKIN demo --people 1500 --export .demo/demo-export.xlsx
$CHECKIN check
say "a first scan, as the desk would do it"
code=$($CHECKIN list --json | .venv/bin/python -c \
  'import json,sys; print(next(p["code"] for p in json.load(sys.stdin) if p["payment"] == "已缴费"))')
$CHECKIN scan "$code" --operator setup
# the same code again answers "already admitted", exit code 3 (see the README)
$CHECKIN scan "$code" --operator setup || [ $? = 3 ]
$CHECKIN stats

if [ "$OPEN_WINDOW" = 1 ]; then
  if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
    say "no screen here: run '.venv/bin/checkin-desk --db $DEMO_DB' on a desktop"
  else
    say "opening the desk window on the demo event"
    .venv/bin/checkin-desk --db "$DEMO_DB"
  fi
fi
say "done. Tests: .venv/bin/python -m pytest"
