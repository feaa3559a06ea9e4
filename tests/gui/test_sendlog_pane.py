"""The send log pane through the window: its model, filters, search, export and live reports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt

from smsdesk.core.provider_api import DeliveryReport, ReportState, SendOutcome
from smsdesk.gui.models import LogModel
from smsdesk.gui.sendlog_pane import SendLogPane
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter

PEOPLE = [
    ("+8613800138000", "张伟", "张伟您好，会员日八折"),
    ("+8613912345678", "王芳", "王芳您好，会员日八折"),
    ("+8613700001234", "李娜", "李娜您好，新品到店"),
    ("+8613600005555", "刘强", "刘强您好，新品到店"),
]


def fill(store: Store, name: str = "Spring", people: list[tuple[str, str, str]] = PEOPLE) -> int:
    """A Sandbox campaign: the first message delivered, the second failed, the rest waiting for a report."""
    sandbox = next(a for a in store.accounts.all() if a.provider == "sandbox")
    assert sandbox.id is not None
    cid = store.journal.create_campaign(
        name=name, account_id=sandbox.id, body="hi",
        messages=[NewMessage(p, n, t, {}, 1) for p, n, t in people],
    )
    batch = store.journal.claim_batch(cid, 100)
    store.journal.record_outcomes([SendOutcome(m.message_id, provider_id=f"{name}-{m.message_id}") for m in batch])
    reports = [DeliveryReport(f"{name}-{batch[0].message_id}", ReportState.DELIVERED, "DELIVRD")]
    if len(batch) > 1:
        reports.append(DeliveryReport(f"{name}-{batch[1].message_id}", ReportState.FAILED, "MK:0001", "Number not in service"))
    store.journal.apply_reports(sandbox.id, reports)
    return cid


def shown(pane: SendLogPane, column: str = "phone") -> list[str]:
    model = pane.model
    col = model.COLUMNS.index(column)
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_the_log_model_passes_qt_model_tests(window: Any, qtmodeltester: Any, qtbot: Any) -> None:
    fill(window.store)
    model = LogModel(window.store)
    model.set_filter(LogFilter())
    assert model.rowCount() == 4 and model.total == 4
    qtmodeltester.check(model)
    model.set_filter(LogFilter(search="新品"))  # read off the GUI thread
    assert model.loading and model.total is None
    qtbot.waitUntil(lambda: not model.loading and model.total is not None, timeout=10000)
    assert model.rowCount() == 2 and model.total == 2
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0), Qt.ItemDataRole.UserRole) == model.message_id(0)
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_filter_and_search_through_the_window(window: Any, qtbot: Any) -> None:
    fill(window.store)
    window.show_pane(window.send_log)
    pane: SendLogPane = window.send_log
    pane.refresh_now()
    bar = pane.filters
    assert pane.count.text() == "4 messages"

    bar.state.setCurrentIndex(bar.state.findData("failed"))
    assert shown(pane) == ["+8613912345678"]
    assert shown(pane, "error") == ["Not delivered"] and shown(pane, "error_code") == ["MK:0001"]
    assert pane.count.text() == "1 messages"
    bar.state.setCurrentIndex(0)

    qtbot.keyClicks(bar.search, "13800138000")  # a whole number, as people type it
    qtbot.waitUntil(lambda: shown(pane) == ["+8613800138000"], timeout=5000)
    bar.search.clear()
    qtbot.keyClicks(bar.search, "1234")  # the last four digits
    qtbot.waitUntil(lambda: shown(pane) == ["+8613700001234"], timeout=5000)
    bar.search.clear()
    bar.search.setText("会员日")  # typed through an input method: QTest only types ASCII
    qtbot.waitUntil(lambda: sorted(shown(pane, "name")) == ["张伟", "王芳"] and not pane.model.loading, timeout=5000)
    qtbot.waitUntil(lambda: pane.count.text() == "2 messages", timeout=5000)

    bar.search.clear()
    other = fill(window.store, "Summer", [("+8613500000001", "赵磊", "夏季")])
    pane.refresh_now()
    bar.campaign.setCurrentIndex(bar.campaign.findData(other))
    qtbot.waitUntil(lambda: shown(pane, "name") == ["赵磊"], timeout=5000)
    bar.campaign.setCurrentIndex(0)
    bar.period.setCurrentIndex(bar.period.findData("today"))
    qtbot.waitUntil(lambda: len(shown(pane)) == 5, timeout=5000)
    bar.period.setCurrentIndex(bar.period.findData("custom"))
    assert bar.start.isVisible() and bar.end.isVisible()
    bar.end.setDate(bar.end.date().addDays(-10))
    bar.start.setDate(bar.end.date().addDays(-5))
    qtbot.waitUntil(lambda: shown(pane) == [], timeout=5000)


def test_new_messages_appear_on_top_while_the_log_is_open(window: Any, qtbot: Any) -> None:
    fill(window.store)
    pane: SendLogPane = window.send_log
    pane.apply_filter()
    assert len(shown(pane)) == 4
    fill(window.store, "Later", [("+8613500000002", "钱七", "后来的")])
    pane.refresh()
    assert shown(pane, "name")[0] == "钱七" and pane.count.text() == "5 messages"


def test_export_what_the_filter_shows_through_the_window(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(window.store)
    pane: SendLogPane = window.send_log
    pane.filters.state.setCurrentIndex(pane.filters.state.findData("sent"))
    target = tmp_path / "waiting.csv"
    asked: list[str] = []

    def choose(cls: type, parent: Any, suggested: str) -> Path:
        asked.append(suggested)
        return target

    monkeypatch.setattr(SendLogPane, "choose_export_file", classmethod(choose))
    messages: list[str] = []
    pane.status_message.connect(messages.append)
    qtbot.mouseClick(pane.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.export_task is None, timeout=10000)
    with open(target, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    assert [r[3] for r in rows[1:]] == ["'+8613600005555", "'+8613700001234"]
    assert {r[7] for r in rows[1:]} == {"Sent"}
    assert asked == ["send log"]
    assert any("Exported 2 messages" in m for m in messages)
    assert pane.export_button.isEnabled()


def test_reports_are_polled_in_the_background_and_shown(window: Any, qtbot: Any) -> None:
    store: Store = window.store
    sandbox = next(a for a in store.accounts.all() if a.provider == "sandbox")
    sandbox = sandbox._replace(settings={**sandbox.settings, "delay_seconds": "0.01"})
    store.accounts.update(sandbox)
    assert sandbox.id is not None
    cid = store.journal.create_campaign(name="Now", account_id=sandbox.id, body="hi",
                                        messages=[NewMessage("+8613800138000", "张伟", "hi", {}, 1)])
    batch = store.journal.claim_batch(cid, 1)
    provider = SandboxProvider(sandbox.settings)
    try:
        store.journal.record_outcomes(provider.send(batch, store.journal.campaign_spec(cid)))
    finally:
        provider.close()
    pane: SendLogPane = window.send_log
    assert pane.poller is not None  # started because a message waits for its report
    qtbot.mouseClick(pane.refresh_button, Qt.MouseButton.LeftButton)  # ask now, not in ten seconds
    qtbot.waitUntil(lambda: pane.poller is None, timeout=15000)
    qtbot.waitUntil(lambda: shown(pane, "state") == ["Delivered"], timeout=5000)
    assert pane.reports_status.text() == "Every delivery report is in."


def test_a_history_in_a_sync_folder_is_warned_about(qtbot: Any, tmp_path: Path) -> None:
    from smsdesk.engine.first_run import ensure_first_run

    store = Store.open(tmp_path / "OneDrive - Shop" / "smsdesk" / "smsdesk.sqlite3")
    ensure_first_run(store)
    pane = SendLogPane(store)
    qtbot.addWidget(pane)
    try:
        assert not pane.warning.isHidden()
        assert "OneDrive" in pane.warning.text()
    finally:
        pane.stop()
        store.close()


def test_a_message_gone_since_its_id_was_read_shows_empty(window: Any) -> None:
    fill(window.store)
    model = LogModel(window.store)
    model.set_filter(LogFilter())
    gone = model.message_id(0)
    window.store.conn.execute("DELETE FROM messages WHERE id = ?", (gone,))
    model.refresh()  # forgets the rows read so far
    assert model.rowCount() == 4
    assert model.data(model.index(0, 0)) is None
    assert model.data(model.index(1, model.COLUMNS.index("state"))) is not None
    model.reload()
    assert model.rowCount() == 3
