"""The approved-template box: which of the provider's templates a message goes out as, how our
variables fill its parameters, and whether that can produce the approved text.

Aliyun and Tencent Cloud send only texts they approved.  The box lists the templates last
fetched for the account with their review state, maps each parameter to a variable (or to the
whole personalised message) and shows, in words, what would stop the provider from sending what
the preview shows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from smsdesk.core.approved import (
    ApprovalState,
    ParamStyle,
    ProviderSignature,
    ProviderTemplate,
    approval_label,
    approved_parameters,
    param_style,
)
from smsdesk.engine.approved import (
    LinkReport,
    approved_message,
    check_template_link,
    fetch_approved,
    linked_template,
    parse_sign_ids,
)
from smsdesk.engine.template_params import TEXT_VARIABLE, parse_param_map
from smsdesk.errors import UserFacingError
from smsdesk.gui import theme
from smsdesk.gui.qt_properties import set_qt_properties
from smsdesk.gui.settings import app_settings
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.templates import Template
from smsdesk.worker.tasks import BackgroundTask

STATE_COLOURS = {
    ApprovalState.APPROVED: "#26a269",
    ApprovalState.PENDING: "#c77c02",
    ApprovalState.REJECTED: "#c01c28",
    ApprovalState.CANCELLED: "#77767b",
}


class ProviderTemplateBox(QGroupBox):
    """Signals: ``changed()`` when the owner picks a template or changes the mapping, or fresh
    templates were fetched; ``fetch_failed(message)`` and ``fetch_crashed(details)``."""

    changed = Signal()
    fetch_failed = Signal(str)
    fetch_crashed = Signal(str)

    def __init__(self) -> None:
        super().__init__(self.tr("Approved template"))
        self._provider = ""
        self._templates: list[ProviderTemplate] = []
        self._variables: tuple[str, ...] = ()
        self._text_variables: tuple[str, ...] = ()
        self._param_combos: dict[str, QComboBox] = {}
        self._own = False
        self._filling = False
        self._store: Store | None = None
        self._account: Account | None = None
        self._signatures: list[ProviderSignature] = []
        self._fetch_task: BackgroundTask | None = None

        self.template_combo = QComboBox()
        self.template_combo.setMinimumContentsLength(18)
        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        self.fetch_button = QPushButton(self.tr("Fetch from provider"))
        self.fetch_button.setToolTip(
            self.tr("Ask the provider for its templates and signatures and their review state.")
        )
        self.fetch_button.clicked.connect(self.fetch)
        self.fetch_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.sign_ids = QLineEdit()
        self.sign_ids.setPlaceholderText(self.tr("e.g. 1110, 1112"))
        self.sign_ids.setToolTip(
            self.tr("Tencent Cloud lists signatures only by their ids, shown in its console.")
        )
        self.sign_ids_label = QLabel(self.tr("Signature ids"))
        self.approved_text = QLabel()
        self.approved_text.setObjectName("approvedText")
        self.approved_text.setWordWrap(True)
        set_qt_properties(self.approved_text, textFormat="RichText")
        self.mapping_form = QFormLayout()
        self.mapping_text = QLineEdit()
        self.mapping_text.setPlaceholderText(
            self.tr("provider=variable, e.g. code=code, content=_text")
        )
        self.mapping_text.textEdited.connect(self._mapping_edited)
        self.problems = QLabel()
        self.problems.setObjectName("linkProblems")
        self.problems.setStyleSheet(f"color: {theme.css(theme.PROBLEM)}")
        self.problems.setWordWrap(True)
        self.sent_as = QLabel()
        self.sent_as.setObjectName("sentAs")
        self.sent_as.setWordWrap(True)
        set_qt_properties(self.sent_as, textFormat="PlainText")

        fetch_row = QHBoxLayout()
        fetch_row.addWidget(self.sign_ids_label)
        fetch_row.addWidget(self.sign_ids, 1)
        fetch_row.addStretch(0)
        fetch_row.addWidget(self.fetch_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.template_combo)
        layout.addLayout(fetch_row)
        layout.addWidget(self.approved_text)
        layout.addLayout(self.mapping_form)
        layout.addWidget(self.mapping_text)
        layout.addWidget(self.problems)
        layout.addWidget(self.sent_as)

    # -- what the pane tells the box -------------------------------------------------------

    def show_account(
        self, store: Store, account: Account, template: Template | None, columns: tuple[str, ...]
    ) -> None:
        """The approved templates last fetched for ``account``, and the link a send would use:
        the template's own, else the account's."""
        if account.id is None:
            return
        self._store, self._account = store, account
        self.set_account(account.provider, store.templates.approved_templates(account.id))
        self._signatures = store.templates.approved_signatures(account.id)
        self.sign_ids.setText(str(app_settings().value(f"tencent_sign_ids/{account.id}", "")))
        template_id, param_map = linked_template(template, account)
        own = template is not None and bool(template.provider_template_id)
        self.set_link(template_id, param_map, own=own)
        self.set_variables(tuple(dict.fromkeys((*columns, "name", "phone"))))

    def check(self, source: str, values: dict[str, str], text: str, signature: str) -> bool:
        """Show what keeps the provider from sending ``source`` as written, and what one
        customer would get instead; False when no approved template is chosen at all."""
        if self._account is None:
            return True
        provider = self._account.provider
        report = check_template_link(
            source,
            provider=provider,
            template_id=self.template_id(),
            param_map=self.param_map(),
            approved=self._templates,
            signatures=self._signatures,
            signature=signature,
        )
        sent_as = ""
        if report.approved is not None:
            sent_as = approved_message(
                report.approved,
                provider=provider,
                param_map=self.param_map(),
                values=values,
                text=text,
            )
        self.show_report(report, sent_as)
        return bool(self.template_id())

    def fetch(self) -> None:
        """Ask the provider for its templates and signatures off the GUI thread, and keep them."""
        store, account = self._store, self._account
        if store is None or account is None or account.id is None:
            return
        try:
            sign_ids = parse_sign_ids(self.sign_ids.text())
        except UserFacingError as exc:
            self.fetch_failed.emit(str(exc))
            return
        app_settings().setValue(f"tencent_sign_ids/{account.id}", self.sign_ids.text())
        self.fetch_button.setEnabled(False)

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> object:
            with Store.open() as own_store:
                return fetch_approved(own_store, account, sign_ids=sign_ids)

        task = BackgroundTask(job)
        task.signals.succeeded.connect(self._fetched)
        # Bound methods: Qt drops the connections if the box is deleted first.
        task.signals.failed.connect(self._fetch_stopped)
        task.signals.crashed.connect(self._fetch_broke)
        self._fetch_task = task.start()

    def _fetched(self, _result: object) -> None:
        self._fetch_task = None
        self.fetch_button.setEnabled(True)
        if self._store is None or self._account is None or self._account.id is None:
            return
        chosen, mapping = self.template_id(), self.param_map()
        self.set_account(
            self._account.provider, self._store.templates.approved_templates(self._account.id)
        )
        self._signatures = self._store.templates.approved_signatures(self._account.id)
        self.set_link(chosen, mapping, own=self._own)
        self.changed.emit()

    def _fetch_stopped(self, message: str) -> None:
        self._fetch_task = None
        self.fetch_button.setEnabled(True)
        self.fetch_failed.emit(message)

    def _fetch_broke(self, details: str) -> None:
        self._fetch_task = None
        self.fetch_button.setEnabled(True)
        self.fetch_crashed.emit(details)

    def set_account(self, provider: str, templates: list[ProviderTemplate]) -> None:
        self._provider = provider
        self._templates = templates
        is_tencent = provider == "tencent"
        self.sign_ids.setVisible(is_tencent)
        self.sign_ids_label.setVisible(is_tencent)

    def set_variables(self, variables: tuple[str, ...]) -> None:
        """What a parameter can be filled from: the list's columns and the text's variables."""
        if variables != self._variables:
            self._variables = variables
            self._rebuild_mapping(self.param_map())

    def set_text_variables(self, variables: tuple[str, ...]) -> None:
        """The variables of the text being written, in order: the first guess for a parameter
        no mapping fills yet."""
        self._text_variables = variables

    def set_link(self, template_id: str, param_map: str, *, own: bool) -> None:
        """Show ``template_id`` with ``param_map``; ``own`` when the template itself holds them
        rather than the account's defaults."""
        self._own = own
        self._filling = True
        try:
            self.template_combo.clear()
            self.template_combo.addItem(self.tr("(none chosen)"), "")
            for t in self._templates:
                label = f"{t.template_id} · {t.name} ({approval_label(t.state)})"
                self.template_combo.addItem(label, t.template_id)
            index = self.template_combo.findData(template_id)
            if index < 0 and template_id:
                self.template_combo.addItem(
                    self.tr("%1 (not fetched yet)").replace("%1", template_id), template_id
                )
                index = self.template_combo.count() - 1
            self.template_combo.setCurrentIndex(max(index, 0))
            self._rebuild_mapping(param_map)
        finally:
            self._filling = False

    def show_report(self, report: LinkReport, sent_as: str) -> None:
        approved = report.approved
        if approved is None:
            self.approved_text.setText("")
        else:
            colour = STATE_COLOURS.get(approved.state, "#77767b")
            self.approved_text.setText(
                f"<span style='color:{colour}; font-weight:600'>"
                f"{_escape(approval_label(approved.state))}</span>&nbsp; {_escape(approved.text)}"
            )
        self.problems.setText("\n".join(report.problems))
        self.problems.setVisible(bool(report.problems))
        show_sent = bool(sent_as) and bool(report.problems)
        self.sent_as.setText(
            self.tr("The customer would get: %1").replace("%1", sent_as) if show_sent else ""
        )
        self.sent_as.setVisible(show_sent)

    # -- what the pane reads back ----------------------------------------------------------

    def template_id(self) -> str:
        return str(self.template_combo.currentData() or "")

    def param_map(self) -> str:
        if self._param_combos:
            return ", ".join(
                f"{name}={combo.currentData()}" for name, combo in self._param_combos.items()
            )
        return self.mapping_text.text().strip()

    def own_link(self) -> tuple[str, tuple[str, ...]]:
        """What to save on the template: its own link, or nothing when it uses the account's."""
        if not self._own:
            return "", ()
        try:
            pairs = parse_param_map(self.param_map())
        except UserFacingError:
            pairs = []
        return self.template_id(), tuple(f"{a}={b}" for a, b in pairs)

    def templates(self) -> list[ProviderTemplate]:
        return self._templates

    def is_own(self) -> bool:
        return self._own

    def sign_id_text(self) -> str:
        return self.sign_ids.text()

    # -- inside ------------------------------------------------------------------------------

    def _chosen(self) -> ProviderTemplate | None:
        return next((t for t in self._templates if t.template_id == self.template_id()), None)

    def _template_chosen(self, _index: int) -> None:
        if self._filling:
            return
        self._own = True
        self._rebuild_mapping("")  # another template: its parameters are guessed afresh
        self.changed.emit()

    def _mapping_edited(self, _text: str) -> None:
        self._own = True
        self.changed.emit()

    def _param_changed(self, _index: int) -> None:
        if not self._filling:
            self._own = True
            self.changed.emit()

    def _rebuild_mapping(self, param_map: str) -> None:
        while self.mapping_form.rowCount():
            self.mapping_form.removeRow(0)
        self._param_combos = {}
        chosen = self._chosen()
        try:
            pairs = parse_param_map(param_map)
        except UserFacingError:
            pairs = []
        if chosen is None:
            self.mapping_text.setVisible(bool(self.template_id()))
            self.mapping_text.setText(param_map)
            return
        self.mapping_text.setVisible(False)
        style = param_style(self._provider)
        by_name = dict(pairs)
        by_position = [ours for _name, ours in pairs]
        parameters = approved_parameters(chosen.text, style)
        was_filling, self._filling = self._filling, True
        try:
            for n, name in enumerate(parameters):
                current = (
                    by_name.get(name)
                    if style is ParamStyle.NAMED
                    else (by_position[n] if n < len(by_position) else None)
                )
                combo = QComboBox()
                combo.addItem(self.tr("the whole message"), TEXT_VARIABLE)
                for variable in self._variables:
                    combo.addItem("{" + variable + "}", variable)
                if current is None:
                    current = self._guess(chosen.text, parameters, n)
                if combo.findData(current) < 0:
                    combo.addItem("{" + current + "}", current)
                combo.setCurrentIndex(combo.findData(current))
                combo.currentIndexChanged.connect(self._param_changed)
                label = "${" + name + "}" if style is ParamStyle.NAMED else "{" + name + "}"
                self.mapping_form.addRow(self.tr("%1 is filled with").replace("%1", label), combo)
                self._param_combos[name] = combo
        finally:
            self._filling = was_filling

    def _guess(self, text: str, parameters: tuple[str, ...], n: int) -> str:
        """A parameter's likely variable: the one of the same name, else the text's variable in
        the same place; a template that is nothing but one parameter takes the whole message."""
        style = param_style(self._provider)
        name = parameters[n]
        slot = "${" + name + "}" if style is ParamStyle.NAMED else "{" + name + "}"
        if text.strip() == slot:
            return TEXT_VARIABLE
        if name in self._variables or name in self._text_variables:
            return name
        if n < len(self._text_variables):
            return self._text_variables[n]
        return TEXT_VARIABLE


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
