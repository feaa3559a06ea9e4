"""Running a short engine job off the GUI thread and getting its result back as a signal.

Modelled on the "run in background, call back on success" helpers of mature Qt apps: the job is
a plain callable, so the engine stays Qt-free; known failures arrive as their one translated
sentence, anything else goes to the crash handler through ``crashed``.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from smsdesk.errors import UserFacingError

log = logging.getLogger("smsdesk.worker")


class TaskSignals(QObject):
    """Signals: ``progress(done, total)``, ``succeeded(result)``, ``failed(message)``, ``crashed(details)``."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    crashed = Signal(str)


_running: set[BackgroundTask] = set()


class BackgroundTask(QRunnable):
    """``job(progress, cancel)`` run on the global thread pool.

    A started task keeps itself alive until it has reported, even if whoever started it is
    gone; its report then simply reaches no one.
    """

    def __init__(self, job: Callable[[Callable[[int, int], None], threading.Event], Any]) -> None:
        super().__init__()
        self.job = job
        self.signals = TaskSignals()
        self.cancel = threading.Event()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            try:
                result = self.job(self._progress, self.cancel)
            except UserFacingError as exc:
                self._emit(self.signals.failed, str(exc))
            except Exception:
                log.exception("background task failed")
                self._emit(self.signals.crashed, traceback.format_exc())
            else:
                self._emit(self.signals.succeeded, result)
        finally:
            _running.discard(self)

    def _progress(self, done: int, total: int) -> None:
        self._emit(self.signals.progress, done, total)

    @staticmethod
    def _emit(signal: Any, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            # The application is shutting down and took the signal's object with it.
            log.debug("report of a background task dropped at shutdown")

    def start(self) -> BackgroundTask:
        _running.add(self)
        QThreadPool.globalInstance().start(self)
        return self
