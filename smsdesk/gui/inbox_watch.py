"""Replies while the window is open: polling in the background, and the inbox's unread badge.

The badge is counted from the database, so replies recorded by a sending process or a
``smsdesk replies fetch`` in a terminal show up as well as the window's own.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QListWidgetItem

from smsdesk.logsetup import log_file
from smsdesk.storage import Store
from smsdesk.storage.backup import database_file

if TYPE_CHECKING:
    from smsdesk.worker.reply_poller import ReplyPollerWorker

log = logging.getLogger("smsdesk.gui.inbox")

RECOUNT_MS = 15_000


class InboxWatch(QObject):
    """Signals: ``arrived(new, opted_out)`` when the window's poller recorded replies;
    ``news(text)`` saying so in a sentence; ``checked()`` after every
    poll round (``problems`` then holds what still fails, one a line); ``status_message(message)``
    when an account could not be asked (one line, never a traceback)."""

    arrived = Signal(int, int)
    news = Signal(str)
    checked = Signal()
    status_message = Signal(str)

    def __init__(self, store: Store, badge: QListWidgetItem | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.badge = badge
        self._title = badge.text() if badge is not None else ""
        self.worker: ReplyPollerWorker | None = None
        self.unread = -1
        self.problems = ""
        self.last_checked: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(RECOUNT_MS)
        self._timer.timeout.connect(self.recount)

    def start(self) -> None:
        """Poll every account that can be asked, until :meth:`stop`."""
        self.recount()
        self._timer.start()
        if self.worker is not None:
            return
        from smsdesk.worker.reply_poller import ReplyPollerWorker

        worker = ReplyPollerWorker(database_file(self.store.conn))
        worker.round_done.connect(self._arrived)
        worker.checked.connect(self._checked)
        worker.problem.connect(self._problem)
        worker.crashed.connect(self._crashed)
        self.worker = worker
        worker.start()

    def check_now(self) -> None:
        if self.worker is None:
            self.start()
        if self.worker is not None:
            self.worker.check_now()

    def stop(self) -> None:
        self._timer.stop()
        worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()

    def recount(self) -> None:
        count = self.store.replies.unread_count()
        if count != self.unread:
            self.unread = count
            self._show_badge(count)

    def _show_badge(self, count: int) -> None:
        if self.badge is None:
            return
        self.badge.setText(f"{self._title} ({count})" if count else self._title)
        font = self.badge.font()
        font.setBold(count > 0)
        self.badge.setFont(font)

    def _arrived(self, new: int, opted_out: int) -> None:
        self.recount()
        self.arrived.emit(new, opted_out)
        text = self.tr("New replies: %1.").replace("%1", str(new))
        if opted_out:
            text += " " + self.tr("Opted out by reply: %1; they get no further messages.").replace("%1", str(opted_out))
        self.news.emit(text)

    def _checked(self, failing: str) -> None:
        self.problems = failing
        self.last_checked = datetime.now()
        self.checked.emit()

    def _problem(self, message: str) -> None:
        self.status_message.emit(message)

    def _crashed(self, details: str) -> None:
        # Already in the log with its traceback; the owner gets one line and the window goes on.
        log.error("the reply poller stopped: %s", details.strip().splitlines()[-1] if details.strip() else "")
        self.worker = None
        message = self.tr("Replies are not being checked because of an error; details are in %1.").replace(
            "%1", log_file()
        )
        self.problems = message
        self.status_message.emit(message)
        self.checked.emit()
