"""Send log: every message and what became of it, live while a campaign runs."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.states import MessageState, state_label
from smsdesk.gui.models import LogModel
from smsdesk.gui.send_progress import SendProgressPanel
from smsdesk.storage import Store
from smsdesk.storage.log import LogFilter


class SendLogPane(QWidget):
    """Signals: ``status_message(text)`` for the window's status bar."""

    status_message = Signal(str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

        self.sending = SendProgressPanel(store)
        self.sending.changed.connect(self.refresh)
        self.sending.status_message.connect(self.status_message)

        self.state_filter = QComboBox()
        self.state_filter.addItem(self.tr("All states"), None)
        for state in MessageState:
            self.state_filter.addItem(state_label(state), state.value)
        self.state_filter.currentIndexChanged.connect(self.apply_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search number, name or text"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.apply_filter)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.phone_button = QPushButton(self.tr("View as recipient"))
        self.phone_button.setToolTip(self.tr("See what the Sandbox delivered, as the customer's phone shows it."))
        self.phone_button.clicked.connect(self.show_sandbox_phone)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.state_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.count)
        filters.addWidget(self.refresh_button)
        filters.addWidget(self.phone_button)

        self.model = LogModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((140, 170, 90, 130, 100, 80, 45, 170, 320)):
            self.table.setColumnWidth(column, width)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sending)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.apply_filter()

    def apply_filter(self) -> None:
        state = self.state_filter.currentData()
        self.model.set_filter(LogFilter(state=state, search=self.search.text().strip()))
        self._update_count()

    def refresh(self) -> None:
        self.model.reload()
        self._update_count()

    def _update_count(self) -> None:
        self.count.setText(self.tr("%1 messages").replace("%1", str(self.model.total)))

    # -- a running campaign ---------------------------------------------------------------

    def is_sending(self) -> bool:
        return self.sending.is_sending()

    def start_campaign(self, campaign_id: int, account: str) -> None:
        self.sending.start_campaign(campaign_id, account)

    def confirm_stop(self) -> bool:
        return self.sending.confirm_stop()

    def stop(self) -> None:
        self.sending.stop()

    def show_sandbox_phone(self) -> None:
        from smsdesk.gui.sandbox_phone import SandboxPhoneDialog

        SandboxPhoneDialog.show_for(self, self.store)
