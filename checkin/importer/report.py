"""What an import did, row by row: nothing is dropped without a line here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{self.file} ({self.table}), header on row {self.header_row}", "column mapping:"]
        lines += [f"  {column} -> {target}" for column, target in self.mapping]
        lines.append(
            f"{verb} {self.imported} of {self.rows_read} data rows: {self.added} new, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.missing:
            lines.append(f"{self.missing} registrants are no longer in the export: marked, not deleted")
        if self.returned:
            lines.append(f"{self.returned} registrants are back in the export")
        skipped = [
            (self.skipped_blank, "blank"), (self.skipped_total, "total/summary"),
            (self.skipped_error, "with errors (see below)"),
        ]
        for count, what in skipped:
            if count:
                lines.append(f"skipped {count} {what} rows")
        for kind, names in self.created.items():
            if names:
                lines.append(f"new {kind} found in the data: {', '.join(names)}")
        for code in self.kept_desk_edits[:20]:
            lines.append(f"kept a desk's edit of {code} over the export's value")
        if self.duplicates:
            lines.append(f"{len(self.duplicates)} likely duplicate registrations (same person, several codes):")
            lines += [f"  {' = '.join(codes)}" for codes in self.duplicates[:20]]
        if self.changes:
            lines.append("changes:")
            for change in self.changes[:20]:
                fields = ", ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in change["fields"].items())
                lines.append(f"  {change['code']}: {fields}")
        if self.problems:
            lines.append(f"{len(self.problems)} problems:")
            for p in self.problems[:max_problems]:
                where = (f"row {p.row}" if p.row else "file") + (f", {p.column}" if p.column else "")
                lines.append(f"  [{p.level}] {where}: {p.message}")
            if len(self.problems) > max_problems:
                lines.append(f"  ... {len(self.problems) - max_problems} more (use --json for all)")
        return "\n".join(lines)
