"""Attendance export (XLSX/CSV) for CME credit and sponsor reports.

Every cell a person could open in a spreadsheet is neutralised against formula
injection: text starting with = + - @ (or a tab/CR) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from .cme import Crossing, credit_report
from .model import REGISTRATION, Cme
from .store import Store, audit, eventlog
from .store import registrants as reg_store

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COLUMNS = ("code", "name", "organisation", "title", "category", "team", "payment",
           "checked_in_at", "desk", "meals_redeemed", "forums_attended")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def attendance_rows(store: Store):
    conn = store.reader()
    admissions: dict[str, dict] = {}
    desks: dict[str, str] = {}  # device id -> the desk's name ("报到处2")
    for row in eventlog.all_admissions(conn):
        entry = admissions.setdefault(row["code"].upper(), {"meals": [], "forums": []})
        kind, _, key = row["station"].partition(":")
        if kind == REGISTRATION:
            device = row["device_id"]
            if device not in desks:
                desks[device] = store.device_label(device)
            entry["at"], entry["desk"] = row["wall_time"], desks[device]
        elif kind == "meal":
            entry["meals"].append(key)
        elif kind == "forum":
            entry["forums"].append(key)
    for r in reg_store.rows_by_code(conn):
        a = admissions.get(r["code"].upper())
        if r["missing"] and a is None:
            continue  # left the list and never came; whoever came stays in the record
        a = a or {"meals": [], "forums": []}
        yield (r["code"], r["name"], r["organisation"], r["title"], r["category"], r["team"],
               r["payment"], a.get("at"), a.get("desk"), "、".join(sorted(a["meals"])),
               "、".join(sorted(a["forums"])))


def write_table(path: str | Path, columns: tuple[str, ...], rows, sheet: str = "sheet") -> int:
    """Rows to FILE.csv (UTF-8 with BOM, so Excel reads Chinese) or FILE.xlsx, every cell
    neutralised; returns the number of rows written."""
    path = Path(path)
    count = 0
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in rows:
                writer.writerow([safe_cell(v) for v in row])
                count += 1
        return count
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"write a .csv or .xlsx file, not {path.name}")
    return write_xlsx(path, columns, rows, sheet)


def write_xlsx(target: str | Path | BinaryIO, columns: tuple[str, ...], rows,
               sheet: str = "sheet") -> int:
    """Rows to an XLSX workbook at `target` (a path, or a binary file: the central service
    answers with the bytes), every cell neutralised; returns the number of rows written."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    table = book.create_sheet(sheet)
    table.append(columns)
    count = 0
    for row in rows:
        table.append([safe_cell(v) for v in row])
        count += 1
    book.save(target)
    return count


def export_attendance(store: Store, path: str | Path, *, operator: str | None = None) -> int:
    """Write the attendance file and record the export in the audit trail (who, which desk,
    which file, how many rows). Exporting is an organiser's job: the `checkin export`
    command asks for the organiser role before it calls this."""
    count = write_table(path, COLUMNS, attendance_rows(store), sheet="attendance")
    audit.log(store, audit.EXPORT, operator=operator,
              details={"what": "attendance", "file": Path(path).name, "rows": count})
    return count


# -- the CME office's sheet (checkin/cme.py works out the credit) ----------------------------
CME_COLUMNS = ("姓名", "身份证号", "学分卡号", "工作单位", "科室", "职称", "手机", "项目编号",
               "学分类别", "学分", "学时", "备注")
CME_SHEET = "学分"
BACKFILLED = "补录"  # the office's word for lines entered afterwards from a paper sheet


def crossing(row) -> Crossing:
    """A door crossing from an events row, a desk's or the central service's (a mapping with
    code, station, kind, wall_time and data, the event's JSON)."""
    return Crossing(row["code"], row["station"], row["kind"], row["wall_time"],
                    bool(json.loads(row["data"] or "{}").get("backfilled")))


def cme_credits(store: Store):
    """The credit report of this desk's event (every desk's crossings it has), or None when
    the event file has no [cme]."""
    cme = store.config.cme
    if cme is None:
        return None
    crossings = [crossing(r) for r in eventlog.crossings(store.reader())]
    return credit_report(cme, store.config.zone(), crossings)


def desk_lookup(store: Store) -> Callable:
    """code -> this desk's registrant (or None), for cme_rows and cme_items."""
    conn = store.reader()
    return lambda code: reg_store.get(conn, code)


def cme_items(credits, lookup: Callable) -> list[dict]:
    """The credit report as data, one item per person: what `checkin cme --json` prints and
    the central service's GET .../cme answers."""
    items = []
    for person in credits:
        reg = lookup(person.code)
        items.append({"code": person.code, "name": reg.name if reg else None,
                      "minutes": {s.session: s.minutes for s in person.sessions},
                      "credits": person.credits, "shortfall": person.notes,
                      "backfilled": person.backfilled})
    return items


def cme_rows(cme: Cme, credits, lookup: Callable) -> list[tuple]:
    """One row per person who earned credit, as the CME office's template has it (CME_COLUMNS).
    `lookup(code)`: the registrant (a desk's, or the service's row) or None. One function for
    the desk's export and the central service's, so both sheets say the same."""
    rows = []
    for person in credits:
        if person.credits <= 0:
            continue
        reg = lookup(person.code)
        extra = (reg.extra or {}) if reg else {}  # the export's own columns: 科室 ...
        notes = person.notes + ([BACKFILLED] if person.backfilled else [])
        rows.append((
            reg.name if reg else person.code,
            (reg.id_number if reg else None) or extra.get("身份证号"),  # or the export's own
            (reg.cme_card if reg else None) or extra.get("学分卡号"),
            reg.organisation if reg else None, extra.get("科室"), reg.title if reg else None,
            reg.phone if reg else None, cme.project_number, cme.credit_class,
            person.credits, round(person.minutes / 60, 1), "；".join(notes) or None))
    return rows


def export_cme(store: Store, path: str | Path, *, operator: str | None = None) -> int:
    """The credit sheet for the CME office (ID numbers and phones whole: an organiser's
    export, audited like the attendance export)."""
    credits = cme_credits(store)
    if credits is None:
        raise ValueError("the event file has no [cme] section: name the CME project and its "
                         "sessions there first (docs/cme.md)")
    rows = cme_rows(store.config.cme, credits, desk_lookup(store))
    count = write_table(path, CME_COLUMNS, rows, sheet=CME_SHEET)
    audit.log(store, audit.EXPORT, operator=operator,
              details={"what": "cme", "file": Path(path).name, "rows": count})
    return count
