"""What the Sandbox delivered, shown the way the customer's phone shows it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from smsdesk.providers.sandbox import SandboxProvider, SandboxSMS
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER


class SandboxPhoneDialog(QDialog):
    def __init__(self, parent: QWidget | None, messages: list[SandboxSMS], number: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sandbox phone"))
        self.resize(380, 600)
        self.messages = messages
        self.phone = QComboBox()
        for number in dict.fromkeys(m.phone for m in messages):
            self.phone.addItem(number)
        if number is not None and self.phone.findText(number) >= 0:
            self.phone.setCurrentIndex(self.phone.findText(number))
        self.phone.currentTextChanged.connect(self._show)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        layout = QVBoxLayout(self)
        hint = QLabel(
            self.tr("Messages the Sandbox delivered. Nothing sent through the Sandbox leaves this computer.")
            if messages else self.tr("The Sandbox has not delivered any message yet.")
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.phone)
        layout.addWidget(scroll, 1)
        self._show(self.phone.currentText())

    def _show(self, number: str) -> None:
        while self.body_layout.count():
            item = self.body_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for m in reversed([m for m in self.messages if m.phone == number]):
            stamp = QLabel(m.received_at.astimezone().strftime("%Y-%m-%d %H:%M"))
            stamp.setAlignment(Qt.AlignmentFlag.AlignCenter)
            stamp.setStyleSheet("color: #777; font-size: 11px")
            bubble = QLabel(m.text)
            bubble.setWordWrap(True)
            bubble.setStyleSheet("background: #ececec; color: #1d1d1d; border-radius: 12px; padding: 8px;")
            self.body_layout.addWidget(stamp)
            self.body_layout.addWidget(bubble)

    @classmethod
    def show_for(cls, parent: QWidget | None, store: Store, number: str | None = None) -> None:
        """What the Sandbox delivered; opens on ``number``'s phone when it received anything."""
        account = next((a for a in store.accounts.all() if a.provider == SANDBOX_PROVIDER), None)
        provider = SandboxProvider(account.settings if account else {})
        try:
            messages = provider.inbox(limit=500)
        finally:
            provider.close()
        cls(parent, messages, number).exec()
