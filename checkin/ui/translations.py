"""Regenerate the desk window's translation files.

    python -m checkin.ui.translations update   # lupdate over checkin/ui/*.py, then lrelease
    python -m checkin.ui.translations check    # say which strings still need a translation

`update` keeps every translation already in assets/translations/checkin_zh_CN.ts, adds the
new English source strings as unfinished (fill them in with pyside6-linguist or an editor),
drops the ones no longer in the code, and compiles checkin_zh_CN.qm. Commit both files.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from .i18n import QM_FILE, TS_FILE

UI_DIR = Path(__file__).resolve().parent


def sources() -> list[Path]:
    return sorted(UI_DIR.glob("*.py"))


def tool(name: str) -> str:
    """pyside6-lupdate / pyside6-lrelease: next to this Python (a venv), else on PATH."""
    here = Path(sys.executable).parent
    found = shutil.which(name, path=str(here)) or shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found (it comes with PySide6: pip install pyside6)")
    return found


def lupdate(ts: Path = TS_FILE) -> None:
    """Bring `ts` up to date with the source strings (paths relative to the .ts file)."""
    ts.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool("pyside6-lupdate"), *map(str, sources()), "-no-obsolete",
                    "-locations", "none", "-source-language", "en",
                    "-target-language", "zh_CN", "-ts", str(ts)],
                   check=True, capture_output=True, text=True)


def lrelease(ts: Path = TS_FILE, qm: Path = QM_FILE) -> None:
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)],
                   check=True, capture_output=True, text=True)


def messages(ts: Path = TS_FILE) -> list[dict]:
    """Every message of a .ts file: context, source, comment, translation, finished."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            found.append({
                "context": name, "source": message.findtext("source") or "",
                "comment": message.findtext("comment") or "",
                "translation": (translation.text or "") if translation is not None else "",
                "finished": translation is not None and not translation.get("type")
                and bool(translation.text),
            })
    return found


def unfinished(ts: Path = TS_FILE) -> list[dict]:
    return [m for m in messages(ts) if not m["finished"]]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "update"
    if command == "update":
        lupdate()
        lrelease()
        todo = unfinished()
        print(f"{TS_FILE}: {len(messages())} strings, {len(todo)} without a translation")
        print(f"{QM_FILE}: compiled")
        return 1 if todo else 0
    if command == "check":
        todo = unfinished()
        for m in todo:
            print(f"{m['context']}: {m['source']!r}")
        print(f"{len(todo)} strings without a finished translation")
        return 1 if todo else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
