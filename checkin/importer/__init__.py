"""Import registration exports (XLSX, CSV in UTF-8/GBK) into the store."""

from .reader import ImportFileError
from .report import ImportReport, Problem
from .run import ExportPreview, import_file, preview_export, read_export

__all__ = ["ExportPreview", "ImportFileError", "ImportReport", "Problem", "import_file",
           "preview_export", "read_export"]
