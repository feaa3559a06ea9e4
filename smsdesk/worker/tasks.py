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


class BackgroundTask(QRunnable):
    """``job(progress, cancel)`` run on the global thread pool."""

    def __init__(self, job: Callable[[Callable[[int, int], None], threading.Event], Any]) -> None:
        super().__init__()
        self.job = job
        self.signals = TaskSignals()
        self.cancel = threading.Event()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.job(self.signals.progress.emit, self.cancel)
        except UserFacingError as exc:
            self.signals.failed.emit(str(exc))
        except Exception:
            log.exception("background task failed")
            self.signals.crashed.emit(traceback.format_exc())
        else:
            self.signals.succeeded.emit(result)

    def start(self) -> BackgroundTask:
        QThreadPool.globalInstance().start(self)
        return self
