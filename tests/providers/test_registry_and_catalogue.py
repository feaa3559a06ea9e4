"""The registry, the account fields, the Chinese catalogue and the no-Qt rule."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx
import pytest

import smsdesk
from smsdesk import i18n
from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, ProviderError, SendSpec
from smsdesk.errors import UserFacingError
from smsdesk.locale_zh.providers import MESSAGES
from smsdesk.providers.account_settings import AccountSettingsError
from smsdesk.providers.registry import PROVIDER_CLASSES, create_provider

PACKAGE = Path(smsdesk.__file__).parent
OWN_FILES = sorted(
    [p for p in (PACKAGE / "providers").glob("*.py") if p.name not in ("sandbox.py", "__init__.py")]
    + list((PACKAGE / "emulator").glob("*.py"))
)
MINIMAL = {
    "aliyun": ({"access_key_id": "i"}, {"access_key_secret": "s"}),
    "tencent": ({"secret_id": "i", "sdk_app_id": "1"}, {"secret_key": "s"}),
    "twilio": ({"account_sid": "AC1", "sender": "+15005550006"}, {"auth_token": "t"}),
    "generic_http": ({"endpoint": "https://gw.example/"}, {}),
}


def test_registry_knows_every_real_provider() -> None:
    assert set(PROVIDER_CLASSES) == {"aliyun", "tencent", "twilio", "generic_http"}
    for kind, cls in PROVIDER_CLASSES.items():
        assert cls.kind == kind


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_create_provider_passes_options(kind: str) -> None:
    settings, secrets = MINIMAL[kind]
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503)

    provider = create_provider(kind, settings, secrets, transport=httpx.MockTransport(answer))
    assert type(provider) is PROVIDER_CLASSES[kind]
    message = OutgoingMessage(1, "+8613800138000", "x", {"p": "v"})
    with pytest.raises(ProviderError) as caught:
        provider.send([message], SendSpec("s", "t", ("p",)))
    assert caught.value.fault.kind is ErrorKind.TRANSIENT
    assert len(seen) == 1
    provider.close()


def test_create_provider_refuses_unknown_kinds() -> None:
    with pytest.raises(UserFacingError, match="carrier-pigeon"):
        create_provider("carrier-pigeon", {}, {})


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_fields_describe_what_the_constructor_reads(kind: str) -> None:
    cls = PROVIDER_CLASSES[kind]
    keys = [f.key for f in cls.FIELDS]
    assert len(keys) == len(set(keys))
    assert "endpoint" in keys
    secret_keys = {f.key for f in cls.FIELDS if f.secret}
    settings, secrets = MINIMAL[kind]
    assert set(secrets) <= secret_keys
    assert not set(settings) & secret_keys
    for field in cls.FIELDS:
        if field.required and field.key != "endpoint":
            reduced = {k: v for k, v in settings.items() if k != field.key}
            reduced_secrets = {k: v for k, v in secrets.items() if k != field.key}
            with pytest.raises(AccountSettingsError, match=re.escape(field.label)):
                cls(reduced, reduced_secrets)


def test_secrets_are_marked_secret() -> None:
    secret_names = {(k, f.key) for k, c in PROVIDER_CLASSES.items() for f in c.FIELDS if f.secret}
    assert secret_names == {
        ("aliyun", "access_key_secret"),
        ("tencent", "secret_key"),
        ("twilio", "auth_token"),
        ("generic_http", "secret"),
    }


def test_generic_help_lists_every_error_kind() -> None:
    cls = PROVIDER_CLASSES["generic_http"]
    help_text = next(f.help for f in cls.FIELDS if f.key == "error_kinds")
    assert all(kind.value in help_text for kind in ErrorKind)


def _tr_literals(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr":
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value)
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w*)\}", text))


def test_every_message_has_a_chinese_translation_with_the_same_placeholders() -> None:
    english = {s for path in OWN_FILES for s in _tr_literals(path)}
    for cls in PROVIDER_CLASSES.values():
        english |= {f.label for f in cls.FIELDS} | {f.help for f in cls.FIELDS if f.help}
    missing = sorted(english - MESSAGES.keys())
    assert missing == []
    for text in english:
        assert _placeholders(MESSAGES[text]) == _placeholders(text), text


def test_messages_switch_language() -> None:
    i18n.set_language("zh_CN")
    try:
        provider = create_provider("generic_http", {"endpoint": "https://gw.example/"}, {})
        assert (
            provider.test_connection()
            == MESSAGES[
                "The settings are complete. A generic gateway can only be tested by sending a message."
            ]
        )
        with pytest.raises(AccountSettingsError, match="缺少账户设置“AccessKey Secret”"):
            create_provider("aliyun", {"access_key_id": "x"}, {})
    finally:
        i18n.set_language("en")


@pytest.mark.parametrize("path", OWN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_qt_import(path: Path) -> None:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        assert not [
            n for n in names if n.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6")
        ]
