"""Injected faults and what each adapter makes of them."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import httpx
import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    RequestNotSent,
    SendOutcome,
    SendSpec,
)
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.generic_http import GenericHttpProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider

PHONE = "+8613800138000"
KINDS = ["aliyun", "tencent", "twilio", "gateway"]
Sender = Callable[[], list[SendOutcome]]


@pytest.fixture
def sender(
    request: pytest.FixtureRequest,
    demo: DemoAccounts,
    make_aliyun: Callable[..., AliyunProvider],
    make_tencent: Callable[..., TencentProvider],
    make_twilio: Callable[..., TwilioProvider],
    make_gateway: Callable[..., GenericHttpProvider],
) -> Callable[..., Sender]:
    """``sender(kind, **options)`` -> a function sending one message through that adapter."""

    def build(kind: str, **options: Any) -> Sender:
        message = OutgoingMessage(1, PHONE, "hello", {"content": "hello", "code": "1"})
        if kind == "aliyun":
            provider: Any = make_aliyun(**options)
            spec = SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))
        elif kind == "tencent":
            provider = make_tencent(**options)
            spec = SendSpec(demo.tencent_signature, demo.tencent_template, ("code",))
        elif kind == "twilio":
            provider = make_twilio(**options)
            spec = SendSpec()
        else:
            provider = make_gateway(**options)
            spec = SendSpec()
        return lambda: provider.send([message], spec)

    return build


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused_is_request_not_sent(demo: DemoAccounts) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}/"
    provider = AliyunProvider(
        {"access_key_id": demo.aliyun_key_id, "endpoint": endpoint},
        {"access_key_secret": demo.aliyun_secret},
    )
    with pytest.raises(RequestNotSent, match=r"127\.0\.0\.1"):
        provider.send([OutgoingMessage(1, PHONE, "", {"content": "x"})], SendSpec("s", "t"))
    provider.close()


@pytest.mark.parametrize("kind", KINDS)
def test_rate_limit_carries_retry_after_seconds(
    kind: str, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.RATE_LIMIT, retry_after="7"))
    with pytest.raises(ProviderError) as caught:
        sender(kind)()
    assert caught.value.fault.kind is ErrorKind.RATE_LIMITED
    assert caught.value.fault.retry_after == 7.0
    assert emu.accepted == []
    assert sender(kind)()[0].accepted


@pytest.mark.parametrize("kind", ["aliyun", "twilio"])
def test_rate_limit_retry_after_as_an_http_date(
    kind: str, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.RATE_LIMIT, retry_after=formatdate(time.time() + 30, usegmt=True)))
    with pytest.raises(ProviderError) as caught:
        sender(kind)()
    retry_after = caught.value.fault.retry_after
    assert retry_after is not None and 27 <= retry_after <= 31


@pytest.mark.parametrize("kind", KINDS)
def test_503_is_transient(kind: str, emu: Emulator, sender: Callable[..., Sender]) -> None:
    emu.inject(Fault(FaultKind.SERVER_ERROR, status=503))
    with pytest.raises(ProviderError) as caught:
        sender(kind)()
    assert (caught.value.fault.kind, caught.value.fault.code) == (ErrorKind.TRANSIENT, "503")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status", [500, 502, 504])
def test_other_5xx_leave_the_message_in_doubt(
    kind: str, status: int, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.SERVER_ERROR, status=status, after_processing=True))
    with pytest.raises(OutcomeUnknown, match=f"HTTP {status}"):
        sender(kind)()
    assert len(emu.accepted) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_read_timeout_is_outcome_unknown(
    kind: str, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.HOLD, hold=5.0))
    started = time.monotonic()
    with pytest.raises(OutcomeUnknown):
        sender(kind, timeout=httpx.Timeout(0.3))()
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("after_processing", [False, True])
def test_a_dropped_connection_is_outcome_unknown(
    kind: str, after_processing: bool, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.DROP, after_processing=after_processing))
    with pytest.raises(OutcomeUnknown):
        sender(kind)()
    assert len(emu.accepted) == (1 if after_processing else 0)


@pytest.mark.parametrize("kind", KINDS)
def test_a_malformed_body_is_outcome_unknown(
    kind: str, emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.MALFORMED, after_processing=True))
    with pytest.raises(OutcomeUnknown, match="cannot read"):
        sender(kind)()
    assert len(emu.accepted) == 1


def test_faults_target_one_api_and_run_out(emu: Emulator, sender: Callable[..., Sender]) -> None:
    emu.inject(Fault(FaultKind.SERVER_ERROR, api="twilio"), times=2)
    assert sender("aliyun")()[0].accepted
    for _ in range(2):
        with pytest.raises(ProviderError):
            sender("twilio")()
    assert sender("twilio")()[0].accepted


def test_latency_delays_every_answer(emu: Emulator, sender: Callable[..., Sender]) -> None:
    send = sender("tencent")
    emu.latency = 0.2
    started = time.monotonic()
    assert send()[0].accepted
    assert time.monotonic() - started >= 0.2
    emu.latency = 0.0


def test_rate_limit_without_retry_after_has_none(
    emu: Emulator, sender: Callable[..., Sender]
) -> None:
    emu.inject(Fault(FaultKind.RATE_LIMIT, retry_after=None))
    with pytest.raises(ProviderError) as caught:
        sender("tencent")()
    assert caught.value.fault.kind is ErrorKind.RATE_LIMITED
    assert caught.value.fault.retry_after is None
