"""Aliyun replies off the SmsUp MNS queue, over loopback: token, MNS signing, at-least-once
deletion, duplicates, paging and out-of-order arrival."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, ProviderError, SendSpec
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.account_settings import AccountSettingsError
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.aliyun_mns import (
    QueueMessage,
    QueueToken,
    ReplyQueue,
    reply_from,
    smsup_queue,
)

CUSTOMER = "+8613800138000"
MakeReplies = Callable[..., AliyunProvider]


@pytest.fixture
def make_replies(emu: Emulator, demo: DemoAccounts) -> Iterator[MakeReplies]:
    made: list[AliyunProvider] = []

    def make(uid: str | None = None, **settings: str) -> AliyunProvider:
        provider = AliyunProvider(
            {
                "access_key_id": demo.aliyun_key_id,
                "endpoint": emu.url + "/",
                "account_uid": demo.aliyun_uid if uid is None else uid,
                "replies_token_endpoint": emu.url + "/",
                "replies_queue_endpoint": emu.url,
                **settings,
            },
            {"access_key_secret": demo.aliyun_secret},
            timeout=httpx.Timeout(5.0, connect=2.0),
        )
        made.append(provider)
        spec = SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))
        provider.send([OutgoingMessage(1, CUSTOMER, "hi", {"content": "hi"})], spec)
        return provider

    yield make
    for provider in made:
        provider.close()


def _actions(emu: Emulator) -> list[str]:
    return [r.action for r in emu.requests if r.action != "SendSms"]


def test_a_reply_is_read_then_deleted_on_the_next_call(emu: Emulator, demo: DemoAccounts, make_replies: MakeReplies) -> None:
    provider = make_replies()
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    emu.add_reply(CUSTOMER, "退订", at=at)
    page = provider.fetch_replies("")
    assert [(r.phone, r.text, r.to, r.received_at) for r in page.replies] == [
        (CUSTOMER, "退订", demo.aliyun_signature, at)
    ]
    assert _actions(emu) == ["QueryTokenForMnsQueue", "BatchReceiveMessage"]
    assert emu.state.mns_queues[smsup_queue(demo.aliyun_uid)]  # still there until the next call
    following = provider.fetch_replies(page.cursor)
    assert following.replies == [] and following.cursor == ""
    assert _actions(emu)[2:] == ["BatchDeleteMessage", "BatchReceiveMessage"]
    assert emu.state.mns_queues[smsup_queue(demo.aliyun_uid)] == []


def test_a_page_never_confirmed_comes_back(emu: Emulator, make_replies: MakeReplies) -> None:
    provider = make_replies()
    emu.state.mns_visibility = 0.0  # received messages are visible again at once
    emu.add_reply(CUSTOMER, "T")
    first = provider.fetch_replies("")
    # The process died before storing the page: it starts again from its last stored cursor.
    again = provider.fetch_replies("")
    assert [r.reply_id for r in again.replies] == [r.reply_id for r in first.replies]
    # The stale handles of the first page no longer delete anything, and that is no error.
    late = provider.fetch_replies(first.cursor)
    assert [r.text for r in late.replies] == ["T"]
    emu.state.mns_visibility = 30.0
    provider.fetch_replies(provider.fetch_replies(late.cursor).cursor)
    assert all(not q for q in emu.state.mns_queues.values())


def test_duplicates_paging_and_out_of_order(emu: Emulator, make_replies: MakeReplies) -> None:
    provider = make_replies()
    base = datetime.now(UTC).replace(microsecond=0)
    for n in range(18):
        emu.add_reply(CUSTOMER, f"r{n}", at=base - timedelta(seconds=n))
    emu.add_reply(CUSTOMER, "twice", duplicate=True)
    pages = []
    cursor = ""
    while True:
        page = provider.fetch_replies(cursor)
        pages.append(page)
        cursor = page.cursor
        if not page.more:
            break
    assert [len(p.replies) for p in pages] == [16, 4]
    replies = [r for p in pages for r in p.replies]
    assert [r.text for r in replies].count("twice") == 2
    assert len({r.reply_id for r in replies}) == 19
    assert replies[0].received_at > replies[1].received_at  # stamped in the order they were written


def test_an_expired_token_is_replaced(emu: Emulator, make_replies: MakeReplies) -> None:
    provider = make_replies()
    provider.fetch_replies("")
    emu.state.mns_tokens.clear()  # the service forgot it (expired early)
    emu.add_reply(CUSTOMER, "hello")
    assert [r.text for r in provider.fetch_replies("").replies] == ["hello"]
    assert _actions(emu).count("QueryTokenForMnsQueue") == 2


def test_a_wrong_signature_is_refused(emu: Emulator, demo: DemoAccounts, make_replies: MakeReplies) -> None:
    provider = make_replies()
    provider.fetch_replies("")
    key_id, token = next(iter(emu.state.mns_tokens.items()))
    forged = QueueToken(key_id, "not-the-secret", token.security_token, datetime.now(UTC) + timedelta(hours=1))
    with httpx.Client() as client:
        queue = ReplyQueue(client, emu.url, smsup_queue(demo.aliyun_uid), lambda: forged, lambda: datetime.now(UTC))
        with pytest.raises(ProviderError) as caught:
            queue.receive()
    assert caught.value.fault.kind is ErrorKind.AUTH_FAILED
    assert caught.value.fault.code == "SignatureDoesNotMatch"


def test_replies_need_the_account_id(emu: Emulator, make_replies: MakeReplies) -> None:
    assert AliyunProvider.replies_configured({"account_uid": "123"})
    assert not AliyunProvider.replies_configured({})
    with pytest.raises(AccountSettingsError, match="Alibaba Cloud account ID"):
        make_replies(uid="").fetch_replies("")
    with pytest.raises(ProviderError) as caught:
        make_replies(uid="999").fetch_replies("")  # another account's queue
    assert caught.value.fault.code == "isv.INVALID_PARAMETERS"


def test_queue_messages_written_plainly_are_read_too() -> None:
    body: dict[str, Any] = {"phone_number": "13800138000", "content": "好", "sign_name": "【店】",
                            "send_time": "20300102110405", "dest_code": "12", "sequence_id": 7.0}
    reply = reply_from(QueueMessage("M1", "H1", json.dumps(body, ensure_ascii=False)), datetime.now(UTC))
    assert reply is not None
    assert (reply.reply_id, reply.phone, reply.to) == ("smsup:7", CUSTOMER, "店 12")
    assert reply.received_at == datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert reply_from(QueueMessage("M2", "H2", "not json"), datetime.now(UTC)) is None
