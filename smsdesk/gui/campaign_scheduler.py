"""Starting scheduled campaigns at their time while the window is open.

Campaigns whose time passed while smsdesk was closed are not started here: the owner is asked
first, with the other unfinished campaigns (see :mod:`smsdesk.gui.campaign_resume`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QObject, QTimer, Signal

from smsdesk.storage import Store

LOOK_AGAIN_MS = 60_000
"""Checked at least this often while something is scheduled (the clock may be changed)."""


class CampaignScheduler(QObject):
    """Signals: ``due(campaign_id, account_name)`` when a scheduled campaign's time has come."""

    due = Signal(int, str)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.since = datetime.now(UTC)
        self._started: set[int] = set()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.check)
        self.arm()

    def arm(self) -> None:
        """Wake up when the next scheduled campaign is due; sleep while nothing is scheduled."""
        upcoming = self.store.journal.next_scheduled()
        if upcoming is None:
            self.timer.stop()
            return
        wait_ms = (upcoming - datetime.now(UTC)).total_seconds() * 1000
        self.timer.start(int(min(max(wait_ms, 0) + 50, LOOK_AGAIN_MS)))

    def check(self, now: datetime | None = None) -> list[int]:
        """Emit ``due`` for every campaign scheduled between the window's start and ``now``."""
        now = now or datetime.now(UTC)
        started = []
        for info in self.store.journal.due_campaigns(now):
            if info.id in self._started or info.send_at is None or info.send_at < self.since:
                continue
            self._started.add(info.id)
            account = self.store.accounts.get_by_id(info.account_id)
            self.store.journal.reschedule(info.id, None)
            self.due.emit(info.id, account.name)
            started.append(info.id)
        self.arm()
        return started
