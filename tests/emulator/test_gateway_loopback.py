"""The generic HTTP adapter against the emulator's MD5 gateway over real loopback HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, ProviderError, SendSpec
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.generic_http import GenericHttpProvider

MakeGateway = Callable[..., GenericHttpProvider]
PHONE = "+8613800138000"


def test_md5_signed_json_is_accepted(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    outcome = make_gateway().send([OutgoingMessage(7, PHONE, "你好 & =")], SendSpec())[0]
    assert outcome.accepted
    accepted = emu.accepted[0]
    assert (accepted.phone, accepted.text, accepted.reference) == (PHONE, "你好 & =", "7")
    assert outcome.provider_id == accepted.provider_id


@pytest.mark.parametrize(("method", "body_format"), [("POST", "form"), ("GET", "json")])
def test_form_and_query_requests_are_accepted(
    method: str, body_format: str, emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    provider = make_gateway(method=method, body_format=body_format, phone_format="national")
    assert provider.send([OutgoingMessage(1, PHONE, "a b+c")], SendSpec())[0].accepted
    assert (emu.accepted[0].phone, emu.accepted[0].text) == ("13800138000", "a b+c")


def test_bearer_token_is_accepted(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    provider = make_gateway(secret=demo.gateway_token, auth="bearer", static_fields="")
    assert provider.send([OutgoingMessage(1, PHONE, "hi")], SendSpec())[0].accepted


def test_api_key_header_is_accepted(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    provider = make_gateway(secret=demo.gateway_token, auth="header", auth_header="X-API-Key")
    assert provider.send([OutgoingMessage(1, PHONE, "hi")], SendSpec())[0].accepted


def test_wrong_password_is_auth_failed(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_gateway(secret="wrong").send([OutgoingMessage(1, PHONE, "hi")], SendSpec())
    assert (caught.value.fault.kind, caught.value.fault.code) == (ErrorKind.AUTH_FAILED, "4")
    assert caught.value.fault.message == "invalid credentials"


def test_wrong_bearer_token_is_auth_failed(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_gateway(secret="wrong", auth="bearer").send(
            [OutgoingMessage(1, PHONE, "hi")], SendSpec()
        )
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED


def test_skewed_clock_is_auth_failed(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    provider = make_gateway(clock=lambda: datetime.now(UTC) - timedelta(minutes=11))
    with pytest.raises(ProviderError) as caught:
        provider.send([OutgoingMessage(1, PHONE, "hi")], SendSpec())
    assert (caught.value.fault.kind, caught.value.fault.code) == (ErrorKind.AUTH_FAILED, "5")


def test_a_body_changed_after_signing_is_refused(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway, tamper: type
) -> None:
    provider = make_gateway(transport=tamper(lambda body: body.replace(b"hi", b"ho")))
    with pytest.raises(ProviderError) as caught:
        provider.send([OutgoingMessage(1, PHONE, "hi")], SendSpec())
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
    assert emu.accepted == []


def test_refusals_about_the_number_become_outcomes(
    emu: Emulator, demo: DemoAccounts, make_gateway: MakeGateway
) -> None:
    emu.refuse_number(PHONE)
    outcomes = make_gateway().send(
        [OutgoingMessage(1, PHONE, "hi"), OutgoingMessage(2, "+8612", "hi")], SendSpec()
    )
    faults = [o.fault for o in outcomes]
    assert [(f.kind, f.code) for f in faults if f] == [
        (ErrorKind.OPTED_OUT, "7"),
        (ErrorKind.INVALID_NUMBER, "3"),
    ]
