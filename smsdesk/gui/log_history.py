"""Backing up, restoring and archiving the history from the window.

The copying runs off the GUI thread on a connection of its own; a window-modal progress dialog
shows it and can cancel a backup or an archive. File pickers and questions are methods tests
replace.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.stamps import local_time
from smsdesk.engine import history
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.formatting import day, number
from smsdesk.storage import Store
from smsdesk.storage.archive import ArchiveResult
from smsdesk.storage.backup import BackupCancelled, BackupInfo, database_file, inspect
from smsdesk.worker.tasks import BackgroundTask

DATABASE_FILTER = "smsdesk (*.sqlite3 *.db);;*"


class HistoryActions(QObject):
    """Signals: ``status_message(text)``; ``history_replaced()`` after a restore or an archive
    changed what the history holds (views read it again); ``busy_changed(bool)``."""

    status_message = Signal(str)
    history_replaced = Signal()
    busy_changed = Signal(bool)

    def __init__(self, parent: QWidget, store: Store, *, may_replace: Callable[[], str | None],
                 pause_readers: Callable[[], None]) -> None:
        super().__init__(parent)
        self.widget = parent
        self.store = store
        self.may_replace = may_replace
        """Why the history cannot be replaced now (a campaign is being sent), or None."""
        self.pause_readers = pause_readers
        """Stops whatever else reads the database (the report poller) before a restore."""
        self.task: BackgroundTask | None = None
        self._progress: QProgressDialog | None = None

    @property
    def database(self) -> Path:
        return database_file(self.store.conn)

    # -- questions (tests replace these) ---------------------------------------------------------

    @classmethod
    def choose_backup_target(cls, parent: QWidget, suggested: Path) -> Path | None:
        suggested.parent.mkdir(parents=True, exist_ok=True)
        title = QCoreApplication.translate("HistoryActions", "Back up history")
        name, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), DATABASE_FILTER)
        return Path(name) if name else None

    @classmethod
    def choose_backup_source(cls, parent: QWidget, folder: Path) -> Path | None:
        folder.mkdir(parents=True, exist_ok=True)
        title = QCoreApplication.translate("HistoryActions", "Restore history")
        name, _ = QFileDialog.getOpenFileName(parent, title, str(folder), DATABASE_FILTER)
        return Path(name) if name else None

    @classmethod
    def ask(cls, parent: QWidget, title: str, text: str) -> bool:
        return QMessageBox.question(parent, title, text) == QMessageBox.StandardButton.Yes

    @classmethod
    def choose_archive_date(cls, parent: QWidget, suggested: date) -> date | None:
        return ArchiveDateDialog.ask(parent, suggested)

    # -- running -------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self.task is not None

    def _start(self, label: str, job: Callable[[Callable[[int, int], None], threading.Event], Any],
               done: Callable[[Any], None], *, cancellable: bool = True) -> None:
        progress = QProgressDialog(label, self.tr("Cancel") if cancellable else "", 0, 0, self.widget)
        progress.setWindowTitle(self.tr("History"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        if not cancellable:
            progress.setCancelButton(None)
        task = BackgroundTask(job)
        progress.canceled.connect(task.cancel.set)
        task.signals.progress.connect(self._progressed)
        task.signals.succeeded.connect(lambda result: self._finish(done, result))
        task.signals.failed.connect(self._failed)
        task.signals.crashed.connect(self._crashed)
        self._progress = progress
        self.task = task
        self.busy_changed.emit(True)
        task.start()

    def _progressed(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.setMaximum(max(total, 1))
            self._progress.setValue(min(done, max(total, 1)))

    def _end(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None
        self.task = None
        self.busy_changed.emit(False)

    def _finish(self, done: Callable[[Any], None], result: Any) -> None:
        self._end()
        done(result)

    def _failed(self, message: str) -> None:
        self._end()
        show_error(self.widget, message)

    def _crashed(self, details: str) -> None:
        self._end()
        show_crash(self.widget, details)

    # -- backup ----------------------------------------------------------------------------------

    def back_up(self) -> None:
        if self.is_busy():
            return
        target = self.choose_backup_target(self.widget, history.suggested_backup())
        if target is None:
            return
        database = self.database

        def job(progress: Callable[[int, int], None], cancel: threading.Event) -> BackupInfo | None:
            try:
                return history.back_up_history(database, target, progress=progress, cancel=cancel)
            except BackupCancelled:
                return None

        self._start(self.tr("Backing up the history…"), job, self._backed_up)

    def _backed_up(self, info: BackupInfo | None) -> None:
        if info is None:
            self.status_message.emit(self.tr("Backup cancelled; nothing was written."))
            return
        self.status_message.emit(
            self.tr("History backed up to %1 (%2 messages).").replace("%1", str(info.path)).replace("%2", number(info.messages))
        )

    # -- restore ---------------------------------------------------------------------------------

    def restore(self) -> None:
        if self.is_busy():
            return
        reason = self.may_replace()
        if reason:
            show_error(self.widget, reason)
            return
        source = self.choose_backup_source(self.widget, history.backups_dir())
        if source is None:
            return

        def check(_progress: Callable[[int, int], None], _cancel: threading.Event) -> BackupInfo:
            return inspect(source)

        self._start(self.tr("Checking the backup…"), check, self._confirm_restore, cancellable=False)

    def _confirm_restore(self, info: BackupInfo) -> None:
        newest = local_time(info.newest) if info.newest else self.tr("no messages")
        question = self.tr(
            "Replace the current history with this backup? It holds %1 messages in %2 campaigns; the "
            "newest was written %3. The current history is kept in the backups folder first."
        ).replace("%1", number(info.messages)).replace("%2", number(info.campaigns)).replace("%3", newest)
        if not self.ask(self.widget, self.tr("Restore history?"), question):
            return
        reason = self.may_replace()
        if reason:
            show_error(self.widget, reason)
            return
        self.pause_readers()
        database = self.database
        source = info.path

        def job(progress: Callable[[int, int], None], _cancel: threading.Event) -> history.Restored:
            with Store.open(database) as writer:
                return history.restore_history(writer.conn, source, progress=progress)

        self._start(self.tr("Restoring the history…"), job, self._restored, cancellable=False)

    def _restored(self, restored: history.Restored) -> None:
        self.history_replaced.emit()
        self.status_message.emit(
            self.tr("History restored (%1 messages). The previous history was kept in %2.")
            .replace("%1", number(restored.info.messages)).replace("%2", str(restored.previous))
        )

    # -- archive ---------------------------------------------------------------------------------

    def archive(self) -> None:
        if self.is_busy():
            return
        before = self.choose_archive_date(self.widget, date.today() - timedelta(days=365))
        if before is None:
            return
        plan = history.archive_preview(self.store.conn, before)
        if not plan.campaign_ids:
            show_error(
                self.widget,
                self.tr("No finished campaign was written before %1; nothing to archive.").replace("%1", day(before)),
            )
            return
        target = history.suggested_archive(before)
        question = self.tr(
            "Move %1 finished campaigns (%2 messages) written before %3 out of the history, into the "
            "archive file %4? They no longer appear in the send log; the archive can be restored or "
            "exported later."
        ).replace("%1", number(len(plan.campaign_ids))).replace("%2", number(plan.messages))
        question = question.replace("%3", day(before)).replace("%4", str(target))
        if not self.ask(self.widget, self.tr("Archive old history?"), question):
            return
        database = self.database

        def job(progress: Callable[[int, int], None], cancel: threading.Event) -> ArchiveResult | None:
            try:
                return history.archive_history(database, before, target, progress=progress, cancel=cancel)
            except BackupCancelled:
                return None

        self._start(self.tr("Archiving old campaigns…"), job, self._archived)

    def _archived(self, result: ArchiveResult | None) -> None:
        if result is None:
            self.status_message.emit(self.tr("Archiving cancelled; nothing was moved."))
            return
        self.history_replaced.emit()
        self.status_message.emit(
            self.tr("%1 campaigns (%2 messages) moved to %3.")
            .replace("%1", number(result.campaigns)).replace("%2", number(result.messages)).replace("%3", str(result.path))
        )


class ArchiveDateDialog(QDialog):
    def __init__(self, parent: QWidget | None, suggested: date) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Archive old history"))
        explanation = QLabel(
            self.tr("Finished campaigns written before this day move to an archive file, "
                    "which keeps them safe and makes the history smaller.")
        )
        explanation.setWordWrap(True)
        self.day = QDateEdit(QDate(suggested.year, suggested.month, suggested.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setMaximumDate(QDate.currentDate())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.day)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: date) -> date | None:
        dialog = cls(parent, suggested)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        chosen = dialog.day.date()
        return date(chosen.year(), chosen.month(), chosen.day())
