"""An emulator per test, loaded with the demo accounts, and providers pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.generic_http import GenericHttpProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider

FAST = httpx.Timeout(5.0, connect=2.0)


class Tamper(httpx.BaseTransport):
    """Changes the request after it was signed, as a meddling proxy would."""

    def __init__(
        self,
        body: Callable[[bytes], bytes],
        headers: Callable[[httpx.Request, bytes], dict[str, str]] | None = None,
    ) -> None:
        self._inner = httpx.HTTPTransport()
        self._body = body
        self._headers = headers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = self._body(request.read())
        headers = dict(request.headers)
        headers["content-length"] = str(len(body))
        if self._headers is not None:
            headers.update(self._headers(request, body))
        forged = httpx.Request(request.method, request.url, headers=headers, content=body)
        return self._inner.handle_request(forged)

    def close(self) -> None:
        self._inner.close()


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


def utc_now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def make_aliyun(emu: Emulator, demo: DemoAccounts) -> Iterator[Callable[..., AliyunProvider]]:
    made: list[AliyunProvider] = []

    def make(signing: str = "v3", secret: str | None = None, **options: Any) -> AliyunProvider:
        options.setdefault("timeout", FAST)
        provider = AliyunProvider(
            {"access_key_id": demo.aliyun_key_id, "endpoint": emu.url + "/", "signing": signing},
            {"access_key_secret": secret or demo.aliyun_secret},
            **options,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


@pytest.fixture
def make_tencent(emu: Emulator, demo: DemoAccounts) -> Iterator[Callable[..., TencentProvider]]:
    made: list[TencentProvider] = []

    def make(secret: str | None = None, **options: Any) -> TencentProvider:
        options.setdefault("timeout", FAST)
        provider = TencentProvider(
            {
                "secret_id": demo.tencent_secret_id,
                "sdk_app_id": demo.tencent_app_id,
                "endpoint": emu.url + "/",
            },
            {"secret_key": secret or demo.tencent_secret_key},
            **options,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


@pytest.fixture
def make_twilio(emu: Emulator, demo: DemoAccounts) -> Iterator[Callable[..., TwilioProvider]]:
    made: list[TwilioProvider] = []

    def make(token: str | None = None, sender: str | None = None, **options: Any) -> TwilioProvider:
        options.setdefault("timeout", FAST)
        provider = TwilioProvider(
            {
                "account_sid": demo.twilio_account_sid,
                "sender": sender or demo.twilio_sender,
                "endpoint": emu.url,
            },
            {"auth_token": token or demo.twilio_auth_token},
            **options,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


GATEWAY_MD5 = {
    "method": "POST",
    "body_format": "json",
    "field_map": "mobile=phone, content=text, timestamp=timestamp, ref=message_id",
    "static_fields": "account=demo",
    "auth": "signature",
    "signature_recipe": "md5(account+secret+mobile+content+timestamp)",
    "signature_field": "sign",
    "success_path": "code",
    "success_value": "0",
    "id_path": "msgid",
    "error_code_path": "code",
    "error_message_path": "msg",
    "error_kinds": "1=rate_limited, 3=invalid_number, 4=auth_failed, 5=auth_failed, 7=opted_out",
}


@pytest.fixture
def make_gateway(emu: Emulator, demo: DemoAccounts) -> Iterator[Callable[..., GenericHttpProvider]]:
    made: list[GenericHttpProvider] = []

    def make(secret: str | None = None, **settings: Any) -> GenericHttpProvider:
        options: dict[str, Any] = {"timeout": FAST}
        for name in ("clock", "transport", "timeout"):
            if name in settings:
                options[name] = settings.pop(name)
        provider = GenericHttpProvider(
            {**GATEWAY_MD5, "endpoint": emu.url + "/gateway/send", **settings},
            {"secret": secret or demo.gateway_password},
            **options,
        )
        made.append(provider)
        return provider

    yield make
    for provider in made:
        provider.close()


@pytest.fixture
def tamper() -> type[Tamper]:
    """The class of a transport that alters requests after signing."""
    return Tamper
