"""Send log: every message and what became of it, live while a campaign runs."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.engine.history import history_warning
from smsdesk.engine.reports import GIVE_UP_AFTER
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.formatting import number
from smsdesk.gui.log_filters import LogFilterBar
from smsdesk.gui.log_history import HistoryActions
from smsdesk.gui.models import LogModel
from smsdesk.gui.send_progress import SendProgressPanel
from smsdesk.storage import Store
from smsdesk.storage.backup import database_file
from smsdesk.storage.log import LogFilter
from smsdesk.storage.reports import ReportBook
from smsdesk.worker.tasks import BackgroundTask

if TYPE_CHECKING:
    from smsdesk.gui.campaign_view import CampaignView
    from smsdesk.worker.report_poller import ReportPollerWorker

REFRESH_PAUSE_MS = 400
"""Live updates while sending are gathered and shown at most this often."""
POLL_NUDGE_MS = 5000
COLUMN_WIDTHS = (140, 120, 120, 70, 70, 130, 320, 40, 110, 180, 140, 90, 160)
WARNING_STYLE = "background: #fff4ce; color: #5c4400; border: 1px solid #e0c060; border-radius: 4px; padding: 6px;"
EXPORT_FILTER = "Excel (*.xlsx);;CSV (*.csv)"


class SendLogPane(QWidget):
    """Signals: ``status_message(text)`` for the window's status bar; ``history_replaced()``
    after a restore or an archive, so other panes read the database again."""

    status_message = Signal(str)
    history_replaced = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._stopped = False
        self.poller: ReportPollerWorker | None = None
        self._poll_again = False
        self.export_task: BackgroundTask | None = None
        self._export_progress: QProgressDialog | None = None
        self.campaign_views: dict[int, CampaignView] = {}

        self.sending = SendProgressPanel(store)
        self.sending.changed.connect(self._sending_changed)
        self.sending.status_message.connect(self.status_message)

        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(WARNING_STYLE)
        self.warning.hide()
        self.filters = LogFilterBar(store)
        self.filters.changed.connect(self.apply_filter)

        self.count = QLabel()
        self.count.setObjectName("logCount")
        self.campaign_button = QPushButton(self.tr("Campaign report…"))
        self.campaign_button.setToolTip(self.tr("Totals, cost, delivery over time and failures of the chosen campaign."))
        self.campaign_button.clicked.connect(lambda: self.open_campaign_view())
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the messages shown, all of them, as an Excel or CSV file."))
        self.export_button.clicked.connect(self.export_clicked)
        self.refresh_button = QPushButton(self.tr("Refresh now"))
        self.refresh_button.setToolTip(self.tr("Show the latest messages and ask the providers for delivery reports now."))
        self.refresh_button.clicked.connect(self.refresh_now)
        self.phone_button = QPushButton(self.tr("View as recipient"))
        self.phone_button.setToolTip(self.tr("See what the Sandbox delivered, as the customer's phone shows it."))
        self.phone_button.clicked.connect(self.show_sandbox_phone)
        actions = QHBoxLayout()
        actions.addWidget(self.filters.search, 1)
        actions.addWidget(self.count)
        for button in (self.campaign_button, self.export_button, self.refresh_button, self.phone_button):
            actions.addWidget(button)

        self.model = LogModel(store, self)
        self.model.total_changed.connect(self._update_count)
        self.model.loading_changed.connect(lambda _loading: self._update_count())
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.doubleClicked.connect(self._row_double_clicked)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)

        self.reports_status = QLabel()
        self.reports_status.setObjectName("reportsStatus")
        self.reports_status.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sending)
        layout.addWidget(self.warning)
        layout.addWidget(self.filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.reports_status)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_PAUSE_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        # While sending, the poller is told about new messages at most this often.
        self._poll_nudge = QTimer(self)
        self._poll_nudge.setSingleShot(True)
        self._poll_nudge.setInterval(POLL_NUDGE_MS)
        self._poll_nudge.timeout.connect(self.ensure_polling)

        self.history = HistoryActions(self, store, may_replace=self._why_not_replace, pause_readers=self.stop_polling)
        self.history.status_message.connect(self.status_message)
        self.history.history_replaced.connect(self._history_replaced)

        self.check_location()
        self.apply_filter()
        self.ensure_polling()

    # -- filtering ---------------------------------------------------------------------------

    def apply_filter(self) -> None:
        self.model.set_filter(self.filters.current())
        self._update_count()

    def refresh(self) -> None:
        self.model.refresh()
        self._update_count()
        for view in list(self.campaign_views.values()):
            view.refresh()

    def request_refresh(self) -> None:
        if not self._stopped and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def refresh_now(self) -> None:
        self.filters.reload_choices()
        self.model.reload()
        self._update_count()
        if self.poller is not None and self.poller.is_running():
            self.poller.refresh_now()
        else:
            self.ensure_polling(ask_all=True)

    def _update_count(self) -> None:
        total = self.model.total
        if self.model.loading:
            self.count.setText(self.tr("Searching every message…"))
        elif total is None:
            self.count.setText(self.tr("%1+ messages (counting…)").replace("%1", number(self.model.rowCount())))
        else:
            self.count.setText(self.tr("%1 messages").replace("%1", number(total)))

    def _sending_changed(self) -> None:
        self.request_refresh()
        if not self._poll_nudge.isActive():
            self._poll_nudge.start()

    def _row_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_campaign_view(self.model.row(index.row()).campaign_id)

    def current_campaign(self) -> int | None:
        chosen = self.filters.campaign.currentData()
        if chosen is not None:
            return int(chosen)
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.row(rows[0].row()).campaign_id
        if self.model.rowCount():
            return self.model.row(0).campaign_id
        return None

    # -- the campaign view -------------------------------------------------------------------

    def open_campaign_view(self, campaign_id: int | None = None) -> CampaignView | None:
        from smsdesk.gui.campaign_view import CampaignView

        chosen = campaign_id if campaign_id is not None else self.current_campaign()
        if chosen is None:
            show_error(self, self.tr("No campaign has been sent yet."))
            return None
        view = self.campaign_views.get(chosen)
        if view is None:
            view = CampaignView(self.store, chosen, self)
            view.show_in_log.connect(self.filters.show_campaign)
            view.export_requested.connect(self.export)
            view.retry_started.connect(self._retry_started)
            view.finished.connect(lambda _result, c=chosen: self.campaign_views.pop(c, None))
            self.campaign_views[chosen] = view
        view.show()
        view.raise_()
        return view

    def _retry_started(self, campaign_id: int, account: str) -> None:
        self.filters.reload_choices()
        self.start_campaign(campaign_id, account)

    # -- export ------------------------------------------------------------------------------

    @classmethod
    def choose_export_file(cls, parent: QWidget, suggested: str) -> Path | None:
        """The file to export to; tests replace this."""
        from smsdesk import paths

        start = Path.home() if Path.home().is_dir() else paths.data_dir()
        title = QCoreApplication.translate("SendLogPane", "Export send log")
        name, chosen_filter = QFileDialog.getSaveFileName(parent, title, str(start / f"{suggested}.xlsx"), EXPORT_FILTER)
        if not name:
            return None
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".csv" if "csv" in chosen_filter.lower() else ".xlsx")
        return path

    def export_clicked(self) -> None:
        self.export(self.model.filter, self.tr("send log"))

    def export(self, f: LogFilter, suggested: str) -> None:
        if self.export_task is not None:
            show_error(self, self.tr("An export is already running; wait for it to finish."))
            return
        target = self.choose_export_file(self, suggested)
        if target is None:
            return
        database = database_file(self.store.conn)

        def job(progress: Callable[[int, int], None], cancel: threading.Event) -> tuple[int, Path] | None:
            from smsdesk.engine.export import ExportCancelled, export_log

            with Store.open(database) as store:
                try:
                    return export_log(store.log, f, target, progress=progress, cancel=cancel), target
                except ExportCancelled:
                    return None

        progress = QProgressDialog(self.tr("Exporting %1…").replace("%1", target.name), self.tr("Cancel"), 0, 0, self)
        progress.setWindowTitle(self.tr("Export"))
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        task = BackgroundTask(job)
        progress.canceled.connect(task.cancel.set)
        task.signals.progress.connect(lambda done, total: _show_progress(progress, done, total))
        task.signals.succeeded.connect(self._exported)
        task.signals.failed.connect(self._export_failed)
        task.signals.crashed.connect(self._export_crashed)
        self._export_progress = progress
        self.export_task = task.start()
        self.export_button.setEnabled(False)

    def _export_done(self) -> None:
        self.export_task = None
        self.export_button.setEnabled(True)
        if self._export_progress is not None:
            self._export_progress.close()
            self._export_progress.deleteLater()
            self._export_progress = None

    def _exported(self, result: tuple[int, Path] | None) -> None:
        self._export_done()
        if result is None:
            self.status_message.emit(self.tr("Export cancelled; no file was written."))
            return
        count, target = result
        self.status_message.emit(self.tr("Exported %1 messages to %2").replace("%1", number(count)).replace("%2", str(target)))

    def _export_failed(self, message: str) -> None:
        self._export_done()
        show_error(self, message)

    def _export_crashed(self, details: str) -> None:
        self._export_done()
        show_crash(self, details)

    # -- delivery reports --------------------------------------------------------------------

    def ensure_polling(self, *, ask_all: bool = False) -> None:
        """Ask providers for reports while any message waits for one (the poller stops itself)."""
        if self._stopped:
            return
        if self.poller is not None:
            self._poll_again = True
            self.poller.wake()
            return
        book = ReportBook(self.store.conn)
        floor = book.first_id_since(datetime.now(UTC) - GIVE_UP_AFTER)
        if floor is None or not book.accounts_waiting(floor):
            self._show_idle_status()
            return
        from smsdesk.worker.report_poller import ReportPollerWorker

        poller = ReportPollerWorker(database_file(self.store.conn))
        poller.round_done.connect(self._reports_round)
        poller.problem.connect(self._reports_problem)
        poller.finished.connect(self._polling_finished)
        poller.crashed.connect(self._polling_crashed)
        self.poller = poller
        self._poll_again = False
        if ask_all:
            poller.refresh_now()
        self.reports_status.setText(self.tr("Asking the providers for delivery reports…"))
        poller.start()

    def _reports_round(self, changed: int, waiting: int, next_in: float) -> None:
        if changed:
            self.request_refresh()
        if waiting == 0:
            self._show_idle_status()
        else:
            text = self.tr("%1 messages wait for a delivery report; next check in %2 s.")
            self.reports_status.setText(text.replace("%1", number(waiting)).replace("%2", f"{max(next_in, 0):.0f}"))

    def _show_idle_status(self) -> None:
        unreported = ReportBook(self.store.conn).unreported_count()
        if unreported:
            text = self.tr("%1 messages never got a delivery report (sent over three days ago, or through a gateway that gives none).")
            self.reports_status.setText(text.replace("%1", number(unreported)))
        else:
            self.reports_status.setText(self.tr("Every delivery report is in."))

    def _reports_problem(self, message: str) -> None:
        self.reports_status.setText(message)
        self.status_message.emit(message)

    def _polling_finished(self) -> None:
        poller, self.poller = self.poller, None
        if poller is not None:
            poller.stop()
        if self._poll_again:
            self.ensure_polling()

    def _polling_crashed(self, details: str) -> None:
        self._poll_again = False
        self._polling_finished()
        show_crash(self, details)

    def stop_polling(self) -> None:
        poller, self.poller = self.poller, None
        self._poll_again = False
        if poller is not None:
            poller.stop()

    # -- history -----------------------------------------------------------------------------

    def check_location(self) -> None:
        warning = history_warning(database_file(self.store.conn))
        self.warning.setVisible(warning is not None)
        self.warning.setText(warning or "")

    def _why_not_replace(self) -> str | None:
        if self.is_sending():
            return self.tr("A campaign is being sent. Wait for it to finish or stop it first.")
        if self.export_task is not None:
            return self.tr("An export is running. Wait for it to finish first.")
        return None

    def _history_replaced(self) -> None:
        for view in list(self.campaign_views.values()):
            view.close()
        self.filters.reload_choices()
        self.apply_filter()
        self.ensure_polling()
        self.history_replaced.emit()

    # -- a running campaign ------------------------------------------------------------------

    def is_sending(self) -> bool:
        return self.sending.is_sending()

    def start_campaign(self, campaign_id: int, account: str) -> None:
        self.filters.reload_choices()
        self.sending.start_campaign(campaign_id, account)

    def confirm_stop(self) -> bool:
        return self.sending.confirm_stop()

    def stop(self) -> None:
        """The window closes: stop sending, polling and exporting, and any update still due."""
        self._stopped = True
        self.sending.stop()
        self._poll_nudge.stop()
        self._refresh_timer.stop()
        self.stop_polling()
        if self.export_task is not None:
            self.export_task.cancel.set()

    def show_sandbox_phone(self) -> None:
        from smsdesk.gui.sandbox_phone import SandboxPhoneDialog

        rows = self.table.selectionModel().selectedRows()
        number = self.model.row(rows[0].row()).phone if rows else None
        SandboxPhoneDialog.show_for(self, self.store, number)


def _show_progress(dialog: QProgressDialog, done: int, total: int) -> None:
    dialog.setMaximum(max(total, 1))
    dialog.setValue(min(done, max(total, 1)))
