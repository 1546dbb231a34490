"""Coverage-guided fuzzing (atheris) of the importers: any bytes as a CSV or XLSX export.

    .venv/bin/python fuzz/fuzz_imports.py -max_total_time=60

A file is read, or refused with ImportFileError; anything else is a finding.
"""

import contextlib
import io
import sys
import tempfile
import zipfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from checkin.config import load_config
    from checkin.importer import ImportFileError
    from checkin.importer.run import read_export
from checkin.resources import events_dir

CONFIG = load_config(events_dir() / "shic2026.toml")
WORK = Path(tempfile.mkdtemp(prefix="fuzz-import-"))
HEADER = "报名编号,姓名,手机,单位,参会类型,缴费状态,用餐\n".encode()


def _xlsx_around(sheet_xml: bytes) -> bytes:
    """A minimal workbook whose only sheet is the fuzzer's bytes (reaches the XML reader)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Override PartName="/xl/'
                   'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                   'spreadsheetml.sheet.main+xml"/></Types>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
                   'name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns='
                   '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                   'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def test_one(data: bytes) -> None:
    if not data:
        return
    shape, body = data[0] % 4, data[1:]
    if shape == 0:
        path, content = WORK / "e.csv", body
    elif shape == 1:
        path, content = WORK / "e.csv", HEADER + body  # past header detection, into the rows
    elif shape == 2:
        path, content = WORK / "e.xlsx", body
    else:
        path, content = WORK / "e.xlsx", _xlsx_around(body)
    path.write_bytes(content)
    with contextlib.suppress(ImportFileError):
        read_export(path, CONFIG)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one)
    atheris.Fuzz()
