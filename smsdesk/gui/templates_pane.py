"""Templates: write the message, see it as each customer will, and send it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.segments import count_for_provider
from smsdesk.core.template import check_variables, parse_template, render
from smsdesk.engine.campaigns import CampaignPlan, create_campaign, plan_for_recipients
from smsdesk.errors import UserFacingError
from smsdesk.gui.confirm_send import ConfirmSendDialog
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.template_editor import TemplateEditor
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient, RecipientList
from smsdesk.storage.templates import Template
from smsdesk.worker.tasks import BackgroundTask

KINDS = ("notification", "marketing", "verification")


class TemplatesPane(QWidget):
    """Signals: ``campaign_started(campaign_id, account_name)`` once a campaign is written."""

    campaign_started = Signal(int, str)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._templates: list[Template] = []
        self._lists: list[RecipientList] = []
        self._accounts: list[Account] = []
        self._current: Template | None = None
        self._row = 0
        self._task: BackgroundTask | None = None

        self.template_list = QListWidget()
        self.template_list.setMaximumWidth(220)
        self.template_list.currentRowChanged.connect(self._select_template)
        new = QPushButton(self.tr("New template"))
        new.clicked.connect(self.new_template)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Templates")))
        left.addWidget(self.template_list, 1)
        left.addWidget(new)

        self.name = QLineEdit()
        self.kind = QComboBox()
        for kind, label in zip(
            KINDS, (self.tr("Notification"), self.tr("Marketing"), self.tr("Verification code")), strict=True
        ):
            self.kind.addItem(label, kind)
        self.editor = TemplateEditor()
        self.editor.textChanged.connect(self._text_changed)
        self.insert_button = QToolButton()
        self.insert_button.setText(self.tr("Insert variable"))
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self)
        self.insert_button.setMenu(self.insert_menu)
        self.save_button = QPushButton(self.tr("Save template"))
        self.save_button.clicked.connect(self.save)
        self.issues = QLabel()
        self.issues.setObjectName("templateIssues")
        self.issues.setStyleSheet("color: #c01c28")
        self.issues.setWordWrap(True)

        self.list_combo = QComboBox()
        self.list_combo.currentIndexChanged.connect(self._list_changed)
        self.account_combo = QComboBox()
        self.account_combo.currentIndexChanged.connect(lambda _i: self.update_preview())

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Send to"), self.list_combo)
        form.addRow(self.tr("Send through"), self.account_combo)
        editor_bar = QHBoxLayout()
        editor_bar.addWidget(self.insert_button)
        editor_bar.addStretch(1)
        editor_bar.addWidget(self.save_button)

        # Preview: the message as the current customer's phone will show it.
        self.preview_title = QLabel()
        self.prev_button = QPushButton(self.tr("◀ Previous"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QPushButton(self.tr("Next ▶"))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.preview = QLabel()
        self.preview.setObjectName("previewBubble")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setStyleSheet(
            "#previewBubble { background: #e9f3e6; color: #1d1d1d; border-radius: 10px; padding: 10px; }"
        )
        self.counts = QLabel()
        self.counts.setObjectName("previewCounts")
        self.totals = QLabel()
        self.totals.setObjectName("campaignTotals")
        self.send_button = QPushButton(self.tr("Send…"))
        self.send_button.setObjectName("sendButton")
        self.send_button.setDefault(True)
        self.send_button.setMinimumWidth(120)
        self.send_button.setStyleSheet(
            "#sendButton { background: #1a73e8; color: white; font-weight: 600; padding: 6px 18px;"
            " border-radius: 5px; } #sendButton:disabled { background: #9bb7e0; }"
        )
        self.send_button.clicked.connect(self.send_clicked)
        nav = QHBoxLayout()
        nav.addWidget(self.preview_title, 1)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        preview_box = QFrame()
        preview_box.setFrameShape(QFrame.Shape.StyledPanel)
        pv = QVBoxLayout(preview_box)
        pv.addLayout(nav)
        pv.addWidget(self.preview)
        pv.addWidget(self.counts)
        send_row = QHBoxLayout()
        send_row.addWidget(self.totals, 1)
        send_row.addWidget(self.send_button)

        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(QLabel(self.tr("Message")))
        right.addWidget(self.editor, 2)
        right.addLayout(editor_bar)
        right.addWidget(self.issues)
        right.addWidget(preview_box, 1)
        right.addLayout(send_row)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)

        self._totals_timer = QTimer(self)
        self._totals_timer.setSingleShot(True)
        self._totals_timer.setInterval(300)
        self._totals_timer.timeout.connect(self._recount_totals)
        self.reload_accounts()
        self.reload_lists()
        self.reload_templates()

    # -- data ----------------------------------------------------------------------------

    def reload_templates(self, select: str | None = None) -> None:
        self._templates = self.store.templates.all()
        self.template_list.blockSignals(True)
        self.template_list.clear()
        for t in self._templates:
            self.template_list.addItem(t.name)
        self.template_list.blockSignals(False)
        names = [t.name for t in self._templates]
        row = names.index(select) if select in names else (0 if names else -1)
        self.template_list.setCurrentRow(row)
        self._select_template(row)

    def reload_lists(self) -> None:
        chosen = self.list_combo.currentData()
        self._lists = self.store.lists.all()
        self.list_combo.blockSignals(True)
        self.list_combo.clear()
        for saved in self._lists:
            self.list_combo.addItem(self.tr("%1 (%2 customers)").replace("%1", saved.name).replace("%2", str(saved.size)), saved.id)
        index = self.list_combo.findData(chosen)
        self.list_combo.setCurrentIndex(index if index >= 0 else 0)
        self.list_combo.blockSignals(False)
        self._list_changed()

    def reload_accounts(self) -> None:
        chosen = self.account_combo.currentData()
        self._accounts = self.store.accounts.all()
        self.account_combo.blockSignals(True)
        self.account_combo.clear()
        for a in self._accounts:
            self.account_combo.addItem(a.name, a.name)
        index = self.account_combo.findData(chosen)
        self.account_combo.setCurrentIndex(index if index >= 0 else 0)
        self.account_combo.blockSignals(False)
        self.update_preview()

    def current_list(self) -> RecipientList | None:
        i = self.list_combo.currentIndex()
        return self._lists[i] if 0 <= i < len(self._lists) else None

    def current_account(self) -> Account | None:
        i = self.account_combo.currentIndex()
        return self._accounts[i] if 0 <= i < len(self._accounts) else None

    def _select_template(self, row: int) -> None:
        self._current = self._templates[row] if 0 <= row < len(self._templates) else None
        t = self._current
        self.name.setText(t.name if t else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(t.kind if t else "notification")))
        self.editor.setPlainText(t.body if t else "")

    def new_template(self) -> None:
        self._current = None
        self.template_list.clearSelection()
        self.name.setText(self.tr("New template"))
        self.editor.setPlainText("")
        self.editor.setFocus()

    def save(self) -> None:
        try:
            name = self.name.text().strip()
            if not name:
                raise UserFacingError(self.tr("Give the template a name."))
            t = self._current or Template(name=name, body="")
            t.name, t.body, t.kind = name, self.editor.toPlainText(), str(self.kind.currentData())
            self.store.templates.save(t)
        except UserFacingError as exc:
            show_error(self, str(exc))
            return
        self.reload_templates(select=name)

    # -- preview -------------------------------------------------------------------------

    def _list_changed(self) -> None:
        saved = self.current_list()
        columns = ("name", "phone", *(saved.columns if saved else ()))
        self.editor.set_columns(saved.columns if saved else ())
        self.insert_menu.clear()
        for column in dict.fromkeys(columns):
            self.insert_menu.addAction(column, partial(self.editor.insert_variable, column))
        self._row = 0
        self.update_preview()

    def _text_changed(self) -> None:
        self.update_preview()
        self._totals_timer.start()

    def _signature(self) -> str:
        account = self.current_account()
        if self._current is not None and self._current.signature:
            return self._current.signature
        return account.settings.get("signature", "") if account else ""

    def _provider_template(self) -> tuple[str | None, str | None]:
        """The approved template and parameter mapping the current template links to, if any."""
        t = self._current
        if t is None or not t.provider_template_id:
            return None, None
        return t.provider_template_id, ", ".join(t.param_names) or None

    def _current_recipient(self) -> Recipient | None:
        saved = self.current_list()
        if saved is None or saved.size == 0:
            return None
        self._row = max(0, min(self._row, saved.size - 1))
        page = self.store.lists.page(saved.id, self._row, 1)
        return page[0] if page else None

    def step(self, delta: int) -> None:
        self._row += delta
        self.update_preview()

    def update_preview(self) -> None:
        body = self.editor.toPlainText()
        parsed = parse_template(body)
        saved = self.current_list()
        issues = check_variables(parsed, saved.columns if saved else ())
        self.issues.setText("\n".join(i.message for i in issues[:3]))
        person = self._current_recipient()
        account = self.current_account()
        values = person.variables() if person else {}
        text = render(parsed, values)
        signature = self._signature()
        shown = f"【{signature}】{text}" if signature else text
        self.preview.setText(shown or self.tr("(empty message)"))
        if person is not None and saved is not None:
            self.preview_title.setText(
                self.tr("Customer %1 of %2: %3 %4")
                .replace("%1", str(self._row + 1)).replace("%2", str(saved.size))
                .replace("%3", person.name).replace("%4", person.phone)
            )
        else:
            self.preview_title.setText(self.tr("No customer to preview"))
        self.prev_button.setEnabled(self._row > 0)
        self.next_button.setEnabled(saved is not None and self._row < saved.size - 1)
        phone = person.phone if person else "+8613800138000"
        result = count_for_provider(
            text, provider=account.provider if account else "sandbox", signature=signature,
            domestic=phone.startswith("+86"),
        )
        counts = self.tr("%1 characters · %2 SMS · %3").replace("%1", str(result.length))
        counts = counts.replace("%2", str(result.segments)).replace("%3", str(result.count.encoding))
        if result.over_limit:
            counts += "  " + self.tr("(too long: the limit is %1)").replace("%1", str(result.limit))
        self.counts.setText(counts)
        self.send_button.setEnabled(bool(body.strip()) and not issues and saved is not None and account is not None)

    def _recount_totals(self) -> None:
        """Totals for the whole list, computed off the GUI thread."""
        saved, account = self.current_list(), self.current_account()
        body = self.editor.toPlainText()
        if saved is None or account is None or not body.strip() or parse_template(body).issues:
            self.totals.setText("")
            return
        if self._task is not None:
            self._task.cancel.set()
        signature = self._signature()
        provider_template_id, param_map = self._provider_template()

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> CampaignPlan:
            with Store.open() as store:
                return plan_for_recipients(
                    store, account, body, store.lists.iter_recipients(saved.id), signature=signature,
                    list_id=saved.id, provider_template_id=provider_template_id, param_map=param_map,
                )

        task = BackgroundTask(job)
        task.signals.succeeded.connect(partial(self._show_totals, task=task))
        task.signals.failed.connect(lambda _m: self.totals.setText(""))
        self._task = task.start()

    def _show_totals(self, plan: CampaignPlan, *, task: BackgroundTask) -> None:
        if task is not self._task:
            return  # a newer count is on its way
        text = self.tr("%1 messages · %2 SMS · about %3 %4").replace("%1", str(plan.to_send))
        text = text.replace("%2", str(plan.segments)).replace("%3", f"{plan.estimated_cost:.2f}")
        self.totals.setText(text.replace("%4", plan.account.currency))

    # -- sending ---------------------------------------------------------------------------

    def send_clicked(self) -> None:
        saved, account = self.current_list(), self.current_account()
        if saved is None or account is None:
            return
        body = self.editor.toPlainText()
        signature = self._signature()
        provider_template_id, param_map = self._provider_template()
        self.send_button.setEnabled(False)

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> CampaignPlan:
            with Store.open() as store:
                return plan_for_recipients(
                    store, account, body, store.lists.iter_recipients(saved.id), signature=signature,
                    list_id=saved.id, template_id=self._current.id if self._current else None,
                    provider_template_id=provider_template_id, param_map=param_map,
                )

        task = BackgroundTask(job)
        task.signals.succeeded.connect(self._confirm_and_start)
        task.signals.failed.connect(self._plan_failed)
        task.signals.crashed.connect(self._plan_crashed)
        self._send_task = task.start()

    def _plan_failed(self, message: str) -> None:
        self.send_button.setEnabled(True)
        show_error(self, message)

    def _plan_crashed(self, details: str) -> None:
        self.send_button.setEnabled(True)
        show_crash(self, details)

    def _confirm_and_start(self, plan: CampaignPlan) -> None:
        self.send_button.setEnabled(True)
        if not ConfirmSendDialog.ask(self, plan):
            return
        name = f"{self.name.text().strip() or self.tr('Message')} {datetime.now():%Y-%m-%d %H:%M}"
        campaign_id = create_campaign(self.store, plan, name)
        self.campaign_started.emit(campaign_id, plan.account.name)
