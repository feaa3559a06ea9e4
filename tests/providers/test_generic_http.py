"""Reading a generic gateway's settings and its answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    SendSpec,
)
from smsdesk.providers.account_settings import AccountSettingsError
from smsdesk.providers.generic_http import (
    GenericHttpProvider,
    format_phone,
    json_path,
    status_matcher,
)

BASE = {"endpoint": "https://gw.example/send"}


def _provider(response: httpx.Response, **settings: str) -> GenericHttpProvider:
    return GenericHttpProvider(
        {**BASE, **settings}, {"secret": "s"}, transport=httpx.MockTransport(lambda r: response)
    )


def _send(provider: GenericHttpProvider) -> Any:
    return provider.send(
        [OutgoingMessage(1, "+8613800138000", "hi", {"n": "v"})], SendSpec("sig", "T1")
    )


def test_json_path() -> None:
    data = {"messages": [{"status": "0", "id": 5}], "ok": True}
    assert json_path(data, "messages.0.status") == "0"
    assert json_path(data, "messages.-1.id") == 5
    assert json_path(data, "messages.1.status") is None
    assert json_path(data, "ok.deeper") is None
    assert json_path(data, "missing") is None


@pytest.mark.parametrize(
    ("spec", "good", "bad"),
    [
        ("2xx", [200, 299], [300, 199]),
        ("200,201", [200, 201], [202]),
        ("200-202", [201], [203]),
        ("", [204], [400]),
    ],
)
def test_status_matcher(spec: str, good: list[int], bad: list[int]) -> None:
    matches = status_matcher(spec, label="Success HTTP status")
    assert all(matches(s) for s in good)
    assert not any(matches(s) for s in bad)


def test_status_matcher_refuses_nonsense() -> None:
    with pytest.raises(AccountSettingsError):
        status_matcher("ok", label="Success HTTP status")


def test_phone_formats() -> None:
    assert format_phone("+8613800138000", "e164") == "+8613800138000"
    assert format_phone("+8613800138000", "digits") == "8613800138000"
    assert format_phone("+8613800138000", "national") == "13800138000"
    assert format_phone("+447911123456", "national") == "7911123456"


@pytest.mark.parametrize(
    ("settings", "secrets", "message"),
    [
        ({}, {}, "Endpoint"),
        ({**BASE, "auth": "bearer"}, {}, "Token, API key or password"),
        ({**BASE, "auth": "signature", "signature_recipe": "md5("}, {"secret": "s"}, "formula"),
        ({**BASE, "field_map": "to=phonenumber"}, {}, "phonenumber"),
        ({**BASE, "field_map": "to"}, {}, "name=value"),
        ({**BASE, "error_kinds": "1=slow"}, {}, "slow"),
        ({**BASE, "method": "PATCH"}, {}, "one of"),
    ],
)
def test_bad_settings_are_explained(
    settings: dict[str, str], secrets: dict[str, str], message: str
) -> None:
    with pytest.raises(AccountSettingsError, match=message):
        GenericHttpProvider(settings, secrets)


def test_template_values_can_be_mapped() -> None:
    seen: list[bytes] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.read())
        return httpx.Response(200)

    provider = GenericHttpProvider(
        {**BASE, "field_map": "to=phone, v=param.n, tpl=template_id, s=signature, id=message_id"},
        {},
        transport=httpx.MockTransport(answer),
    )
    assert _send(provider)[0].accepted
    assert seen == [b'{"to": "+8613800138000", "v": "v", "tpl": "T1", "s": "sig", "id": "1"}']


def test_success_by_status_alone_has_an_empty_provider_id() -> None:
    outcome = _send(_provider(httpx.Response(202)))[0]
    assert outcome.accepted and outcome.provider_id == ""


def test_success_field_decides() -> None:
    settings = {"success_path": "result.code", "success_value": "0", "id_path": "result.id"}
    ok = _send(_provider(httpx.Response(200, json={"result": {"code": 0, "id": 77}}), **settings))[
        0
    ]
    assert ok.provider_id == "77"
    with pytest.raises(ProviderError) as caught:
        _send(
            _provider(
                httpx.Response(200, json={"result": {"code": 15, "msg": "bad sender"}}),
                **settings,
                error_message_path="result.msg",
                error_kinds="15=not_approved",
            )
        )
    assert caught.value.fault == ProviderFault(ErrorKind.NOT_APPROVED, "15", "bad sender")


def test_refusals_use_the_configured_kinds() -> None:
    settings = {
        "success_path": "status",
        "success_value": "0",
        "error_code_path": "status",
        "error_message_path": "text",
        "error_kinds": "3=invalid_number, 9=quota_exhausted",
    }
    outcome = _send(
        _provider(httpx.Response(200, json={"status": "3", "text": "bad"}), **settings)
    )[0]
    assert outcome.fault == ProviderFault(ErrorKind.INVALID_NUMBER, "3", "bad")
    with pytest.raises(ProviderError) as caught:
        _send(_provider(httpx.Response(200, json={"status": "9", "text": "no money"}), **settings))
    assert caught.value.fault == ProviderFault(ErrorKind.QUOTA_EXHAUSTED, "9", "no money")
    with pytest.raises(ProviderError) as caught:
        _send(_provider(httpx.Response(200, json={"status": "42"}), **settings))
    assert caught.value.fault.kind is ErrorKind.UNKNOWN


def test_http_statuses_without_codes() -> None:
    with pytest.raises(ProviderError) as caught:
        _send(_provider(httpx.Response(429, headers={"Retry-After": "9"})))
    assert caught.value.fault == ProviderFault(
        ErrorKind.RATE_LIMITED, "429", "Too Many Requests", 9.0
    )
    outcome = _send(_provider(httpx.Response(400), error_kinds="400=invalid_number"))[0]
    assert outcome.fault is not None and outcome.fault.kind is ErrorKind.INVALID_NUMBER
    with pytest.raises(OutcomeUnknown):
        _send(_provider(httpx.Response(500)))
    with pytest.raises(OutcomeUnknown):
        _send(_provider(httpx.Response(200, text="not json"), success_path="code"))


def test_reports_and_connection_test() -> None:
    provider = _provider(httpx.Response(200))
    assert provider.fetch_reports([]) == []
    assert "sending a message" in provider.test_connection()
