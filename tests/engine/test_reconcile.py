"""Messages in doubt reconciled with the providers' records, end to end against the emulator."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.engine.campaign_control import decide_in_doubt, send_campaign
from smsdesk.engine.campaigns import create_campaign, plan_for_numbers
from smsdesk.engine.providers import open_provider
from smsdesk.engine.reconcile import (
    evidence,
    not_found_in_doubt,
    reconcile_campaign_at,
    reconcile_in_doubt,
    supports_reconcile,
)
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.log import LogFilter
from smsdesk.storage.secrets import SecretStore

NUMBERS = ["+8613900000001", "+8613900000002"]


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


def _account(store: Store, kind: str, emu: Emulator, demo: DemoAccounts) -> Account:
    settings: dict[str, str]
    if kind == "tencent":
        settings = {"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id,
                    "endpoint": emu.url + "/", "signature": demo.tencent_signature,
                    "template_id": demo.tencent_template, "template_params": "1=_text"}
        secrets = {"secret_key": demo.tencent_secret_key}
    elif kind == "aliyun":
        settings = {"access_key_id": demo.aliyun_key_id, "endpoint": emu.url + "/",
                    "signature": demo.aliyun_signature, "template_id": demo.aliyun_template,
                    "template_params": "content=_text"}
        secrets = {"access_key_secret": demo.aliyun_secret}
    else:
        settings = {"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url}
        secrets = {"auth_token": demo.twilio_auth_token}
    account = store.accounts.add(Account(name=kind, provider=kind, settings=settings, rate_per_second=100))
    SecretStore().save(account.secret_ref, secrets)
    return account


def _send(store: Store, account: Account, numbers: list[str], text: str) -> int:
    cid = create_campaign(store, plan_for_numbers(store, account, text, numbers), "in doubt")
    provider = open_provider(account)
    try:
        send_campaign(store, provider, account, cid)
    finally:
        provider.close()
    return cid


def _rows(store: Store, cid: int) -> dict[str, tuple[str, str | None]]:
    return {r.phone: (r.state, r.provider_id) for r in store.log.rows(LogFilter(campaign_id=cid), limit=100)}


def test_accepted_but_unanswered_requests_are_found_and_become_sent(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account = _account(store, "tencent", emu, demo)
    emu.inject(Fault(FaultKind.DROP, api="tencent", action="SendSms", after_processing=True))
    cid = _send(store, account, NUMBERS, "您的包裹已到，取件码 1234")
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2}
    accepted = {m.e164: m.provider_id for m in emu.accepted}
    assert len(accepted) == 2  # the provider did send them: a resend would text them twice

    result = reconcile_in_doubt(store, campaign_id=cid)

    assert (result.found, result.not_found, result.unanswered, result.problems) == (2, 0, 0, [])
    assert _rows(store, cid) == {phone: ("delivered", serial) for phone, serial in accepted.items()}
    assert len(emu.accepted) == 2
    assert "2 had been sent" in result.describe()
    assert reconcile_in_doubt(store, campaign_id=cid).found == 0


def test_a_request_that_never_arrived_is_not_found_and_left_to_the_owner(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account = _account(store, "twilio", emu, demo)
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage"))
    cid = _send(store, account, ["+14155550100", "+14155550101"], "Your table is ready")
    counts = store.journal.campaign_counts(cid)
    assert counts.get("in_doubt") == 1 and len(emu.accepted) == 1

    result = reconcile_in_doubt(store, campaign_id=cid)

    assert (result.found, result.not_found) == (0, 1)
    missing = not_found_in_doubt(store, cid)
    assert [m.id for m in store.journal.in_doubt_messages(cid)] == missing
    check = evidence(store, missing)[missing[0]]
    assert check.outcome == "not_found" and check.detail == "twilio"
    assert abs((check.checked_at - datetime.now(UTC)).total_seconds()) < 60
    assert len(emu.accepted) == 1  # nothing was resent without the owner

    decide_in_doubt(store, cid, missing, send_again=True)
    provider = open_provider(account)
    send_campaign(store, provider, account, cid)
    provider.close()
    assert len(emu.accepted) == 2
    assert {m.e164 for m in emu.accepted} == {"+14155550100", "+14155550101"}


def test_aliyun_messages_found_without_a_bizid_still_get_their_report(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account = _account(store, "aliyun", emu, demo)
    emu.report_delay = 30.0
    emu.inject(Fault(FaultKind.DROP, api="aliyun", action="SendSms", after_processing=True))
    cid = _send(store, account, NUMBERS, "会员日全场八折")
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2}
    result = reconcile_in_doubt(store, campaign_id=cid)
    assert result.found == 2
    rows = _rows(store, cid)
    assert {state for state, _ in rows.values()} == {"sent"}
    assert all(pid and pid.startswith("@") for _, pid in rows.values())
    emu.state.monotonic = lambda: time.monotonic() + 60  # the carrier's reports are in now
    refs = store.journal.sent_refs(account.id or 0)
    provider = open_provider(account)
    try:
        reports = provider.fetch_reports(refs)
    finally:
        provider.close()
    assert sorted(r.message_id or 0 for r in reports) == sorted(r.message_id for r in refs) == [1, 2]
    assert {r.provider_id for r in reports} == {pid for _, pid in rows.values()}


def test_unreachable_and_unsupported_providers_change_nothing(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account = _account(store, "tencent", emu, demo)
    emu.inject(Fault(FaultKind.DROP, api="tencent", action="SendSms", after_processing=True))
    cid = _send(store, account, NUMBERS, "hello")
    emu.inject(Fault(FaultKind.RATE_LIMIT, api="tencent", action="PullSmsSendStatusByPhoneNumber"))
    result = reconcile_in_doubt(store, campaign_id=cid)
    assert (result.found, result.not_found, result.unanswered) == (0, 0, 2)
    assert result.problems and "tencent" in result.problems[0]
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2}
    assert evidence(store, [m.id for m in store.journal.in_doubt_messages(cid)]) == {}

    box = store.accounts.add(Account(name="Box", provider="sandbox", settings={"delay_seconds": "0"}))
    assert not supports_reconcile(box) and supports_reconcile(account)
    other = create_campaign(store, plan_for_numbers(store, box, "hi", NUMBERS), "box")
    batch = store.journal.claim_batch(other, 5)
    store.journal.mark_in_doubt([m.message_id for m in batch], "no answer")
    assert reconcile_in_doubt(store, campaign_id=other).unsupported == 2

    # On a connection of its own, as the window's worker thread runs it.
    assert reconcile_campaign_at(store.journal.database_path(), cid).found == 2


def test_periodic_runs_do_not_ask_again_too_soon(store: Store, emu: Emulator, demo: DemoAccounts) -> None:
    account = _account(store, "twilio", emu, demo)
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage"))
    cid = _send(store, account, ["+14155550100"], "hi")
    assert reconcile_in_doubt(store).not_found == 1
    asked = len(emu.requests)
    again = reconcile_in_doubt(store, recheck_after=timedelta(minutes=30))
    assert (again.not_found, len(emu.requests)) == (0, asked)
    later = reconcile_in_doubt(
        store, recheck_after=timedelta(minutes=30), clock=lambda: datetime.now(UTC) + timedelta(hours=1)
    )
    assert later.not_found == 1
    assert store.journal.campaign_counts(cid) == {"in_doubt": 1}


def test_the_report_poller_reconciles_now_and_then(store: Store, emu: Emulator, demo: DemoAccounts) -> None:
    from smsdesk.engine.reports import RECONCILE_EVERY, ReportPoller

    account = _account(store, "twilio", emu, demo)
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage", after_processing=True))
    cid = _send(store, account, ["+14155550100"], "hi")
    assert store.journal.campaign_counts(cid) == {"in_doubt": 1}
    moments = [datetime.now(UTC)]
    with ReportPoller(store, clock=lambda: moments[0], wait=lambda _s: False) as poller:
        first = poller.run_round()
        assert first.changed >= 1 and first.problems == []
        assert store.journal.campaign_counts(cid) == {"delivered": 1}
        lookups = [r for r in emu.requests if r.action == "ListMessages"]
        poller.run_round()
        assert [r for r in emu.requests if r.action == "ListMessages"] == lookups
        moments[0] += RECONCILE_EVERY
        poller.run_round()  # due again, but nothing is in doubt any more: nothing asked
        assert [r for r in emu.requests if r.action == "ListMessages"] == lookups
