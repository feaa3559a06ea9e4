"""The last look before sending: who, how many, how many SMS, what it costs."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from smsdesk.engine.campaigns import CampaignPlan


class ConfirmSendDialog(QDialog):
    def __init__(self, parent: QWidget | None, plan: CampaignPlan) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Send messages?"))
        s = plan.summary()
        text = self.tr(
            "<p>Send <b>%1</b> messages through <b>%2</b>.</p>"
            "<p>%3 SMS in all, about <b>%4 %5</b>.</p>"
        )
        for n, value in enumerate(
            (s["messages"], plan.account.name, s["segments"], f"{plan.estimated_cost:.2f}", plan.account.currency), 1
        ):
            text = text.replace(f"%{n}", str(value))
        if plan.skipped:
            text += self.tr("<p>%1 customers are on the opt-out list and will be skipped.</p>").replace("%1", str(plan.skipped))
        label = QLabel(text)
        label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        send = buttons.addButton(self.tr("Send now"), QDialogButtonBox.ButtonRole.AcceptRole)
        send.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, plan: CampaignPlan) -> bool:
        """True when the owner confirms; tests replace this to answer without a modal dialog."""
        return cls(parent, plan).exec() == QDialog.DialogCode.Accepted
