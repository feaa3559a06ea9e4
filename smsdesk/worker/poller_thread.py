"""The thread shape both pollers share: a worker object on a QThread of its own."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread


class PollerThread(QObject):
    """Runs :meth:`run` on its own thread, which opens its own database connection.

    ``run`` returns once ``cancel`` is set; setting ``_wake`` cuts its wait between rounds short.
    """

    def __init__(self, database: Path, thread_name: str) -> None:
        super().__init__()
        self.database = database
        self.cancel = threading.Event()
        self._wake = threading.Event()
        self._thread = QThread()
        self._thread.setObjectName(thread_name)
        self.moveToThread(self._thread)
        self._thread.started.connect(self.run)

    def run(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop after the request in flight, and wait for the thread to end."""
        self.cancel.set()
        self._wake.set()
        self._thread.quit()
        self._thread.wait()

    def is_running(self) -> bool:
        return self._thread.isRunning()
