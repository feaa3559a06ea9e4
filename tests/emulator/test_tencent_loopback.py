"""The Tencent Cloud adapter against the emulator over real loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutgoingMessage,
    ProviderError,
    ReportState,
    SendSpec,
    SentRef,
)
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.providers.tencent import TencentProvider

MakeTencent = Callable[..., TencentProvider]
MAINLAND = ["+8613800138000", "+8613900139001", "+8615000150002"]
ABROAD = ["+447911123456", "+85291234567"]


def _spec(demo: DemoAccounts) -> SendSpec:
    return SendSpec(demo.tencent_signature, demo.tencent_template, ("code",))


def _batch(numbers: list[str], code: str = "1234") -> list[OutgoingMessage]:
    return [OutgoingMessage(i + 1, n, "", {"code": code}) for i, n in enumerate(numbers)]


def test_send_is_accepted_and_recorded(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    outcomes = make_tencent().send(_batch(MAINLAND), _spec(demo))
    assert all(o.accepted and o.segments == 1 for o in outcomes)
    assert [a.phone for a in emu.accepted] == MAINLAND
    assert {a.text for a in emu.accepted} == {"【smsdesk】1234"}
    assert {a.reference for a in emu.accepted} == {"1,2,3"}
    assert [o.provider_id for o in outcomes] == [a.provider_id for a in emu.accepted]
    assert [r.action for r in emu.requests] == ["SendSms"]


def test_per_number_params_and_regions_are_split_into_groups(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    emu.add_tencent_template("intl", "{1}", international=True)
    batch = [
        OutgoingMessage(1, MAINLAND[0], "", {"code": "A"}),
        OutgoingMessage(2, ABROAD[0], "", {"code": "A"}),
        OutgoingMessage(3, MAINLAND[1], "", {"code": "B"}),
        OutgoingMessage(4, MAINLAND[2], "", {"code": "A"}),
    ]
    provider = make_tencent()
    mainland = provider.send([m for m in batch if m.phone.startswith("+86")], _spec(demo))
    assert all(o.accepted for o in mainland)
    assert [r.action for r in emu.requests] == ["SendSms", "SendSms"]
    texts = {a.phone: a.text for a in emu.accepted}
    assert texts == {
        MAINLAND[0]: "【smsdesk】A",
        MAINLAND[1]: "【smsdesk】B",
        MAINLAND[2]: "【smsdesk】A",
    }
    abroad = provider.send([batch[1]], SendSpec("", "intl", ("code",)))
    assert abroad[0].accepted


def test_mixed_regions_in_one_batch_never_reach_the_service_together(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    outcomes = make_tencent().send(_batch([MAINLAND[0], ABROAD[0]]), _spec(demo))
    by_id = {o.message_id: o for o in outcomes}
    assert by_id[1].accepted
    fault = by_id[2].fault
    assert fault is not None
    assert fault.code == "FailedOperation.TemplateIncorrectOrUnapproved"
    assert [r.code for r in emu.requests] == ["Ok", "FailedOperation.TemplateIncorrectOrUnapproved"]


def test_the_service_refuses_a_mixed_request(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    request = make_tencent().build_request(
        "SendSms",
        {
            "PhoneNumberSet": [MAINLAND[0], ABROAD[0]],
            "SmsSdkAppId": demo.tencent_app_id,
            "TemplateId": demo.tencent_template,
            "SignName": demo.tencent_signature,
            "TemplateParamSet": ["1"],
        },
    )
    with httpx.Client() as client:
        error = client.send(request).json()["Response"]["Error"]
    assert error["Code"] == "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber"


def test_the_service_refuses_more_than_200_numbers(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    request = make_tencent().build_request(
        "SendSms",
        {
            "PhoneNumberSet": [MAINLAND[0]] * 201,
            "SmsSdkAppId": demo.tencent_app_id,
            "TemplateId": demo.tencent_template,
            "SignName": demo.tencent_signature,
            "TemplateParamSet": ["1"],
        },
    )
    with httpx.Client() as client:
        error = client.send(request).json()["Response"]["Error"]
    assert error["Code"] == "LimitExceeded.PhoneNumberCountLimit"


def test_partial_failure_marks_exactly_the_refused_numbers(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    emu.refuse_number(MAINLAND[1])
    emu.refuse_number(MAINLAND[2], code="LimitExceeded.DeliveryFrequencyLimit")
    numbers = [*MAINLAND, "+8613700137003"]
    outcomes = {o.message_id: o for o in make_tencent().send(_batch(numbers), _spec(demo))}
    assert [outcomes[i].accepted for i in (1, 2, 3, 4)] == [True, False, False, True]
    blocked, limited = outcomes[2].fault, outcomes[3].fault
    assert blocked is not None and limited is not None
    assert (blocked.kind, blocked.code) == (
        ErrorKind.OPTED_OUT,
        "FailedOperation.PhoneNumberInBlacklist",
    )
    assert (limited.kind, limited.code) == (
        ErrorKind.RATE_LIMITED,
        "LimitExceeded.DeliveryFrequencyLimit",
    )
    assert [a.phone for a in emu.accepted] == [numbers[0], numbers[3]]
    assert len(emu.requests) == 1


def test_an_invalid_number_fails_alone(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    outcomes = {
        o.message_id: o for o in make_tencent().send(_batch([MAINLAND[0], "+8612345"]), _spec(demo))
    }
    assert outcomes[1].accepted
    fault = outcomes[2].fault
    assert fault is not None
    assert (fault.kind, fault.code) == (
        ErrorKind.INVALID_NUMBER,
        "InvalidParameterValue.IncorrectPhoneNumber",
    )


def test_wrong_secret_is_auth_failed(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_tencent(secret="wrong").send(_batch(MAINLAND), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "AuthFailure.SignatureFailure",
    )
    assert emu.accepted == []


@pytest.mark.parametrize(("minutes", "accepted"), [(6, False), (-6, False), (4, True)])
def test_clock_skew_beyond_five_minutes_is_refused(
    minutes: int, accepted: bool, emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    provider = make_tencent(clock=lambda: datetime.now(UTC) - timedelta(minutes=minutes))
    if accepted:
        assert all(o.accepted for o in provider.send(_batch(MAINLAND), _spec(demo)))
        return
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(MAINLAND), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "AuthFailure.SignatureExpire",
    )


def test_a_body_changed_after_signing_is_refused(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent, tamper: type
) -> None:
    def swap(body: bytes) -> bytes:
        return body.replace(b"+8613800138000", b"+8613800138009")

    with pytest.raises(ProviderError) as caught:
        make_tencent(transport=tamper(swap)).send(_batch(MAINLAND), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "AuthFailure.SignatureFailure",
    )
    assert emu.accepted == []


def test_unknown_app_is_auth_failed(emu: Emulator, demo: DemoAccounts) -> None:
    provider = TencentProvider(
        {"secret_id": demo.tencent_secret_id, "sdk_app_id": "1400000000", "endpoint": emu.url},
        {"secret_key": demo.tencent_secret_key},
    )
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(MAINLAND), _spec(demo))
    provider.close()
    assert caught.value.fault.code == "InvalidParameterValue.SdkAppIdNotExist"
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED


def test_a_fault_on_the_second_request_leaves_the_first_accepted(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    batch = [
        OutgoingMessage(1, MAINLAND[0], "", {"code": "A"}),
        OutgoingMessage(2, MAINLAND[1], "", {"code": "B"}),
        OutgoingMessage(3, MAINLAND[2], "", {"code": "C"}),
    ]
    emu.inject(Fault(FaultKind.DROP, after_processing=True), after=1)
    outcomes = {o.message_id: o for o in make_tencent().send(batch, _spec(demo))}
    assert outcomes[1].accepted
    assert 2 not in outcomes, "a request in doubt gets no outcome: the loop marks it in doubt"
    third = outcomes[3].fault
    assert third is not None and third.kind is ErrorKind.TRANSIENT
    assert [a.phone for a in emu.accepted] == MAINLAND[:2]


def test_delivery_reports_are_pulled_once(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    emu.report_delay = 0.3
    emu.fail_delivery(MAINLAND[2], "MK:0005")
    provider = make_tencent()
    batch = _batch(MAINLAND)
    outcomes = provider.send(batch, _spec(demo))
    now = datetime.now(UTC)
    refs = [
        SentRef(o.message_id, m.phone, o.provider_id or "", now)
        for o, m in zip(outcomes, batch, strict=True)
    ]
    assert provider.fetch_reports(refs) == []
    time.sleep(0.35)
    reports = {r.message_id: r for r in provider.fetch_reports(refs)}
    assert set(reports) == {1, 2, 3}
    assert (reports[1].state, reports[1].code) == (ReportState.DELIVERED, "DELIVRD")
    assert (reports[3].state, reports[3].code) == (ReportState.FAILED, "MK:0005")
    assert provider.fetch_reports(refs) == []


def test_reports_for_messages_not_pending_are_still_returned(
    emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent
) -> None:
    provider = make_tencent()
    outcomes = provider.send(_batch(MAINLAND[:2]), _spec(demo))
    first = SentRef(1, MAINLAND[0], outcomes[0].provider_id or "", datetime.now(UTC))
    reports = provider.fetch_reports([first])
    assert {(r.provider_id, r.message_id) for r in reports} == {
        (outcomes[0].provider_id, 1),
        (outcomes[1].provider_id, None),
    }


def test_test_connection(emu: Emulator, demo: DemoAccounts, make_tencent: MakeTencent) -> None:
    make_tencent().send(_batch(MAINLAND[:1]), _spec(demo))
    assert "1 send requests" in make_tencent().test_connection()
    with pytest.raises(ProviderError) as caught:
        make_tencent(secret="wrong").test_connection()
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
