"""The desk's SQL lives in checkin/store, and only there: the window, the commands, sync, the
desk services and the importer ask the store's functions (outbox.py, eventlog.py,
registrants.py, counts.py, conflicts.py, central.py ...), so a schema change is made in one
package. The central service's SQL is its own, in checkin/server."""

from __future__ import annotations

import re
from pathlib import Path

import checkin

PACKAGE = Path(checkin.__file__).parent
HOLDERS = {"store", "server"}  # the desk's store, the central service's database
# Statement openings as they appear in SQL text (upper case, as the store writes them).
SQL = re.compile(r"\.execute(?:many|script)?\(|\bSELECT |\bINSERT |\bDELETE FROM\b|\bUPDATE "
                 r"|\bCREATE (?:TABLE|INDEX)\b|\bALTER TABLE\b|\bDROP TABLE\b")


def _outside_the_store():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] not in HOLDERS:
            yield path


def test_no_module_outside_the_store_holds_sql():
    found = [f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
             for path in _outside_the_store()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SQL.search(line)]
    assert found == [], "SQL belongs in checkin/store:\n" + "\n".join(found)


def test_the_check_reads_every_layer_that_must_not_hold_sql():
    folders = {path.relative_to(PACKAGE).parts[0] for path in _outside_the_store()}
    assert {"sync", "ui", "commands", "importer", "desk.py", "search.py"} <= folders


def test_the_check_finds_sql():
    assert SQL.search('conn.execute("SELECT count(*) FROM outbox")')
    assert SQL.search('store.reader().executemany(sql, rows)')
    assert SQL.search('"INSERT OR IGNORE INTO outbox (seq) VALUES (?)"')
    assert SQL.search('"UPDATE registrants SET version = ?"')
    assert not SQL.search("the server's answer to an update of the outbox")
    assert not SQL.search("def execute(self, job_id: int) -> None:")
