"""Messages in doubt in the window: looked up at the provider off the GUI thread, then the
owner decides with that evidence in front of them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from PySide6.QtWidgets import QWidget

from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.engine.campaign_control import send_campaign
from smsdesk.engine.campaigns import create_campaign, plan_for_numbers
from smsdesk.engine.providers import open_provider
from smsdesk.gui.campaign_in_doubt import RESEND_NOT_FOUND, InDoubtDialog, InDoubtReview
from smsdesk.gui.send_progress import SendProgressPanel
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import DoubtfulMessage
from smsdesk.storage.reconcile import ReconcileCheck
from smsdesk.storage.secrets import SecretStore

WAIT_MS = 20_000


@pytest.fixture(autouse=True)
def crashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A crash report is recorded instead of shown, and fails the test."""
    import smsdesk.gui.campaign_in_doubt as campaign_in_doubt

    found: list[str] = []
    monkeypatch.setattr(campaign_in_doubt, "show_crash", lambda _parent, details: found.append(details))
    yield found
    assert found == []


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


def _account(store: Store, emu: Emulator, kind: str) -> Account:
    demo: DemoAccounts = emu.load_demo()
    if kind == "tencent":
        settings = {"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id, "endpoint": emu.url + "/",
                    "signature": demo.tencent_signature, "template_id": demo.tencent_template,
                    "template_params": "1=_text"}
        secrets = {"secret_key": demo.tencent_secret_key}
    else:
        settings = {"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url}
        secrets = {"auth_token": demo.twilio_auth_token}
    account = store.accounts.add(Account(name=kind, provider=kind, settings=settings, rate_per_second=100))
    SecretStore().save(account.secret_ref, secrets)
    return account


def _in_doubt(store: Store, account: Account, numbers: list[str]) -> int:
    cid = create_campaign(store, plan_for_numbers(store, account, "Your order is ready", numbers), "doubt")
    provider = open_provider(account)
    try:
        send_campaign(store, provider, account, cid)
    finally:
        provider.close()
    return cid


def test_found_messages_leave_doubt_without_asking_the_owner(
    qtbot: Any, store: Store, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = _account(store, emu, "tencent")
    emu.inject(Fault(FaultKind.DROP, api="tencent", action="SendSms", after_processing=True))
    cid = _in_doubt(store, account, ["+8613900000001", "+8613900000002"])
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2}
    asked: list[int] = []
    monkeypatch.setattr(InDoubtDialog, "ask", classmethod(lambda cls, parent, messages, checks=None: asked.append(1)))
    panel = SendProgressPanel(store)
    qtbot.addWidget(panel)
    panel.campaign_id, panel.account = cid, account.name
    panel.doubt_clicked()
    assert "Looking for the messages in doubt" in panel.status.text()  # the lookup runs off this thread
    qtbot.waitUntil(lambda: "had been sent" in panel.status.text(), timeout=WAIT_MS)
    assert store.journal.campaign_counts(cid) == {"delivered": 2}
    assert asked == []
    assert panel.worker is None


def test_the_owner_sees_which_messages_the_provider_does_not_have(
    qtbot: Any, store: Store, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = _account(store, emu, "twilio")
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage"))  # the first request never arrives
    cid = _in_doubt(store, account, ["+14155550100", "+14155550101"])
    doubtful = store.journal.in_doubt_messages(cid)
    assert len(doubtful) == 1
    shown: list[tuple[int, dict[int, ReconcileCheck]]] = []

    def answer(cls: type, parent: Any, messages: list[DoubtfulMessage], checks: Any = None) -> Any:
        shown.append((len(messages), dict(checks or {})))
        return RESEND_NOT_FOUND

    monkeypatch.setattr(InDoubtDialog, "ask", classmethod(answer))
    host = QWidget()
    qtbot.addWidget(host)
    review = InDoubtReview(host, store, cid)
    decisions: list[tuple[bool, int]] = []
    review.decided.connect(lambda again, changed: decisions.append((again, changed)))
    review.start()
    qtbot.waitUntil(lambda: bool(decisions), timeout=WAIT_MS)
    assert decisions == [(True, 1)]
    assert shown[0][0] == 1 and set(shown[0][1]) == {doubtful[0].id}
    assert store.journal.campaign_counts(cid) == {"queued": 1, "sent": 1}
    assert len(emu.accepted) == 1  # queued for the owner's resume, not sent behind their back


def test_the_dialog_names_the_evidence_and_offers_to_resend_only_the_missing(qtbot: Any) -> None:
    now = datetime.now(UTC)
    messages = [
        DoubtfulMessage(1, "+8613900000001", "张三", "hi", "No answer from the provider", now),
        DoubtfulMessage(2, "+8613900000002", "李四", "hi", "No answer from the provider", now),
    ]
    checks = {2: ReconcileCheck(2, now, "not_found", "aliyun")}
    dialog = InDoubtDialog(None, messages, checks)
    qtbot.addWidget(dialog)
    lines = [dialog.listing.item(i).text() for i in range(dialog.listing.count())]
    assert "not at the provider" not in lines[0]
    assert "not at the provider" in lines[1]
    assert dialog.only_not_found.text() == "Send again the 1 not at the provider"
    dialog.only_not_found.click()
    assert dialog.choice == RESEND_NOT_FOUND
    plain = InDoubtDialog(None, messages)
    qtbot.addWidget(plain)
    assert not hasattr(plain, "only_not_found")
