"""Templates: write the message, see it exactly as each customer will, know what it costs, send.

Three columns: the saved templates; the editor with the message's kind, its opt-out line and,
for Aliyun and Tencent Cloud, the approved template it goes out as; and the preview of one
customer's message beside the totals for the whole list.

A keystroke re-renders and recounts only the customer on screen (kept in memory, so no query
runs); the whole list is recounted off the GUI thread a moment after typing stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
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

from smsdesk.core.template import (
    TemplateKind,
    check_variables,
    default_opt_out,
    parse_template,
    sending_source,
)
from smsdesk.engine.template_params import TEMPLATE_PROVIDERS
from smsdesk.engine.templates import (
    ListSurvey,
    next_row,
    preview_message,
)
from smsdesk.errors import UserFacingError
from smsdesk.gui import theme
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.gui.formatting import number
from smsdesk.gui.template_editor import TemplateEditor
from smsdesk.gui.template_preview import JUMP_EMPTY, JUMP_LONGEST, JUMP_MORE, PreviewPanel
from smsdesk.gui.template_survey import ListSurveyor, SurveyRequest
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient, RecipientList
from smsdesk.storage.templates import Template

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from smsdesk.engine.campaigns import CampaignPlan
    from smsdesk.gui.template_provider import ProviderTemplateBox
    from smsdesk.worker.tasks import BackgroundTask

KINDS = (TemplateKind.NOTIFICATION, TemplateKind.MARKETING, TemplateKind.VERIFICATION)
PREVIEW_PHONE = "+8613800138000"
"""Counted as when no list is chosen: a mainland number, the common case."""


class TemplatesPane(QWidget):
    """Signals: ``campaign_started(campaign_id, account_name)`` once a campaign is written."""

    campaign_started = Signal(int, str)

    def __init__(self, store: Store, *, count_later: bool = False) -> None:
        """``count_later``: the whole list is first counted when ``surveyor.resume()`` is called
        (the window does so once it has been painted)."""
        super().__init__()
        self.store = store
        self._templates: list[Template] = []
        self._lists: list[RecipientList] = []
        self._accounts: list[Account] = []
        self._current: Template | None = None
        self._row = 0
        self._person: Recipient | None = None
        self._opted_out: frozenset[str] = frozenset()
        self.survey: ListSurvey | None = None
        """The latest whole-list count; it may be for an older text (see :meth:`survey_is_current`)."""
        self._survey_key: tuple[object, ...] | None = None
        self._pending_jump: str | None = None
        self._send_task: BackgroundTask | None = None

        # Left: the saved templates.
        self.template_list = QListWidget()
        self.template_list.setMaximumWidth(200)
        self.template_list.currentRowChanged.connect(self._select_template)
        new = QPushButton(self.tr("New template"))
        new.clicked.connect(self.new_template)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Templates")))
        left.addWidget(self.template_list, 1)
        left.addWidget(new)

        # Middle: the message.
        self.name = QLineEdit()
        self.kind = QComboBox()
        labels = (self.tr("Notification"), self.tr("Marketing"), self.tr("Verification code"))
        for kind, label in zip(KINDS, labels, strict=True):
            self.kind.addItem(label, str(kind))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.list_combo = QComboBox()
        self.list_combo.currentIndexChanged.connect(self._list_changed)
        self.account_combo = QComboBox()
        self.account_combo.currentIndexChanged.connect(self._account_changed)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Send to"), self.list_combo)
        form.addRow(self.tr("Send through"), self.account_combo)

        self.editor = TemplateEditor()
        self.editor.textChanged.connect(self._text_changed)
        self.insert_button = QToolButton()
        self.insert_button.setText(self.tr("Insert variable"))
        self.insert_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.insert_menu = QMenu(self)
        self.insert_menu.aboutToShow.connect(self._fill_insert_menu)  # the chosen list's columns
        self.insert_button.setMenu(self.insert_menu)
        message_bar = QHBoxLayout()
        message_bar.addWidget(QLabel(self.tr("Message")))
        message_bar.addStretch(1)
        message_bar.addWidget(self.insert_button)
        self.issues = QLabel()
        self.issues.setObjectName("templateIssues")
        self.issues.setStyleSheet(f"color: {theme.css(theme.PROBLEM)}")
        self.issues.setWordWrap(True)

        self.opt_out = QLineEdit()
        self.opt_out.setToolTip(
            self.tr("Added to the end of every marketing message, and counted with it.")
        )
        self.opt_out.textEdited.connect(lambda _t: self._text_changed())
        self.opt_out_label = QLabel(self.tr("Opt-out line"))
        opt_out_row = QHBoxLayout()
        opt_out_row.addWidget(self.opt_out_label)
        opt_out_row.addWidget(self.opt_out, 1)

        # The approved-template box is built the first time an Aliyun or Tencent Cloud account is
        # chosen (see provider_box): the Sandbox, Twilio and HTTP gateways send any text.
        self._provider_box: ProviderTemplateBox | None = None
        self._provider_slot = QVBoxLayout()
        self._provider_slot.setContentsMargins(0, 0, 0, 0)
        self.save_button = QPushButton(self.tr("Save template"))
        self.save_button.clicked.connect(self.save)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        middle = QVBoxLayout()
        middle.addLayout(form)
        middle.addLayout(message_bar)
        middle.addWidget(self.editor, 1)
        middle.addWidget(self.issues)
        middle.addLayout(opt_out_row)
        middle.addLayout(self._provider_slot)
        middle.addLayout(save_row)

        # Right: the preview and the whole list.
        self.panel = PreviewPanel()
        self.panel.step_requested.connect(self.step)
        self.panel.jump_requested.connect(self.jump)
        self.panel.send_button.clicked.connect(self.send_clicked)
        self.preview = self.panel.bubble
        self.counts = self.panel.counts
        self.totals = self.panel.totals
        self.send_button = self.panel.send_button
        self.prev_button = self.panel.prev_button
        self.next_button = self.panel.next_button

        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(middle, 5)
        layout.addWidget(self.panel, 4)

        self.surveyor = ListSurveyor(self, paused=count_later)
        self.surveyor.finished.connect(self._survey_finished)
        self.surveyor.progress.connect(self.panel.show_counting)
        self.surveyor.failed.connect(lambda _m: self.panel.clear_totals())
        self.surveyor.crashed.connect(self._survey_crashed)

        self._loading = True
        self.reload_accounts()
        self.reload_lists()
        self._loading = False
        self.reload_templates()

    # -- data ----------------------------------------------------------------------------

    def reload_templates(self, select: str | None = None) -> None:
        self._templates = self.store.templates.all()
        names = [t.name for t in self._templates]
        row = names.index(select) if select in names else (0 if names else -1)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        self.template_list.addItems(names)
        self.template_list.setCurrentRow(row)
        self.template_list.blockSignals(False)
        self._select_template(row)

    def reload_lists(self) -> None:
        chosen = self.list_combo.currentData()
        self._lists = self.store.lists.all()
        self.list_combo.blockSignals(True)
        self.list_combo.clear()
        for saved in self._lists:
            label = (
                self.tr("%1 (%2 customers)")
                .replace("%1", saved.name)
                .replace("%2", number(saved.size))
            )
            self.list_combo.addItem(label, saved.id)
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
        self._account_changed()

    def current_list(self) -> RecipientList | None:
        i = self.list_combo.currentIndex()
        return self._lists[i] if 0 <= i < len(self._lists) else None

    def current_account(self) -> Account | None:
        i = self.account_combo.currentIndex()
        return self._accounts[i] if 0 <= i < len(self._accounts) else None

    def _select_template(self, row: int) -> None:
        self._current = self._templates[row] if 0 <= row < len(self._templates) else None
        t = self._current
        self._loading = True  # the fields fill in silence; the preview is worked out once, below
        self.name.setText(t.name if t else "")
        self.kind.setCurrentIndex(max(0, self.kind.findData(t.kind if t else "notification")))
        self.opt_out.setText(t.opt_out if t else "")
        self.editor.setPlainText(t.body if t else "")
        self._loading = False
        self._show_link()
        self._kind_changed()

    def new_template(self) -> None:
        self._current = None
        self.template_list.clearSelection()
        self._loading = True
        self.name.setText(self.tr("New template"))
        self.kind.setCurrentIndex(self.kind.findData(str(TemplateKind.NOTIFICATION)))
        self.opt_out.setText("")
        self._loading = False
        self._show_link()
        self.editor.setPlainText("")
        self.editor.setFocus()

    def save(self) -> None:
        try:
            name = self.name.text().strip()
            if not name:
                raise UserFacingError(self.tr("Give the template a name."))
            t = (self._current or Template(name=name, body=""))._replace(
                name=name, body=self.editor.toPlainText(), kind=str(self.kind.currentData()),
                opt_out=self.opt_out.text().strip(),
            )
            if self._provider_kind() in TEMPLATE_PROVIDERS:
                link, params = self.provider_box.own_link()
                t = t._replace(provider_template_id=link, param_names=params)
            self.store.templates.save(t)
        except UserFacingError as exc:
            show_error(self, str(exc))
            return
        self.reload_templates(select=name)

    # -- what is being written -------------------------------------------------------------

    def source(self) -> str:
        """The template source of what is sent: the text plus a marketing opt-out line."""
        return sending_source(
            self.editor.toPlainText(), str(self.kind.currentData()), self.opt_out.text()
        )

    def _signature(self) -> str:
        if self._current is not None and self._current.signature:
            return self._current.signature
        account = self.current_account()
        return account.settings.get("signature", "") if account else ""

    def _provider_kind(self) -> str:
        account = self.current_account()
        return account.provider if account else "sandbox"

    def _survey_request(self) -> SurveyRequest | None:
        saved, account = self.current_list(), self.current_account()
        body = self.editor.toPlainText()
        if saved is None or account is None or not body.strip() or parse_template(body).issues:
            return None
        return SurveyRequest(account, saved.id, self.source(), self._signature())

    def survey_is_current(self) -> bool:
        """The whole-list count on show is for exactly what is written and chosen now."""
        wanted = self._survey_request()
        return self.survey is not None and wanted is not None and self._survey_key == wanted.key()

    # -- reacting to the owner -----------------------------------------------------------

    def _list_changed(self) -> None:
        saved = self.current_list()
        columns = saved.columns if saved else ()
        self.editor.set_columns(columns)
        self._opted_out = self.store.optouts.phones()
        self.survey, self._survey_key = None, None
        self.panel.set_survey(None)
        self.go_to_row(0)
        self._refresh_survey()

    def _fill_insert_menu(self) -> None:
        from functools import partial

        saved = self.current_list()
        self.insert_menu.clear()
        for column in dict.fromkeys(("name", "phone", *(saved.columns if saved else ()))):
            self.insert_menu.addAction(column, partial(self.editor.insert_variable, column))

    @property
    def provider_box(self) -> ProviderTemplateBox:
        if self._provider_box is None:
            from smsdesk.gui.template_provider import ProviderTemplateBox

            box = ProviderTemplateBox()
            box.changed.connect(self._provider_link_changed)
            box.fetch_failed.connect(lambda message: show_error(self, message))
            box.fetch_crashed.connect(lambda details: show_crash(self, details))
            box.set_text_variables(parse_template(self.source()).variables)
            self._provider_slot.addWidget(box)
            self._provider_box = box
        return self._provider_box

    def _account_changed(self) -> None:
        account = self.current_account()
        wanted = account is not None and account.provider in TEMPLATE_PROVIDERS
        if wanted:
            self.provider_box.setVisible(True)
            self._show_link()
        elif self._provider_box is not None:
            self._provider_box.setVisible(False)
        self.update_preview()
        self._refresh_survey()

    def _kind_changed(self) -> None:
        marketing = self.kind.currentData() == TemplateKind.MARKETING
        self.opt_out.setVisible(marketing)
        self.opt_out_label.setVisible(marketing)
        self.opt_out.setPlaceholderText(default_opt_out(self.editor.toPlainText()))
        self._text_changed()

    def _text_changed(self) -> None:
        if self._loading:
            return
        # The count of the old text is stopped first, so it does not compete with this keystroke.
        self._refresh_survey()
        self.opt_out.setPlaceholderText(default_opt_out(self.editor.toPlainText()))
        self.update_preview()

    def _provider_link_changed(self) -> None:
        self.update_preview()

    def _refresh_survey(self, *, now: bool = False) -> None:
        if self._loading:
            return
        wanted = self._survey_request()
        if wanted is None:
            self._pending_jump = None
            self.surveyor.request(None)
            self.panel.clear_totals()
            return
        if self._survey_key == wanted.key():
            self.surveyor.request(None)  # what is on show is already right
            return
        self.surveyor.request(wanted, now=now)

    # -- the customer on screen ------------------------------------------------------------

    def go_to_row(self, row: int) -> None:
        saved = self.current_list()
        if saved is None or saved.size == 0:
            self._row, self._person = 0, None
        else:
            self._row = max(0, min(row, saved.size - 1))
            page = self.store.lists.page(saved.id, self._row, 1)
            self._person = page[0] if page else None
        self.update_preview()

    def current_row(self) -> int:
        return self._row

    def step(self, delta: int) -> None:
        self.go_to_row(self._row + delta)

    def jump(self, kind: str) -> None:
        """Show the longest message, or the next customer with an empty variable or needing
        more SMS than the first; counts the list first if the count is not for this text."""
        if not self.survey_is_current():
            self._pending_jump = kind
            self._refresh_survey(now=True)
            return
        survey = self.survey
        assert survey is not None
        target: int | None
        if kind == JUMP_LONGEST:
            target = survey.longest_row
        elif kind == JUMP_EMPTY:
            target = next_row(survey.empty_rows, self._row)
        elif kind == JUMP_MORE:
            target = next_row(survey.more_segment_rows, self._row)
        else:
            raise ValueError(kind)
        if target is not None:
            self.go_to_row(target)

    def update_preview(self) -> None:
        """Re-render and recount the customer on screen; runs on every keystroke."""
        if self._loading:
            return
        body = self.editor.toPlainText()
        saved = self.current_list()
        issues = check_variables(parse_template(body), saved.columns if saved else ())
        self.issues.setText("\n".join(i.message for i in issues[:3]))
        self.issues.setVisible(bool(issues))
        account = self.current_account()
        provider = account.provider if account else "sandbox"
        person = self._person
        if person is not None and saved is not None:
            self.panel.show_customer(
                self._row,
                saved.size,
                person.name,
                person.phone,
                opted_out=person.phone in self._opted_out,
            )
        else:
            self.panel.show_no_customer()
        values = person.variables() if person else {}
        source = self.source()
        parsed = parse_template(source)
        if self._provider_box is not None:
            self._provider_box.set_text_variables(parsed.variables)
        preview = preview_message(
            parsed,
            values,
            phone=person.phone if person else PREVIEW_PHONE,
            provider=provider,
            signature=self._signature(),
        )
        self.panel.show_message(preview)
        link_ok = True
        if provider in TEMPLATE_PROVIDERS:
            link_ok = self.provider_box.check(source, values, preview.text, self._signature())
        self.panel.set_jumps_enabled(
            saved is not None and saved.size > 0 and bool(body.strip()),
            self.survey if self.survey_is_current() else None,
        )
        self.send_button.setEnabled(
            bool(body.strip())
            and not issues
            and saved is not None
            and account is not None
            and link_ok
        )

    # -- the whole list ------------------------------------------------------------------

    def _survey_finished(self, key: tuple[object, ...], survey: ListSurvey) -> None:
        self.survey, self._survey_key = survey, key
        self.panel.set_survey(survey)
        self.update_preview()
        kind, self._pending_jump = self._pending_jump, None
        if kind is not None and self.survey_is_current():
            self.jump(kind)

    def _survey_crashed(self, details: str) -> None:
        self.panel.clear_totals()
        show_crash(self, details)

    # -- the provider's approved template ---------------------------------------------------

    def _show_link(self) -> None:
        account = self.current_account()
        if account is not None and account.provider in TEMPLATE_PROVIDERS:
            saved = self.current_list()
            self.provider_box.show_account(
                self.store, account, self._current, saved.columns if saved else ()
            )

    def fetch_approved(self) -> None:
        """Fetch the provider's templates and signatures off the GUI thread and keep them."""
        self.provider_box.fetch()

    # -- sending ---------------------------------------------------------------------------

    def send_clicked(self) -> None:
        saved, account = self.current_list(), self.current_account()
        if saved is None or account is None:
            return
        source = self.source()
        signature = self._signature()
        template_id = self._current.id if self._current else None
        kind = str(
            self.kind.currentData()
        )  # as on screen, saved or not: marketing waits out quiet hours
        provider_template_id: str | None = None
        param_map: str | None = None
        if account.provider in TEMPLATE_PROVIDERS:
            provider_template_id, param_map = (
                self.provider_box.template_id(),
                self.provider_box.param_map(),
            )
        self.send_button.setEnabled(False)
        # The send engine is loaded on the first send, not at start-up.
        from smsdesk.engine.campaigns import plan_for_recipients
        from smsdesk.worker.tasks import BackgroundTask

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> CampaignPlan:
            with Store.open() as store:
                return plan_for_recipients(
                    store,
                    account,
                    source,
                    store.lists.iter_recipients(saved.id),
                    signature=signature,
                    list_id=saved.id,
                    template_id=template_id,
                    provider_template_id=provider_template_id,
                    param_map=param_map,
                    kind=kind,
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
        from datetime import datetime

        from smsdesk.engine.campaigns import create_campaign
        from smsdesk.gui.confirm_send import ConfirmSendDialog

        self.send_button.setEnabled(True)
        if not ConfirmSendDialog.ask(self, plan):
            return
        name = f"{self.name.text().strip() or self.tr('Message')} {datetime.now():%Y-%m-%d %H:%M}"
        campaign_id = create_campaign(self.store, plan, name)
        self.campaign_started.emit(campaign_id, plan.account.name)
