"""The campaign being sent: progress, rate, time left, and pausing, resuming or cancelling it."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.formatting import date_time, number, time_of_day
from smsdesk.storage import Store

if TYPE_CHECKING:
    from smsdesk.worker.send_worker import ProgressSnapshot, SendWorker


def _duration(seconds: float) -> tuple[int, int, int]:
    whole = max(0, round(seconds))
    return whole // 3600, (whole % 3600) // 60, whole % 60


class SendProgressPanel(QWidget):
    """Runs one campaign at a time on a :class:`SendWorker` and shows how it goes.

    Campaigns started while another is sending wait their turn.  Signals: ``changed()`` when
    messages in the log changed state; ``status_message(text)`` for the window's status bar.
    """

    changed = Signal()
    status_message = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.worker: SendWorker | None = None
        self.campaign_id: int | None = None
        self.account: str | None = None
        self.waiting: deque[tuple[int, str]] = deque()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel(self.tr("Messages you send appear here with their delivery state."))
        self.status.setObjectName("sendStatus")
        self.status.setWordWrap(True)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Stop after the requests on their way; the rest stays queued."))
        self.pause_button.clicked.connect(self.pause_clicked)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(self.resume_clicked)
        self.cancel_button = QPushButton(self.tr("Cancel campaign"))
        self.cancel_button.setToolTip(self.tr("Send nothing more of this campaign."))
        self.cancel_button.clicked.connect(self.cancel_clicked)
        self.doubt_button = QPushButton(self.tr("Messages in doubt…"))
        self.doubt_button.setToolTip(self.tr("Decide about messages that may or may not have been sent."))
        self.doubt_button.clicked.connect(self.doubt_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status, 1)
        layout.addWidget(self.progress, 1)
        for button in (self.pause_button, self.resume_button, self.cancel_button, self.doubt_button):
            button.hide()
            layout.addWidget(button)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, question: str) -> bool:
        """A yes/no question; tests replace this to answer without a modal dialog."""
        answer = QMessageBox.question(parent, title, question)
        return answer == QMessageBox.StandardButton.Yes

    def is_sending(self) -> bool:
        return self.worker is not None

    # -- starting -------------------------------------------------------------------------

    def start_campaign(self, campaign_id: int, account: str) -> None:
        """Send the campaign now, after the one being sent, or at its scheduled time."""
        if self.worker is not None:
            if campaign_id != self.campaign_id and (campaign_id, account) not in self.waiting:
                self.waiting.append((campaign_id, account))
                self._say(self.tr("The campaign will start when the one being sent is done."))
            return
        info = self.store.journal.campaign(campaign_id)
        if info.state == "scheduled" and info.send_at is not None and info.send_at > datetime.now(UTC):
            self.campaign_id, self.account = campaign_id, account
            self._show_buttons(cancel=True)
            when = date_time(info.send_at)
            self._say(
                self.tr("Scheduled for %1. smsdesk sends it then if it is running, "
                        "or asks when it starts next.").replace("%1", when)
            )
            self.changed.emit()
            return
        from smsdesk.worker.send_worker import SendWorker

        worker = SendWorker(campaign_id, account, database=self.store.journal.database_path())
        worker.progress.connect(self._progress)
        worker.sent.connect(self._sent)
        worker.reports_changed.connect(self._reports_changed)
        worker.finished.connect(self._finished)
        worker.failed.connect(self._failed)
        worker.crashed.connect(self._crashed)
        self.worker = worker
        self.campaign_id, self.account = campaign_id, account
        self.progress.setRange(0, 0)
        self.progress.show()
        self._show_buttons(pause=True, cancel=True)
        self.status.setText(self.tr("Sending…"))
        self.changed.emit()
        worker.start()

    # -- what the worker says -------------------------------------------------------------

    def _from_current_worker(self) -> bool:
        """Signals of a worker already replaced (stopped, then a new campaign started before its
        last signals were delivered) must not touch the new one."""
        return self.worker is not None and self.sender() is self.worker

    def _progress(self, p: ProgressSnapshot) -> None:
        if not self._from_current_worker():
            return
        self.progress.setRange(0, max(p.total, 1))
        self.progress.setValue(min(p.done, max(p.total, 1)))
        if p.waiting_until is not None:
            text = self.tr("Waiting until %1 (quiet hours or a per-number limit) · %2 of %3 done")
            text = text.replace("%1", time_of_day(p.waiting_until))
            self.status.setText(text.replace("%2", number(p.done)).replace("%3", number(p.total)))
        else:
            self.status.setText(self.describe(p))
        self.changed.emit()

    def describe(self, p: ProgressSnapshot) -> str:
        text = self.tr("Sending: %1 of %2 · %3 accepted · %4 refused")
        text = text.replace("%1", number(p.done)).replace("%2", number(p.total))
        text = text.replace("%3", number(p.accepted)).replace("%4", number(p.failed))
        if p.in_doubt:
            text += " · " + self.tr("%1 in doubt").replace("%1", number(p.in_doubt))
        if p.skipped:
            text += " · " + self.tr("%1 skipped").replace("%1", number(p.skipped))
        if p.rate > 0:
            text += " · " + self.tr("%1/s").replace("%1", f"{p.rate:.0f}" if p.rate >= 10 else f"{p.rate:.1f}")
        if p.eta_seconds is not None and p.done < p.total:
            hours, minutes, seconds = _duration(p.eta_seconds)
            if hours:
                left = self.tr("about %1 h %2 min left").replace("%1", str(hours)).replace("%2", str(minutes))
            elif minutes:
                left = self.tr("about %1 min %2 s left").replace("%1", str(minutes)).replace("%2", str(seconds))
            else:
                left = self.tr("about %1 s left").replace("%1", str(seconds))
            text += " · " + left
        return text

    def _reports_changed(self) -> None:
        self.changed.emit()

    def _sent(self, state: str, note: str) -> None:
        if not self._from_current_worker():
            return
        if state == "sent":
            self._show_buttons()
            self.status.setText(self.tr("All messages handed to the provider. Waiting for delivery reports…"))
        elif state == "cancelled":
            self._show_buttons()
            self.status.setText(self.tr("Cancelled: the messages not yet sent will not be sent."))
        else:
            self._show_buttons(resume=True, cancel=True)
            self.status.setText(note or self.tr("Paused. The messages not yet sent stay queued."))
        self.changed.emit()

    def _finished(self) -> None:
        if not self._from_current_worker():
            return
        state = self._cleanup()
        counts = self.store.journal.campaign_counts(self.campaign_id) if self.campaign_id is not None else {}
        if state in ("paused", "waiting"):
            self._show_buttons(resume=True, cancel=True, doubt=counts.get("in_doubt", 0) > 0)
        else:
            message = self.tr("Done: %1 delivered, %2 failed, %3 waiting for a report.")
            message = message.replace("%1", number(counts.get('delivered', 0)))
            message = message.replace("%2", number(counts.get('failed', 0))).replace("%3", number(counts.get('sent', 0)))
            if counts.get("in_doubt", 0):
                message += " " + self.tr("%1 in doubt: decide whether to send them again.").replace(
                    "%1", number(counts['in_doubt'])
                )
            self.status.setText(message)
            self.status_message.emit(message)
            self._show_buttons(doubt=counts.get("in_doubt", 0) > 0)
        self.changed.emit()
        self._next()

    def _failed(self, message: str) -> None:
        if not self._from_current_worker():
            return
        self._cleanup()
        self._show_buttons(resume=True)
        self.status.setText(message)
        show_error(self, message)
        self._next()

    def _crashed(self, details: str) -> None:
        if not self._from_current_worker():
            return
        self._cleanup()
        self._show_buttons(resume=True)
        show_crash(self, details)
        self._next()

    def _cleanup(self) -> str:
        """Forget the finished worker; returns the campaign's state."""
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
        self.progress.hide()
        if self.campaign_id is None:
            return ""
        return self.store.journal.campaign(self.campaign_id).state

    def _next(self) -> None:
        if self.waiting and self.worker is None:
            campaign_id, account = self.waiting.popleft()
            self.start_campaign(campaign_id, account)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status_message.emit(text)

    def _show_buttons(
        self, *, pause: bool = False, resume: bool = False, cancel: bool = False, doubt: bool = False
    ) -> None:
        self.pause_button.setVisible(pause)
        self.resume_button.setVisible(resume)
        self.cancel_button.setVisible(cancel)
        self.doubt_button.setVisible(doubt)

    # -- the owner's buttons --------------------------------------------------------------

    def pause_clicked(self) -> None:
        if self.worker is not None:
            self.worker.pause()
            self.pause_button.hide()
            self.status.setText(self.tr("Pausing after the requests on their way…"))

    def resume_clicked(self) -> None:
        if self.campaign_id is not None and self.account is not None and self.worker is None:
            self.store.journal.reschedule(self.campaign_id, None)
            self.start_campaign(self.campaign_id, self.account)

    def cancel_clicked(self) -> None:
        if self.campaign_id is None:
            return
        if not self.ask(
            self, self.tr("Cancel the campaign?"),
            self.tr("Nothing more of this campaign will be sent. Messages already sent are not affected."),
        ):
            return
        if self.worker is not None:
            self.worker.cancel_campaign()
            self.pause_button.hide()
            self.status.setText(self.tr("Cancelling after the requests on their way…"))
            return
        from smsdesk.engine.campaign_control import cancel_campaign

        skipped = cancel_campaign(self.store, self.campaign_id)
        self._show_buttons(doubt=self.store.journal.campaign_counts(self.campaign_id).get("in_doubt", 0) > 0)
        self._say(self.tr("Cancelled: %1 messages will not be sent.").replace("%1", number(skipped)))
        self.changed.emit()

    def doubt_clicked(self) -> None:
        """Look the messages in doubt up at the provider (off this thread), then ask the owner."""
        if self.campaign_id is None or self.account is None:
            return
        from smsdesk.gui.campaign_in_doubt import InDoubtReview

        review = InDoubtReview(self, self.store, self.campaign_id)
        review.status.connect(self._doubt_status)
        review.decided.connect(self._doubt_decided)
        self.doubt_review = review
        review.start()

    def _doubt_status(self, text: str) -> None:
        self._say(text)
        self.changed.emit()
        if self.campaign_id is not None:
            self.doubt_button.setVisible(self.store.journal.campaign_counts(self.campaign_id).get("in_doubt", 0) > 0)

    def _doubt_decided(self, send_again: bool, changed: int) -> None:
        self.doubt_button.hide()
        self.changed.emit()
        if send_again and self.campaign_id is not None and self.account is not None:
            self.start_campaign(self.campaign_id, self.account)
        elif not send_again:
            self._say(self.tr("The messages in doubt will not be sent again."))

    # -- closing --------------------------------------------------------------------------

    def confirm_stop(self) -> bool:
        return self.ask(
            self, self.tr("Stop sending?"),
            self.tr("A campaign is being sent. Stop it? Messages not yet sent stay queued; "
                    "smsdesk offers to resume them when it starts next."),
        )

    def stop(self) -> None:
        """Pause the campaign being sent and wait until its requests on their way are answered."""
        self.waiting.clear()
        if self.worker is not None:
            self.worker.stop()
            self.worker = None
