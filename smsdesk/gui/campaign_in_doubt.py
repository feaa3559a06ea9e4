"""Messages in doubt: the owner decides whether to send them again.

A message is in doubt when its request may have reached the provider but no answer came back
(a timeout, a dropped connection, smsdesk stopped mid-request).  smsdesk never sends such a
message again on its own: the customer might get it twice.  Only the owner can weigh that.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QVBoxLayout, QWidget

from smsdesk.storage.journal import DoubtfulMessage

SHOWN = 200
"""At most this many are listed; the decision applies to all of them."""


class InDoubtDialog(QDialog):
    def __init__(self, parent: QWidget | None, messages: Sequence[DoubtfulMessage]) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Messages in doubt"))
        self.choice: bool | None = None
        intro = QLabel(
            self.tr(
                "<p><b>%1 messages</b> may or may not have reached the customers: their request "
                "got no answer.</p><p>Sending them again may text some customers twice. Not sending "
                "them may leave some without the message. Check a few customers' phones, or the "
                "provider's console, before deciding.</p>"
            ).replace("%1", f"{len(messages):,}")
        )
        intro.setWordWrap(True)
        listing = QListWidget()
        for m in messages[:SHOWN]:
            who = f"{m.name} {m.phone}".strip()
            listing.addItem(f"{who}: {m.text}" + (f"  ({m.reason})" if m.reason else ""))
        if len(messages) > SHOWN:
            listing.addItem(self.tr("… and %1 more").replace("%1", f"{len(messages) - SHOWN:,}"))
        buttons = QDialogButtonBox()
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
        self.resize(640, 420)

    def _decide(self, send_again: bool) -> None:
        self.choice = send_again
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, messages: Sequence[DoubtfulMessage]) -> bool | None:
        """True: send them again; False: do not; None: decide later. Tests replace this."""
        dialog = cls(parent, messages)
        dialog.exec()
        return dialog.choice
