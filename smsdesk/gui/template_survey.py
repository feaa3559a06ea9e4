"""Counting a whole list off the GUI thread, a moment after the owner stops typing.

Each request carries everything the count depends on; an answer is delivered only if nothing
was asked since, so a slow count of old text never overwrites a newer one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QObject, QTimer, Signal

from smsdesk.engine.templates import ListSurvey, survey_list
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from smsdesk.worker.tasks import BackgroundTask

DEBOUNCE_MS = 300


class SurveyRequest(NamedTuple):
    account: Account
    list_id: int
    source: str
    signature: str

    def key(self) -> tuple[object, ...]:
        a = self.account
        return (
            a.name,
            a.provider,
            a.price_per_segment,
            a.currency,
            self.list_id,
            self.source,
            self.signature,
        )


class ListSurveyor(QObject):
    """Signals: ``progress(done, total)``, ``finished(key, survey)`` for the latest request only
    (``key`` is its :meth:`SurveyRequest.key`), ``failed(message)``, ``crashed(details)``."""

    progress = Signal(int, int)
    finished = Signal(object, object)
    failed = Signal(str)
    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None, *, paused: bool = False) -> None:
        """``paused``: requests are remembered but nothing is counted until :meth:`resume`."""
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._start)
        self._wanted: SurveyRequest | None = None
        self._task: BackgroundTask | None = None
        self._running_key: tuple[object, ...] | None = None
        self._paused = paused

    @property
    def busy(self) -> bool:
        """A count is waiting to start or running."""
        return self._timer.isActive() or self._task is not None or (self._paused and self._wanted is not None)

    def resume(self) -> None:
        """Counts at once what was asked while paused; later requests behave as usual."""
        if self._paused:
            self._paused = False
            self._start()

    def request(self, wanted: SurveyRequest | None, *, now: bool = False) -> None:
        """Count for ``wanted`` after a short pause (or at once); None cancels."""
        self._wanted = wanted
        if wanted is None or wanted.key() != self._running_key:
            self._cancel_running()  # a count of anything else is of no use any more
        if wanted is None:
            self._timer.stop()
            return
        if self._paused:
            return
        if now:
            self._timer.stop()
            self._start()
        else:
            self._timer.start()

    def _cancel_running(self) -> None:
        if self._task is not None:
            self._task.cancel.set()
            self._task = None
            self._running_key = None

    def _start(self) -> None:
        wanted = self._wanted
        if wanted is None:
            return
        if self._task is not None and self._running_key == wanted.key():
            return  # already counting exactly this
        self._cancel_running()

        def job(progress: Callable[[int, int], None], cancel: threading.Event) -> ListSurvey | None:
            with Store.open() as store:
                return survey_list(
                    store,
                    wanted.account,
                    wanted.source,
                    wanted.list_id,
                    signature=wanted.signature,
                    cancel=cancel,
                    progress=progress,
                )

        # Loaded here: the window's first count starts after its first paint.
        from smsdesk.worker.tasks import BackgroundTask

        task = BackgroundTask(job)
        # Bound methods, not partials: Qt drops the connections when this object is deleted.
        task.signals.progress.connect(self._progress)
        task.signals.succeeded.connect(self._succeeded)
        task.signals.failed.connect(self._failed)
        task.signals.crashed.connect(self._crashed)
        self._task = task
        self._running_key = wanted.key()
        task.start()

    def _from_latest(self) -> bool:
        """The signal being handled comes from the task started last (not a cancelled one)."""
        return self._task is not None and self.sender() is self._task.signals

    def _progress(self, done: int, total: int) -> None:
        if self._from_latest():
            self.progress.emit(done, total)

    def _succeeded(self, result: object) -> None:
        if not self._from_latest():
            return
        key, self._task, self._running_key = self._running_key, None, None
        if result is not None:
            self.finished.emit(key, result)

    def _failed(self, message: str) -> None:
        if self._from_latest():
            self._task = self._running_key = None
            self.failed.emit(message)

    def _crashed(self, details: str) -> None:
        if self._from_latest():
            self._task = self._running_key = None
            self.crashed.emit(details)

    def stop(self) -> None:
        self.request(None)
