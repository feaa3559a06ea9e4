"""Recording replies: once each, with what their keywords did, and threaded with what we sent."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smsdesk.core.keywords import Keywords
from smsdesk.core.provider_api import InboundReply, SendOutcome
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.db import SCHEMA_VERSION, connect
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.migrations import MIGRATIONS
from smsdesk.storage.replies import ReplyAction

X = "+8613900000001"
Y = "+8613900000002"
T0 = datetime(2030, 5, 1, 9, 0, tzinfo=UTC)


def _account(store: Store) -> int:
    account = store.accounts.add(Account(name="Box", provider="sandbox"))
    assert account.id is not None
    return account.id


def _reply(reply_id: str, text: str, minutes: float, phone: str = X) -> InboundReply:
    return InboundReply(reply_id, phone, text, T0 + timedelta(minutes=minutes))


def test_a_reply_fetched_twice_is_recorded_once_and_the_cursor_moves(store: Store) -> None:
    acc = _account(store)
    first = store.replies.record(acc, [_reply("r1", "hello", 1), _reply("r2", "T", 2)], "c1", Keywords())
    again = store.replies.record(acc, [_reply("r2", "T", 2), _reply("r3", "thanks", 3, Y)], "c2", Keywords())
    assert [r.text for r in first.recorded] == ["hello", "T"] and first.duplicates == 0
    assert [r.text for r in again.recorded] == ["thanks"] and again.duplicates == 1
    assert store.replies.cursor(acc) == "c2"
    assert store.conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0] == 3
    entry = store.optouts.entry(X)
    assert entry is not None and (entry.reason, entry.keyword, entry.source) == ("T", "T", "reply")
    assert store.replies.unread_count() == 3


def test_the_same_reply_id_from_two_accounts_is_two_replies(store: Store) -> None:
    acc = _account(store)
    other = store.accounts.add(Account(name="Other", provider="sandbox")).id
    assert other is not None
    store.replies.record(acc, [_reply("same", "hi", 1)], "", Keywords())
    store.replies.record(other, [_reply("same", "hi", 1)], "", Keywords())
    assert store.conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0] == 2


def test_out_of_order_keywords_the_latest_word_decides(store: Store) -> None:
    acc = _account(store)
    allowed = Keywords(opt_in_allowed=True)
    # One page, out of order: "START" (09:05) listed before "T" (09:01): applied in time order.
    store.replies.record(acc, [_reply("b", "START", 5), _reply("a", "T", 1)], "", allowed)
    assert not store.optouts.contains(X)
    actions = dict(store.conn.execute("SELECT reply_id, action FROM replies").fetchall())
    assert actions == {"a": ReplyAction.OPTED_OUT, "b": ReplyAction.OPTED_IN}
    # A "T" sent before that START but fetched only now does not undo it.
    late = store.replies.record(acc, [_reply("c", "退订", 3)], "", allowed)
    assert late.recorded[0].action == ReplyAction.SUPERSEDED and not store.optouts.contains(X)
    # A later "T" does.
    store.replies.record(acc, [_reply("d", "t", 9)], "", allowed)
    assert store.optouts.contains(X)


def test_a_late_stop_still_counts_when_the_later_start_was_not_applied(store: Store) -> None:
    acc = _account(store)
    store.optouts.add(X, "called the shop")
    store.replies.record(acc, [_reply("b", "START", 5)], "", Keywords())
    assert store.optouts.contains(X)  # opt-in not allowed: flagged, not applied
    flagged = store.conn.execute("SELECT action FROM replies WHERE reply_id = 'b'").fetchone()[0]
    assert flagged == ReplyAction.OPT_IN_ASKED
    late = store.replies.record(acc, [_reply("a", "STOP", 1)], "", Keywords())
    assert late.recorded[0].action == ReplyAction.ALREADY_OUT and store.optouts.contains(X)
    entry = store.optouts.entry(X)
    assert entry is not None and entry.reason == "called the shop"  # the first reason is kept


def test_an_opt_in_from_a_number_not_on_the_list_is_an_ordinary_reply(store: Store) -> None:
    acc = _account(store)
    done = store.replies.record(acc, [_reply("a", "START", 1)], "", Keywords())
    assert done.recorded[0].keyword == "START" and done.recorded[0].action == ReplyAction.NONE


def test_a_reply_is_threaded_with_the_last_message_sent_before_it(store: Store) -> None:
    acc = _account(store)
    cid = store.journal.create_campaign(
        name="c", account_id=acc, body="b",
        messages=[NewMessage(X, "王女士", "第一条", {}, 1), NewMessage(X, "王女士", "第二条", {}, 1)],
    )
    first, second = [m.message_id for m in store.journal.claim_batch(cid, 10)]
    store.journal.record_outcomes([SendOutcome(first, provider_id="p1"), SendOutcome(second, provider_id="p2")])
    store.conn.execute("UPDATE messages SET sent_at = ? WHERE id = ?", ("2030-05-01T09:00:00.000000Z", first))
    store.conn.execute("UPDATE messages SET sent_at = ? WHERE id = ?", ("2030-05-01T10:00:00.000000Z", second))
    done = store.replies.record(acc, [_reply("a", "收到", 30), _reply("b", "好的", 65)], "", Keywords())
    assert [(r.message_id, r.campaign_id) for r in done.recorded] == [(first, cid), (second, cid)]
    thread = store.replies.thread(X)
    assert [(i.outgoing, i.text) for i in thread] == [
        (True, "第一条"), (False, "收到"), (True, "第二条"), (False, "好的")
    ]
    [conversation] = store.replies.conversations()
    assert (conversation.name, conversation.last_text, conversation.unread) == ("王女士", "好的", 2)
    assert store.replies.conversations("王女士") and store.replies.conversations("收到")
    assert store.replies.conversations("nobody") == []
    assert store.replies.mark_read(X) == 2 and store.replies.unread_count() == 0
    assert store.replies.conversations(unread_only=True) == []


def test_only_one_poller_at_a_time_takes_an_accounts_turn(store: Store, smsdesk_home: Path) -> None:
    acc = _account(store)
    with Store.open() as other:
        assert store.replies.claim_poll(acc, T0, 10.0)
        assert not other.replies.claim_poll(acc, T0 + timedelta(seconds=5), 10.0)
        assert other.replies.claim_poll(acc, T0 + timedelta(seconds=11), 10.0)
    assert store.replies.last_polled(acc) == T0 + timedelta(seconds=11)


def test_keyword_settings_round_trip(store: Store) -> None:
    assert store.replies.keywords() == Keywords()
    store.replies.save_keywords(Keywords(("T", "取消"), ("订阅",), True))
    assert store.replies.keywords() == Keywords(("T", "取消"), ("订阅",), True)


def test_an_older_database_keeps_its_opt_outs_through_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, steps in enumerate(MIGRATIONS[:4]):
        for statement in steps:
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute("INSERT INTO opt_outs (phone, reason) VALUES (?, ?)", (X, "asked in the shop"))
    conn.close()
    upgraded = connect(path)
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    with Store(upgraded) as store:
        entry = store.optouts.entry(X)
        assert entry is not None and (entry.reason, entry.source, entry.keyword) == ("asked in the shop", "", "")
        assert store.replies.unread_count() == 0
        assert [e.phone for e in store.optouts.page("asked")] == [X]
