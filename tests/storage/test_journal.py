from __future__ import annotations

from datetime import UTC, datetime

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
from smsdesk.storage.log import LogFilter


def _campaign(store: Store, n: int = 3, skip: int = 0) -> tuple[int, int]:
    account = store.accounts.add(Account(name="A", provider="sandbox"))
    assert account.id is not None
    messages = [
        NewMessage(phone=f"+86138001380{i:02d}", name=f"N{i}", text=f"hello {i}", params={}, segments=1,
                   skip_reason="On the opt-out list" if i < skip else "")
        for i in range(n)
    ]
    return store.journal.create_campaign(name="C", account_id=account.id, body="hello", messages=messages), account.id


def test_messages_are_written_queued_and_skipped_ones_say_why(store: Store) -> None:
    cid, _ = _campaign(store, n=4, skip=1)
    assert store.journal.campaign_counts(cid) == {"queued": 3, "skipped": 1}
    skipped = store.log.rows(LogFilter(state="skipped"))
    assert skipped[0].error_kind == ErrorKind.OPTED_OUT
    assert skipped[0].error_message == "On the opt-out list"


def test_claim_marks_inflight_and_outcomes_move_each_message(store: Store) -> None:
    cid, _ = _campaign(store, n=3)
    batch = store.journal.claim_batch(cid, 10)
    assert [m.text for m in batch] == ["hello 0", "hello 1", "hello 2"]
    assert store.journal.campaign_counts(cid) == {"inflight": 3}
    assert store.journal.claim_batch(cid, 10) == []  # nothing is handed out twice
    store.journal.record_outcomes([
        SendOutcome(batch[0].message_id, provider_id="P0"),
        SendOutcome(batch[1].message_id, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL", "bad")),
    ])
    store.journal.mark_in_doubt([batch[2].message_id], "timeout")
    assert store.journal.campaign_counts(cid) == {"sent": 1, "failed": 1, "in_doubt": 1}
    failed = store.log.rows(LogFilter(state="failed"))[0]
    assert (failed.error_kind, failed.error_code, failed.error_message) == ("invalid_number", "isv.MOBILE_NUMBER_ILLEGAL", "bad")


def test_requeue_only_touches_inflight_and_recovery_puts_inflight_in_doubt(store: Store) -> None:
    cid, _ = _campaign(store, n=3)
    first = store.journal.claim_batch(cid, 1)
    store.journal.record_outcomes([SendOutcome(first[0].message_id, provider_id="P")])
    store.journal.requeue([first[0].message_id])  # already sent: must stay sent
    store.journal.claim_batch(cid, 1)
    assert store.journal.recover_inflight("crashed") == 1
    assert store.journal.campaign_counts(cid) == {"sent": 1, "in_doubt": 1, "queued": 1}


def test_reports_are_applied_once_and_only_to_waiting_messages(store: Store) -> None:
    cid, account_id = _campaign(store, n=2)
    batch = store.journal.claim_batch(cid, 2)
    store.journal.record_outcomes([SendOutcome(m.message_id, provider_id=f"P{i}") for i, m in enumerate(batch)])
    refs = store.journal.sent_refs(account_id)
    assert [r.provider_id for r in refs] == ["P0", "P1"]
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    reports = [
        DeliveryReport("P0", ReportState.DELIVERED, "DELIVRD", "", at),
        DeliveryReport("P1", ReportState.FAILED, "MK:0001", "Number not in service", at),
    ]
    assert store.journal.apply_reports(account_id, reports) == 2
    assert store.journal.apply_reports(account_id, reports) == 0
    assert store.journal.apply_reports(account_id, [DeliveryReport("P0", ReportState.FAILED, "X")]) == 0
    assert store.journal.campaign_counts(cid) == {"delivered": 1, "failed": 1}
    failed = store.log.rows(LogFilter(state="failed"))[0]
    assert (failed.error_kind, failed.error_code) == ("undelivered", "MK:0001")
    assert store.journal.sent_refs(account_id) == []


def test_log_filters_and_searches(store: Store) -> None:
    _campaign(store, n=5)
    assert store.log.count() == 5
    assert [r.phone for r in store.log.rows(LogFilter(search="+8613800138003"))] == ["+8613800138003"]
    assert [r.name for r in store.log.rows(LogFilter(search="N4"))] == ["N4"]
    assert store.log.count(LogFilter(search="hello")) == 5
    assert store.log.count(LogFilter(state="delivered")) == 0
    newest_first = store.log.rows(limit=2)
    assert [r.text for r in newest_first] == ["hello 4", "hello 3"]
    assert [r.text for r in store.log.rows(offset=4, limit=10)] == ["hello 0"]
