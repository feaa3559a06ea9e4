"""Counting a whole list: totals, the rows worth a look, and agreement with the send plan."""

from __future__ import annotations

import threading

from smsdesk.engine.campaigns import plan_for_recipients
from smsdesk.engine.templates import next_row, plan_counts, survey, survey_list
from smsdesk.storage import Store
from smsdesk.storage.lists import Recipient

TEXT = "{name}您好，积分{积分}，欢迎光临。"


def person(row: int, name: str, points: str, phone: str | None = None) -> Recipient:
    return Recipient(
        id=row + 1,
        row_no=row + 2,
        phone=phone or f"+861380013{row:04d}",
        name=name,
        fields={"积分": points},
    )


PEOPLE = [
    person(0, "张伟", "100"),
    person(1, "李娜", ""),  # empty points
    person(2, "王" * 70, "5"),  # the longest: 86 characters, 2 SMS
    person(3, "赵敏", "7"),
    person(4, "Smith", "", phone="+14155550100"),  # international, empty points
    person(5, "钱" * 60, "1"),  # 76 characters, 2 SMS
]


def test_totals_and_rows_worth_a_look() -> None:
    result = survey(
        PEOPLE,
        TEXT,
        provider="aliyun",
        signature="小店",
        opted_out=set(),
        price_per_segment=0.045,
        currency="CNY",
    )
    assert result is not None
    assert result.totals.counts.messages == 6
    assert result.totals.counts.segments == 8  # rows 2 and 5 take two SMS each
    assert result.totals.counts.max_segments == 2
    assert round(result.totals.estimated_cost, 4) == 0.36
    assert result.first_segments == 1
    assert result.longest_row == 2
    assert list(result.empty_rows) == [1, 4]
    assert list(result.more_segment_rows) == [2, 5]


def test_the_longest_message_wins_by_billed_sms_then_length() -> None:
    people = [
        person(0, "短", "1"),
        person(1, "长" * 30, "1"),
        person(2, "长" * 30, "1"),
        person(3, "中" * 10, "1"),
    ]
    result = survey(people, TEXT, provider="sandbox", signature="smsdesk", opted_out=set())
    assert result is not None and result.longest_row == 1  # the first of two equal ones


def test_opted_out_customers_are_skipped_not_counted() -> None:
    result = survey(PEOPLE, TEXT, provider="aliyun", signature="小店", opted_out={PEOPLE[2].phone})
    assert result is not None
    assert result.totals.counts.messages == 5 and result.totals.skipped == 1
    assert 2 not in result.more_segment_rows and result.longest_row == 5


def test_next_row_moves_on_and_wraps_round() -> None:
    assert next_row([3, 8, 20], 0) == 3
    assert next_row([3, 8, 20], 3) == 8
    assert next_row([3, 8, 20], 20) == 3
    assert next_row([], 5) is None


def test_a_cancelled_count_returns_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    many = [person(i, "张伟", "1") for i in range(3000)]
    assert (
        survey(many, TEXT, provider="aliyun", signature="小店", opted_out=set(), cancel=cancel)
        is None
    )


def test_the_editors_totals_are_the_send_plans(store: Store) -> None:
    account = store.accounts.ensure_sandbox()._replace(price_per_segment=0.05)
    store.accounts.update(account)
    saved = store.lists.save(
        "L",
        region="CN",
        columns=["积分"],
        source_file="t",
        recipients=[(p.row_no, p.phone, p.name, p.fields) for p in PEOPLE],
    )
    store.optouts.add(PEOPLE[3].phone, "asked")
    editor = survey_list(store, account, TEXT, saved.id, signature="smsdesk")
    plan = plan_for_recipients(
        store, account, TEXT, store.lists.iter_recipients(saved.id), signature="smsdesk"
    )
    counts, totals = plan_counts(
        ((m.phone, m.text, bool(m.skip_reason)) for m in plan.messages),
        account=account,
        signature=plan.signature,
    )
    assert editor is not None
    assert editor.totals.as_dict() == totals.as_dict()
    assert totals.counts.segments == plan.segments and totals.counts.messages == plan.to_send
    assert [c.segments for c in counts] == [m.segments for m in plan.messages]
