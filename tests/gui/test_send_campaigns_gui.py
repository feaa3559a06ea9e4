"""Sending from the window: confirmation with the plan, test send, pause, resume, cancel,
messages in doubt, the resume offer at start-up, schedules and closing while sending.

Campaigns go out from the real sending process, to the Sandbox or to the loopback emulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtCore import Qt

from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.engine.campaign_control import ResumeOffer
from smsdesk.engine.campaigns import create_campaign, plan_for_numbers, plan_for_recipients
from smsdesk.engine.first_run import ensure_first_run
from smsdesk.gui.campaign_in_doubt import InDoubtDialog
from smsdesk.gui.campaign_resume import ResumeChoice, ResumeDialog
from smsdesk.gui.confirm_send import ConfirmSendDialog
from smsdesk.gui.send_progress import SendProgressPanel
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient
from smsdesk.storage.secrets import SecretStore

WAIT_MS = 30_000


@pytest.fixture
def said(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import smsdesk.gui.send_progress as send_progress

    messages: list[str] = []
    monkeypatch.setattr(send_progress, "show_error", lambda _parent, message: messages.append(message))
    monkeypatch.setattr(send_progress, "show_crash", lambda _parent, details: messages.append("CRASH " + details))
    return messages


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        emulator.latency = 0.05
        yield emulator


def _twilio(store: Store, emu: Emulator, rate: float = 20.0) -> Account:
    demo = DemoAccounts()
    emu.load_demo()
    account = store.accounts.add(Account(
        name="Twilio", provider="twilio", rate_per_second=rate,
        settings={"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url,
                  "concurrency": "2"},
    ))
    SecretStore().save(account.secret_ref, {"auth_token": demo.twilio_auth_token})
    return account


def _numbers(n: int) -> list[str]:
    return [f"+86139{i:08d}" for i in range(n)]


def _sandbox(store: Store) -> Account:
    account = next(a for a in store.accounts.all() if a.provider == "sandbox")
    account = account._replace(settings={**account.settings, "delay_seconds": "0"})
    store.accounts.update(account)
    return account


def test_the_confirmation_shows_the_plan_the_skipped_and_quiet_hours(window: Any) -> None:
    store: Store = window.store
    account = _sandbox(store)
    store.optouts.add("+8613900000001", "TD")
    people = [Recipient(i, i, p, f"N{i}", {}) for i, p in enumerate(_numbers(150))]
    plan = plan_for_recipients(store, account, "{name}, 周末八折", people, kind="marketing")
    dialog = ConfirmSendDialog(window, plan)
    text = dialog.summary.text()
    assert "<b>149</b> messages" in text
    assert "1 will be skipped" in text and "On the opt-out list: 1" in text
    assert "2 × Sandbox (personalised, up to 100 numbers each)" in text
    assert "between 21:00 and 08:00 (quiet hours)" in text
    dialog.later.setChecked(True)
    assert dialog.send_button.text() == "Schedule"
    send_at, expires_at = dialog.chosen_times()
    assert send_at is not None and send_at > datetime.now(UTC) and expires_at is None
    dialog.close()


def test_a_test_send_reaches_the_owners_number_first(window: Any, qtbot: Any) -> None:
    store: Store = window.store
    account = _sandbox(store)
    plan = plan_for_numbers(store, account, "取件码 1234", _numbers(3))
    dialog = ConfirmSendDialog(window, plan)
    qtbot.addWidget(dialog)
    dialog.test_number.setText("13800138000")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.test_task is None, timeout=WAIT_MS)
    assert dialog.test_result.text().startswith("Test to +8613800138000: ")
    assert [r.phone for r in store.log.rows()] == ["+8613800138000"]


def test_pause_resume_and_cancel_from_the_panel(window: Any, qtbot: Any, emu: Emulator, said: list[str]) -> None:
    store: Store = window.store
    account = _twilio(store, emu)
    cid = create_campaign(store, plan_for_numbers(store, account, "周末八折", _numbers(40)), "weekend")
    window._campaign_started(cid, account.name)
    panel: SendProgressPanel = window.send_log.sending
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=WAIT_MS)
    assert "Sending:" in panel.status.text() and "/s" in panel.status.text()
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.worker is None, timeout=WAIT_MS)
    counts = store.journal.campaign_counts(cid)
    assert counts.get("queued", 0) > 0 and counts.get("sent", 0) > 0
    assert store.journal.campaign(cid).state == "paused"
    assert panel.resume_button.isVisible() and panel.cancel_button.isVisible()

    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.journal.campaign_counts(cid).get("queued", 40) < counts["queued"], timeout=WAIT_MS)
    asked: list[str] = []
    panel.ask = lambda _parent, title, question: asked.append(title) or True  # type: ignore[method-assign]
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.worker is None, timeout=WAIT_MS)
    final = store.journal.campaign_counts(cid)
    assert asked == ["Cancel the campaign?"]
    assert set(final) <= {"sent", "delivered", "skipped"} and final.get("skipped", 0) > 0
    assert store.journal.campaign(cid).state == "cancelled"
    assert Counter_of(emu) == final.get("sent", 0) + final.get("delivered", 0)
    assert said == []


def Counter_of(emu: Emulator) -> int:
    """Messages the provider accepted, each counted once (it must never have two)."""
    numbers = [m.e164 for m in emu.accepted]
    assert len(numbers) == len(set(numbers))
    return len(numbers)


def test_messages_in_doubt_are_for_the_owner_to_decide(
    window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, said: list[str]
) -> None:
    store: Store = window.store
    account = _sandbox(store)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", _numbers(3)), "c")
    batch = store.journal.claim_batch(cid, 2)
    store.journal.mark_in_doubt([m.message_id for m in batch], "No answer from the provider")
    shown: list[int] = []
    monkeypatch.setattr(InDoubtDialog, "ask", classmethod(lambda cls, parent, messages: shown.append(len(messages)) or True))
    panel: SendProgressPanel = window.send_log.sending
    panel.campaign_id, panel.account = cid, account.name
    panel.doubt_clicked()
    assert shown == [2]
    qtbot.waitUntil(lambda: panel.worker is None and store.journal.campaign_counts(cid).get("queued", 0) == 0,
                    timeout=WAIT_MS)
    assert set(store.journal.campaign_counts(cid)) <= {"sent", "delivered", "failed"}
    dialog = InDoubtDialog(window, store.journal.in_doubt_messages())
    dialog.close()
    assert said == []


def test_unfinished_campaigns_are_offered_when_the_window_opens(
    qtbot: Any, smsdesk_home: Path, monkeypatch: pytest.MonkeyPatch, said: list[str]
) -> None:
    from smsdesk.gui.app import create_application
    from smsdesk.gui.main_window import MainWindow

    create_application()
    store = Store.open()
    ensure_first_run(store)
    account = _sandbox(store)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", _numbers(4)), "left over")
    store.journal.claim_batch(cid, 1)  # a crash with one request in flight
    store.journal.set_campaign_state(cid, "sending")
    offered: list[ResumeOffer] = []

    def answer(cls: type, parent: Any, offers: list[ResumeOffer]) -> ResumeChoice:
        offered.extend(offers)
        return ResumeChoice(True, tuple(o.campaign.id for o in offers))

    monkeypatch.setattr(ResumeDialog, "ask", classmethod(answer))
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(offered), timeout=WAIT_MS)
    assert [o.campaign.id for o in offered] == [cid]
    assert ResumeDialog(window, offered).describe(offered[0]).startswith("left over: 3 messages not yet sent · 1 in doubt")
    panel = window.send_log.sending
    qtbot.waitUntil(lambda: panel.worker is None and store.journal.campaign_counts(cid).get("queued", 0) == 0,
                    timeout=WAIT_MS)
    assert store.journal.campaign_counts(cid).get("in_doubt") == 1  # never resent on its own
    window.send_log.stop()
    window.close()  # before the database: a last paint would read it
    store.close()
    assert said == []


def test_a_scheduled_campaign_waits_for_its_time(window: Any, qtbot: Any, said: list[str]) -> None:
    store: Store = window.store
    account = _sandbox(store)
    plan = plan_for_numbers(store, account, "明早十点开门", _numbers(2))
    plan.send_at = datetime.now(UTC) + timedelta(hours=1)
    cid = create_campaign(store, plan, "tomorrow")
    window.templates.campaign_started.emit(cid, account.name)
    panel: SendProgressPanel = window.send_log.sending
    assert panel.worker is None and panel.status.text().startswith("Scheduled for ")
    assert window.scheduler.timer.isActive()
    assert window.scheduler.check(datetime.now(UTC)) == []
    assert window.scheduler.check(plan.send_at + timedelta(seconds=1)) == [cid]
    qtbot.waitUntil(lambda: panel.worker is None and store.journal.campaign_counts(cid).get("queued", 0) == 0,
                    timeout=WAIT_MS)
    assert store.journal.campaign(cid).state == "sent"
    assert not window.scheduler.timer.isActive()
    assert said == []


def test_closing_while_sending_asks_then_stops_cleanly(
    window: Any, qtbot: Any, emu: Emulator, said: list[str]
) -> None:
    store: Store = window.store
    account = _twilio(store, emu, rate=10.0)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", _numbers(30)), "slow")
    window._campaign_started(cid, account.name)
    panel: SendProgressPanel = window.send_log.sending
    qtbot.waitUntil(lambda: panel.progress.value() > 0, timeout=WAIT_MS)
    answers = [False, True]
    panel.ask = lambda _parent, title, question: answers.pop(0)  # type: ignore[method-assign]
    window.close()
    assert window.isVisible() and panel.worker is not None  # the owner said no
    window.close()
    assert not window.isVisible() and panel.worker is None
    counts = store.journal.campaign_counts(cid)
    assert "inflight" not in counts and counts.get("queued", 0) > 0
    assert store.journal.campaign(cid).state == "paused"
    assert said == []
