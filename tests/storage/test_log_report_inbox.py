"""Reports kept until their message is known, and the messages that still wait for one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smsdesk.core.provider_api import DeliveryReport, ReportState, SendOutcome
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.reports import ReportBook


def test_waiting_messages_include_in_doubt_ones_the_provider_has(store: Store) -> None:
    account = store.accounts.add(Account(name="Shop", provider="sandbox"))
    assert account.id is not None
    cid = store.journal.create_campaign(
        name="C", account_id=account.id, body="hi",
        messages=[NewMessage(f"+861380013800{i}", "", "hi", {}, 1) for i in range(4)],
    )
    batch = store.journal.claim_batch(cid, 10)
    store.journal.record_outcomes([SendOutcome(batch[0].message_id, provider_id="P0")])
    store.journal.mark_in_doubt([batch[1].message_id, batch[2].message_id], "timeout")
    # A doubt the provider settled by giving an id (as a reconciliation would).
    store.conn.execute("UPDATE messages SET provider_id = 'P1' WHERE id = ?", (batch[1].message_id,))
    book = ReportBook(store.conn)
    waiting = book.waiting(account.id)
    assert [(r.message_id, r.provider_id) for r in waiting] == [(batch[0].message_id, "P0"), (batch[1].message_id, "P1")]
    assert book.waiting(account.id, after_id=batch[0].message_id, limit=1)[0].provider_id == "P1"
    assert book.accounts_waiting() == [account.id]
    assert book.accounts_waiting(batch[3].message_id) == []
    assert book.unreported_count() == 1  # the doubt is not a message that was sent
    assert book.first_id_since(datetime.now(UTC) - timedelta(hours=1)) == batch[0].message_id
    assert book.first_id_since(datetime.now(UTC) + timedelta(hours=1)) is None


def test_reports_for_unknown_ids_are_kept_once_and_expire(store: Store) -> None:
    account = store.accounts.add(Account(name="Shop", provider="sandbox"))
    assert account.id is not None
    book = ReportBook(store.conn)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    report = DeliveryReport("X1", ReportState.FAILED, "MK:0001", "Not in service", now)
    assert book.unknown_ids(account.id, ["X1"]) == {"X1"}
    book.keep(account.id, [report], now)
    book.keep(account.id, [report], now + timedelta(minutes=1))
    assert book.kept(account.id) == [report]
    book.settle(account.id, ["X1"])
    assert book.kept_count() == 0
    book.keep(account.id, [report], now)
    assert book.expire(now + timedelta(days=1)) == 1
    assert book.kept(account.id) == []
