"""The guided start a new owner sees once: from nothing to a first send, no manual needed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class WelcomeDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Welcome to smsdesk"))
        self.setMinimumWidth(520)
        steps = [
            self.tr("<b>1.</b> A <b>Sandbox</b> account is ready. It sends nowhere, so you can try everything safely; "
                    "add your Aliyun, Tencent Cloud or Twilio account under <i>Accounts</i> when you are ready."),
            self.tr("<b>2.</b> A sample list of customers and a sample message are loaded. Import your own list "
                    "from Excel under <i>Recipients</i>, or drop the file on the window."),
            self.tr("<b>3.</b> On <i>Templates</i>, check the preview of each customer's message and its cost, "
                    "then press <b>Send…</b> and watch the <i>Send log</i> fill in."),
        ]
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<h2>Send your first message in a minute</h2>"))
        layout.addWidget(title)
        for text in steps:
            label = QLabel(text)
            label.setWordWrap(True)
            layout.addWidget(label)
        buttons = QDialogButtonBox()
        start = buttons.addButton(self.tr("Show me the sample message"), QDialogButtonBox.ButtonRole.AcceptRole)
        start.setDefault(True)
        buttons.addButton(self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool:
        """True when the owner wants to be taken to the sample message."""
        return cls(parent).exec() == QDialog.DialogCode.Accepted
