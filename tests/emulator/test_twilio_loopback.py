"""The Twilio adapter against the emulator over real loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutgoingMessage,
    ProviderError,
    ReportState,
    SendSpec,
    SentRef,
)
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.twilio import TwilioProvider

MakeTwilio = Callable[..., TwilioProvider]
UK, US = "+447911123456", "+14155552671"


def test_messages_are_accepted_one_request_each(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    batch = [OutgoingMessage(1, UK, "Hello"), OutgoingMessage(2, US, "Héllo {there} 😀")]
    outcomes = make_twilio().send(batch, SendSpec())
    assert all(o.accepted for o in outcomes)
    assert [o.provider_id for o in outcomes] == [a.provider_id for a in emu.accepted]
    assert all((o.provider_id or "").startswith("SM") for o in outcomes)
    assert [(a.phone, a.text) for a in emu.accepted] == [(UK, "Hello"), (US, "Héllo {there} 😀")]
    assert [r.action for r in emu.requests] == ["CreateMessage", "CreateMessage"]


def test_segments_follow_gsm_and_ucs2_rules(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    batch = [
        OutgoingMessage(1, UK, "a" * 160),
        OutgoingMessage(2, UK, "a" * 161),
        OutgoingMessage(3, UK, "😜" + "2" * 68),
        OutgoingMessage(4, UK, "😜" + "2" * 69),
    ]
    assert [o.segments for o in make_twilio().send(batch, SendSpec())] == [1, 2, 1, 2]


def test_a_messaging_service_and_an_api_key_work(emu: Emulator, demo: DemoAccounts) -> None:
    emu.add_twilio_account(demo.twilio_account_sid, demo.twilio_auth_token, ["MG" + "1" * 32])
    emu.add_twilio_api_key(demo.twilio_account_sid, "SK" + "2" * 32, "key-secret")
    provider = TwilioProvider(
        {
            "account_sid": demo.twilio_account_sid,
            "api_key_sid": "SK" + "2" * 32,
            "sender": "MG" + "1" * 32,
            "endpoint": emu.url,
        },
        {"auth_token": "key-secret"},
    )
    assert provider.send([OutgoingMessage(1, UK, "hi")], SendSpec())[0].accepted
    provider.close()
    assert emu.accepted[0].sign_name == "MG" + "1" * 32


def test_wrong_token_is_auth_failed(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_twilio(token="wrong").send([OutgoingMessage(1, UK, "hi")], SendSpec())
    assert (caught.value.fault.kind, caught.value.fault.code) == (ErrorKind.AUTH_FAILED, "20003")
    assert caught.value.fault.message == "Authenticate"


@pytest.mark.parametrize(
    ("phone", "text", "kind", "code"),
    [
        ("+4479111", "hi", ErrorKind.INVALID_NUMBER, "21211"),
        (UK, "x" * 1601, ErrorKind.CONTENT_REJECTED, "21617"),
        (UK, "", ErrorKind.CONTENT_REJECTED, "21602"),
    ],
)
def test_refusals_about_one_message(
    phone: str,
    text: str,
    kind: ErrorKind,
    code: str,
    emu: Emulator,
    demo: DemoAccounts,
    make_twilio: MakeTwilio,
) -> None:
    outcome = make_twilio().send([OutgoingMessage(1, phone, text)], SendSpec())[0]
    assert outcome.fault is not None
    assert (outcome.fault.kind, outcome.fault.code) == (kind, code)
    assert emu.accepted == []


def test_1600_characters_is_the_limit(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    assert make_twilio().send([OutgoingMessage(1, UK, "x" * 1600)], SendSpec())[0].accepted


def test_an_unsubscribed_number_is_opted_out_and_the_others_go(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    emu.refuse_number(US)
    outcomes = make_twilio().send(
        [OutgoingMessage(1, US, "a"), OutgoingMessage(2, UK, "b")], SendSpec()
    )
    fault = outcomes[0].fault
    assert fault is not None
    assert (fault.kind, fault.code) == (ErrorKind.OPTED_OUT, "21610")
    assert outcomes[1].accepted


def test_a_sender_not_on_the_account_is_not_approved(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_twilio(sender="+15005550009").send([OutgoingMessage(1, UK, "hi")], SendSpec())
    assert (caught.value.fault.kind, caught.value.fault.code) == (ErrorKind.NOT_APPROVED, "21606")


def test_delivery_is_read_back_per_message(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    emu.report_delay = 0.3
    emu.fail_delivery(US)
    provider = make_twilio()
    batch = [OutgoingMessage(1, UK, "a"), OutgoingMessage(2, US, "b")]
    outcomes = provider.send(batch, SendSpec())
    now = datetime.now(UTC)
    refs = [
        SentRef(o.message_id, m.phone, o.provider_id or "", now)
        for o, m in zip(outcomes, batch, strict=True)
    ]
    assert provider.fetch_reports(refs) == []
    time.sleep(0.35)
    reports = {r.message_id: r for r in provider.fetch_reports(refs)}
    assert reports[1].state is ReportState.DELIVERED
    assert (reports[2].state, reports[2].code) == (ReportState.FAILED, "30003")
    assert reports[2].description == "Unreachable destination handset"
    assert reports[2].at is not None
    assert emu.inbox(UK) == ["a"]
    assert emu.inbox(US) == []


def test_test_connection(emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio) -> None:
    assert "(active)" in make_twilio().test_connection()
    with pytest.raises(ProviderError) as caught:
        make_twilio(token="wrong").test_connection()
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED


def test_a_share_of_deliveries_fails(
    emu: Emulator, demo: DemoAccounts, make_twilio: MakeTwilio
) -> None:
    emu.delivery_failure_share = 0.5
    provider = make_twilio()
    batch = [OutgoingMessage(i, f"+4479111234{i:02d}", "x") for i in range(40)]
    outcomes = provider.send(batch, SendSpec())
    now = datetime.now(UTC)
    refs = [
        SentRef(o.message_id, m.phone, o.provider_id or "", now)
        for o, m in zip(outcomes, batch, strict=True)
    ]
    states = [r.state for r in provider.fetch_reports(refs)]
    assert len(states) == 40
    failed = states.count(ReportState.FAILED)
    assert 8 <= failed <= 32
    emu.delivery_failure_share = 1.0
    outcome = provider.send([OutgoingMessage(99, UK, "x")], SendSpec())[0]
    (report,) = provider.fetch_reports([SentRef(99, UK, outcome.provider_id or "", now)])
    assert report.state is ReportState.FAILED
