"""Accounts: the provider accounts messages are sent through. Secrets go to the keyring only."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from smsdesk.core.provider_api import AccountField
from smsdesk.engine.providers import account_fields, secret_keys
from smsdesk.errors import UserFacingError
from smsdesk.gui.feedback import show_crash, show_error
from smsdesk.i18n import tr as core_tr
from smsdesk.providers import KINDS
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER, Account
from smsdesk.worker.tasks import BackgroundTask


class AccountsPane(QWidget):
    """Signals: ``accounts_changed()`` after an account was saved or removed."""

    accounts_changed = Signal()

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._current: Account | None = None
        self._field_edits: dict[str, QLineEdit] = {}
        self._task: BackgroundTask | None = None

        self.list = QListWidget()
        self.list.setMaximumWidth(240)
        self.list.currentRowChanged.connect(self._select)
        add = QPushButton(self.tr("Add account"))
        add.clicked.connect(self.new_account)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Accounts")))
        left.addWidget(self.list, 1)
        left.addWidget(add)

        self.name = QLineEdit()
        self.provider = QComboBox()
        for kind in KINDS:
            self.provider.addItem(self._provider_label(kind), kind)
        self.provider.currentIndexChanged.connect(lambda _i: self._build_fields({}))
        self.price = QDoubleSpinBox()
        self.price.setDecimals(4)
        self.price.setMaximum(100.0)
        self.rate = QDoubleSpinBox()
        self.rate.setRange(0.1, 5000.0)
        self.is_default = QCheckBox(self.tr("Default account"))
        self.form = QFormLayout()
        self.form.addRow(self.tr("Name"), self.name)
        self.form.addRow(self.tr("Provider"), self.provider)
        self.fields_form = QFormLayout()
        self.form.addRow(self.fields_form)
        self.form.addRow(self.tr("Price per SMS"), self.price)
        self.form.addRow(self.tr("Most requests per second"), self.rate)
        self.form.addRow("", self.is_default)

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.clicked.connect(self.remove)
        self.test_button = QPushButton(self.tr("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setObjectName("testResult")
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.save_button)

        right = QVBoxLayout()
        right.addLayout(self.form)
        right.addLayout(buttons)
        right.addWidget(self.result)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left)
        layout.addLayout(right, 1)
        self.reload()

    def _provider_label(self, kind: str) -> str:
        labels = {
            "sandbox": self.tr("Sandbox (try without signing up)"),
            "aliyun": self.tr("Alibaba Cloud SMS"),
            "tencent": self.tr("Tencent Cloud SMS"),
            "twilio": self.tr("Twilio"),
            "generic_http": self.tr("Other HTTP SMS gateway"),
        }
        return labels.get(kind, kind)

    def reload(self, select: str | None = None) -> None:
        self.accounts = self.store.accounts.all()
        self.list.blockSignals(True)
        self.list.clear()
        for a in self.accounts:
            self.list.addItem(f"{a.name} ★" if a.is_default else a.name)
        self.list.blockSignals(False)
        names = [a.name for a in self.accounts]
        row = names.index(select) if select in names else (0 if names else -1)
        self.list.setCurrentRow(row)
        self._select(row)

    def _select(self, row: int) -> None:
        self._current = self.accounts[row] if 0 <= row < len(self.accounts) else None
        a = self._current
        self.result.clear()
        if a is None:
            return
        self.name.setText(a.name)
        self.provider.blockSignals(True)
        self.provider.setCurrentIndex(max(0, self.provider.findData(a.provider)))
        self.provider.blockSignals(False)
        self.provider.setEnabled(False)
        self.price.setValue(a.price_per_segment)
        self.rate.setValue(a.rate_per_second)
        self.is_default.setChecked(a.is_default)
        self._build_fields(a.settings)
        self.remove_button.setEnabled(a.provider != SANDBOX_PROVIDER)

    def new_account(self) -> None:
        self._current = None
        self.list.clearSelection()
        self.name.setText(self.tr("My SMS account"))
        self.provider.setEnabled(True)
        self.provider.setCurrentIndex(max(0, self.provider.findData("aliyun")))
        self.price.setValue(0.045)
        self.rate.setValue(10.0)
        self.is_default.setChecked(False)
        self._build_fields({})
        self.remove_button.setEnabled(False)
        self.result.setText(self.tr("Fill in the fields and press Save."))

    def _fields(self) -> tuple[AccountField, ...]:
        return account_fields(str(self.provider.currentData()))

    def _build_fields(self, settings: Mapping[str, str]) -> None:
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self._field_edits = {}
        for f in self._fields():
            edit = QLineEdit()
            edit.setObjectName(f"field_{f.key}")
            if f.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setPlaceholderText(
                    self.tr("stored in the system keyring") if self._current else self.tr("required")
                )
            else:
                edit.setText(settings.get(f.key, f.default))
            if f.help:
                edit.setToolTip(core_tr(f.help))
            self._field_edits[f.key] = edit
            self.fields_form.addRow(core_tr(f.label), edit)
        endpoint = QLineEdit(settings.get("endpoint", ""))
        endpoint.setObjectName("field_endpoint")
        endpoint.setPlaceholderText(self.tr("default address"))
        if "endpoint" not in self._field_edits:
            self._field_edits["endpoint"] = endpoint
            self.fields_form.addRow(self.tr("Endpoint"), endpoint)

    def save(self) -> None:
        try:
            self._save()
        except UserFacingError as exc:
            show_error(self, str(exc))

    def _save(self) -> None:
        kind = str(self.provider.currentData())
        fields = {f.key: f for f in self._fields()}
        settings = dict(self._current.settings) if self._current else {}
        secrets: dict[str, str] = {}
        for key, edit in self._field_edits.items():
            value = edit.text().strip()
            field = fields.get(key)
            if field is not None and field.secret:
                if value:
                    secrets[key] = value
                elif field.required and self._current is None:
                    raise UserFacingError(core_tr("Missing secret: {names}", names=core_tr(field.label)))
            elif value:
                settings[key] = value
            else:
                settings.pop(key, None)
        missing = [core_tr(f.label) for f in fields.values() if f.required and not f.secret and not settings.get(f.key)]
        if missing:
            raise UserFacingError(core_tr("Missing setting: {names}", names=", ".join(missing)))
        name = self.name.text().strip()
        if not name:
            raise UserFacingError(self.tr("Give the account a name."))
        if self._current is None:
            account = self.store.accounts.add(
                Account(name=name, provider=kind, settings=settings, is_default=self.is_default.isChecked(),
                        price_per_segment=self.price.value(), rate_per_second=self.rate.value())
            )
        else:
            account = self._current._replace(
                name=name, settings=settings, is_default=self.is_default.isChecked(),
                price_per_segment=self.price.value(), rate_per_second=self.rate.value(),
            )
            self.store.accounts.update(account)
        if secrets:
            from smsdesk.storage.secrets import SecretStore

            SecretStore().save(account.secret_ref, secrets)
        self.reload(select=account.name)
        self.result.setText(self.tr("Saved."))
        self.accounts_changed.emit()

    def remove(self) -> None:
        a = self._current
        if a is None or not self.ask_remove(a.name):
            return
        try:
            self.store.accounts.remove(a.name)
        except UserFacingError as exc:
            show_error(self, str(exc))
            return
        from smsdesk.storage.secrets import SecretStore

        SecretStore().delete(a.secret_ref, secret_keys(a.provider))
        self.reload()
        self.accounts_changed.emit()

    def ask_remove(self, name: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Remove account"), self.tr("Remove the account “%1”?").replace("%1", name))
        return answer == QMessageBox.StandardButton.Yes

    def test_connection(self) -> None:
        a = self._current
        if a is None:
            return
        self.result.setText(self.tr("Testing…"))
        self.test_button.setEnabled(False)

        def job(_progress: Callable[[int, int], None], _cancel: threading.Event) -> str:
            from smsdesk.engine.providers import test_account

            return test_account(a)

        task = BackgroundTask(job)
        task.signals.succeeded.connect(lambda text: self._tested(str(text), ok=True))
        task.signals.failed.connect(lambda text: self._tested(text, ok=False))
        task.signals.crashed.connect(self._test_crashed)
        self._task = task.start()

    def _test_crashed(self, details: str) -> None:
        self._tested("", ok=False)
        show_crash(self, details)

    def _tested(self, text: str, *, ok: bool) -> None:
        self.test_button.setEnabled(True)
        prefix = self.tr("Connection works.") if ok else self.tr("Connection failed.")
        self.result.setText(f"{prefix} {text}".strip())
