"""The campaign being sent: progress, rate, time left, and stopping it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from smsdesk.core.states import MessageState
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.storage import Store
from smsdesk.storage.log import LogFilter

if TYPE_CHECKING:
    from smsdesk.worker.send_worker import SendWorker


class SendProgressPanel(QWidget):
    """Runs one campaign at a time on a :class:`SendWorker` and shows how it goes.

    Signals: ``changed()`` when messages in the log changed state; ``status_message(text)`` for
    the window's status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.worker: SendWorker | None = None
        self.campaign_id: int | None = None
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel(self.tr("Messages you send appear here with their delivery state."))
        self.status.setObjectName("sendStatus")
        self.status.setWordWrap(True)
        self.stop_button = QPushButton(self.tr("Stop sending"))
        self.stop_button.hide()
        self.stop_button.clicked.connect(self._stop_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.progress, 1)
        layout.addWidget(self.stop_button)

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
        worker.reports_changed.connect(self.changed)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.crashed.connect(self._crashed)
        self.worker = worker
        self.campaign_id = campaign_id
        self.progress.setRange(0, 0)
        self.progress.show()
        self.stop_button.show()
        self.status.setText(self.tr("Sending…"))
        self.changed.emit()
        worker.start()

    def _progress(self, done: int, total: int, accepted: int, failed: int, rate: float) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        remaining = (total - done) / rate if rate > 0 else 0
        text = self.tr("Sending: %1 of %2 · %3 accepted · %4 refused · %5/s · about %6 s left")
        for n, value in enumerate((done, total, accepted, failed, f"{rate:.0f}", f"{remaining:.0f}"), 1):
            text = text.replace(f"%{n}", str(value))
        self.status.setText(text)
        self.changed.emit()

    def _sent(self, paused_reason: str) -> None:
        self.stop_button.hide()
        if paused_reason:
            self.status.setText(paused_reason)
        else:
            self.status.setText(self.tr("All messages handed to the provider. Waiting for delivery reports…"))
        self.changed.emit()

    def _finished(self) -> None:
        self._cleanup()
        counts: dict[str, int] = {}
        for state in MessageState:
            counts[state.value] = self.store.log.count(LogFilter(campaign_id=self.campaign_id, state=state.value))
        message = self.tr("Done: %1 delivered, %2 failed, %3 waiting for a report.")
        message = message.replace("%1", str(counts["delivered"])).replace("%2", str(counts["failed"]))
        message = message.replace("%3", str(counts["sent"]))
        self.status.setText(message)
        self.status_message.emit(message)
        self.changed.emit()

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
