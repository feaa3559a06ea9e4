"""Messages in doubt: the provider's records are checked, then the owner decides.

A message is in doubt when its request may have reached the provider but no answer came back
(a timeout, a dropped connection, smsdesk stopped mid-request).  smsdesk never sends such a
message again on its own: the customer might get it twice.  Before asking, it looks the
messages up at the provider where the provider allows it (off the GUI thread): those found had
been sent and leave doubt; those the provider searched for and does not have are marked, so the
owner can send them again knowing the customer has not got them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from smsdesk.engine.reconcile import (
    ReconcileResult,
    can_reconcile_campaign,
    evidence,
    not_found_in_doubt,
    reconcile_campaign_at,
)
from smsdesk.gui.feedback import show_crash
from smsdesk.gui.formatting import number
from smsdesk.storage import Store
from smsdesk.storage.journal import DoubtfulMessage
from smsdesk.storage.reconcile import ReconcileCheck

SHOWN = 200
"""At most this many are listed; the decision applies to all of them."""
RESEND_NOT_FOUND: Literal["not_found"] = "not_found"
"""The owner's choice: send again only the messages the provider does not have."""
Decision = bool | Literal["not_found"] | None


class InDoubtDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        messages: Sequence[DoubtfulMessage],
        checks: Mapping[int, ReconcileCheck] | None = None,
    ) -> None:
        super().__init__(parent)
        checks = checks or {}
        self.setWindowTitle(self.tr("Messages in doubt"))
        self.choice: Decision = None
        missing = sum(1 for m in messages if m.id in checks)
        text = self.tr(
            "<p><b>%1 messages</b> may or may not have reached the customers: their request "
            "got no answer.</p><p>Sending them again may text some customers twice. Not sending "
            "them may leave some without the message. Check a few customers' phones, or the "
            "provider's console, before deciding.</p>"
        ).replace("%1", number(len(messages)))
        if missing:
            text += self.tr(
                "<p><b>%1 of them are not at the provider:</b> smsdesk looked them up in the "
                "provider's records and they are not there, so they most likely never went out. "
                "Sending those again should not text anyone twice.</p>"
            ).replace("%1", number(missing))
        intro = QLabel(text)
        intro.setWordWrap(True)
        listing = QListWidget()
        for m in messages[:SHOWN]:
            who = f"{m.name} {m.phone}".strip()
            line = f"{who}: {m.text}" + (f"  ({m.reason})" if m.reason else "")
            check = checks.get(m.id)
            if check is not None:
                when = check.checked_at.astimezone().strftime("%Y-%m-%d %H:%M")
                line += "  — " + self.tr("not at the provider (checked %1)").replace("%1", when)
            listing.addItem(line)
        if len(messages) > SHOWN:
            listing.addItem(self.tr("… and %1 more").replace("%1", number(len(messages) - SHOWN)))
        buttons = QDialogButtonBox()
        if missing and missing < len(messages):
            only = buttons.addButton(
                self.tr("Send again the %1 not at the provider").replace("%1", number(missing)),
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            only.clicked.connect(lambda: self._decide(RESEND_NOT_FOUND))
            self.only_not_found = only
        again = buttons.addButton(self.tr("Send them again"), QDialogButtonBox.ButtonRole.AcceptRole)
        leave = buttons.addButton(self.tr("Do not send them"), QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.tr("Decide later"), QDialogButtonBox.ButtonRole.RejectRole)
        again.clicked.connect(lambda: self._decide(True))
        leave.clicked.connect(lambda: self._decide(False))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(listing, 1)
        layout.addWidget(buttons)
        self.listing = listing
        self.resize(640, 420)

    def _decide(self, choice: Decision) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        messages: Sequence[DoubtfulMessage],
        checks: Mapping[int, ReconcileCheck] | None = None,
    ) -> Decision:
        """True: send them again; ``"not_found"``: only those the provider does not have;
        False: do not; None: decide later. Tests replace this."""
        dialog = cls(parent, messages, checks)
        dialog.exec()
        return dialog.choice


class InDoubtReview(QObject):
    """Looks a campaign's messages in doubt up at its provider, then asks the owner about the rest.

    Signals: ``status(text)`` with what was found; ``decided(send_again, changed)`` once the
    owner decided (not for "decide later", nor when nothing is left in doubt).
    """

    status = Signal(str)
    decided = Signal(bool, int)

    def __init__(self, parent: QWidget, store: Store, campaign_id: int) -> None:
        super().__init__(parent)
        self._parent = parent
        self._store = store
        self._campaign_id = campaign_id
        self._task: object | None = None

    def start(self) -> None:
        """Look up first when the provider can be asked; otherwise ask the owner at once."""
        if not can_reconcile_campaign(self._store, self._campaign_id):
            self._ask()
            return
        from smsdesk.worker.tasks import BackgroundTask

        self.status.emit(self.tr("Looking for the messages in doubt in the provider's records…"))
        database, campaign_id = self._store.journal.database_path(), self._campaign_id
        task = BackgroundTask(lambda _progress, cancel: reconcile_campaign_at(database, campaign_id, cancel))
        task.signals.succeeded.connect(self._looked_up)
        task.signals.failed.connect(self._lookup_failed)
        task.signals.crashed.connect(self._crashed)
        self._task = task
        task.start()

    def _looked_up(self, result: ReconcileResult) -> None:
        self._task = None
        self.status.emit(result.describe())
        self._ask()

    def _lookup_failed(self, message: str) -> None:
        self._task = None
        self.status.emit(message)
        self._ask()

    def _crashed(self, details: str) -> None:
        self._task = None
        show_crash(self._parent, details)

    def _ask(self) -> None:
        journal = self._store.journal
        doubtful = journal.in_doubt_messages(self._campaign_id)
        if not doubtful:
            return
        checks = evidence(self._store, [m.id for m in doubtful])
        decision = (
            InDoubtDialog.ask(self._parent, doubtful, checks) if checks else InDoubtDialog.ask(self._parent, doubtful)
        )
        if decision is None:
            return
        from smsdesk.engine.campaign_control import decide_in_doubt

        if decision == RESEND_NOT_FOUND:
            ids, send_again = not_found_in_doubt(self._store, self._campaign_id), True
        else:
            ids, send_again = [m.id for m in doubtful], bool(decision)
        changed = decide_in_doubt(self._store, self._campaign_id, ids, send_again=send_again)
        self.decided.emit(send_again, changed)
