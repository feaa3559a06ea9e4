"""Fetching customers' replies on a thread of its own, with its own database connection."""

from __future__ import annotations

import logging
import threading
import traceback
import weakref
from pathlib import Path

from PySide6.QtCore import Signal, Slot

from smsdesk.engine.replies import ReplyPoller
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.worker.poller_thread import PollerThread

log = logging.getLogger("smsdesk.worker.replies")

_running: weakref.WeakSet[ReplyPollerWorker] = weakref.WeakSet()


def check_replies_now() -> None:
    """Every running poller asks its providers now (e.g. the owner just answered as a Sandbox customer)."""
    for worker in list(_running):
        worker.check_now()


class ReplyPollerWorker(PollerThread):
    """Runs :class:`ReplyPoller` rounds until stopped; the poller sets its own pace.

    Signals: ``round_done(new, opted_out)`` after a round that recorded replies (how many, and
    how many numbers opted out); ``checked(failing)`` after every round, with the problems of
    the accounts that still cannot be asked, one a line; ``problem(message)`` when an account
    could not be asked (said once while it lasts); ``crashed(details)`` on a bug.
    """

    round_done = Signal(int, int)
    checked = Signal(str)
    problem = Signal(str)
    crashed = Signal(str)

    def __init__(self, database: Path) -> None:
        super().__init__(database, "reply-poller")
        self._now = threading.Event()

    def start(self) -> None:
        _running.add(self)
        super().start()

    def check_now(self) -> None:
        """Ask every account now, without waiting for its turn."""
        self._now.set()
        self._wake.set()

    def stop(self) -> None:
        _running.discard(self)
        super().stop()

    @Slot()
    def run(self) -> None:
        try:
            with Store.open(self.database) as store, ReplyPoller(store) as poller:
                while not self.cancel.is_set():
                    self._wake.clear()
                    if self._now.is_set():
                        self._now.clear()
                        poller.ask_everything_now()
                    result = poller.run_round()
                    for text in result.problems:
                        self.problem.emit(text)
                    if result.new:
                        self.round_done.emit(result.new, len(result.opted_out))
                    self.checked.emit("\n".join(result.failing))
                    self._wake.wait(result.next_round_in)
        except UserFacingError as exc:
            self.problem.emit(str(exc))
        except Exception:
            log.exception("fetching replies failed")
            self.crashed.emit(traceback.format_exc())
        finally:
            self._thread.quit()
