"""What the Sandbox delivered, shown the way the customer's phone shows it; the owner can answer
as that customer, to try replies and opt-outs without any signup."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from smsdesk.providers.sandbox import SandboxProvider, SandboxSMS
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER

RECEIVED = "background: #ececec; color: #1d1d1d; border-radius: 12px; padding: 8px;"
ANSWERED = "background: #34c759; color: white; border-radius: 12px; padding: 8px;"


class SandboxPhoneDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        messages: list[SandboxSMS],
        number: str | None = None,
        provider: SandboxProvider | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sandbox phone"))
        self.resize(380, 600)
        self.messages = messages
        self.provider = provider
        self.phone = QComboBox()
        for phone in dict.fromkeys(m.phone for m in messages):
            self.phone.addItem(phone)
        if number is not None and self.phone.findText(number) >= 0:
            self.phone.setCurrentIndex(self.phone.findText(number))
        self.phone.currentTextChanged.connect(self._show)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(self.body)
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("Messages the Sandbox delivered. Nothing sent through the Sandbox leaves this computer.")
            if messages else self.tr("The Sandbox has not delivered any message yet.")
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.phone)
        layout.addWidget(self.scroll_area, 1)

        self.reply = QLineEdit()
        self.reply.setPlaceholderText(self.tr("Answer as this customer, e.g. T to opt out"))
        self.reply.returnPressed.connect(self.send_reply)
        self.reply_button = QPushButton(self.tr("Send"))
        self.reply_button.setToolTip(self.tr("smsdesk fetches the answer like a real provider's reply."))
        self.reply_button.clicked.connect(self.send_reply)
        row = QHBoxLayout()
        row.addWidget(self.reply, 1)
        row.addWidget(self.reply_button)
        layout.addLayout(row)
        can_reply = provider is not None and bool(messages)
        self.reply.setEnabled(can_reply)
        self.reply_button.setEnabled(can_reply)
        self._show(self.phone.currentText())

    def _answers(self, number: str) -> list[tuple[datetime, str]]:
        if self.provider is None or not number:
            return []
        return [(r.received_at, r.text) for r in self.provider.sent_replies(number)]

    def _show(self, number: str) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        shown: list[tuple[datetime, str, bool]] = [
            (m.received_at, m.text, False) for m in self.messages if m.phone == number
        ] + [(at, text, True) for at, text in self._answers(number)]
        for at, text, answered in sorted(shown, key=lambda s: s[0]):
            stamp = QLabel(at.astimezone().strftime("%Y-%m-%d %H:%M"))
            stamp.setAlignment(Qt.AlignmentFlag.AlignCenter)
            stamp.setStyleSheet("color: #777; font-size: 11px")
            bubble = QLabel(text)
            bubble.setWordWrap(True)
            bubble.setStyleSheet(ANSWERED if answered else RECEIVED)
            self.body_layout.addWidget(stamp)
            if answered:
                line = QHBoxLayout()
                line.addStretch(1)
                line.addWidget(bubble, 3)
                holder = QWidget()
                holder.setLayout(line)
                line.setContentsMargins(0, 0, 0, 0)
                self.body_layout.addWidget(holder)
            else:
                self.body_layout.addWidget(bubble)
        bar = self.scroll_area.verticalScrollBar()
        bar.setValue(bar.maximum())

    def send_reply(self) -> None:
        """The customer answers: the Sandbox receives it, and smsdesk is told to look now."""
        text = self.reply.text().strip()
        number = self.phone.currentText()
        if not text or not number or self.provider is None:
            return
        self.provider.add_reply(number, text)
        self.reply.clear()
        self._show(number)
        from smsdesk.worker.reply_poller import check_replies_now

        check_replies_now()

    @classmethod
    def show_for(cls, parent: QWidget | None, store: Store, number: str | None = None) -> None:
        """What the Sandbox delivered; opens on ``number``'s phone when it received anything."""
        account = next((a for a in store.accounts.all() if a.provider == SANDBOX_PROVIDER), None)
        provider = SandboxProvider(account.settings if account else {})
        try:
            messages = provider.inbox(limit=500)
            cls(parent, messages, number, provider).exec()
        finally:
            provider.close()
