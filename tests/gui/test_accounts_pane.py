"""The Accounts pane: every provider's settings round-trip, secrets only in the keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.engine.providers import account_fields
from smsdesk.storage.secrets import SecretStore

SAMPLE_VALUES = {
    "access_key_id": "LTAI5tExampleKeyId",
    "secret_id": "AKIDexampleSecretId",
    "sdk_app_id": "1400006666",
    "account_sid": "AC" + "1" * 32,
    "sender": "+15005550006",
    "endpoint": "https://sms.example.test/send",
    "signature": "小店",
    "template_id": "SMS_123456",
}


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0) as server:
        yield server


def _fill(pane, kind: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pane.new_account()
    pane.provider.setCurrentIndex(pane.provider.findData(kind))
    pane.name.setText(f"My {kind}")
    typed: dict[str, str] = {}
    for field in account_fields(kind):
        edit = pane._field_edits[field.key]
        value = f"secret-{kind}-value" if field.secret else SAMPLE_VALUES.get(field.key, edit.text() or field.default)
        if field.choices:
            value = field.choices[-1]
        if value:
            edit.setText(value)
            typed[field.key] = value
    return typed


@pytest.mark.parametrize("kind", ["aliyun", "tencent", "twilio", "generic_http"])
def test_every_provider_round_trips_and_secrets_go_to_the_keyring(window, kind: str, smsdesk_home: Path, no_dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    pane = window.accounts
    typed = _fill(pane, kind)
    pane.save()
    assert no_dialogs == []
    saved = window.store.accounts.get(f"My {kind}")
    secrets = {f.key for f in account_fields(kind) if f.secret}
    for key, value in typed.items():
        if key in secrets:
            assert key not in saved.settings
            assert SecretStore().load(saved.secret_ref, [key]) == {key: value}
        else:
            assert saved.settings[key] == value
    # Shown again as saved after a reload, secrets masked and empty.
    pane.reload(select=saved.name)
    for key, value in typed.items():
        edit = pane._field_edits[key]
        assert edit.text() == ("" if key in secrets else value)
    window.store.conn.execute("PRAGMA wal_checkpoint(FULL)")
    data = b"".join(p.read_bytes() for p in smsdesk_home.rglob("*") if p.is_file())
    for key in secrets:
        assert typed[key].encode() not in data


def test_missing_required_settings_are_one_sentence_and_nothing_is_saved(window, no_dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    pane = window.accounts
    pane.new_account()
    pane.provider.setCurrentIndex(pane.provider.findData("tencent"))
    pane.name.setText("Half done")
    pane.save()
    assert len(no_dialogs) == 1 and "\n" not in no_dialogs[0]
    assert [a.name for a in window.store.accounts.all()] == ["Sandbox"]


def test_connection_against_the_emulator_in_words(window, qtbot, emu: Emulator) -> None:  # type: ignore[no-untyped-def]
    demo: DemoAccounts = emu.load_demo()
    pane = window.accounts
    pane.new_account()
    pane.provider.setCurrentIndex(pane.provider.findData("twilio"))
    pane.name.setText("Twilio test")
    pane._field_edits["account_sid"].setText(demo.twilio_account_sid)
    pane._field_edits["auth_token"].setText(demo.twilio_auth_token)
    pane._field_edits["sender"].setText(demo.twilio_sender)
    pane._field_edits["endpoint"].setText(emu.url)
    pane.save()
    qtbot.mouseClick(pane.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.test_button.isEnabled(), timeout=10000)
    assert pane.result.text().startswith("Connection works.")

    # A wrong token: the emulator refuses it and the pane says so in words.
    account = window.store.accounts.get("Twilio test")
    SecretStore().save(account.secret_ref, {"auth_token": "wrong-token"})
    qtbot.mouseClick(pane.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.test_button.isEnabled(), timeout=10000)
    assert pane.result.text().startswith("Connection failed.")
    assert "Authentication failed" in pane.result.text()


def test_the_sandbox_tests_fine_and_cannot_be_removed(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.accounts
    assert pane._current is not None and pane._current.provider == "sandbox"
    assert not pane.remove_button.isEnabled()
    qtbot.mouseClick(pane.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.test_button.isEnabled(), timeout=10000)
    assert "Sandbox is ready" in pane.result.text()
