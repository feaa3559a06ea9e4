"""The campaign view: totals, charts, retrying failed messages, exporting failures."""

from __future__ import annotations

import csv
import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    ProviderFault,
    ReportState,
    SendOutcome,
)
from smsdesk.gui import campaign_view
from smsdesk.gui.campaign_view import CampaignView
from smsdesk.gui.chart_campaign import bucket
from smsdesk.gui.sendlog_pane import SendLogPane
from smsdesk.providers.sandbox import will_fail
from smsdesk.storage import Store
from smsdesk.storage.campaign_stats import CampaignStats, OutcomeMinute
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter


def _deliverable(n: int) -> list[str]:
    """Numbers the Sandbox delivers to."""
    numbers = (f"+86138{i:08d}" for i in range(1000))
    return [p for p in numbers if not will_fail(p)][:n]


def _campaign(store: Store) -> int:
    sandbox = next(a for a in store.accounts.all() if a.provider == "sandbox")
    sandbox = sandbox._replace(price_per_segment=0.05, settings={**sandbox.settings, "delay_seconds": "0.01"})
    store.accounts.update(sandbox)
    assert sandbox.id is not None
    phones = _deliverable(6)
    cid = store.journal.create_campaign(
        name="Spring", account_id=sandbox.id, body="hi",
        messages=[NewMessage(p, f"N{i}", f"N{i} hello", {}, 2 if i == 0 else 1) for i, p in enumerate(phones)],
    )
    batch = store.journal.claim_batch(cid, 100)
    store.journal.record_outcomes([
        *(SendOutcome(m.message_id, provider_id=f"S{m.message_id}") for m in batch[:4]),
        SendOutcome(batch[4].message_id, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL")),
    ])
    store.journal.mark_in_doubt([batch[5].message_id], "No answer")
    at = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    store.journal.apply_reports(sandbox.id, [
        DeliveryReport(f"S{batch[0].message_id}", ReportState.DELIVERED, "DELIVRD", at=at),
        DeliveryReport(f"S{batch[1].message_id}", ReportState.FAILED, "MK:0001", "Not in service", at=at),
        DeliveryReport(f"S{batch[2].message_id}", ReportState.FAILED, "MK:0001", "Not in service", at=at),
    ])
    return cid


def test_totals_cost_and_reasons_are_shown(window: Any, qtbot: Any) -> None:
    cid = _campaign(window.store)
    pane: SendLogPane = window.send_log
    pane.refresh_now()
    pane.table.selectRow(0)
    qtbot.mouseClick(pane.campaign_button, Qt.MouseButton.LeftButton)  # the selected row's campaign
    view = pane.campaign_views.get(cid)
    assert view is not None and view.isVisible()
    qtbot.addWidget(view)
    values = {key: label.text() for key, label in view.values.items()}
    assert values == {
        "total": "6", "sent": "4", "delivered": "1", "failed": "3", "pending": "1", "in_doubt": "1",
        "skipped": "0", "segments": "5", "cost": "¥0.25",
    }
    assert not view.doubt_note.isHidden()
    assert view.reasons.reasons == [("Not delivered (MK:0001)", 2), ("Invalid number (isv.MOBILE_NUMBER_ILLEGAL)", 1)]
    assert sum(b.delivered for b in view.outcomes.bars) == 1
    assert view.retry_button.text() == "Retry 2 failed"  # the invalid number is not worth retrying
    image = view.grab()
    assert not image.isNull() and image.width() > 400
    assert pane.open_campaign_view(cid) is view  # one view per campaign


def test_retry_failed_only_sends_a_new_campaign_of_them(
    window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = _campaign(window.store)
    pane: SendLogPane = window.send_log
    view = pane.open_campaign_view(cid)
    assert view is not None
    questions: list[str] = []
    monkeypatch.setattr(CampaignView, "ask", classmethod(lambda cls, parent, title, text: questions.append(text) or True))
    qtbot.mouseClick(view.retry_button, Qt.MouseButton.LeftButton)
    assert questions and "2 failed messages" in questions[0]
    qtbot.waitUntil(lambda: pane.sending.worker is not None, timeout=5000)
    qtbot.waitUntil(lambda: pane.sending.worker is None, timeout=30000)
    retry = max(c.id for c in CampaignStats(window.store.conn).campaigns())
    assert retry != cid and pane.filters.campaign.findData(retry) > 0
    rows = window.store.log.rows(LogFilter(campaign_id=retry))
    assert sorted(r.name for r in rows) == ["N1", "N2"]
    assert {r.state for r in rows} <= {"sent", "delivered"}


def test_export_failures_from_the_view(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cid = _campaign(window.store)
    pane: SendLogPane = window.send_log
    view = pane.open_campaign_view(cid)
    assert view is not None
    target = tmp_path / "failures.csv"
    names: list[str] = []

    def choose(cls: type, parent: Any, suggested: str) -> Path:
        names.append(suggested)
        return target

    monkeypatch.setattr(SendLogPane, "choose_export_file", classmethod(choose))
    qtbot.mouseClick(view.export_failures_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.export_task is None, timeout=10000)
    with open(target, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    assert sorted(r[4] for r in rows[1:]) == ["N1", "N2", "N4"]
    assert names == ["Spring failures"]
    qtbot.mouseClick(view.log_button, Qt.MouseButton.LeftButton)
    assert pane.filters.campaign.currentData() == cid


def test_nothing_to_retry_is_said_plainly(window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = _campaign(window.store)
    said: list[str] = []
    monkeypatch.setattr(campaign_view, "show_error", lambda _parent, message: said.append(message))
    monkeypatch.setattr(CampaignView, "ask", classmethod(lambda cls, parent, title, text: True))
    view = window.send_log.open_campaign_view(cid)
    window.store.conn.execute("UPDATE messages SET error_kind = 'invalid_number' WHERE state = 'failed'")
    view.retry_failed()
    assert said == [] and window.send_log.sending.worker is None  # nothing retryable: not even asked
    view.refresh()
    assert not view.retry_button.isEnabled()


def test_outcomes_are_bucketed_into_a_few_even_intervals() -> None:
    minutes = [OutcomeMinute("2026-03-01T10:00", 3, 0), OutcomeMinute("2026-03-01T10:01", 1, 1),
               OutcomeMinute("2026-03-01T12:59", 0, 2)]
    bars, width = bucket(minutes)
    assert width == 5 and len(bars) <= 48
    assert sum(b.delivered for b in bars) == 4 and sum(b.failed for b in bars) == 3
    assert bars[0].delivered == 4
    assert all((b.start - a.start).total_seconds() == width * 60 for a, b in itertools.pairwise(bars))
    assert bucket([]) == ([], 1)
