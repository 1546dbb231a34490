"""The import wizard: pick an export and an event configuration, check (and correct) which
column fills which field on a preview of the first rows, import on a worker thread with a
progress bar, and read the report: rows imported / updated / skipped, problems by row.

Nothing is written before Import is pressed, and a file that cannot be imported (an
unknown encoding, no code column) is refused with its reason before the store is touched.
The dialog only asks and shows: which configuration, where a new event goes and the import
itself are checkin/importer/new_event.py's. Phone numbers and e-mails in the preview and the
report are masked as the CLI masks them (checkin/importer/masked.py) unless the role is the
organiser's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..config import ConfigError, load_config
from ..importer import ExportPreview, ImportFileError, ImportReport, new_event, preview_export
from ..importer.columns import FIELDS
from ..importer.masked import header_for, preview_for, problems_for
from ..importer.new_event import EVENTS_DIR
from ..model import EventConfig
from ..privacy import Role
from ..store import Store, StoreError
from .organiser import OrganiserMode

translate = QCoreApplication.translate  # the catalogue extraction finds translate("Context", "...")

log = logging.getLogger(__name__)

PREVIEW_ROWS = 20
CURRENT, MINIMAL, OTHER = "@current", "@minimal", "@other"
CREATED = {  # what an import created, by ImportReport.created's keys (translated when shown)
    "meal slots": QT_TRANSLATE_NOOP("ImportDialog", "meal slots"),
    "forums": QT_TRANSLATE_NOOP("ImportDialog", "forums"),
    "categories": QT_TRANSLATE_NOOP("ImportDialog", "categories"),
}
LEVELS = {"error": QT_TRANSLATE_NOOP("ImportDialog", "error"),
          "warning": QT_TRANSLATE_NOOP("ImportDialog", "warning")}



def file_filter() -> str:
    return translate("ImportDialog", "Exports (*.xlsx *.xlsm *.csv *.txt *.tsv);;All files (*)")


def field_labels() -> dict[str, str]:
    return {
        "code": translate("ImportDialog", "Code"),
        "name": translate("ImportDialog", "Name"),
        "gender": translate("ImportDialog", "Gender"),
        "phone": translate("ImportDialog", "Phone"),
        "email": translate("ImportDialog", "E-mail"),
        "organisation": translate("ImportDialog", "Organisation"),
        "title": translate("ImportDialog", "Title"),
        "category": translate("ImportDialog", "Category"),
        "track": translate("ImportDialog", "Track"),
        "team": translate("ImportDialog", "Team"),
        "payment": translate("ImportDialog", "Payment"),
        "amount": translate("ImportDialog", "Amount"),
        "meals": translate("ImportDialog", "Meals"),
        "forums": translate("ImportDialog", "Forums"),
        "remarks": translate("ImportDialog", "Remarks"),
        "id_number": translate("ImportDialog", "ID number"),
        "cme_card": translate("ImportDialog", "CME card number"),
        "wall_hidden": translate("ImportDialog", "Not on the welcome wall"),
    }


def _shown(value) -> str:
    if value is None or value is False:  # a flag that is not set (wall_hidden) shows nothing
        return ""
    if value is True:
        return "✓"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ImportWorker(QObject):
    """Runs one import in its own thread. Only ints cross threads (progress); the report
    or the error waits on the worker for the GUI thread to pick up after `finished`."""

    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, job: Callable[[Callable[[int, int], None]], ImportReport]):
        super().__init__()
        self._job = job
        self.report: ImportReport | None = None
        self.error = ""

    @Slot()
    def run(self) -> None:
        try:
            self.report = self._job(lambda done, total: self.progress.emit(done, total))
        except (ImportFileError, ConfigError, StoreError) as exc:
            self.error = str(exc)
        except Exception as exc:  # shown to the user; the store rolled the import back
            log.exception("import failed")
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self.finished.emit()


class ImportDialog(QDialog):
    """Import into `store` (a desk window's event) or, with `target`, into a new event
    database created at that path. `imported(db path)` after a successful import."""

    imported = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, store: Store | None = None,
                 target: Path | None = None, file: Path | None = None,
                 role: Role | None = None):
        super().__init__(parent)
        if (store is None) == (target is None):
            raise ValueError("give a store to import into, or a target for a new event")
        self.store = store
        # Who looks: `role`, else the desk window's (its organiser mode, followed while the
        # dialog is open: a lock masks the preview again); the desk role anywhere else.
        organiser = getattr(parent, "organiser", None)
        self._organiser = organiser if role is None and isinstance(organiser, OrganiserMode) \
            else None
        self.role = role or (self._organiser.role if self._organiser else Role.DESK)
        if self._organiser is not None:
            self._organiser.changed.connect(self._organiser_changed)
        self.target = Path(target) if target else None
        self.file: Path | None = None
        self.preview: ExportPreview | None = None
        self.user_mapping: dict[str, str] = {}  # the columns a person picked: field -> header
        self.report: ImportReport | None = None
        self.error = ""
        self._thread: QThread | None = None
        self._worker: ImportWorker | None = None
        self.labels = field_labels()
        self.setWindowTitle(self.tr("Import a registration export"))

        # What to import, with which configuration, where to
        self.file_field = QLineEdit(readOnly=True)
        self.file_field.setPlaceholderText(self.tr("Choose an XLSX or CSV file"))
        choose = QPushButton(self.tr("Choose file…"))
        choose.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_field, stretch=1)
        file_row.addWidget(choose)
        self.config_box = QComboBox()
        self._fill_configs()
        self.config_box.activated.connect(self._config_chosen)
        form = QFormLayout()
        form.addRow(self.tr("Export:"), file_row)
        form.addRow(self.tr("Event configuration:"), self.config_box)
        if self.target is not None:
            self.target_field = QLineEdit(str(self.target))
            self.target_field.editingFinished.connect(
                lambda: setattr(self, "target", Path(self.target_field.text().strip())))
            change = QPushButton(self.tr("Change…"))
            change.clicked.connect(self._choose_target)
            target_row = QHBoxLayout()
            target_row.addWidget(self.target_field, stretch=1)
            target_row.addWidget(change)
            form.addRow(self.tr("New event file:"), target_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # The column mapping: one row per field, the column it comes from in a combo box
        self.mapping_table = QTableWidget(len(FIELDS), 3)
        self.mapping_table.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("From column"), self.tr("Example")])
        self.mapping_table.verticalHeader().setVisible(False)
        self.mapping_table.verticalHeader().setDefaultSectionSize(26)
        self.mapping_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.combos: dict[str, QComboBox] = {}
        for row, fld in enumerate(FIELDS):
            label = QTableWidgetItem(self.labels[fld])
            if fld in ("code", "name"):
                label.setText(label.text() + " *")
            self.mapping_table.setItem(row, 0, label)
            combo = QComboBox()
            combo.activated.connect(lambda _, f=fld: self._column_chosen(f))
            self.mapping_table.setCellWidget(row, 1, combo)
            self.mapping_table.setItem(row, 2, QTableWidgetItem(""))
            self.combos[fld] = combo
        self.unmapped = QLabel()
        self.unmapped.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("<b>Column mapping</b> — change a field's column "
                                             "if it is wrong")))
        left_layout.addWidget(self.mapping_table, stretch=1)
        left_layout.addWidget(self.unmapped)

        # The first rows as they would be imported; the report after the import
        self.rows_table = QTableWidget(0, 0)
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_table.verticalHeader().setDefaultSectionSize(22)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problems_table = QTableWidget(0, 4)
        self.problems_table.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Column"), self.tr("Level"), self.tr("Problem")])
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.verticalHeader().setVisible(False)
        self.problems_table.horizontalHeader().setStretchLastSection(True)
        report_page = QWidget()
        report_layout = QVBoxLayout(report_page)
        report_layout.addWidget(self.summary)
        report_layout.addWidget(self.problems_table, stretch=1)
        self.pages = QTabWidget()
        self.pages.addTab(self.rows_table, self.tr("Preview"))
        self.pages.addTab(report_page, self.tr("Report"))
        self.pages.setTabEnabled(1, False)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.pages)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([430, 650])

        # Progress and buttons
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.open_button = QPushButton(self.tr("Open the event"))
        self.open_button.setVisible(False)
        self.open_button.clicked.connect(self.accept)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, stretch=1)
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(split, stretch=1)
        layout.addLayout(bottom)
        self.resize(1180, 680)
        if file is not None:
            self.set_file(file)

    # -- configuration -------------------------------------------------------------
    def _fill_configs(self) -> None:
        box = self.config_box
        has_config = self.store is not None and bool(self.store.meta("config"))
        if has_config:
            box.addItem(self.tr("This event's configuration ({0})")
                        .format(self.store.config.name), CURRENT)
        else:
            box.addItem(self.tr("Minimal: meals, forums and categories from the data"),
                        MINIMAL)
        for path, name in new_event.bundled_event_files():
            box.addItem(f"{path.name} — {name}", str(path))
        box.addItem(self.tr("Other event file…"), OTHER)

    def _config_chosen(self) -> None:
        if self.config_box.currentData() == OTHER:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Event configuration"), str(EVENTS_DIR),
                self.tr("Event files (*.toml)"))
            if not path:
                self.config_box.setCurrentIndex(0)
                return
            self.config_box.insertItem(self.config_box.count() - 1, Path(path).name, path)
            self.config_box.setCurrentIndex(self.config_box.count() - 2)
        self.refresh_preview()

    def event_config(self) -> EventConfig:
        """The configuration the import will use (raises ConfigError for a bad file)."""
        choice = self.config_box.currentData()
        if choice == CURRENT:
            return self.store.config
        if choice in (MINIMAL, OTHER, None):
            return new_event.minimal_config(self.file)
        return load_config(choice)

    # -- file and preview ----------------------------------------------------------
    def choose_file(self) -> None:
        start = str(self.file.parent) if self.file else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose an export"),
                                              start, file_filter())
        if path:
            self.set_file(Path(path))

    def _choose_target(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("New event file"),
                                              str(self.target), self.tr("Events (*.db)"))
        if path:
            self.target = Path(path)
            self.target_field.setText(path)

    def set_file(self, path: Path) -> None:
        self.file = Path(path)
        self.file_field.setText(str(self.file))
        self.user_mapping = {}
        self.refresh_preview()

    def refresh_preview(self) -> None:
        """Read the top of the file with the chosen configuration and columns."""
        self.preview = None
        self.import_button.setEnabled(False)
        if self.file is None:
            return
        try:
            config = self.event_config()
            self.preview = preview_export(self.file, config, mapping=self.user_mapping or None,
                                          rows=PREVIEW_ROWS)
        except (ImportFileError, ConfigError) as exc:
            self._show_error(str(exc))
            self._clear_tables()
            return
        preview = self._show_preview()
        if preview.error:
            # The importer's hint is for the command line; here the table on the left does it.
            reason = preview.error.split(" Name it with --mapping")[0].split(" Give the columns")[0]
            self._show_error(reason + "\n" + self.tr(
                "Pick the missing field's column on the left."))
            return
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Table: {0} · header on row {1} · below: the first {2} "
                                    "rows as they would be imported").format(
            preview.table, preview.header_row, len(preview.people)))
        self.import_button.setEnabled(True)

    def _show_preview(self) -> ExportPreview:
        """The mapping with its examples and the first rows, as this role may see them;
        returns what was shown."""
        shown = preview_for(self.preview, self.role)
        self._fill_mapping(shown)
        self._fill_rows(shown)
        return shown

    def _organiser_changed(self) -> None:
        self.set_role(self._organiser.role)

    def set_role(self, role: Role) -> None:
        """Show the preview and the report masked (desk) or whole (organiser) from now on."""
        if role == self.role:
            return
        self.role = role
        if self.preview is not None:
            self._show_preview()
        if self.report is not None:
            self._show_report(self.report)

    def _show_error(self, message: str) -> None:
        self.status.setStyleSheet("color:#c62828; font-weight:bold")
        self.status.setText(message)

    def _clear_tables(self) -> None:
        for combo in self.combos.values():
            combo.clear()
        for row in range(len(FIELDS)):
            self.mapping_table.item(row, 2).setText("")
        self.rows_table.clear()
        self.rows_table.setRowCount(0)
        self.rows_table.setColumnCount(0)
        self.unmapped.setText("")

    def _fill_mapping(self, preview: ExportPreview) -> None:
        cmap = preview.columns
        for row, fld in enumerate(FIELDS):
            combo = self.combos[fld]
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(none)"), "")
            for header in cmap.headers:
                if header:
                    combo.addItem(header_for(header, self.role), header)
            col = cmap.fields.get(fld)
            combo.setCurrentIndex(combo.findData(cmap.headers[col]) if col is not None else 0)
            combo.blockSignals(False)
            label = self.mapping_table.item(row, 0)
            missing = col is None and fld in ("code", "name")
            label.setForeground(Qt.GlobalColor.red if missing else Qt.GlobalColor.black)
            font = label.font()
            font.setBold(missing)
            label.setFont(font)
            self.mapping_table.item(row, 2).setText(self._example(preview, fld, col))
        unused = [self.tr("{0} (kept as extra)").format(header_for(head, self.role))
                  for head in cmap.extra.values()]
        unused += [self.tr("{0} (meal yes/no)").format(header_for(head, self.role))
                   for head in cmap.meal_columns.values()]
        self.unmapped.setText(self.tr("Columns without a field: {0}").format(
            "; ".join(unused) if unused else self.tr("none")))

    @staticmethod
    def _example(preview: ExportPreview, fld: str, col: int | None) -> str:
        """The first value this field gets in the preview (as imported), else the column's
        first value as the file has it."""
        for person in preview.people:
            value = _shown(getattr(person, fld, None))
            if value:
                return value
        if col is not None and not preview.people:
            for _, cells in preview.rows:
                if col < len(cells) and cells[col] not in (None, ""):
                    return _shown(cells[col])
        return ""

    def _fill_rows(self, preview: ExportPreview) -> None:
        """The first rows as they would be imported; as the file has them when the mapping
        is not complete yet (so that a person sees which column holds the codes)."""
        table = self.rows_table
        table.clear()
        if preview.error:
            headers = preview.columns.headers
            table.setColumnCount(len(headers))
            table.setRowCount(len(preview.rows))
            table.setHorizontalHeaderLabels([header_for(h, self.role) for h in headers])
            for row, (_, cells) in enumerate(preview.rows):
                for column, value in enumerate(cells[:len(headers)]):
                    table.setItem(row, column, QTableWidgetItem(_shown(value)))
        else:
            shown = [f for f in FIELDS if f in preview.columns.fields]
            table.setColumnCount(len(shown))
            table.setRowCount(len(preview.people))
            table.setHorizontalHeaderLabels([self.labels[f] for f in shown])
            for row, person in enumerate(preview.people):
                for column, fld in enumerate(shown):
                    table.setItem(row, column, QTableWidgetItem(_shown(getattr(person, fld))))
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), 220))
        self.pages.setCurrentIndex(0)

    def _column_chosen(self, fld: str) -> None:
        """A person picked another column for a field: preview again with that choice."""
        header = self.combos[fld].currentData() or ""
        for other, chosen in list(self.user_mapping.items()):
            if header and chosen == header and other != fld:
                self.user_mapping[other] = ""  # one column fills one field
        self.user_mapping[fld] = header
        self.refresh_preview()

    def mapping(self) -> dict[str, str]:
        """The corrections to the detected mapping, as the importer takes them."""
        return dict(self.user_mapping)

    # -- import --------------------------------------------------------------------
    def start_import(self) -> None:
        if self.file is None or self.running:
            return
        try:
            config = self.event_config()
        except ConfigError as exc:
            self._show_error(str(exc))
            return
        save_config = self.config_box.currentData() != CURRENT
        path, mapping = self.file, self.mapping() or None
        store, target = self.store, self.target

        def job(progress: Callable[[int, int], None]) -> ImportReport:
            return new_event.import_export(path, config, mapping=mapping, store=store,
                                           save_config=save_config, target=target,
                                           progress=progress)

        self.report, self.error = None, ""
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Importing {0}…").format(path.name))
        self._set_busy(True)
        self._worker = ImportWorker(job)
        self._thread = QThread()
        self._thread.setObjectName("import")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._progress)
        self._worker.finished.connect(self._finished)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def _set_busy(self, busy: bool) -> None:
        self.import_button.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self.config_box.setEnabled(not busy)
        self.mapping_table.setEnabled(not busy)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            self.progress.setRange(0, 0)  # rows unknown: busy indicator
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(min(100, done * 100 // total))

    @Slot()
    def _finished(self) -> None:
        worker, thread = self._worker, self._thread
        thread.quit()
        thread.wait(5000)
        self._worker = self._thread = None
        self.report, self.error = worker.report, worker.error
        self._set_busy(False)
        if self.report is None:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)
            self._show_error(self.tr("Nothing was imported: {0}").format(self.error))
            return
        self.progress.setRange(0, 100)
        self.progress.setValue(100)
        self._show_report(self.report)
        self.import_button.setEnabled(False)
        if self.target is not None:
            self.open_button.setVisible(True)
            self.open_button.setDefault(True)
        db = str(self.target) if self.target is not None else self.store.path
        self.imported.emit(db)

    def _show_report(self, report: ImportReport) -> None:
        lines = [self.tr("<b>Imported {0} of {1} rows</b>: {2} new · {3} updated · "
                         "{4} unchanged").format(
            report.imported, report.rows_read, report.added, report.updated, report.unchanged),
            self.tr("Skipped: {0} with errors · {1} blank · {2} totals")
            .format(report.skipped_error, report.skipped_blank, report.skipped_total)]
        if report.missing:
            lines.append(self.tr("{0} no longer in the export: marked, not deleted")
                         .format(report.missing))
        for kind, names in report.created.items():
            if names:
                what = translate("ImportDialog", CREATED[kind]) if kind in CREATED else kind
                lines.append(self.tr("New {0}: {1}").format(what, ", ".join(names)))
        if report.duplicates:
            lines.append(self.tr("Likely duplicate registrations: {0}").format(
                "; ".join(" = ".join(codes) for codes in report.duplicates[:10])))
        if report.kept_desk_edits:
            lines.append(self.tr("Desk edits kept: {0}").format(
                ", ".join(report.kept_desk_edits[:10])))
        lines.append(self.tr("Problems: {0} (by row, below)").format(len(report.problems))
                     if report.problems
                     else self.tr("No problems: every value was read."))
        self.summary.setText("<br>".join(lines))
        table = self.problems_table
        problems = problems_for(report.problems, self.role)  # they may quote a phone number
        table.setVisible(bool(problems))
        table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            where = str(problem.row) if problem.row else self.tr("file")
            level = (translate("ImportDialog", LEVELS[problem.level])
                     if problem.level in LEVELS else problem.level)
            for column, text in enumerate((where, problem.column, level, problem.message)):
                item = QTableWidgetItem(text)
                if problem.level == "error":
                    item.setForeground(Qt.GlobalColor.darkRed)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        self.pages.setTabEnabled(1, True)
        self.pages.setCurrentIndex(1)
        self.status.setStyleSheet("color:#2e7d32; font-weight:bold")
        self.status.setText(self.tr("Import finished: {0}").format(self.file.name))

    def reject(self) -> None:
        if self.running:  # an import cannot be stopped halfway: wait for its end
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)
