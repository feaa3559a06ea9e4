"""The last look before sending: who, how many, how many SMS, what it costs, how it will go.

The owner can send the first message to their own phone first, and send now or at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smsdesk.engine.campaign_control import SingleSendResult
from smsdesk.engine.campaigns import CampaignPlan
from smsdesk.gui.formatting import money, number
from smsdesk.gui.settings import app_settings
from smsdesk.worker.tasks import BackgroundTask

TEST_NUMBER_KEY = "send/test_number"


def _to_datetime(value: QDateTime) -> datetime:
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


class ConfirmSendDialog(QDialog):
    def __init__(self, parent: QWidget | None, plan: CampaignPlan) -> None:
        super().__init__(parent)
        self.plan = plan
        self.test_task: BackgroundTask | None = None
        self.setWindowTitle(self.tr("Send messages?"))
        self.summary = QLabel(self.describe())
        self.summary.setWordWrap(True)
        self.summary.setObjectName("sendPlan")

        test_box = QGroupBox(self.tr("Test first"))
        self.test_number = QLineEdit(str(app_settings().value(TEST_NUMBER_KEY, "") or ""))
        self.test_number.setPlaceholderText(self.tr("Your own mobile number"))
        self.test_button = QPushButton(self.tr("Send a test"))
        self.test_button.setToolTip(self.tr("Send the first customer's message to your own phone, as they will get it."))
        self.test_button.clicked.connect(self.send_test)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setObjectName("testSendResult")
        row = QHBoxLayout()
        row.addWidget(self.test_number, 1)
        row.addWidget(self.test_button)
        test_layout = QVBoxLayout(test_box)
        test_layout.addLayout(row)
        test_layout.addWidget(self.test_result)

        when_box = QGroupBox(self.tr("When"))
        self.later = QCheckBox(self.tr("Send later, at"))
        self.send_at = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.send_at.setCalendarPopup(True)
        self.send_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.send_at.setEnabled(False)
        self.later.toggled.connect(self._later_toggled)
        self.expires = QCheckBox(self.tr("Do not send after"))
        self.expires_at = QDateTimeEdit(QDateTime.currentDateTime().addDays(1))
        self.expires_at.setCalendarPopup(True)
        self.expires_at.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.expires_at.setEnabled(False)
        self.expires.toggled.connect(self.expires_at.setEnabled)
        when = QFormLayout(when_box)
        when.addRow(self.later, self.send_at)
        when.addRow(self.expires, self.expires_at)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = buttons.addButton(self.tr("Send now"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(test_box)
        layout.addWidget(when_box)
        layout.addWidget(buttons)

    # -- what the owner reads ---------------------------------------------------------------

    def describe(self) -> str:
        plan = self.plan
        text = self.tr("<p>Send <b>%1</b> messages through <b>%2</b>.</p><p>%3 SMS in all, about <b>%4</b>.</p>")
        for n, value in enumerate(
            (number(plan.to_send), plan.account.name, number(plan.segments), money(plan.estimated_cost, plan.account.currency)), 1
        ):
            text = text.replace(f"%{n}", str(value))
        if plan.skipped:
            reasons = "".join(f"<li>{reason}: {number(count)}</li>" for reason, count in plan.skip_reasons())
            text += self.tr("<p>%1 will be skipped:</p>").replace("%1", number(plan.skipped)) + f"<ul>{reasons}</ul>"
        lines = []
        for kind in plan.requests.kinds:
            if kind.same_text:
                line = self.tr("%1 × %2 (same text, up to %3 numbers each)")
            else:
                line = self.tr("%1 × %2 (personalised, up to %3 numbers each)")
            if kind.most_per_request == 1:
                line = self.tr("%1 × %2 (one number each)")
            line = line.replace("%1", number(kind.requests)).replace("%2", kind.call)
            lines.append(line.replace("%3", number(kind.most_per_request)))
        if lines:
            text += self.tr("<p>Requests to the provider:</p>") + "<ul>" + "".join(f"<li>{x}</li>" for x in lines) + "</ul>"
        rate = plan.account.rate_per_second
        if rate > 0 and plan.requests.requests:
            seconds = max(1, round(plan.requests.requests / rate))
            text += self.tr("<p>At most %1 requests per second: about %2 to send.</p>").replace(
                "%1", f"{rate:g}"
            ).replace("%2", self._duration(seconds))
        text += self._quiet_hours_note()
        return text

    def _duration(self, seconds: int) -> str:
        if seconds < 90:
            return self.tr("%1 s").replace("%1", str(seconds))
        if seconds < 5400:
            return self.tr("%1 min").replace("%1", str(round(seconds / 60)))
        return self.tr("%1 h").replace("%1", f"{seconds / 3600:.1f}")

    def _quiet_hours_note(self) -> str:
        from smsdesk.engine.send_rules import rules_for

        if self.plan.kind != "marketing":
            return ""
        quiet = rules_for(self.plan.account).quiet_hours
        if quiet is None:
            return ""
        now = datetime.now().astimezone()
        note = self.tr("<p>This is a promotion: it is not sent between %1 and %2 (quiet hours).").replace(
            "%1", f"{quiet.start:%H:%M}"
        ).replace("%2", f"{quiet.end:%H:%M}")
        if quiet.contains(now):
            note += " " + self.tr("It is quiet hours now: the messages wait until %1.").replace(
                "%1", f"{quiet.ends_after(now):%H:%M}"
            )
        return note + "</p>"

    def _later_toggled(self, on: bool) -> None:
        self.send_at.setEnabled(on)
        self.send_button.setText(self.tr("Schedule") if on else self.tr("Send now"))

    # -- the test send ----------------------------------------------------------------------

    def send_test(self) -> None:
        number = self.test_number.text().strip()
        if not number:
            self.test_result.setText(self.tr("Type your own mobile number first."))
            return
        app_settings().setValue(TEST_NUMBER_KEY, number)
        plan = self.plan
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Sending a test to %1…").replace("%1", number))

        def job(_progress: Callable[[int, int], None], cancel: threading.Event) -> SingleSendResult:
            from smsdesk.engine.campaign_control import send_test
            from smsdesk.engine.providers import open_provider
            from smsdesk.storage import Store

            with Store.open(durable=True) as store:
                provider = open_provider(plan.account)
                try:
                    return send_test(store, provider, plan.account, plan, number, cancel=cancel)
                finally:
                    provider.close()

        task = BackgroundTask(job)
        task.signals.succeeded.connect(self._test_done)
        task.signals.failed.connect(self._test_failed)
        task.signals.crashed.connect(self._test_failed)
        self.test_task = task.start()

    def _test_done(self, result: SingleSendResult) -> None:
        self.test_button.setEnabled(True)
        self.test_task = None
        words = {
            "delivered": self.tr("delivered. Check your phone."),
            "sent": self.tr("accepted by the provider; no delivery report yet."),
            "failed": self.tr("failed"),
            "in_doubt": self.tr("no answer from the provider; it may or may not arrive."),
        }
        text = self.tr("Test to %1: %2").replace("%1", result.phone).replace("%2", words.get(result.state, result.state))
        if result.detail and result.state != "delivered":
            text += f" ({result.detail})"
        self.test_result.setText(text)

    def _test_failed(self, message: str) -> None:
        self.test_button.setEnabled(True)
        self.test_task = None
        self.test_result.setText(message.splitlines()[0] if message else "")

    def done(self, result: int) -> None:
        if self.test_task is not None:
            self.test_task.cancel.set()
        super().done(result)

    # -- the answer -------------------------------------------------------------------------

    def chosen_times(self) -> tuple[datetime | None, datetime | None]:
        send_at = _to_datetime(self.send_at.dateTime()) if self.later.isChecked() else None
        expires_at = _to_datetime(self.expires_at.dateTime()) if self.expires.isChecked() else None
        if send_at is not None and send_at <= datetime.now(UTC) + timedelta(seconds=30):
            send_at = None
        return send_at, expires_at

    @classmethod
    def ask(cls, parent: QWidget | None, plan: CampaignPlan) -> bool:
        """True when the owner confirms; the chosen schedule and expiry are written to ``plan``.

        Tests replace this to answer without a modal dialog.
        """
        dialog = cls(parent, plan)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        plan.send_at, plan.expires_at = dialog.chosen_times()
        return True
