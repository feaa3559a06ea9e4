"""Sending a campaign on its own thread, with its own database connection."""

from __future__ import annotations

import logging
import threading
import traceback

from PySide6.QtCore import QObject, QThread, Signal, Slot

from smsdesk.core.sending import SendProgress
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store

log = logging.getLogger("smsdesk.worker.send")


class SendWorker(QObject):
    """Sends one campaign, then waits for its delivery reports.

    Signals: ``progress(done, total, accepted, failed, rate)`` while sending;
    ``sent(paused_reason)`` once every message has an answer (empty reason when all went out)
    or sending paused; ``reports_changed()`` whenever delivery reports moved messages;
    ``finished()`` when the worker is done, reports included; ``failed(message)`` on a known failure;
    ``crashed(details)`` on a bug.
    """

    progress = Signal(int, int, int, int, float)
    sent = Signal(str)
    reports_changed = Signal()
    finished = Signal()
    failed = Signal(str)
    crashed = Signal(str)

    def __init__(self, campaign_id: int, account_name: str, report_wait: float = 60.0) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.account_name = account_name
        self.report_wait = report_wait
        self.cancel = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName("send-worker")
        self.moveToThread(self._thread)
        self._thread.started.connect(self.run)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ask the worker to stop after the request in flight, and wait for it."""
        self.cancel.set()
        self._thread.quit()
        self._thread.wait()

    def _emit_progress(self, p: SendProgress) -> None:
        self.progress.emit(p.done, p.total, p.accepted, p.failed, p.rate)

    @Slot()
    def run(self) -> None:
        from smsdesk.engine.campaigns import send_campaign, wait_for_reports
        from smsdesk.engine.providers import open_provider

        try:
            with Store.open(durable=True) as store:
                account = store.accounts.get(self.account_name)
                provider = open_provider(account)
                try:
                    result = send_campaign(
                        store, provider, account, self.campaign_id,
                        on_progress=self._emit_progress, cancel=self.cancel,
                    )
                    self.reports_changed.emit()
                    self.sent.emit(result.paused_reason)
                    if not self.cancel.is_set() and self.report_wait > 0:
                        wait_for_reports(
                            store, provider, account, timeout=self.report_wait, cancel=self.cancel,
                            on_change=lambda _n: self.reports_changed.emit(),
                        )
                finally:
                    provider.close()
            self.finished.emit()
        except UserFacingError as exc:
            self.failed.emit(str(exc))
        except Exception:
            log.exception("sending campaign %s failed", self.campaign_id)
            self.crashed.emit(traceback.format_exc())
        finally:
            self._thread.quit()
