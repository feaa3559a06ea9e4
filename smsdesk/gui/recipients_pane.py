"""Recipients: saved customer lists, importing new ones, and what was rejected and why."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.gui.drops import spreadsheet_in
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.models import RecipientsModel
from smsdesk.storage import Store
from smsdesk.storage.lists import RecipientList
from smsdesk.worker.tasks import BackgroundTask

if TYPE_CHECKING:
    from smsdesk.engine.lists import ListImport
    from smsdesk.gui.import_dialog import ImportChoice
    from smsdesk.importers import FilePreview

SPREADSHEETS = "*.xlsx *.xlsm *.xls *.ods *.csv"


class RecipientsPane(QWidget):
    """Signals: ``lists_changed()`` after a list was imported or removed."""

    lists_changed = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.setAcceptDrops(True)
        self._task: BackgroundTask | None = None
        self._lists: list[RecipientList] = []

        self.list = QListWidget()
        self.list.setMaximumWidth(260)
        self.list.currentRowChanged.connect(self._select)
        self.import_button = QPushButton(self.tr("Import list…"))
        self.import_button.setToolTip(self.tr("Excel (.xlsx, .xls), LibreOffice (.ods) or CSV; you can also drop a file here."))
        self.import_button.clicked.connect(self.import_clicked)
        self.export_button = QPushButton(self.tr("Export rejected rows…"))
        self.export_button.setToolTip(self.tr("Save the rows that were not imported, with the reason, to fix and import again."))
        self.export_button.clicked.connect(self.export_rejected_clicked)
        self.export_button.hide()
        self._last_import: ListImport | None = None
        self.remove_button = QPushButton(self.tr("Remove list"))
        self.remove_button.clicked.connect(self.remove_clicked)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Customer lists")))
        left.addWidget(self.list, 1)
        left.addWidget(self.import_button)
        left.addWidget(self.remove_button)

        self.title = QLabel()
        self.title.setObjectName("paneTitle")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.hide()
        self.cancel_button = QPushButton(self.tr("Cancel import"))
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_import)
        self.model = RecipientsModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        right = QVBoxLayout()
        right.addWidget(self.title)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.export_button)
        right.addLayout(summary_row)
        right.addLayout(progress_row)
        right.addWidget(self.table, 1)

        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        self._lists = self.store.lists.all()
        self.list.blockSignals(True)
        self.list.clear()
        for saved in self._lists:
            self.list.addItem(self.tr("%1 (%2)").replace("%1", saved.name).replace("%2", str(saved.size)))
        self.list.blockSignals(False)
        names = [x.name for x in self._lists]
        row = names.index(select) if select in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._select(row)

    def _select(self, row: int) -> None:
        saved = self._lists[row] if 0 <= row < len(self._lists) else None
        self.model.set_list(saved.id if saved else None)
        self.table.resizeColumnToContents(1)  # the phone number, never cut off
        self.remove_button.setEnabled(saved is not None)
        if saved is None:
            self.title.setText(self.tr("No customer list yet"))
            self.summary.setText(self.tr("Import an Excel or CSV file with a column of phone numbers."))
        else:
            self.title.setText(f"<b>{saved.name}</b>")
            self.summary.setText(
                self.tr("%1 recipients · columns you can use in messages: %2")
                .replace("%1", str(saved.size))
                .replace("%2", ", ".join("{" + c + "}" for c in ("name", *saved.columns)))
            )

    # -- importing -------------------------------------------------------------------------

    def choose_file(self) -> Path | None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import customer list"), "", self.tr("Spreadsheets (%1)").replace("%1", SPREADSHEETS)
        )
        return Path(path) if path else None

    def import_clicked(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.import_path(path)

    def _busy(self) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.import_button.setEnabled(False)

    def import_path(self, path: Path) -> None:
        """Read the first rows, let the owner check the mapping, then import off the GUI thread."""
        if self._task is not None:
            return
        self._busy()

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> FilePreview:
            from smsdesk.importers import preview_file

            return preview_file(path)

        task = BackgroundTask(job)
        task.signals.succeeded.connect(lambda preview: self._previewed(path, preview))
        task.signals.failed.connect(self._import_failed)
        task.signals.crashed.connect(self._import_crashed)
        self._task = task.start()

    def _previewed(self, path: Path, preview: FilePreview) -> None:
        from smsdesk.gui.import_dialog import ImportDialog

        self._finish_task()
        choice = ImportDialog.ask(self, preview, self._unique_name(path.stem))
        if choice is not None:
            self.run_import(path, choice)

    def run_import(self, path: Path, choice: ImportChoice) -> None:
        self._busy()

        def job(progress: Callable[[int, int], None], cancel: threading.Event) -> ListImport:
            from smsdesk.engine.lists import import_list

            with Store.open() as store:
                return import_list(
                    store, path, choice.name, sheet=choice.sheet, phone_column=choice.phone_column,
                    name_column=choice.name_column, region=choice.region, header_row=choice.header_row,
                    progress=progress, cancel=cancel,
                )

        task = BackgroundTask(job)
        task.signals.progress.connect(self._progress)
        task.signals.succeeded.connect(self._imported)
        task.signals.failed.connect(self._import_failed)
        task.signals.crashed.connect(self._import_crashed)
        self._task = task.start()

    def _unique_name(self, stem: str) -> str:
        names = {x.name for x in self._lists}
        candidate, n = stem, 2
        while candidate in names:
            candidate, n = f"{stem} ({n})", n + 1
        return candidate

    def cancel_import(self) -> None:
        if self._task is not None:
            self._task.cancel.set()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _finish_task(self) -> None:
        self._task = None
        self.progress.hide()
        self.cancel_button.hide()
        self.import_button.setEnabled(True)

    def _imported(self, done: ListImport) -> None:
        self._finish_task()
        self.reload(select=done.saved.name)
        r = done.result
        text = self.tr("%1 rows read: %2 imported, %3 duplicates, %4 opted out, %5 rejected.")
        for n, value in enumerate((r.rows_read, len(r.recipients), r.duplicates, r.opted_out, len(r.rejected)), 1):
            text = text.replace(f"%{n}", str(value))
        if r.rejected:
            shown = "\n".join(
                self.tr("Row %1: %2").replace("%1", str(x.row_no)).replace("%2", x.reason) for x in r.rejected[:8]
            )
            text += "\n" + shown
            if len(r.rejected) > 8:
                text += "\n…"
        self.summary.setText(text)
        self._last_import = done
        self.export_button.setVisible(bool(r.rejected))
        self.lists_changed.emit()

    def _import_crashed(self, details: str) -> None:
        self._finish_task()
        show_crash(self, details)

    def _import_failed(self, message: str) -> None:
        self._finish_task()
        if message:
            show_error(self, message)

    def choose_export_path(self, suggested: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export rejected rows"), suggested, self.tr("Excel workbook (*.xlsx)")
        )
        return Path(path) if path else None

    def export_rejected_clicked(self) -> None:
        done = self._last_import
        if done is None:
            return
        target = self.choose_export_path(self.tr("%1 - rejected rows.xlsx").replace("%1", done.saved.name))
        if target is None:
            return

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> Path:
            from smsdesk.importers import export_rejected

            export_rejected(done.result, target)
            return target

        task = BackgroundTask(job)
        task.signals.succeeded.connect(lambda path: self.summary.setText(self.tr("Rejected rows saved to %1").replace("%1", str(path))))
        task.signals.failed.connect(self._import_failed)
        task.signals.crashed.connect(self._import_crashed)
        self._export_task = task.start()

    def remove_clicked(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._lists):
            return
        saved = self._lists[row]
        answer = QMessageBox.question(
            self, self.tr("Remove list"), self.tr("Remove the list “%1”? Sent messages stay in the log.").replace("%1", saved.name)
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.store.lists.remove(saved.name)
        self.reload()
        self.lists_changed.emit()

    # -- drag and drop ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if spreadsheet_in(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = spreadsheet_in(event.mimeData())
        if path is not None:
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            self.import_path(path)
