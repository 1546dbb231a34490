"""The sync package holds no SQL: every statement it needs lives in checkin/store (outbox.py,
conflicts.py, central.py), so a schema change is made in one package."""

from __future__ import annotations

import re
from pathlib import Path

import checkin.sync

SYNC = Path(checkin.sync.__file__).parent
# Statement openings as they appear in SQL text (upper case, as the store writes them).
SQL = re.compile(r"\bexecute(?:many|script)?\(|\bSELECT |\bINSERT |\bDELETE FROM\b|\bUPDATE "
                 r"|\bCREATE (?:TABLE|INDEX)\b|\bALTER TABLE\b|\bDROP TABLE\b")


def test_no_file_of_the_sync_package_holds_sql():
    found = [f"{path.name}:{number}: {line.strip()}"
             for path in sorted(SYNC.glob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert found == [], "SQL belongs in checkin/store:\n" + "\n".join(found)


def test_the_check_finds_sql():
    assert SQL.search('conn.execute("SELECT count(*) FROM outbox")')
    assert SQL.search('"INSERT OR IGNORE INTO outbox (seq) VALUES (?)"')
    assert SQL.search('"UPDATE registrants SET version = ?"')
    assert not SQL.search("the server's answer to an update of the outbox")
