"""Import registration exports (XLSX, CSV in UTF-8/GBK) into the store."""

from .reader import ImportFileError
from .report import ImportReport, Problem
from .run import import_file, read_export

__all__ = ["ImportFileError", "ImportReport", "Problem", "import_file", "read_export"]
