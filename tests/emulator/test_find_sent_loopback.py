"""Looking messages in doubt up in the providers' own records, over loopback HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutgoingMessage,
    ProviderError,
    ReportState,
    SendSpec,
    SentProbe,
    SentRef,
)
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider

CUSTOMER = "+8613800138000"
OTHER = "+8613900139001"
US = "+14155550100"


def _now() -> datetime:
    return datetime.now(UTC)


# -- Aliyun ----------------------------------------------------------------------------------


def _aliyun_send(provider: AliyunProvider, demo: DemoAccounts, ids: list[int], phone: str = CUSTOMER) -> None:
    spec = SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))
    batch = [OutgoingMessage(i, phone, f"text {i}", {"content": f"text {i}"}) for i in ids]
    assert all(o.accepted for o in provider.send(batch, spec))


def test_aliyun_finds_by_out_id_and_reports_what_it_knows(
    emu: Emulator, demo: DemoAccounts, make_aliyun: Callable[..., AliyunProvider]
) -> None:
    provider = make_aliyun()
    emu.fail_delivery(OTHER, "MK:0005")
    _aliyun_send(provider, demo, [11])
    _aliyun_send(provider, demo, [12], phone=OTHER)
    now = _now()
    matches = {
        m.message_id: m
        for m in provider.find_sent(
            [SentProbe(11, CUSTOMER, "text 11", now), SentProbe(12, OTHER, "text 12", now),
             SentProbe(13, CUSTOMER, "text 13", now)]
        )
    }
    assert matches[11].found and matches[11].provider_id.startswith("@")
    assert matches[11].report is not None and matches[11].report.state is ReportState.DELIVERED
    assert matches[12].report is not None and matches[12].report.state is ReportState.FAILED
    assert matches[12].report.code == "MK:0005"
    assert not matches[13].found
    # The id it made up is good for fetching the report later.
    ref = SentRef(11, CUSTOMER, matches[11].provider_id, now)
    reports = provider.fetch_reports([ref])
    assert [(r.message_id, r.state) for r in reports] == [(11, ReportState.DELIVERED)]
    actions = [r.action for r in emu.requests]
    assert actions.count("QuerySendDetails") >= 3


def test_aliyun_reads_every_page_of_a_busy_day(
    emu: Emulator, demo: DemoAccounts, make_aliyun: Callable[..., AliyunProvider]
) -> None:
    provider = make_aliyun()
    for n in range(60):
        _aliyun_send(provider, demo, [100 + n])
    now = _now()
    matches = provider.find_sent([SentProbe(100, CUSTOMER, "text 100", now), SentProbe(500, CUSTOMER, "x", now)])
    assert [(m.message_id, m.found) for m in matches] == [(100, True), (500, False)]
    pages = [r for r in emu.requests if r.action == "QuerySendDetails"]
    assert len(pages) == 2


def test_aliyun_matches_by_text_when_out_id_holds_only_the_first_id(
    emu: Emulator, demo: DemoAccounts, make_aliyun: Callable[..., AliyunProvider]
) -> None:
    provider = make_aliyun()
    spec = SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))
    # Scattered ids too many for OutId even as ranges: only the lowest is sent, marked.
    batch = [OutgoingMessage(10_000 + 7 * n, f"+86139{n:08d}", "same", {"content": "same"}) for n in range(60)]
    assert all(o.accepted for o in provider.send(batch, spec))
    assert {a.reference for a in emu.accepted} == {"10000+"}
    last = batch[-1]
    matches = provider.find_sent([SentProbe(last.message_id, last.phone, "same", _now())])
    assert matches[0].found
    assert not provider.find_sent([SentProbe(last.message_id, last.phone, "other text", _now())])[0].found


def test_aliyun_leaves_out_probes_older_than_its_records(make_aliyun: Callable[..., AliyunProvider]) -> None:
    old = _now() - timedelta(days=45)
    assert make_aliyun().find_sent([SentProbe(1, CUSTOMER, "x", old)]) == []


# -- Tencent ---------------------------------------------------------------------------------


def _tencent_spec(demo: DemoAccounts) -> SendSpec:
    return SendSpec(demo.tencent_signature, demo.tencent_template, ("c",))


def test_tencent_finds_by_session_context(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    outcomes = provider.send(
        [OutgoingMessage(21, CUSTOMER, "", {"c": "x"}), OutgoingMessage(22, OTHER, "", {"c": "x"})],
        _tencent_spec(demo),
    )
    now = _now()
    matches = {m.message_id: m for m in provider.find_sent([SentProbe(21, CUSTOMER, "x", now), SentProbe(22, OTHER, "x", now)])}
    assert matches[21].provider_id == outcomes[0].provider_id
    assert matches[22].provider_id == outcomes[1].provider_id
    assert matches[21].report is not None and matches[21].report.state is ReportState.DELIVERED
    assert [r.action for r in emu.requests].count("PullSmsSendStatusByPhoneNumber") == 2


def test_tencent_calls_a_message_missing_only_once_reports_had_time(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    fresh = SentProbe(31, CUSTOMER, "x", _now())
    assert provider.find_sent([fresh]) == []
    older = SentProbe(32, CUSTOMER, "x", _now() - timedelta(hours=2))
    assert [(m.message_id, m.found) for m in provider.find_sent([older])] == [(32, False)]
    provider.report_grace = timedelta(0)
    assert [(m.message_id, m.found) for m in provider.find_sent([fresh])] == [(31, False)]


def test_tencent_splits_a_full_answer_until_it_has_everything() -> None:
    """Over 100 reports for one number in the window: asked again in halves of the span."""
    started = time.time() - 200
    sent = [0.0]
    with Emulator(clock=lambda: started + sent[0]) as emu:
        demo = emu.load_demo()
        provider = TencentProvider(
            {"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id, "endpoint": emu.url + "/"},
            {"secret_key": demo.tencent_secret_key},
        )
        for n in range(130):
            sent[0] = n * 1.2
            provider.send([OutgoingMessage(1000 + n, CUSTOMER, "", {"c": "x"})], _tencent_spec(demo))
        provider.report_grace = timedelta(0)
        now = _now()
        probes = [SentProbe(1000, CUSTOMER, "x", now), SentProbe(1129, CUSTOMER, "x", now), SentProbe(9999, CUSTOMER, "x", now)]
        matches = provider.find_sent(probes)
        provider.close()
        assert [(m.message_id, m.found) for m in matches] == [(1000, True), (1129, True), (9999, False)]
        assert [r.action for r in emu.requests].count("PullSmsSendStatusByPhoneNumber") >= 3
        assert emu.errors == []


def test_tencent_find_sent_raises_when_it_could_ask_nothing(
    emu: Emulator, make_tencent: Callable[..., TencentProvider]
) -> None:
    emu.inject(Fault(FaultKind.RATE_LIMIT, api="tencent"))
    with pytest.raises(ProviderError) as caught:
        make_tencent().find_sent([SentProbe(1, CUSTOMER, "x", _now())])
    assert caught.value.fault.kind is ErrorKind.RATE_LIMITED


# -- Twilio ----------------------------------------------------------------------------------


def test_twilio_finds_by_body_and_time_each_message_once(
    emu: Emulator, demo: DemoAccounts, make_twilio: Callable[..., TwilioProvider]
) -> None:
    provider = make_twilio()
    first = provider.send([OutgoingMessage(41, US, "Your table is ready")], SendSpec())[0]
    second = provider.send([OutgoingMessage(42, US, "Your table is ready")], SendSpec())[0]
    now = _now()
    matches = provider.find_sent(
        [SentProbe(41, US, "Your table is ready", now), SentProbe(42, US, "Your table is ready", now + timedelta(seconds=1)),
         SentProbe(43, US, "Your table is ready", now + timedelta(seconds=2))]
    )
    found = {m.message_id: m for m in matches}
    assert {found[41].provider_id, found[42].provider_id} == {first.provider_id, second.provider_id}
    assert not found[43].found
    assert found[41].report is not None and found[41].report.state is ReportState.DELIVERED


def test_twilio_pages_back_until_the_probe_window(
    emu: Emulator, demo: DemoAccounts, make_twilio: Callable[..., TwilioProvider]
) -> None:
    provider = make_twilio()
    target = provider.send([OutgoingMessage(50, US, "the one")], SendSpec())[0]
    for n in range(120):
        provider.send([OutgoingMessage(51 + n, US, f"later {n}")], SendSpec())
    emu.add_reply(US, "inbound with the same text: not ours", at=_now())
    matches = provider.find_sent([SentProbe(50, US, "the one", _now())])
    assert [(m.found, m.provider_id) for m in matches] == [(True, target.provider_id)]
    assert [r.action for r in emu.requests].count("ListMessages") == 2
    wrong_sender = make_twilio(sender="+15005550009")
    emu.add_twilio_account(demo.twilio_account_sid, demo.twilio_auth_token, ["+15005550009"])
    assert not wrong_sender.find_sent([SentProbe(50, US, "the one", _now())])[0].found
