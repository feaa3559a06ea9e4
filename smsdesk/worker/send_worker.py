"""Sending a campaign on its own thread, with its own database connection."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QObject, QThread, Signal, Slot

from smsdesk.core.sending import SendProgress
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store

log = logging.getLogger("smsdesk.worker.send")

PROGRESS_INTERVAL = 0.1
"""Seconds between progress signals: often enough to look live, rarely enough to cost nothing."""


@dataclass(frozen=True)
class ProgressSnapshot:
    """What the progress panel shows; built on the worker thread, read on the GUI thread."""

    done: int
    total: int
    accepted: int
    failed: int
    in_doubt: int
    skipped: int
    rate: float
    eta_seconds: float | None
    waiting_until: datetime | None

    @classmethod
    def of(cls, p: SendProgress) -> ProgressSnapshot:
        return cls(p.done, p.total, p.accepted, p.failed, p.in_doubt, p.skipped, p.rate, p.eta_seconds,
                   p.waiting_until)


class SendWorker(QObject):
    """Sends one campaign, then waits (at most ``report_wait`` seconds) for its delivery reports.

    Signals: ``progress(snapshot)`` with a :class:`ProgressSnapshot`, at most every
    ``PROGRESS_INTERVAL`` seconds; ``sent(state, note)`` when sending stopped: ``state`` is
    ``sent`` (every message has an answer), ``paused``, ``waiting`` or ``cancelled`` and ``note``
    says why in words; ``reports_changed()`` whenever delivery reports moved messages;
    ``finished()`` when the worker is done, reports included; ``failed(message)`` on a known
    failure; ``crashed(details)`` on a bug.
    """

    progress = Signal(object)
    sent = Signal(str, str)
    reports_changed = Signal()
    finished = Signal()
    failed = Signal(str)
    crashed = Signal(str)

    def __init__(
        self, campaign_id: int, account_name: str, report_wait: float = 60.0, max_wait: float = float("inf")
    ) -> None:
        super().__init__()
        self.campaign_id = campaign_id
        self.account_name = account_name
        self.report_wait = report_wait
        self.max_wait = max_wait
        self.cancel = threading.Event()
        self.discard = False
        """Set with :meth:`cancel_campaign`: what is still queued is skipped, not kept."""
        self._last_emit = 0.0
        self._thread = QThread()
        self._thread.setObjectName("send-worker")
        self.moveToThread(self._thread)
        self._thread.started.connect(self.run)

    def start(self) -> None:
        self._thread.start()

    def pause(self) -> None:
        """Stop after the requests in flight; what is queued stays queued for a resume."""
        self.cancel.set()

    def cancel_campaign(self) -> None:
        """Stop after the requests in flight and skip everything not yet sent."""
        self.discard = True
        self.cancel.set()

    def stop(self) -> None:
        """Pause and wait for the thread: the requests in flight get their answers recorded."""
        self.cancel.set()
        self._thread.quit()
        self._thread.wait()

    def _emit_progress(self, p: SendProgress) -> None:
        now = time.monotonic()
        if now - self._last_emit >= PROGRESS_INTERVAL or p.done >= p.total or p.waiting_until is not None:
            self._last_emit = now
            self.progress.emit(ProgressSnapshot.of(p))

    @Slot()
    def run(self) -> None:
        from smsdesk.engine.campaign_control import (
            cancel_campaign,
            send_campaign,
            wait_for_campaign_reports,
        )
        from smsdesk.engine.providers import open_provider

        try:
            with Store.open(durable=True) as store:
                account = store.accounts.get(self.account_name)
                provider = open_provider(account)
                try:
                    outcome = send_campaign(
                        store, provider, account, self.campaign_id,
                        on_progress=self._emit_progress, cancel=self.cancel, max_wait=self.max_wait,
                    )
                    self.progress.emit(ProgressSnapshot.of(outcome.result.progress))
                    state, note = outcome.state, outcome.note
                    if self.discard:
                        cancel_campaign(store, self.campaign_id)
                        state = "cancelled"
                    self.reports_changed.emit()
                    self.sent.emit(state, note)
                    if state == "sent" and not self.cancel.is_set() and self.report_wait > 0:
                        wait_for_campaign_reports(
                            store, provider, account, self.campaign_id, timeout=self.report_wait,
                            cancel=self.cancel, on_change=lambda _n: self.reports_changed.emit(),
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
