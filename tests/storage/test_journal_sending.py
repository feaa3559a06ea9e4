"""The write side of the journal the send engine uses: claims, settlements, retries, offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smsdesk.core.provider_api import ErrorKind, ProviderFault, SendOutcome
from smsdesk.core.sending import RecipientCap, Settlement
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.db import SCHEMA_VERSION
from smsdesk.storage.journal import NewMessage

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def _campaign(store: Store, phones: list[str], per_request: int = 2, **options: object) -> int:
    account = store.accounts.get("A") if any(a.name == "A" for a in store.accounts.all()) else store.accounts.add(
        Account(name="A", provider="sandbox")
    )
    assert account.id is not None
    messages = [NewMessage(p, f"N{i}", f"text {i}", {}, 1, batch=i // per_request + 1) for i, p in enumerate(phones)]
    return store.journal.create_campaign(name="C", account_id=account.id, body="x", messages=messages, **options)  # type: ignore[arg-type]


def _claim(store: Store, cid: int, groups: int = 1, now: datetime = NOW, **options: object) -> list[list[int]]:
    claimed = store.journal.settle_and_claim(cid, Settlement(), groups=groups, now=now, **options)  # type: ignore[arg-type]
    return [[m.message_id for m in batch] for batch in claimed.batches]


def test_the_schema_step_is_part_of_the_database(store: Store) -> None:
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(messages)")}
    assert {"batch_no", "not_before", "claimed_at"} <= columns
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(campaigns)")}
    assert {"kind", "send_at", "expires_at", "note", "retry_of"} <= columns
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_batches_are_claimed_whole_in_order_and_messages_without_one_go_alone(store: Store) -> None:
    cid = _campaign(store, [f"+861390000000{i}" for i in range(5)])
    assert _claim(store, cid, groups=2) == [[1, 2], [3, 4]]
    assert _claim(store, cid, groups=2) == [[5]]
    account = store.accounts.get("A")
    assert account.id is not None
    loose = store.journal.create_campaign(
        name="D", account_id=account.id, body="x",
        messages=[NewMessage(f"+8613900000{i:03d}", "", "t", {}, 1) for i in range(3)],
    )
    assert _claim(store, loose, groups=5) == [[6], [7], [8]]


def test_opted_out_numbers_are_skipped_when_handed_out(store: Store) -> None:
    cid = _campaign(store, ["+8613900000000", "+8613900000001", "+8613900000002"], per_request=3)
    store.optouts.add("+8613900000001", "replied TD")
    claimed = store.journal.settle_and_claim(cid, Settlement(), groups=1, now=NOW)
    assert [m.phone for m in claimed.batches[0]] == ["+8613900000000", "+8613900000002"]
    assert claimed.skipped == 1
    row = store.conn.execute("SELECT state, error_kind, error_message FROM messages WHERE id = 2").fetchone()
    assert tuple(row) == ("skipped", "opted_out", "On the opt-out list")


def test_the_per_recipient_cap_counts_earlier_campaigns_of_the_same_template(store: Store) -> None:
    first = _campaign(store, ["+8613900000000"] * 2, per_request=1)
    for _ in range(2):
        batch = _claim(store, first)
        store.journal.settle_and_claim(first, Settlement(outcomes=[SendOutcome(batch[0][0], provider_id="P")]),
                                       groups=0, now=NOW)
    second = _campaign(store, ["+8613900000000", "+8613900000009"], per_request=2)
    claimed = store.journal.settle_and_claim(second, Settlement(), groups=1, now=NOW, cap=RecipientCap(2))
    assert [m.phone for m in claimed.batches[0]] == ["+8613900000009"]
    assert claimed.skipped == 1
    # A day later the window has passed.
    third = _campaign(store, ["+8613900000000"], per_request=1)
    later = NOW + timedelta(hours=25)
    assert _claim(store, third, now=later, cap=RecipientCap(2)) == [[5]]


def test_settlements_record_every_kind_of_answer_in_one_go(store: Store) -> None:
    cid = _campaign(store, [f"+861390000000{i}" for i in range(8)], per_request=8)
    [_batch] = _claim(store, cid)
    blacklisted = ProviderFault(ErrorKind.OPTED_OUT, "21610", "STOP")
    store.journal.settle_and_claim(cid, Settlement(
        outcomes=[SendOutcome(1, provider_id="P1", segments=2), SendOutcome(2, fault=blacklisted)],
        requeue=[3],
        regroup=[[4, 5]],
        deferred=[(6, NOW + timedelta(minutes=30))],
        in_doubt=[(7, "read timeout"), (8, "read timeout")],
    ), groups=0, now=NOW)
    states = dict(store.conn.execute("SELECT id, state FROM messages WHERE campaign_id = ?", (cid,)).fetchall())
    assert states == {1: "sent", 2: "failed", 3: "queued", 4: "queued", 5: "queued", 6: "queued",
                      7: "in_doubt", 8: "in_doubt"}
    assert store.optouts.contains("+8613900000001")  # the provider's "opted out" is remembered
    batches = dict(store.conn.execute("SELECT id, batch_no FROM messages WHERE id IN (3, 4, 5)").fetchall())
    assert batches[4] == batches[5] != batches[3]
    # Message 6 waits its turn; the others may go now.
    assert store.journal.next_ready(cid) is not None
    assert sorted(i for b in _claim(store, cid, groups=5) for i in b) == [3, 4, 5]
    assert store.journal.next_ready(cid) == NOW + timedelta(minutes=30)
    assert _claim(store, cid, now=NOW + timedelta(minutes=31)) == [[6]]


def test_in_doubt_messages_wait_for_the_owner(store: Store) -> None:
    cid = _campaign(store, ["+8613900000000", "+8613900000001"])
    [batch] = _claim(store, cid)
    store.journal.mark_in_doubt(batch, "connection dropped")
    assert [m.reason for m in store.journal.in_doubt_messages(cid)] == ["connection dropped"] * 2
    assert store.journal.resolve_in_doubt([1], send_again=True) == 1
    assert store.journal.resolve_in_doubt([2], send_again=False) == 1
    assert store.journal.campaign_counts(cid) == {"queued": 1, "skipped": 1}
    assert store.journal.resolve_in_doubt([1, 2], send_again=True) == 0  # only in-doubt ones change


def test_retry_failed_only_copies_failures_worth_retrying(store: Store) -> None:
    cid = _campaign(store, [f"+861390000000{i}" for i in range(4)], per_request=4)
    [_batch] = _claim(store, cid)
    store.journal.record_outcomes([
        SendOutcome(1, provider_id="P1"),
        SendOutcome(2, fault=ProviderFault(ErrorKind.TRANSIENT, "isp.SYSTEM_ERROR")),
        SendOutcome(3, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL")),
        SendOutcome(4, fault=ProviderFault(ErrorKind.QUOTA_EXHAUSTED, "isv.AMOUNT_NOT_ENOUGH")),
    ])
    assert store.journal.retry_candidates(cid) == 2
    retry = store.journal.create_retry_campaign(cid, "C (retry)")
    assert retry is not None
    rows = store.conn.execute("SELECT phone, text, state FROM messages WHERE campaign_id = ? ORDER BY id", (retry,)).fetchall()
    assert [tuple(r) for r in rows] == [("+8613900000001", "text 1", "queued"), ("+8613900000003", "text 3", "queued")]
    assert store.journal.campaign(retry).name == "C (retry)"
    store.conn.execute("UPDATE messages SET error_kind = 'invalid_number' WHERE campaign_id = ?", (cid,))
    assert store.journal.create_retry_campaign(cid, "again") is None


def test_unfinished_and_scheduled_campaigns_are_found(store: Store) -> None:
    done = _campaign(store, ["+8613900000000"])
    [batch] = _claim(store, done)
    store.journal.record_outcomes([SendOutcome(batch[0], provider_id="P")])
    paused = _campaign(store, ["+8613900000001", "+8613900000002"])
    store.journal.set_campaign_state(paused, "paused", "Paused by you.")
    later = _campaign(store, ["+8613900000003"], send_at=NOW + timedelta(hours=2))
    cancelled = _campaign(store, ["+8613900000004"])
    store.journal.set_campaign_state(cancelled, "cancelled")
    offered = store.journal.campaigns_to_offer()
    assert [c.id for c in offered] == [paused, later]
    assert offered[0].note == "Paused by you." and offered[1].state == "scheduled"
    assert store.journal.due_campaigns(NOW) == []
    assert [c.id for c in store.journal.due_campaigns(NOW + timedelta(hours=3))] == [later]
    assert store.journal.next_scheduled() == NOW + timedelta(hours=2)
    store.optouts.add("+8613900000002")
    assert store.journal.queued_opted_out(paused) == 1
    assert store.journal.progress_counts(paused) == (2, 0)
