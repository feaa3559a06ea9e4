"""One campaign at a glance: what became of its messages, what it cost, when they arrived."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.provider_api import kind_label
from smsdesk.core.stamps import local_time
from smsdesk.core.states import MessageState
from smsdesk.gui.chart_campaign import OutcomesChart, ReasonsChart
from smsdesk.gui.feedback import show_error
from smsdesk.gui.formatting import money, number
from smsdesk.storage import Store
from smsdesk.storage.campaign_stats import CampaignStats, CampaignSummary
from smsdesk.storage.log import LogFilter

TOP_REASONS = 8


def reason_label(kind: str | None, code: str | None) -> str:
    label = kind_label(kind) if kind else ""
    if code:
        return f"{label} ({code})" if label else code
    return label or "?"


class CampaignView(QDialog):
    """Signals: ``show_in_log(campaign_id)``; ``export_requested(filter, name)`` with a suggested
    file name; ``retry_started(campaign_id, account)`` once a campaign of the failed messages was
    written and should be sent."""

    show_in_log = Signal(int)
    export_requested = Signal(object, str)
    retry_started = Signal(int, str)

    def __init__(self, store: Store, campaign_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.campaign_id = campaign_id
        self.summary: CampaignSummary | None = None
        self.resize(760, 680)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)

        self.values: dict[str, QLabel] = {}
        totals = QGridLayout()
        names = (
            ("total", self.tr("Messages")),
            ("sent", self.tr("Sent (accepted)")),
            ("delivered", self.tr("Delivered")),
            ("failed", self.tr("Failed")),
            ("pending", self.tr("Pending")),
            ("in_doubt", self.tr("In doubt")),
            ("skipped", self.tr("Skipped")),
            ("segments", self.tr("SMS parts")),
            ("cost", self.tr("Estimated cost")),
        )
        tips = {
            "sent": self.tr("Messages the provider accepted, whatever their report says."),
            "pending": self.tr("Not sent yet, or sent and waiting for the carrier's report."),
            "in_doubt": self.tr("The request may have reached the provider; smsdesk does not know whether it went out."),
            "segments": self.tr("Billed SMS parts of the messages the provider accepted."),
            "cost": self.tr("Billed parts times the account's price per part."),
        }
        for n, (key, label) in enumerate(names):
            name = QLabel(label)
            value = QLabel("0")
            value.setObjectName(f"total_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bold = value.font()
            bold.setBold(True)
            value.setFont(bold)
            if key in tips:
                name.setToolTip(tips[key])
                value.setToolTip(tips[key])
            row, col = divmod(n, 3)
            totals.addWidget(name, row, col * 2)
            totals.addWidget(value, row, col * 2 + 1)
            self.values[key] = value
        totals.setHorizontalSpacing(18)

        self.outcomes = OutcomesChart()
        outcomes_box = QGroupBox(self.tr("Delivery reports over time"))
        QVBoxLayout(outcomes_box).addWidget(self.outcomes)
        self.reasons = ReasonsChart()
        reasons_box = QGroupBox(self.tr("Failures by reason"))
        QVBoxLayout(reasons_box).addWidget(self.reasons)
        self.doubt_note = QLabel()
        self.doubt_note.setWordWrap(True)
        self.doubt_note.hide()

        self.retry_button = QPushButton(self.tr("Retry failed only"))
        self.retry_button.setToolTip(
            self.tr("Send again, as a new campaign, the messages that failed for a reason that may pass. "
                    "Invalid numbers and customers who opted out are left out.")
        )
        self.retry_button.clicked.connect(self.retry_failed)
        self.export_failures_button = QPushButton(self.tr("Export failures…"))
        self.export_failures_button.clicked.connect(self.export_failures)
        self.export_button = QPushButton(self.tr("Export campaign…"))
        self.export_button.clicked.connect(self.export_campaign)
        self.log_button = QPushButton(self.tr("Show in log"))
        self.log_button.clicked.connect(lambda: self.show_in_log.emit(self.campaign_id))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        for button in (self.retry_button, self.export_failures_button, self.export_button, self.log_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(totals)
        layout.addWidget(self.doubt_note)
        layout.addWidget(outcomes_box, 1)
        layout.addWidget(reasons_box)
        layout.addLayout(buttons)
        self.refresh()

    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str) -> bool:
        """A yes/no question; tests replace it."""
        answer = QMessageBox.question(parent, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def refresh(self) -> None:
        stats = CampaignStats(self.store.conn)
        summary = stats.summary(self.campaign_id)
        self.summary = summary
        if summary is None:
            self.title.setText(self.tr("This campaign is no longer in the history."))
            for button in (self.retry_button, self.export_failures_button, self.export_button, self.log_button):
                button.setEnabled(False)
            return
        info = summary.info
        self.setWindowTitle(self.tr("Campaign: %1").replace("%1", info.name))
        self.title.setText(info.name)
        self.subtitle.setText(
            self.tr("Account %1 · written %2").replace("%1", info.account).replace("%2", local_time(info.created_at))
        )
        values = {
            "total": summary.total,
            "sent": summary.accepted,
            "delivered": summary.state(MessageState.DELIVERED),
            "failed": summary.state(MessageState.FAILED),
            "pending": summary.pending,
            "in_doubt": summary.state(MessageState.IN_DOUBT),
            "skipped": summary.state(MessageState.SKIPPED),
            "segments": summary.accepted_segments,
        }
        for key, value in values.items():
            self.values[key].setText(number(value))
        self.values["cost"].setText(money(summary.cost, summary.currency))
        in_doubt = values["in_doubt"]
        self.doubt_note.setVisible(in_doubt > 0)
        self.doubt_note.setText(
            self.tr("%1 messages are in doubt: their request may have reached the provider. They are never "
                    "sent again on their own; a delivery report settles them when the provider has them.")
            .replace("%1", str(in_doubt))
        )
        self.outcomes.set_outcomes(stats.outcomes_by_minute(self.campaign_id))
        reasons = [(reason_label(r.kind, r.code), r.count) for r in summary.failures]
        if len(reasons) > TOP_REASONS:
            rest = sum(n for _label, n in reasons[TOP_REASONS - 1 :])
            reasons = [*reasons[: TOP_REASONS - 1], (self.tr("Other reasons"), rest)]
        self.reasons.set_reasons(reasons)
        failed = values["failed"]
        self.export_failures_button.setEnabled(failed > 0)
        retryable = self.store.journal.retry_candidates(self.campaign_id)
        self.retry_button.setEnabled(retryable > 0)
        self.retry_button.setText(
            self.tr("Retry %1 failed").replace("%1", number(retryable)) if retryable else self.tr("Retry failed only")
        )

    def retry_failed(self) -> None:
        from smsdesk.engine.campaign_control import retry_failed

        summary = self.summary
        if summary is None:
            return
        retryable = self.store.journal.retry_candidates(self.campaign_id)
        if not retryable:
            return
        question = self.tr(
            "Send the %1 failed messages again through %2, as a new campaign? Invalid numbers and "
            "customers who opted out are left out."
        ).replace("%1", number(retryable)).replace("%2", summary.info.account)
        if not self.ask(self, self.tr("Retry failed messages?"), question):
            return
        new_id = retry_failed(self.store, self.campaign_id)
        if new_id is None:
            show_error(self, self.tr("There is no failed message worth sending again."))
            return
        self.retry_started.emit(new_id, summary.info.account)
        self.refresh()

    def _file_stem(self) -> str:
        name = self.summary.info.name if self.summary else str(self.campaign_id)
        return "".join(ch if ch.isalnum() or ch in " -_" else "_" for ch in name).strip() or "campaign"

    def export_failures(self) -> None:
        self.export_requested.emit(
            LogFilter(campaign_id=self.campaign_id, state=MessageState.FAILED.value),
            self.tr("%1 failures").replace("%1", self._file_stem()),
        )

    def export_campaign(self) -> None:
        self.export_requested.emit(LogFilter(campaign_id=self.campaign_id), self._file_stem())
