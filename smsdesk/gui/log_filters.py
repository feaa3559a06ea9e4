"""The send log's filters: campaign, state, account, error, date range and the search box."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLineEdit, QWidget

from smsdesk.core.provider_api import ErrorKind, kind_label
from smsdesk.core.stamps import local_time
from smsdesk.core.states import MessageState, state_label
from smsdesk.storage import Store
from smsdesk.storage.campaign_stats import CampaignStats
from smsdesk.storage.log import LogFilter

SEARCH_PAUSE_MS = 300

RANGES = ("any", "today", "7d", "30d", "custom")


def _utc(day: date) -> str:
    local = datetime.combine(day, time(0, 0)).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def date_range(kind: str, today: date, start: date, end: date) -> tuple[str | None, str | None]:
    """(since, until) in UTC for a range chosen in local days; ``end`` is included."""
    if kind == "today":
        return _utc(today), None
    if kind == "7d":
        return _utc(today - timedelta(days=6)), None
    if kind == "30d":
        return _utc(today - timedelta(days=29)), None
    if kind == "custom":
        return _utc(start), _utc(end + timedelta(days=1))
    return None, None


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class LogFilterBar(QWidget):
    """Signals: ``changed()`` when the filter changed (typing in the search box settles first)."""

    changed = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.campaign = QComboBox()
        self.campaign.setMinimumContentsLength(18)
        self.campaign.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.campaign.setToolTip(self.tr("Campaign"))
        self.state = QComboBox()
        self.state.addItem(self.tr("All states"), None)
        for state in MessageState:
            self.state.addItem(state_label(state), state.value)
        self.state.setToolTip(self.tr("State"))
        self.account = QComboBox()
        self.account.setToolTip(self.tr("Account"))
        self.error = QComboBox()
        self.error.addItem(self.tr("All errors"), None)
        for kind in ErrorKind:
            self.error.addItem(kind_label(kind), kind.value)
        self.error.setToolTip(self.tr("Error"))
        self.period = QComboBox()
        for key, label in zip(
            RANGES,
            (self.tr("Any time"), self.tr("Today"), self.tr("Last 7 days"), self.tr("Last 30 days"),
             self.tr("Dates…")),
            strict=True,
        ):
            self.period.addItem(label, key)
        self.period.setToolTip(self.tr("When the messages were written"))
        for combo in (self.state, self.account, self.error, self.period):
            combo.setMinimumContentsLength(8)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        today = QDate.currentDate()
        self.start = QDateEdit(today.addDays(-6))
        self.end = QDateEdit(today)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.hide()
            edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.start.setToolTip(self.tr("From"))
        self.end.setToolTip(self.tr("To (included)"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Number, last 4 digits, name or text"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(SEARCH_PAUSE_MS)
        self._pause.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _t: self._pause.start())
        self.search.returnPressed.connect(self._search_now)

        self.reload_choices()
        for combo in (self.campaign, self.state, self.account, self.error):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.period.currentIndexChanged.connect(self._period_changed)

        # The search box is placed by the pane, on the row below, where it has room to grow.
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.campaign, self.state, self.account, self.error, self.period, self.start, self.end):
            layout.addWidget(widget)
        layout.addStretch(1)

    def reload_choices(self) -> None:
        """Campaigns and accounts as they are now, keeping what was chosen."""
        for combo in (self.campaign, self.account):
            combo.blockSignals(True)
        chosen_campaign = self.campaign.currentData()
        chosen_account = self.account.currentData()
        self.campaign.clear()
        self.campaign.addItem(self.tr("All campaigns"), None)
        for info in CampaignStats(self.store.conn).campaigns():
            self.campaign.addItem(f"{info.name} · {local_time(info.created_at)[:10]}", info.id)
        self.account.clear()
        self.account.addItem(self.tr("All accounts"), None)
        for account in self.store.accounts.all():
            self.account.addItem(account.name, account.id)
        for combo, chosen in ((self.campaign, chosen_campaign), (self.account, chosen_account)):
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    def show_campaign(self, campaign_id: int) -> None:
        """Filter the log to one campaign, clearing the other filters."""
        self.reload_choices()
        for combo in (self.campaign, self.state, self.account, self.error, self.period):
            combo.blockSignals(True)
        self.campaign.setCurrentIndex(max(self.campaign.findData(campaign_id), 0))
        for combo in (self.state, self.account, self.error, self.period):
            combo.setCurrentIndex(0)
        for combo in (self.campaign, self.state, self.account, self.error, self.period):
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._show_dates(False)
        self.changed.emit()

    def _search_now(self) -> None:
        self._pause.stop()
        self.changed.emit()

    def _show_dates(self, shown: bool) -> None:
        self.start.setVisible(shown)
        self.end.setVisible(shown)

    def _period_changed(self) -> None:
        self._show_dates(self.period.currentData() == "custom")
        self.changed.emit()

    def current(self, today: date | None = None) -> LogFilter:
        since, until = date_range(
            self.period.currentData() or "any",
            today or date.today(),
            _day(self.start.date()),
            _day(self.end.date()),
        )
        return LogFilter(
            campaign_id=self.campaign.currentData(),
            state=self.state.currentData(),
            account_id=self.account.currentData(),
            error_kind=self.error.currentData(),
            search=self.search.text().strip(),
            since=since,
            until=until,
        )
