"""Replies through the Sandbox, end to end: a "T" mid-campaign, the inbox, polling and answering.

The customer is played by the test through the Sandbox's own ``add_reply``, the way the owner
plays them on the Sandbox phone; everything else is the real engine, journal and database.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from replies_support import CustomerAnswers, assert_nothing_claimed_after_the_reply, wait_until

from smsdesk.core.provider_api import RequestNotSent
from smsdesk.engine.campaign_control import send_campaign
from smsdesk.engine.providers import open_provider
from smsdesk.engine.replies import (
    IDLE_INTERVAL_MAX,
    ReplyPoller,
    answer_reply,
    fetch_now,
    poll_account,
    save_keywords,
)
from smsdesk.errors import UserFacingError
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage, parse_stamp
from smsdesk.storage.replies import ReplyAction

X = "+8613900000099"


def _sandbox(store: Store, rate: float = 1000.0) -> Account:
    return store.accounts.add(
        Account(name="Box", provider="sandbox", settings={"delay_seconds": "0", "concurrency": "1"},
                rate_per_second=rate)
    )


def _others(n: int) -> list[str]:
    return [f"+86139{i:08d}" for i in range(1, n + 1)]


def _campaign(store: Store, account: Account, phones: Sequence[str]) -> int:
    assert account.id is not None
    return store.journal.create_campaign(
        name="spring", account_id=account.id, body="会员日八折，回T退订",
        messages=[NewMessage(p, "", "会员日八折，回T退订", {}, 1) for p in phones],
    )


def test_a_t_mid_campaign_stops_every_later_message_to_that_number(store: Store) -> None:
    account = _sandbox(store, rate=200)
    phones = [X, *_others(5), X, *_others(10)[5:], X, X]
    cid = _campaign(store, account, phones)
    real = SandboxProvider(account.settings)
    provider = CustomerAnswers(real, X, "T", real.add_reply, store.journal.database_path())
    outcome = send_campaign(store, provider, account, cid)  # type: ignore[arg-type]
    real.close()
    assert outcome.state == "sent"
    assert_nothing_claimed_after_the_reply(store, cid, X)
    counts = store.conn.execute(
        "SELECT state, COUNT(*) FROM messages WHERE campaign_id = ? AND phone = ? GROUP BY state", (cid, X)
    ).fetchall()
    assert dict(counts) == {"sent": 1, "skipped": 3}
    assert store.journal.campaign_counts(cid) == {"sent": 11, "skipped": 3}
    entry = store.optouts.entry(X)
    assert entry is not None and (entry.keyword, entry.reason, entry.source) == ("T", "T", "reply")
    skipped = store.conn.execute(
        "SELECT error_message FROM messages WHERE campaign_id = ? AND state = 'skipped'", (cid,)
    ).fetchall()
    assert {r[0] for r in skipped} == {"On the opt-out list"}  # visibly, in the log


def test_a_normal_reply_lands_in_the_inbox_threaded_with_the_sent_message(store: Store) -> None:
    account = _sandbox(store)
    cid = _campaign(store, account, [X, *_others(2)])
    provider = SandboxProvider(account.settings)
    send_campaign(store, provider, account, cid)
    provider.add_reply(X, "几点开门？")
    provider.close()
    outcomes, problems = fetch_now(store)
    assert problems == [] and [len(o.recorded) for o in outcomes] == [1]
    [reply] = store.replies.rows()
    assert (reply.phone, reply.text, reply.campaign, reply.keyword, reply.read) == (X, "几点开门？", "spring", "", False)
    sent_id = store.conn.execute("SELECT id FROM messages WHERE campaign_id = ? AND phone = ?", (cid, X)).fetchone()[0]
    assert store.conn.execute("SELECT message_id FROM replies").fetchone()[0] == sent_id
    assert [(i.outgoing, i.text) for i in store.replies.thread(X)] == [(True, "会员日八折，回T退订"), (False, "几点开门？")]
    assert not store.optouts.contains(X)


def test_replies_fetched_again_or_by_two_pollers_are_recorded_once(store: Store) -> None:
    account = _sandbox(store)
    assert account.id is not None
    provider = SandboxProvider(account.settings)
    for n in range(150):  # more than a page
        provider.add_reply(_others(150)[n], f"reply {n}")
    provider.add_reply(X, "STOP")
    first = poll_account(store, account, provider)
    assert len(first.recorded) == 151 and first.pages == 2 and first.opted_out == [X]
    # The cursor is lost (a restored backup, a provider that repeats itself): everything comes again.
    store.replies.record(account.id, [], "", store.replies.keywords())
    again = poll_account(store, account, provider)
    assert again.recorded == [] and again.duplicates == 151
    # Two processes fetch the same page at once; each records it; the database keeps one copy.
    provider.add_reply(X, "again")
    cursor = store.replies.cursor(account.id)
    page = provider.fetch_replies(cursor)
    with Store.open(store.journal.database_path()) as other:
        one = other.replies.record(account.id, page.replies, page.cursor, other.replies.keywords())
    two = store.replies.record(account.id, page.replies, page.cursor, store.replies.keywords())
    provider.close()
    assert (len(one.recorded), len(two.recorded), two.duplicates) == (1, 0, 1)
    assert store.conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0] == 152


def test_opt_in_only_when_the_owner_allows_it(store: Store) -> None:
    account = _sandbox(store)
    provider = SandboxProvider(account.settings)
    provider.add_reply(X, "退订")
    provider.add_reply(X, "订阅")
    outcome = poll_account(store, account, provider)
    assert [r.action for r in outcome.recorded] == [ReplyAction.OPTED_OUT, ReplyAction.OPT_IN_ASKED]
    assert store.optouts.contains(X)
    save_keywords(store, "T, 退订", "START, 订阅", opt_in_allowed=True)
    provider.add_reply(X, "START!")
    outcome = poll_account(store, account, provider)
    provider.close()
    assert outcome.opted_in == [X] and not store.optouts.contains(X)


def test_keyword_lists_are_checked_before_they_are_saved(store: Store) -> None:
    with pytest.raises(UserFacingError, match="at least one opt-out keyword"):
        save_keywords(store, " , ", "START", opt_in_allowed=False)
    with pytest.raises(UserFacingError, match="both"):
        save_keywords(store, "T, STOP", "start, Stop!", opt_in_allowed=False)
    saved = save_keywords(store, "T，退订、取消", "", opt_in_allowed=False)
    assert saved.opt_out == ("T", "退订", "取消") and store.replies.keywords() == saved


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Counting:
    """The real Sandbox, counting the polls (or failing them, when told)."""

    def __init__(self, account: Account) -> None:
        self.inner = SandboxProvider(account.settings)
        self.polls = 0
        self.fail: Exception | None = None

    def fetch_replies(self, cursor: str) -> Any:
        self.polls += 1
        if self.fail is not None:
            raise self.fail
        return self.inner.fetch_replies(cursor)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_the_poller_backs_off_when_idle_and_speeds_up_for_replies_and_sending(store: Store) -> None:
    account = _sandbox(store)
    clock = Clock()
    box = Counting(account)
    poller = ReplyPoller(store, clock=clock, open_provider=lambda _a: box)
    waits = []
    for _ in range(9):
        result = poller.run_round()
        waits.append(result.next_round_in)
        clock.advance(result.next_round_in)
    assert waits[:4] == [4.0, 8.0, 16.0, 32.0] and waits[-1] == IDLE_INTERVAL_MAX  # doubling, then capped
    assert box.polls == 9
    box.inner.add_reply(X, "hello")
    result = poller.run_round()
    assert result.new == 1 and result.next_round_in == SandboxProvider.reply_poll_interval
    clock.advance(2)
    cid = _campaign(store, account, [X])
    store.journal.set_campaign_state(cid, "sending")
    for _ in range(3):
        result = poller.run_round()
        assert result.next_round_in == SandboxProvider.reply_poll_interval  # sending: no back-off
        clock.advance(result.next_round_in)
    poller.close()


def test_a_failing_provider_is_one_sentence_said_once_and_left_alone_a_while(store: Store) -> None:
    account = _sandbox(store)
    clock = Clock()
    box = Counting(account)
    box.fail = RequestNotSent("connection refused")
    poller = ReplyPoller(store, clock=clock, open_provider=lambda _a: box)
    first = poller.run_round()
    assert first.problems == ["Box: the provider could not be reached for replies; smsdesk will try again."]
    assert first.failing == first.problems and first.next_round_in == 60.0
    clock.advance(60)
    second = poller.run_round()
    assert second.problems == [] and second.failing == first.problems  # not said again
    box.fail = None
    clock.advance(60)
    third = poller.run_round()
    assert third.failing == [] and box.polls == 3
    poller.close()


def test_another_process_polling_takes_the_turn(store: Store) -> None:
    account = _sandbox(store)
    clock = Clock()
    mine, theirs = Counting(account), Counting(account)
    with Store.open(store.journal.database_path()) as other:
        a = ReplyPoller(store, clock=clock, open_provider=lambda _a: mine)
        b = ReplyPoller(other, clock=clock, open_provider=lambda _a: theirs)
        a.run_round()
        b.run_round()
        a.close()
        b.close()
    assert (mine.polls, theirs.polls) == (1, 0)


def test_an_answer_is_a_single_send_through_the_same_engine(store: Store) -> None:
    account = _sandbox(store)
    provider = SandboxProvider(account.settings)
    provider.add_reply(X, "有{大号}吗？")
    poll_account(store, account, provider)
    result = answer_reply(store, account, X, "有的，{大号}明天到货")
    assert result.state == "sent"
    info = store.journal.campaign(result.campaign_id)
    assert info.name == f"Answer to {X}" and info.counts == {"sent": 1}
    assert store.replies.unread_count() == 0
    wait_until(lambda: bool(provider.inbox(X)))
    assert provider.inbox(X)[0].text == "【smsdesk】有的，{大号}明天到货"  # braces are text, not variables
    provider.close()
    store.optouts.add(X, "T")
    refused = answer_reply(store, account, X, "还在吗")
    assert refused.state == "skipped" and refused.detail == "On the opt-out list"


def test_the_sending_process_fetches_replies_while_it_sends(store: Store) -> None:
    """The watcher alone (no window): a reply arriving while a long campaign runs is recorded
    before the campaign ends, by the process that sends it."""
    account = _sandbox(store, rate=20)
    cid = _campaign(store, account, _others(100))  # five seconds at 20 a second
    box = SandboxProvider(account.settings)
    done = threading.Event()
    database = store.journal.database_path()

    def customer() -> None:
        with Store.open(database) as look:
            wait_until(lambda: look.journal.campaign_counts(cid).get("sent", 0) >= 2)
            box.add_reply(X, "what time do you open?")
            wait_until(lambda: bool(look.replies.rows(phone=X)) or done.is_set())

    helper = threading.Thread(target=customer)
    helper.start()
    send_campaign(store, open_provider(account), account, cid)
    done.set()
    helper.join()
    box.close()
    assert [r.text for r in store.replies.rows(phone=X)] == ["what time do you open?"]
    last_sent = store.conn.execute("SELECT MAX(sent_at) FROM messages WHERE campaign_id = ?", (cid,)).fetchone()[0]
    fetched = store.conn.execute("SELECT fetched_at FROM replies").fetchone()[0]
    assert parse_stamp(fetched) is not None and fetched < last_sent
