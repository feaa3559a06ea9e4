"""Polling delivery reports on a thread of its own, with its own database connection."""

from __future__ import annotations

import logging
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import Signal, Slot

from smsdesk.engine.reports import ReportPoller, RoundResult
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.worker.poller_thread import PollerThread

log = logging.getLogger("smsdesk.worker.reports")


class ReportPollerWorker(PollerThread):
    """Runs :class:`ReportPoller` rounds until nothing waits for a report, then finishes.

    Signals: ``round_done(changed, waiting, next_in)`` after every round (``next_in`` is -1 when
    nothing is left to ask about); ``problem(message)`` for an account that could not be asked;
    ``finished()`` when the worker is done; ``crashed(details)`` on a bug.
    """

    round_done = Signal(int, int, float)
    problem = Signal(str)
    finished = Signal()
    crashed = Signal(str)

    def __init__(self, database: Path) -> None:
        super().__init__(database, "report-poller")
        self._ask_all = threading.Event()

    def refresh_now(self) -> None:
        """Ask about every waiting message now, without waiting for its turn."""
        self._ask_all.set()
        self._wake.set()

    def wake(self) -> None:
        """New messages may be waiting: look again now."""
        self._wake.set()

    def _report(self, result: RoundResult) -> None:
        for text in result.problems:
            self.problem.emit(text)
        next_in = -1.0 if result.next_round_in is None else result.next_round_in
        self.round_done.emit(result.changed, result.waiting, next_in)

    @Slot()
    def run(self) -> None:
        try:
            with Store.open(self.database) as store, ReportPoller(store, wait=self.cancel.wait) as poller:
                while not self.cancel.is_set():
                    self._wake.clear()
                    if self._ask_all.is_set():
                        self._ask_all.clear()
                        poller.ask_everything_now()
                    result = poller.run_round()
                    self._report(result)
                    if result.next_round_in is None and not self._wake.is_set():
                        break
                    self._wake.wait(result.next_round_in or 0.0)
            self.finished.emit()
        except UserFacingError as exc:
            self.problem.emit(str(exc))
            self.finished.emit()
        except Exception:
            log.exception("polling delivery reports failed")
            self.crashed.emit(traceback.format_exc())
        finally:
            self._thread.quit()
