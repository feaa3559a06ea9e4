"""The send log's filters, search and pages, and the query plans that keep them fast."""

from __future__ import annotations

import pytest

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    ProviderFault,
    ReportState,
    SendOutcome,
)
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter, parse_search


def _history(store: Store) -> dict[str, int]:
    """Two accounts, two campaigns, messages in every final state; returns ids by role."""
    a = store.accounts.add(Account(name="Shop", provider="sandbox"))
    b = store.accounts.add(Account(name="Other", provider="sandbox"))
    assert a.id is not None and b.id is not None
    people = [
        ("+8613800138000", "张伟", "张伟您好，会员日八折"),
        ("+8613912345678", "王芳", "王芳您好，会员日八折"),
        ("+8613700001234", "李娜", "100% off_today =SUM(A1)"),
        ("+14155550100", "Ann", "Hello Ann"),
    ]
    first = store.journal.create_campaign(
        name="Spring", account_id=a.id, body="x",
        messages=[NewMessage(p, n, t, {}, 1) for p, n, t in people],
    )
    second = store.journal.create_campaign(
        name="Summer", account_id=b.id, body="y",
        messages=[NewMessage("+8613800138000", "张伟", "夏季新品到店", {}, 2)],
    )
    batch = store.journal.claim_batch(first, 10)
    store.journal.record_outcomes([
        SendOutcome(batch[0].message_id, provider_id="P0"),
        SendOutcome(batch[1].message_id, provider_id="P1"),
        SendOutcome(batch[2].message_id, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL")),
        SendOutcome(batch[3].message_id, provider_id="P3"),
    ])
    store.journal.apply_reports(a.id, [
        DeliveryReport("P0", ReportState.DELIVERED, "DELIVRD"),
        DeliveryReport("P1", ReportState.FAILED, "MK:0001", "Not in service"),
    ])
    return {"first": first, "second": second, "a": a.id, "b": b.id}


def test_each_filter_narrows_the_log(store: Store) -> None:
    ids = _history(store)
    log = store.log
    assert log.count() == 5
    assert {r.name for r in log.rows(LogFilter(campaign_id=ids["second"]))} == {"张伟"}
    assert [r.phone for r in log.rows(LogFilter(state="delivered"))] == ["+8613800138000"]
    assert [r.campaign for r in log.rows(LogFilter(account_id=ids["b"]))] == ["Summer"]
    assert [r.error_code for r in log.rows(LogFilter(error_kind="undelivered"))] == ["MK:0001"]
    assert log.count(LogFilter(error_kind="invalid_number")) == 1
    assert log.count(LogFilter(campaign_id=ids["first"], state="sent")) == 1
    assert log.count(LogFilter(account_id=ids["a"], state="queued")) == 0


@pytest.mark.parametrize(
    ("term", "phones"),
    [
        ("+8613800138000", {"+8613800138000"}),
        ("13800138000", {"+8613800138000"}),  # a mainland number as people write it
        ("138 0013 8000", {"+8613800138000"}),
        ("8613912345678", {"+8613912345678"}),
        ("008613912345678", {"+8613912345678"}),
        ("14155550100", {"+14155550100"}),
        ("1234", {"+8613700001234"}),  # the last four digits
        ("45678", {"+8613912345678"}),  # part of a number
    ],
)
def test_search_by_number(store: Store, term: str, phones: set[str]) -> None:
    _history(store)
    assert {r.phone for r in store.log.rows(LogFilter(search=term))} == phones


def test_search_by_name_or_text_treats_wildcards_literally(store: Store) -> None:
    _history(store)
    log = store.log
    assert {r.text for r in log.rows(LogFilter(search="张伟"))} == {"张伟您好，会员日八折", "夏季新品到店"}
    assert [r.name for r in log.rows(LogFilter(search="100%"))] == ["李娜"]
    assert [r.name for r in log.rows(LogFilter(search="off_today"))] == ["李娜"]
    assert log.count(LogFilter(search="off%today")) == 0
    assert log.count(LogFilter(search="_")) == 1
    assert log.count(LogFilter(search="ann")) == 1  # case does not matter


def test_search_kinds() -> None:
    assert parse_search("") is None
    assert parse_search("+8613800138000").kind == "number"  # type: ignore[union-attr]
    assert parse_search("1380").kind == "tail"  # type: ignore[union-attr]
    assert parse_search("138").kind == "digits"  # type: ignore[union-attr]
    assert parse_search("张伟").kind == "text"  # type: ignore[union-attr]


def test_date_range_is_read_as_an_id_range(store: Store) -> None:
    ids = _history(store)
    store.conn.execute("UPDATE messages SET created_at = '2025-01-10T08:00:00.000000Z' WHERE campaign_id = ?",
                       (ids["first"],))
    store.conn.execute("UPDATE messages SET created_at = '2025-02-10T08:00:00.000000Z' WHERE campaign_id = ?",
                       (ids["second"],))
    log = store.log
    january = LogFilter(since="2025-01-01T00:00:00.000000Z", until="2025-02-01T00:00:00.000000Z")
    assert log.count(january) == 4
    assert log.count(LogFilter(since="2025-02-01T00:00:00.000000Z")) == 1
    assert log.count(LogFilter(until="2025-01-10T08:00:00.000000Z")) == 0  # the end is excluded
    assert log.count(LogFilter(since="2025-01-10T08:00:00.000000Z")) == 5  # the start is included
    assert log.count(LogFilter(since="2025-03-01T00:00:00.000000Z")) == 0
    assert log.rows(LogFilter(since="2025-03-01T00:00:00.000000Z")) == []
    assert log.count(LogFilter(state="delivered", since="2025-01-01T00:00:00.000000Z",
                               until="2025-02-01T00:00:00.000000Z")) == 1


def test_pages_follow_ids_newest_first(store: Store) -> None:
    _history(store)
    log = store.log
    every = log.ids(limit=100)
    assert every == sorted(every, reverse=True) and len(every) == 5
    first_page = log.ids(limit=2)
    second_page = log.ids(before=first_page[-1], limit=2)
    assert first_page + second_page == every[:4]
    assert log.newer_ids(None, every[2]) == every[:2]
    assert [r.id for r in log.iter_rows(batch=2)] == every
    rows = log.rows_by_ids(every[1:3])
    assert set(rows) == set(every[1:3]) and rows[every[1]].id == every[1]
    assert log.account_id("Shop") is not None and log.account_id("Nobody") is None


def test_counting_is_quick_unless_every_message_must_be_read() -> None:
    from smsdesk.storage.log import SendLog

    assert SendLog.count_is_quick(LogFilter(state="failed", search="13800138000"))
    assert SendLog.count_is_quick(LogFilter(search="8000"))
    assert not SendLog.count_is_quick(LogFilter(search="会员"))
    assert not SendLog.count_is_quick(LogFilter(search="38001"))


def _plan(store: Store, f: LogFilter) -> str:
    built = store.log._where(f)
    assert built is not None
    where, args = built
    rows = store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT m.id FROM messages m{where} ORDER BY m.id DESC LIMIT 500", args
    ).fetchall()
    return " | ".join(r[3] for r in rows)


@pytest.mark.parametrize(
    ("f", "index"),
    [
        (LogFilter(), "SCAN m"),
        (LogFilter(state="delivered"), "messages_by_state"),
        (LogFilter(account_id=1), "messages_by_account"),
        (LogFilter(error_kind="undelivered"), "messages_by_error_kind"),
        (LogFilter(search="+8613800138000"), "messages_by_phone"),
        (LogFilter(search="8000"), "messages_by_phone_tail"),
        (LogFilter(state="failed", account_id=1), "messages_by_state"),
        (LogFilter(since="2025-01-01T00:00:00Z"), "INTEGER PRIMARY KEY"),
        (LogFilter(state="delivered", since="2025-01-01T00:00:00Z"), ""),
    ],
)
@pytest.mark.parametrize("analyzed", [False, True])
def test_a_page_is_one_walk_down_one_index_without_sorting(
    store: Store, f: LogFilter, index: str, analyzed: bool
) -> None:
    """With a million messages a sort of every match would take seconds; a page must not need one,
    whether or not the planner has statistics."""
    _history(store)
    if analyzed:
        store.conn.execute("ANALYZE")
    plan = _plan(store, f)
    assert index in plan
    assert "TEMP B-TREE" not in plan
