"""Read the rows of an export, whatever its file type and text encoding."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# What GBK exports are read as: GB18030 is its superset, so it reads both.
_ENCODINGS = ("utf-8", "gb18030")
MAX_CSV_BYTES = 512 * 1024 * 1024
# An XLSX is a zip: refuse one whose parts would inflate beyond what any export needs
# (100,000 registrants make ~60 MB of sheet XML) or that inflates at a zip bomb's ratio.
MAX_XLSX_EXPANDED_BYTES = 1024 * 1024 * 1024
MAX_XLSX_RATIO = 200  # real sheets compress about 10:1; bombs 1000:1 and more
# calamine holds a sheet as one dense grid from its first to its last cell: two cells at A1
# and XFD1048576 in a 1 kB file ask for 512 GB and abort the process (found by fuzzing).
# 100,000 registrants x 40 columns is 4 million cells; 30 million is about 1 GB.
MAX_SHEET_CELLS = 30_000_000
# Cell (r="AB12") and row (r="12") references as every spreadsheet program writes them,
# found with literal-prefixed patterns (fast) ...
_COLUMNS = re.compile(rb' r="([A-Z]+)[0-9]')
_ROWS = re.compile(rb' r="[A-Z]*([0-9]+)"')
# ... and any other way XML allows (spaces, single quotes, a line break before r: only a
# hand-made file does that), read with a slower, general pattern; an entity is refused.
_ODD_REF = re.compile(rb"r(?:\s+=|=\s|=[\"'][\s&]|=')")
_ODD_BEFORE = (b"\tr=", b"\nr=", b"\rr=")
_ENTITY_REF = re.compile(rb"r\s*=\s*[\"']\s*&")  # r="&#88;FD1": no program writes that
_ANY_REF = re.compile(rb'\sr\s*=\s*["\']\s*([A-Za-z]{0,8})\s*([0-9]{1,10})')


class ImportFileError(ValueError):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass
class Table:
    """Rows of cells (None or str/int/float/datetime) with their 1-based row numbers."""

    name: str  # sheet name, or the encoding for CSV
    rows: Iterator[tuple[int, list]]
    total: int = 0  # about how many rows (for progress); 0: not known (yet)


def detect_encoding(data: bytes) -> str:
    return _decoded(data)[0]


def _decoded(data: bytes) -> tuple[str, str | None]:
    """(encoding, text): the text when trying the encoding decoded it (else None)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", None
    for encoding in _ENCODINGS:
        try:
            return encoding, data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "cannot tell the text encoding: the file is neither UTF-8 nor GBK/GB18030. "
        "Save it from the spreadsheet as 'CSV UTF-8' or as XLSX."
    )


def _read_csv(path: Path) -> list[Table]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFileError(f"{path.name} is larger than {MAX_CSV_BYTES >> 20} MB: refused")
    data = path.read_bytes()
    encoding, content = _decoded(data)  # decoded once: 100,000 rows are 25 MB
    try:
        content = data.decode(encoding) if content is None else content
    except UnicodeDecodeError as exc:  # a byte-order mark promised UTF-16, the bytes are not
        raise ImportFileError(f"{path.name} starts like {encoding} text but is not ({exc.reason} "
                              f"at byte {exc.start}); save it again as CSV UTF-8 or XLSX") from exc
    sample = content[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    # A cell may be long (the row parser reports and trims it); the csv module's own limit
    # (128 KB) would instead stop the whole import with an error about the module.
    csv.field_size_limit(MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    lines = content.count("\n") + (not content.endswith("\n"))
    return [Table(name=encoding, rows=enumerate(reader, 1), total=lines)]


def _openpyxl_rows(sheet) -> Iterator[tuple[int, list]]:
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        yield number, list(row)


def _read_xlsx_openpyxl(path: Path) -> tuple[list[Table], object]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    return [Table(name=ws.title, rows=_openpyxl_rows(ws), total=ws.max_row or 0)
            for ws in book.worksheets], book


def _calamine_rows(book, name: str, table: Table) -> Iterator[tuple[int, list]]:
    try:
        sheet = book.get_sheet_by_name(name)  # calamine reads the whole sheet here
    except Exception as exc:  # a damaged sheet (bad cell references ...): its own errors
        raise ImportFileError(f"sheet {name!r} cannot be read ({exc}): save the file again "
                              "from a spreadsheet program, or export it as CSV") from exc
    first_row = sheet.start[0] if sheet.start else 0
    table.total = first_row + sheet.height
    for offset, row in enumerate(sheet.iter_rows()):
        yield first_row + offset + 1, [None if cell == "" else cell for cell in row]


def _refuse_zip_bomb(path: Path) -> None:
    """Judge the workbook by its zip directory, before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    expanded = sum(p.file_size for p in parts)
    if expanded > MAX_XLSX_EXPANDED_BYTES:
        raise ImportFileError(f"{path.name} would expand to {expanded >> 20} MB: too large for a "
                              "registration export (a damaged or hostile file); refused")
    for part in parts:
        if part.file_size > 20 * 1024 * 1024 and \
                part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1):
            raise ImportFileError(
                f"{path.name}: {part.filename} would expand {part.file_size // max(part.compress_size, 1)}"
                " times (a zip bomb, not an export); refused")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _sheet_extent(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> tuple[int, int]:
    """(last row, last column) a sheet's references reach: a streaming scan of its XML,
    under 2 s for 100,000 rows (the import itself takes 4 s; its target is 15 s)."""
    rows = columns = 0
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(4 << 20):
            chunk = tail + chunk
            tail = chunk[-32:]  # a reference cut in two at the chunk's end
            if _ODD_REF.search(chunk) or any(odd in chunk for odd in _ODD_BEFORE):
                if _ENTITY_REF.search(chunk):
                    return 1 << 30, 1 << 30
                refs = _ANY_REF.findall(chunk)
                letters, digits = {r[0] for r in refs}, {r[1] for r in refs}
            else:
                letters, digits = set(_COLUMNS.findall(chunk)), set(_ROWS.findall(chunk))
            columns = max([columns, *map(_column_number, letters)])
            rows = max([rows, *map(int, digits)])
    return rows, columns


def _refuse_sprawling_sheets(path: Path) -> None:
    """Refuse a workbook whose sheet would be a grid calamine cannot hold in memory."""
    with zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            if not part.filename.startswith("xl/worksheets/"):
                continue
            rows, columns = _sheet_extent(archive, part)
            if rows * max(columns, 1) > MAX_SHEET_CELLS:
                raise ImportFileError(
                    f"{path.name}: a sheet reaches far beyond any registration list (cells out "
                    "to a far row or column: a stray cell, or a hostile file); delete what "
                    "lies beyond the list, save and import again")


def _read_xlsx(path: Path) -> tuple[list[Table], object | None]:
    """XLSX through calamine (Rust, ~10x faster than openpyxl on 100,000 rows: the import
    target of 15 s is out of openpyxl's reach); openpyxl read-only where it is missing."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return _read_xlsx_openpyxl(path)
    if not zipfile.is_zipfile(path):
        raise ImportFileError(f"{path.name} is not a readable XLSX workbook (not a zip archive)")
    _refuse_zip_bomb(path)
    _refuse_sprawling_sheets(path)
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine reports every kind of damage as its own errors
        raise ImportFileError(f"{path.name} is not a readable XLSX workbook ({exc})") from exc
    # Sheets are read lazily, one at a time, as the importer looks for the header.
    tables = [Table(name=name, rows=iter(())) for name in book.sheet_names]
    for table in tables:
        table.rows = _calamine_rows(book, table.name, table)
    return tables, book


def open_tables(path: str | Path) -> tuple[list[Table], object | None]:
    """Every table in the file (sheets of a workbook; one for CSV), and a handle to close."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ".tsv", ".tab"):
        return _read_csv(path), None
    if suffix == ".xls":
        raise ImportFileError(
            f"{path.name} is an old Excel 97 file: open it in Excel or WPS and save as .xlsx or CSV"
        )
    raise ImportFileError(f"{path.name}: only .xlsx and .csv exports can be imported")
