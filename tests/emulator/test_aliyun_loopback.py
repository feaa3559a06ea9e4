"""The Aliyun adapter against the emulator over real loopback HTTP."""

from __future__ import annotations

import hashlib
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
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.aliyun import AliyunProvider

MakeAliyun = Callable[..., AliyunProvider]
NUMBERS = ["+8613800138000", "+8613900139001", "+8615000150002", "+8618600186003"]


def _spec(demo: DemoAccounts) -> SendSpec:
    return SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))


def _batch(text: str = "你好", numbers: list[str] = NUMBERS) -> list[OutgoingMessage]:
    return [OutgoingMessage(i + 1, n, text, {"content": text}) for i, n in enumerate(numbers)]


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_send_sms_is_accepted_and_recorded(
    signing: str, emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    outcomes = make_aliyun(signing).send(_batch(), _spec(demo))
    assert all(o.accepted for o in outcomes)
    accepted = emu.accepted
    assert [a.phone for a in accepted] == [
        "13800138000",
        "13900139001",
        "15000150002",
        "18600186003",
    ]
    assert {a.text for a in accepted} == {"【smsdesk】你好"}
    assert {a.reference for a in accepted} == {"1,2,3,4"}
    biz_id = accepted[0].batch_id
    assert [o.provider_id for o in outcomes] == [f"{biz_id}:{a.phone}" for a in accepted]
    assert [r.action for r in emu.requests] == ["SendSms"]


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_per_number_params_go_through_send_batch_sms(
    signing: str, emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    batch = [OutgoingMessage(i, n, "", {"content": f"第{i}位"}) for i, n in enumerate(NUMBERS)]
    outcomes = make_aliyun(signing).send(batch, _spec(demo))
    assert all(o.accepted for o in outcomes)
    assert [a.text for a in emu.accepted] == [f"【smsdesk】第{i}位" for i in range(4)]
    assert [r.action for r in emu.requests] == ["SendBatchSms"]


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_wrong_secret_is_auth_failed(
    signing: str, emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_aliyun(signing, secret="not-the-secret").send(_batch(), _spec(demo))
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
    assert caught.value.fault.code == "SignatureDoesNotMatch"
    assert "server string to sign is" in caught.value.fault.message
    assert emu.accepted == []


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_unknown_access_key_is_auth_failed(signing: str, emu: Emulator, demo: DemoAccounts) -> None:
    provider = AliyunProvider(
        {"access_key_id": "nobody", "endpoint": emu.url + "/", "signing": signing},
        {"access_key_secret": "x"},
    )
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(), _spec(demo))
    provider.close()
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "InvalidAccessKeyId.NotFound",
    )


@pytest.mark.parametrize("signing", ["v3", "v1"])
@pytest.mark.parametrize(("minutes", "accepted"), [(16, False), (-16, False), (14, True)])
def test_clock_skew_beyond_fifteen_minutes_is_refused(
    signing: str,
    minutes: int,
    accepted: bool,
    emu: Emulator,
    demo: DemoAccounts,
    make_aliyun: MakeAliyun,
) -> None:
    provider = make_aliyun(signing, clock=lambda: datetime.now(UTC) - timedelta(minutes=minutes))
    if accepted:
        assert all(o.accepted for o in provider.send(_batch(), _spec(demo)))
        return
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "InvalidTimeStamp.Expired",
    )


def _swap_number(body: bytes) -> bytes:
    assert b"13800138000" in body
    return body.replace(b"13800138000", b"13800138009")


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_a_body_changed_after_signing_is_refused(
    signing: str, emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun, tamper: type
) -> None:
    provider = make_aliyun(signing, transport=tamper(_swap_number))
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "SignatureDoesNotMatch",
    )
    assert emu.accepted == []


def test_a_v3_body_changed_with_its_hash_header_is_still_refused(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun, tamper: type
) -> None:
    def fix_hash(request: httpx.Request, body: bytes) -> dict[str, str]:
        return {"x-acs-content-sha256": hashlib.sha256(body).hexdigest()}

    provider = make_aliyun("v3", transport=tamper(_swap_number, fix_hash))
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(), _spec(demo))
    assert caught.value.fault.code == "SignatureDoesNotMatch"
    assert "server string to sign" in caught.value.fault.message


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_a_reused_nonce_is_refused(
    signing: str, emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    provider = make_aliyun(signing, nonce=lambda: "always-the-same")
    assert all(o.accepted for o in provider.send(_batch(), _spec(demo)))
    with pytest.raises(ProviderError) as caught:
        provider.send(_batch(), _spec(demo))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.AUTH_FAILED,
        "SignatureNonceUsed",
    )
    assert len(emu.accepted) == len(NUMBERS)


def test_a_refused_number_is_isolated_by_splitting_the_request(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    emu.refuse_number(NUMBERS[2])
    outcomes = make_aliyun().send(_batch(), _spec(demo))
    by_id = {o.message_id: o for o in outcomes}
    assert sorted(by_id) == [1, 2, 3, 4]
    assert [by_id[i].accepted for i in (1, 2, 3, 4)] == [True, True, False, True]
    fault = by_id[3].fault
    assert fault is not None
    assert (fault.kind, fault.code) == (ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL")
    assert sorted(a.phone for a in emu.accepted) == ["13800138000", "13900139001", "18600186003"]


def test_content_over_500_characters_with_the_signature_is_rejected(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    provider = make_aliyun()
    fits = "字" * (500 - len("【smsdesk】"))
    assert provider.send(_batch(fits, NUMBERS[:1]), _spec(demo))[0].accepted
    outcome = provider.send(_batch(fits + "字", NUMBERS[:1]), _spec(demo))[0]
    assert outcome.fault is not None
    assert (outcome.fault.kind, outcome.fault.code) == (
        ErrorKind.CONTENT_REJECTED,
        "isv.PARAM_LENGTH_LIMIT",
    )


def test_an_unapproved_template_stops_the_whole_batch(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_aliyun().send(_batch(), SendSpec(demo.aliyun_signature, "SMS_404", ("content",)))
    assert (caught.value.fault.kind, caught.value.fault.code) == (
        ErrorKind.NOT_APPROVED,
        "isv.SMS_TEMPLATE_ILLEGAL",
    )


def test_more_than_1000_numbers_are_refused_by_the_service(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    provider = make_aliyun()
    request = provider.build_request(
        "SendSms",
        {
            "PhoneNumbers": ",".join(["13800138000"] * 1001),
            "SignName": demo.aliyun_signature,
            "TemplateCode": demo.aliyun_template,
            "TemplateParam": '{"content":"x"}',
        },
    )
    with httpx.Client() as client:
        answer = client.send(request).json()
    assert answer["Code"] == "isv.MOBILE_COUNT_OVER_LIMIT"


def test_delivery_reports_arrive_after_the_delay(
    emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun
) -> None:
    emu.report_delay = 0.3
    emu.fail_delivery(NUMBERS[1], "MK:0005")
    provider = make_aliyun()
    batch = _batch(numbers=NUMBERS[:3])
    sent_at = datetime.now(UTC)
    outcomes = provider.send(batch, _spec(demo))
    refs = [
        SentRef(o.message_id, m.phone, o.provider_id or "", sent_at)
        for o, m in zip(outcomes, batch, strict=True)
    ]
    assert provider.fetch_reports(refs) == []
    time.sleep(0.35)
    reports = {r.message_id: r for r in provider.fetch_reports(refs)}
    assert set(reports) == {1, 2, 3}
    assert (reports[1].state, reports[1].code) == (ReportState.DELIVERED, "DELIVERED")
    assert (reports[2].state, reports[2].code) == (ReportState.FAILED, "MK:0005")
    assert reports[1].provider_id == outcomes[0].provider_id
    assert reports[1].at is not None
    assert [r.action for r in emu.requests].count("QuerySendDetails") == 6


def test_test_connection(emu: Emulator, demo: DemoAccounts, make_aliyun: MakeAliyun) -> None:
    assert "accepted" in make_aliyun().test_connection()
    with pytest.raises(ProviderError) as caught:
        make_aliyun(secret="wrong").test_connection()
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
