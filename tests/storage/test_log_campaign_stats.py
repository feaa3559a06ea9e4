"""A campaign's totals, cost, failures by reason and outcomes over time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    ProviderFault,
    ReportState,
    SendOutcome,
)
from smsdesk.core.states import MessageState
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.campaign_stats import CampaignStats
from smsdesk.storage.journal import NewMessage


def test_summary_counts_every_state_the_cost_and_the_reasons(store: Store) -> None:
    account = store.accounts.add(Account(name="Shop", provider="sandbox", price_per_segment=0.045, currency="CNY"))
    assert account.id is not None
    messages = [NewMessage(f"+861380013800{i}", f"N{i}", "hi", {}, 2 if i == 0 else 1) for i in range(8)]
    messages.append(NewMessage("+8613800138009", "Opted", "hi", {}, 1, skip_reason="On the opt-out list"))
    cid = store.journal.create_campaign(name="Spring", account_id=account.id, body="hi", messages=messages)
    batch = store.journal.claim_batch(cid, 7)
    store.journal.record_outcomes([
        *(SendOutcome(m.message_id, provider_id=f"P{i}") for i, m in enumerate(batch[:5])),
        SendOutcome(batch[5].message_id, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL")),
    ])
    store.journal.mark_in_doubt([batch[6].message_id], "timeout")
    at = datetime(2026, 3, 1, 10, 0, 30, tzinfo=UTC)
    store.journal.apply_reports(account.id, [
        DeliveryReport("P0", ReportState.DELIVERED, "DELIVRD", at=at),
        DeliveryReport("P1", ReportState.DELIVERED, "DELIVRD", at=at + timedelta(seconds=10)),
        DeliveryReport("P2", ReportState.DELIVERED, "DELIVRD", at=at + timedelta(minutes=3)),
        DeliveryReport("P3", ReportState.FAILED, "MK:0001", "Not in service", at=at + timedelta(minutes=3)),
    ])
    stats = CampaignStats(store.conn)
    summary = stats.summary(cid)
    assert summary is not None
    assert summary.total == 9
    assert summary.accepted == 5  # P0..P4, whatever their report said
    assert summary.accepted_segments == 6  # the first message is two parts
    assert round(summary.cost, 4) == round(6 * 0.045, 4)
    assert summary.state(MessageState.DELIVERED) == 3
    assert summary.state(MessageState.FAILED) == 2
    assert summary.state(MessageState.IN_DOUBT) == 1
    assert summary.state(MessageState.SKIPPED) == 1
    assert summary.pending == 2  # P4 waits for its report, one message was never claimed
    assert [(r.kind, r.code, r.count) for r in summary.failures] == [
        ("invalid_number", "isv.MOBILE_NUMBER_ILLEGAL", 1),
        ("undelivered", "MK:0001", 1),
    ]
    minutes = stats.outcomes_by_minute(cid)
    reported = [m for m in minutes if m.minute.startswith("2026-03-01")]
    assert [(m.minute, m.delivered, m.failed) for m in reported] == [
        ("2026-03-01T10:00", 2, 0),
        ("2026-03-01T10:03", 1, 1),
    ]
    assert sum(m.failed for m in minutes) == 2  # the refused number failed when it was sent
    assert [c.name for c in stats.campaigns()] == ["Spring"]
    assert stats.summary(cid + 100) is None
