"""What an import did, row by row: nothing is dropped without a line here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..i18n import _


@dataclass
class Problem:
    row: int  # row number in the file, 1-based as a spreadsheet shows it; 0: the whole file
    column: str  # header text, or '' for the whole row
    message: str
    level: str = "warning"  # error: row not imported; warning: value changed or set aside


@dataclass
class ImportReport:
    file: str
    table: str = ""  # sheet name or detected encoding
    header_row: int = 0
    mapping: list[tuple[str, str]] = field(default_factory=list)
    rows_read: int = 0
    imported: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0  # in the database but not in this export: marked, not deleted
    returned: int = 0  # were missing, are back
    skipped_blank: int = 0
    skipped_total: int = 0
    skipped_error: int = 0
    problems: list[Problem] = field(default_factory=list)
    duplicates: list[list[str]] = field(default_factory=list)  # codes that look like one person
    kept_desk_edits: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # first changes, for --dry-run
    created: dict[str, list[str]] = field(default_factory=dict)  # meals/forums/categories added
    dry_run: bool = False

    def problem(self, row: int, column: str, message: str, level: str = "warning") -> None:
        self.problems.append(Problem(row, column, message, level))

    def to_json(self) -> dict:
        data = asdict(self)
        data["mapping"] = [{"column": c, "field": f} for c, f in self.mapping]
        return data

    def to_text(self, max_problems: int = 50) -> str:
        """For `checkin import`, in the current language (checkin/i18n.py); the file's
        headers, codes and values are data."""
        lines = [_("{file} ({table}), header on row {row}").format(
                     file=self.file, table=self.table, row=self.header_row),
                 _("column mapping:")]
        lines += [f"  {column} -> {target}" for column, target in self.mapping]
        counts = {"imported": self.imported, "rows": self.rows_read, "added": self.added,
                  "updated": self.updated, "unchanged": self.unchanged}
        lines.append((_("would import {imported} of {rows} data rows: {added} new, {updated} "
                        "updated, {unchanged} unchanged") if self.dry_run else
                      _("imported {imported} of {rows} data rows: {added} new, {updated} "
                        "updated, {unchanged} unchanged")).format(**counts))
        if self.missing:
            lines.append(_("{0} registrants are no longer in the export: marked, not deleted")
                         .format(self.missing))
        if self.returned:
            lines.append(_("{0} registrants are back in the export").format(self.returned))
        skipped = [
            (self.skipped_blank, _("skipped {0} blank rows")),
            (self.skipped_total, _("skipped {0} total/summary rows")),
            (self.skipped_error, _("skipped {0} rows with errors (see below)")),
        ]
        for count, said in skipped:
            if count:
                lines.append(said.format(count))
        kinds = {"meal slots": _("meal slots"), "forums": _("forums"),
                 "categories": _("categories")}
        for kind, names in self.created.items():
            if names:
                lines.append(_("new {kind} found in the data: {names}").format(
                    kind=kinds.get(kind, kind), names=", ".join(names)))
        for code in self.kept_desk_edits[:20]:
            lines.append(_("kept a desk's edit of {0} over the export's value").format(code))
        if self.duplicates:
            lines.append(_("{0} likely duplicate registrations (same person, several codes):")
                         .format(len(self.duplicates)))
            lines += [f"  {' = '.join(codes)}" for codes in self.duplicates[:20]]
        if self.changes:
            lines.append(_("changes:"))
            for change in self.changes[:20]:
                fields = ", ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in change["fields"].items())
                lines.append(f"  {change['code']}: {fields}")
        if self.problems:
            lines.append(_("{0} problems:").format(len(self.problems)))
            levels = {"error": _("error"), "warning": _("warning")}
            for p in self.problems[:max_problems]:
                where = _("row {0}").format(p.row) if p.row else _("file")
                where += f", {p.column}" if p.column else ""
                lines.append(f"  [{levels.get(p.level, p.level)}] {where}: {p.message}")
            if len(self.problems) > max_problems:
                lines.append("  " + _("... {0} more (use --json for all)").format(
                    len(self.problems) - max_problems))
        return "\n".join(lines)
