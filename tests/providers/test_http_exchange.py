"""Transport failures: never sent, or in doubt."""

from __future__ import annotations

import httpx
import pytest

from smsdesk.core.provider_api import OutcomeUnknown, OutgoingMessage, RequestNotSent, SendSpec
from smsdesk.providers.registry import create_provider

SETUPS = {
    "aliyun": ({"access_key_id": "i"}, {"access_key_secret": "s"}),
    "tencent": ({"secret_id": "i", "sdk_app_id": "1"}, {"secret_key": "s"}),
    "twilio": ({"account_sid": "AC1", "sender": "+15005550006"}, {"auth_token": "t"}),
    "generic_http": ({"endpoint": "https://gw.example/"}, {}),
}


def _failing(exc: type[Exception]) -> httpx.MockTransport:
    def raise_it(request: httpx.Request) -> httpx.Response:
        raise exc("simulated", request=request)  # type: ignore[call-arg]

    return httpx.MockTransport(raise_it)


def _send(kind: str, transport: httpx.BaseTransport) -> None:
    settings, secrets = SETUPS[kind]
    provider = create_provider(kind, settings, secrets, transport=transport)
    try:
        provider.send(
            [OutgoingMessage(1, "+8613800138000", "x", {"p": "v"})], SendSpec("s", "t", ("p",))
        )
    finally:
        provider.close()


@pytest.mark.parametrize("kind", sorted(SETUPS))
@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_failures_before_sending_are_request_not_sent(kind: str, exc: type[Exception]) -> None:
    with pytest.raises(RequestNotSent, match="simulated"):
        _send(kind, _failing(exc))


@pytest.mark.parametrize("kind", sorted(SETUPS))
@pytest.mark.parametrize(
    "exc", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.RemoteProtocolError, httpx.ReadError]
)
def test_failures_after_sending_are_outcome_unknown(kind: str, exc: type[Exception]) -> None:
    with pytest.raises(OutcomeUnknown, match="simulated"):
        _send(kind, _failing(exc))
