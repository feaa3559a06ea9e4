"""Fetching customers' replies from Tencent, Twilio and a generic gateway, over real loopback
HTTP against the emulator: duplicates, paging, out-of-order arrival and cursors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutgoingMessage,
    ProviderError,
    ReplyPage,
    SendSpec,
)
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.account_settings import AccountSettingsError
from smsdesk.providers.generic_http import GenericHttpProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider

CUSTOMER = "+8613800138000"
US_CUSTOMER = "+14155550100"
REPLIES = {
    "replies_endpoint": "",
    "replies_signature_recipe": "md5(account+secret+timestamp)",
}


def _drain(fetch: Callable[[str], ReplyPage], cursor: str = "", limit: int = 20) -> tuple[list[ReplyPage], str]:
    """Fetch while the provider says more is waiting; the pages and the last cursor."""
    pages = []
    for _ in range(limit):
        page = fetch(cursor)
        pages.append(page)
        cursor = page.cursor
        if not page.more:
            break
    return pages, cursor


# -- Tencent ---------------------------------------------------------------------------------


def _tencent_send(provider: TencentProvider, demo: DemoAccounts, phone: str = CUSTOMER) -> None:
    spec = SendSpec(demo.tencent_signature, demo.tencent_template, ("c",))
    assert provider.send([OutgoingMessage(1, phone, "hi", {"c": "hi"})], spec)[0].accepted


def test_tencent_reply_reaches_the_sender_with_its_signature(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    _tencent_send(provider, demo)
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    emu.add_reply(CUSTOMER, "退订", at=at)
    page = provider.fetch_replies("")
    assert [(r.phone, r.text, r.to, r.received_at) for r in page.replies] == [
        (CUSTOMER, "退订", demo.tencent_signature, at)
    ]
    assert not page.more
    assert provider.reply_poll_interval > 0
    # A queue: what was pulled is not handed out again.
    assert provider.fetch_replies(page.cursor).replies == []


def test_tencent_duplicates_keep_one_id_and_out_of_order_replies_keep_their_time(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    _tencent_send(provider, demo)
    now = datetime.now(UTC).replace(microsecond=0)
    emu.add_reply(CUSTOMER, "later", at=now)
    emu.add_reply(CUSTOMER, "T", at=now - timedelta(minutes=3), duplicate=True)
    replies = provider.fetch_replies("").replies
    assert [r.text for r in replies] == ["later", "T", "T"]
    assert replies[1].reply_id == replies[2].reply_id != replies[0].reply_id
    assert replies[1].received_at == now - timedelta(minutes=3)


def test_tencent_pages_of_a_hundred(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    _tencent_send(provider, demo)
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    for n in range(150):
        emu.add_reply(CUSTOMER, f"reply {n}", at=start + timedelta(seconds=n))
    pages, _ = _drain(provider.fetch_replies)
    assert [len(p.replies) for p in pages] == [100, 50]
    assert [p.more for p in pages] == [True, False]
    assert len({r.reply_id for p in pages for r in p.replies}) == 150


def test_tencent_reply_fetch_refused_for_a_wrong_key(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    with pytest.raises(ProviderError) as caught:
        make_tencent(secret="wrong").fetch_replies("")
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED


# -- Twilio ----------------------------------------------------------------------------------


def _twilio_send(provider: TwilioProvider, phone: str = US_CUSTOMER, text: str = "Your order is ready") -> str:
    outcome = provider.send([OutgoingMessage(1, phone, text)], SendSpec())[0]
    assert outcome.provider_id
    return outcome.provider_id


def test_twilio_inbound_messages_to_our_number_are_replies(
    emu: Emulator, demo: DemoAccounts, make_twilio: Callable[..., TwilioProvider]
) -> None:
    provider = make_twilio()
    _twilio_send(provider)
    reply = emu.add_reply(US_CUSTOMER, "STOP")
    page = provider.fetch_replies("")
    assert [(r.reply_id, r.phone, r.text, r.to) for r in page.replies] == [
        (reply.reply_id, US_CUSTOMER, "STOP", demo.twilio_sender)
    ]
    assert not page.more
    listing = [r for r in emu.requests if r.action == "ListMessages"]
    assert len(listing) == 1 and listing[0].status == 200


def test_twilio_cursor_overlaps_so_late_listed_replies_are_not_missed(
    emu: Emulator, demo: DemoAccounts, make_twilio: Callable[..., TwilioProvider]
) -> None:
    provider = make_twilio()
    _twilio_send(provider)
    now = datetime.now(UTC)
    first = emu.add_reply(US_CUSTOMER, "first")
    cursor = provider.fetch_replies("").cursor
    # Listed only now, but stamped before the previous fetch: it arrived out of order.
    late = emu.add_reply(US_CUSTOMER, "late", at=now - timedelta(minutes=2))
    again = provider.fetch_replies(cursor)
    ids = [r.reply_id for r in again.replies]
    assert late.reply_id in ids
    assert first.reply_id in ids  # seen twice: the caller drops it by its id


def test_twilio_duplicate_listing_and_paging(
    emu: Emulator, demo: DemoAccounts, make_twilio: Callable[..., TwilioProvider]
) -> None:
    provider = make_twilio()
    _twilio_send(provider)
    start = datetime.now(UTC) - timedelta(minutes=30)
    for n in range(230):
        emu.add_reply(US_CUSTOMER, f"r{n}", at=start + timedelta(seconds=n))
    emu.add_reply(US_CUSTOMER, "twice", duplicate=True)
    pages, cursor = _drain(provider.fetch_replies)
    assert [len(p.replies) for p in pages] == [100, 100, 32]
    assert [p.more for p in pages] == [True, True, False]
    texts = [r.text for p in pages for r in p.replies]
    assert texts.count("twice") == 2
    assert len({r.reply_id for p in pages for r in p.replies}) == 231
    # The walk is over: the next poll starts again at the first page.
    assert "todo" not in cursor


def test_twilio_reads_every_reply_number_and_skips_outbound(emu: Emulator, demo: DemoAccounts) -> None:
    second = "+15005550009"
    emu.add_twilio_account(demo.twilio_account_sid, demo.twilio_auth_token, [second])
    provider = TwilioProvider(
        {
            "account_sid": demo.twilio_account_sid,
            "sender": demo.twilio_sender,
            "reply_numbers": f"{demo.twilio_sender}, {second}",
            "endpoint": emu.url,
        },
        {"auth_token": demo.twilio_auth_token},
    )
    _twilio_send(provider)
    _twilio_send(provider, phone="+14155550101")
    emu.add_reply(US_CUSTOMER, "to the first")
    emu.add_reply(US_CUSTOMER, "to the second", to=second)
    pages, _ = _drain(provider.fetch_replies)
    assert len(pages) == 2
    assert sorted((r.text, r.to) for p in pages for r in p.replies) == [
        ("to the first", demo.twilio_sender),
        ("to the second", second),
    ]
    provider.close()


# -- the generic gateway ---------------------------------------------------------------------


@pytest.fixture
def gateway_with_replies(
    emu: Emulator, make_gateway: Callable[..., GenericHttpProvider]
) -> Callable[..., GenericHttpProvider]:
    def make(**settings: str) -> GenericHttpProvider:
        return make_gateway(
            **{**REPLIES, "replies_endpoint": emu.url + "/gateway/replies", **settings}
        )

    return make


def test_gateway_replies_page_by_the_gateways_cursor(
    emu: Emulator, gateway_with_replies: Callable[..., GenericHttpProvider]
) -> None:
    provider = gateway_with_replies()
    assert provider.send([OutgoingMessage(1, CUSTOMER, "hello")], SendSpec())[0].accepted
    for n in range(110):
        emu.add_reply(CUSTOMER, f"r{n}")
    emu.add_reply(CUSTOMER, "T", duplicate=True)
    pages, cursor = _drain(provider.fetch_replies)
    assert [len(p.replies) for p in pages] == [50, 50, 12]
    assert [p.more for p in pages] == [True, True, False]
    replies = [r for p in pages for r in p.replies]
    assert {r.phone for r in replies} == {CUSTOMER}
    assert [r.text for r in replies].count("T") == 2
    assert len({r.reply_id for r in replies}) == 111
    assert provider.fetch_replies(cursor).replies == []
    emu.add_reply(CUSTOMER, "one more")
    assert [r.text for r in provider.fetch_replies(cursor).replies] == ["one more"]


def test_gateway_reply_times_are_read_in_the_gateways_zone(
    emu: Emulator, gateway_with_replies: Callable[..., GenericHttpProvider]
) -> None:
    provider = gateway_with_replies()
    provider.send([OutgoingMessage(1, CUSTOMER, "hello")], SendSpec())
    at = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
    emu.add_reply(CUSTOMER, "hi", at=at)
    assert provider.fetch_replies("").replies[0].received_at == at


def test_gateway_bearer_token_pull(emu: Emulator, demo: DemoAccounts) -> None:
    settings = {
        "endpoint": emu.url + "/gateway/send",
        "auth": "bearer",
        "replies_endpoint": emu.url + "/gateway/replies",
        "error_code_path": "code",
        "error_kinds": "4=auth_failed",
    }
    emu.add_reply(CUSTOMER, "hi", api="gateway")
    good = GenericHttpProvider(settings, {"secret": demo.gateway_token})
    bad = GenericHttpProvider(settings, {"secret": "wrong"})
    try:
        assert [r.text for r in good.fetch_replies("").replies] == ["hi"]
        with pytest.raises(ProviderError) as caught:
            bad.fetch_replies("")
        assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
    finally:
        good.close()
        bad.close()


def test_gateway_without_replies_settings(make_gateway: Callable[..., GenericHttpProvider]) -> None:
    provider = make_gateway()
    assert not GenericHttpProvider.replies_configured({"endpoint": "https://gw.example/send"})
    assert GenericHttpProvider.replies_configured({"replies_endpoint": "https://gw.example/in"})
    with pytest.raises(AccountSettingsError):
        provider.fetch_replies("")
    signed = make_gateway(replies_endpoint="https://gw.example/in")
    with pytest.raises(AccountSettingsError, match="Replies signature formula"):
        signed.fetch_replies("")
