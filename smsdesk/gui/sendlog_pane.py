"""Send log: every message and what became of it, live while a campaign runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.states import MessageState, state_label
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.models import LogModel
from smsdesk.storage import Store
from smsdesk.storage.journal import LogFilter

if TYPE_CHECKING:
    from smsdesk.worker.send_worker import SendWorker


class SendLogPane(QWidget):
    """Signals: ``status_message(text)`` for the window's status bar."""

    status_message = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.worker: SendWorker | None = None

        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel(self.tr("Messages you send appear here with their delivery state."))
        self.status.setObjectName("sendStatus")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton(self.tr("Stop sending"))
        self.stop_button.hide()
        self.stop_button.clicked.connect(self._stop_clicked)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.progress, 1)
        top.addWidget(self.stop_button)

        self.state_filter = QComboBox()
        self.state_filter.addItem(self.tr("All states"), None)
        for state in MessageState:
            self.state_filter.addItem(state_label(state), state.value)
        self.state_filter.currentIndexChanged.connect(self.apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search number, name or text"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.apply_filter)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.phone_button = QPushButton(self.tr("View as recipient"))
        self.phone_button.setToolTip(self.tr("See what the Sandbox delivered, as the customer's phone shows it."))
        self.phone_button.clicked.connect(self.show_sandbox_phone)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.state_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.phone_button)

        self.model = LogModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 170, 90, 130, 100, 80, 45, 170, 320)):
            self.table.setColumnWidth(column, width)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.apply_filter()

    def apply_filter(self) -> None:
        state = self.state_filter.currentData()
        self.model.set_filter(LogFilter(state=state, search=self.search.text().strip()))
        self._update_count()

    def refresh(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("%1 messages").replace("%1", str(self.model.total)))

    # -- a running campaign ---------------------------------------------------------------

    def is_sending(self) -> bool:
        return self.worker is not None

    def start_campaign(self, campaign_id: int, account: str) -> None:
        if self.worker is not None:
            show_error(self, self.tr("A campaign is already being sent; wait for it to finish."))
            return
        from smsdesk.worker.send_worker import SendWorker

        worker = SendWorker(campaign_id, account)
        worker.progress.connect(self._progress)
        worker.sent.connect(self._sent)
        worker.reports_changed.connect(self.refresh)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.crashed.connect(self._crashed)
        self.worker = worker
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stop_button.show()
        self.status.setText(self.tr("Sending…"))
        self.refresh()
        worker.start()

    def _progress(self, done: int, total: int, accepted: int, failed: int, rate: float) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        remaining = (total - done) / rate if rate > 0 else 0
        text = self.tr("Sending: %1 of %2 · %3 accepted · %4 refused · %5/s · about %6 s left")
        for n, value in enumerate((done, total, accepted, failed, f"{rate:.0f}", f"{remaining:.0f}"), 1):
            text = text.replace(f"%{n}", str(value))
        self.status.setText(text)
        self.refresh()

    def _sent(self, paused_reason: str) -> None:
        self.stop_button.hide()
        if paused_reason:
            self.status.setText(paused_reason)
        else:
            self.status.setText(self.tr("All messages handed to the provider. Waiting for delivery reports…"))
        self.refresh()

    def _finished(self) -> None:
        self._cleanup()
        counts: dict[str, int] = {}
        for state in MessageState:
            counts[state.value] = self.store.journal.log_count(LogFilter(state=state.value))
        message = self.tr("Done: %1 delivered, %2 failed, %3 waiting for a report.")
        message = message.replace("%1", str(counts["delivered"])).replace("%2", str(counts["failed"]))
        message = message.replace("%3", str(counts["sent"]))
        self.status.setText(message)
        self.status_message.emit(message)
        self.refresh()

    def _failed(self, message: str) -> None:
        self._cleanup()
        self.status.setText(message)
        show_error(self, message)

    def _crashed(self, details: str) -> None:
        self._cleanup()
        show_crash(self, details)

    def _cleanup(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self.progress.hide()
        self.stop_button.hide()

    def _stop_clicked(self) -> None:
        if self.worker is not None:
            self.worker.cancel.set()
            self.status.setText(self.tr("Stopping after the request in flight…"))

    def confirm_stop(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Stop sending?"),
            self.tr("A campaign is being sent. Stop it? Messages not yet sent stay queued and can be resumed."),
        )
        return answer == QMessageBox.StandardButton.Yes

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.worker = None

    def show_sandbox_phone(self) -> None:
        from smsdesk.gui.sandbox_phone import SandboxPhoneDialog

        SandboxPhoneDialog.show_for(self, self.store)
