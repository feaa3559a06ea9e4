"""Campaigns end to end: planning, sending to the emulator over loopback, waiting, resuming."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smsdesk.core.provider_api import ErrorKind, Provider, ProviderFault
from smsdesk.core.throttling import ThrottleScope
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.engine.campaign_control import (
    Clocks,
    cancel_campaign,
    decide_in_doubt,
    offers,
    recover_after_crash,
    retry_failed,
    send_campaign,
    send_test,
)
from smsdesk.engine.campaigns import create_campaign, plan_for_numbers, plan_for_recipients
from smsdesk.engine.send_lock import SendingElsewhere
from smsdesk.engine.send_process import drive
from smsdesk.engine.send_rules import classify_throttle, rules_for
from smsdesk.errors import UserFacingError
from smsdesk.providers.registry import create_provider
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient
from smsdesk.storage.secrets import SecretStore

BODY = "{name}您好，本周六会员日全场八折。"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


def _settings(kind: str, emu: Emulator, demo: DemoAccounts) -> tuple[dict[str, str], dict[str, str]]:
    if kind == "aliyun":
        return ({"access_key_id": demo.aliyun_key_id, "endpoint": emu.url + "/", "signature": demo.aliyun_signature,
                 "template_id": demo.aliyun_template, "template_params": "content=_text"},
                {"access_key_secret": demo.aliyun_secret})
    return ({"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id, "endpoint": emu.url + "/",
             "signature": demo.tencent_signature, "template_id": demo.tencent_template, "template_params": "1=_text"},
            {"secret_key": demo.tencent_secret_key})


def _account(store: Store, kind: str, emu: Emulator, demo: DemoAccounts, **settings: str) -> tuple[Account, Provider]:
    own, secrets = _settings(kind, emu, demo)
    account = store.accounts.add(Account(name=kind, provider=kind, settings={**own, **settings}, rate_per_second=500))
    SecretStore().save(account.secret_ref, secrets)
    return account, create_provider(kind, account.settings, secrets)


def _people(n: int, first: int = 0, same: bool = False) -> list[Recipient]:
    return [
        Recipient(id=i, row_no=i, phone=f"+86139{i:08d}", name="会员" if same else f"顾客{i}", fields={})
        for i in range(first, first + n)
    ]


def _sandbox(store: Store, **settings: str) -> Account:
    return store.accounts.add(Account(name="Box", provider="sandbox", settings={"delay_seconds": "0", **settings},
                                      rate_per_second=1000))


def test_an_aliyun_campaign_goes_out_in_as_few_requests_as_planned(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account, provider = _account(store, "aliyun", emu, demo)
    people = _people(250) + _people(300, first=1000, same=True)
    plan = plan_for_recipients(store, account, BODY, people)
    assert {(k.call, k.requests, k.messages) for k in plan.requests.kinds} == {
        ("SendBatchSms", 3, 250), ("SendSms", 1, 300)
    }
    assert plan.summary()["requests"]
    cid = create_campaign(store, plan, "spring")
    outcome = send_campaign(store, provider, account, cid)
    provider.close()
    assert outcome.state == "sent"
    assert store.journal.campaign_counts(cid) == {"sent": 550}
    actions = Counter(r.action for r in emu.requests)
    assert (actions["SendSms"], actions["SendBatchSms"]) == (1, 3)
    assert Counter(m.e164 for m in emu.accepted).most_common(1)[0][1] == 1  # each customer once
    texts = {m.e164: m.text for m in emu.accepted}
    assert texts["+8613900000007"] == "【smsdesk】顾客7您好，本周六会员日全场八折。"


def test_tencent_splits_regions_and_a_blacklisted_number_joins_the_opt_out_list(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    account, provider = _account(store, "tencent", emu, demo)
    emu.refuse_number("+8613900000002")
    plan = plan_for_numbers(store, account, "您的验证码是1234", ["+8613900000001", "+8613900000002", "+8613900000003"])
    cid = create_campaign(store, plan, "codes")
    outcome = send_campaign(store, provider, account, cid)
    provider.close()
    assert outcome.state == "sent"
    assert store.journal.campaign_counts(cid) == {"sent": 2, "failed": 1}
    assert store.optouts.contains("+8613900000002")
    assert [r.action for r in emu.requests].count("SendSms") == 1  # identical parameters: one request
    # The next campaign to that number skips it before any request.
    again = create_campaign(store, plan_for_numbers(store, account, "再次通知", ["+8613900000002"]), "again")
    assert plan_for_numbers(store, account, "x", ["+8613900000002"]).skipped == 1
    send_campaign(store, create_provider("tencent", account.settings, _settings("tencent", emu, demo)[1]), account, again)
    assert store.journal.campaign_counts(again) == {"skipped": 1}


class FakeTime:
    def __init__(self, wall: datetime) -> None:
        self.now = wall
        self.mono = 0.0
        self.slept: list[float] = []

    def clocks(self) -> Clocks:
        return Clocks(monotonic=lambda: self.mono, wall=lambda: self.now, sleep=self.sleep)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.mono += seconds
        self.now += timedelta(seconds=seconds)


def _local(hour: int) -> datetime:
    return datetime.now().astimezone().replace(hour=hour, minute=0, second=0, microsecond=0).astimezone(UTC)


def test_a_promotion_waits_through_quiet_hours_and_a_notification_does_not(store: Store) -> None:
    account = _sandbox(store)
    provider = SandboxProvider({"delay_seconds": "0"}, store_path=Path(store.journal.database_path()).with_name("box.db"))
    promo = create_campaign(store, plan_for_numbers(store, account, "周末八折", ["+8613900000001"], kind="marketing"), "promo")
    note = create_campaign(store, plan_for_numbers(store, account, "取件通知", ["+8613900000002"]), "pickup")
    time = FakeTime(_local(22))
    outcome = send_campaign(store, provider, account, promo, clocks=time.clocks())
    assert outcome.state == "waiting" and "Waiting until" in outcome.note
    assert store.journal.campaign_counts(promo) == {"queued": 1}
    assert send_campaign(store, provider, account, note, clocks=time.clocks()).state == "sent"
    # Allowed to wait: it sleeps until 08:00 and then sends.
    outcome = send_campaign(store, provider, account, promo, clocks=time.clocks(), max_wait=float("inf"))
    assert outcome.state == "sent" and store.journal.campaign_counts(promo) == {"sent": 1}
    assert time.now.astimezone().hour == 8
    assert outcome.waited and sum(time.slept) >= 9 * 3600
    provider.close()


def test_an_expired_campaign_skips_what_is_left_and_a_schedule_is_honoured(store: Store) -> None:
    account = _sandbox(store)
    provider = SandboxProvider({"delay_seconds": "0"}, store_path=Path(store.journal.database_path()).with_name("box.db"))
    plan = plan_for_numbers(store, account, "限时优惠", ["+8613900000001", "+8613900000002"])
    plan.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    cid = create_campaign(store, plan, "late")
    outcome = send_campaign(store, provider, account, cid)
    assert outcome.skipped_expired == 2 and store.journal.campaign_counts(cid) == {"skipped": 2}
    later = plan_for_numbers(store, account, "明天见", ["+8613900000003"])
    later.send_at = datetime.now(UTC) + timedelta(hours=1)
    scheduled = create_campaign(store, later, "tomorrow")
    assert store.journal.campaign(scheduled).state == "scheduled"
    assert send_campaign(store, provider, account, scheduled).state == "waiting"
    assert store.journal.campaign_counts(scheduled) == {"queued": 1}
    provider.close()


def test_a_crash_leaves_inflight_messages_in_doubt_never_resent(store: Store) -> None:
    account = _sandbox(store)
    provider = SandboxProvider({"delay_seconds": "0"}, store_path=Path(store.journal.database_path()).with_name("box.db"))
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", ["+8613900000001", "+8613900000002"]), "c")
    store.journal.claim_batch(cid, 1)  # the process died with this request in flight
    outcome = send_campaign(store, provider, account, cid)
    assert outcome.state == "sent"
    assert store.journal.campaign_counts(cid) == {"in_doubt": 1, "sent": 1}
    assert [m.phone for m in store.journal.in_doubt_messages(cid)] == ["+8613900000001"]
    assert len(provider.inbox()) == 0 or all(sms.phone != "+8613900000001" for sms in provider.inbox())
    # The owner decides to send it again; resuming sends it.
    assert decide_in_doubt(store, cid, [1], send_again=True) == 1
    assert send_campaign(store, provider, account, cid).state == "sent"
    assert store.journal.campaign_counts(cid) == {"sent": 2}
    provider.close()


LOCK_HOLDER = """
import sys, time
from pathlib import Path
from smsdesk.storage import Store
from smsdesk.engine.send_lock import sending_lock
with Store.open(Path(sys.argv[1])) as store, sending_lock(store.conn):
    print("locked", flush=True)
    sys.stdin.read()
"""


def test_only_one_process_sends_and_recovery_leaves_the_other_ones_requests_alone(store: Store) -> None:
    account = _sandbox(store)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", ["+8613900000001"]), "c")
    store.journal.claim_batch(cid, 1)
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(store.journal.database_path())],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert recover_after_crash(store) == 0
        assert store.journal.campaign_counts(cid) == {"inflight": 1}
        with pytest.raises(SendingElsewhere):
            send_campaign(store, SandboxProvider({"delay_seconds": "0"}), account, cid)
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(10)
        holder.stdout.close()
    assert recover_after_crash(store) == 1
    assert store.journal.campaign_counts(cid) == {"in_doubt": 1}


def test_offers_recheck_opt_outs_quiet_hours_and_expiry(store: Store) -> None:
    account = _sandbox(store)
    paused = create_campaign(store, plan_for_numbers(store, account, "x", ["+8613900000001", "+8613900000002"],
                                                     kind="marketing"), "promo")
    store.journal.set_campaign_state(paused, "paused", "Paused by you.")
    old = plan_for_numbers(store, account, "y", ["+8613900000003"])
    old.expires_at = datetime.now(UTC) - timedelta(hours=1)
    expired = create_campaign(store, old, "old")
    store.optouts.add("+8613900000002")
    found = {o.campaign.id: o for o in offers(store, now=_local(23))}
    assert set(found) == {paused, expired}
    assert found[paused].opted_out_now == 1
    assert found[paused].waits_until is not None and found[paused].waits_until.astimezone().hour == 8
    assert found[expired].expired and not found[paused].expired
    assert found[paused].campaign.note == "Paused by you."
    assert cancel_campaign(store, expired) == 1
    assert {o.campaign.id for o in offers(store)} == {paused}


def test_a_test_send_goes_to_the_owners_number_only(store: Store) -> None:
    account = _sandbox(store)
    plan = plan_for_recipients(store, account, BODY, _people(3))
    provider = SandboxProvider({"delay_seconds": "0"}, store_path=Path(store.journal.database_path()).with_name("box.db"))
    result = send_test(store, provider, account, plan, "13800138000", report_wait=5.0)
    assert result.phone == "+8613800138000"
    assert result.state in ("delivered", "failed")  # the Sandbox decides by number
    rows = store.log.rows()
    assert [r.phone for r in rows] == ["+8613800138000"]
    assert rows[0].text == "顾客0您好，本周六会员日全场八折。"
    with pytest.raises(UserFacingError):
        send_test(store, provider, account, plan, "12345")
    provider.close()


def test_retry_failed_only_sends_a_new_campaign(store: Store, emu: Emulator, demo: DemoAccounts) -> None:
    account, provider = _account(store, "tencent", emu, demo)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", ["+8613900000001", "+8613900000002"]), "c")
    store.journal.claim_batch(cid, 2)
    store.journal.mark_failed([1, 2], ProviderFault(ErrorKind.TRANSIENT, "InternalError", "busy"))
    retry = retry_failed(store, cid)
    assert retry is not None and store.journal.campaign(retry).name == "c (retry)"
    assert send_campaign(store, provider, account, retry).state == "sent"
    assert store.journal.campaign_counts(retry) == {"sent": 2}
    provider.close()


def test_the_sending_process_reports_in_lines_and_obeys_pause(store: Store) -> None:
    account = _sandbox(store)
    cid = create_campaign(store, plan_for_numbers(store, account, "hi", ["+8613900000001", "+8613900000002"]), "c")
    out = io.StringIO()
    read, write = os.pipe()
    with os.fdopen(read, encoding="utf-8") as commands, os.fdopen(write, "w", encoding="utf-8"):
        # The window keeps the pipe open while it waits; closing it means "pause".
        assert drive(cid, store.journal.database_path(), commands, out, report_wait=5.0) == 0
    events = [json.loads(line) for line in out.getvalue().splitlines()]
    assert events[-1] == {"event": "finished"}
    sent = next(e for e in events if e["event"] == "sent")
    assert sent["state"] == "sent"
    assert [e for e in events if e["event"] == "progress"][-1]["done"] == 2
    paused = create_campaign(store, plan_for_numbers(store, account, "again", ["+8613900000003"]), "d")
    out = io.StringIO()
    drive(paused, store.journal.database_path(), io.StringIO("pause\n"), out, report_wait=0)
    states = [json.loads(line).get("state") for line in out.getvalue().splitlines()]
    assert "paused" in states or "sent" in states  # paused unless it finished first
    missing = io.StringIO()
    assert drive(9999, store.journal.database_path(), io.StringIO(""), missing) != 0
    assert json.loads(missing.getvalue().splitlines()[-1])["event"] in ("failed", "crashed")


def test_rate_limit_codes_are_told_apart_by_scope() -> None:
    def scope(code: str, message: str = "") -> tuple[str, float]:
        throttle = classify_throttle(ProviderFault(ErrorKind.RATE_LIMITED, code, message))
        return throttle.scope, throttle.defer

    assert scope("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1") == (ThrottleScope.NUMBER, 60.0)
    assert scope("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10") == (ThrottleScope.NUMBER, 86400.0)
    assert scope("LimitExceeded.PhoneNumberThirtySecondLimit") == (ThrottleScope.NUMBER, 30.0)
    assert scope("isv.DAY_LIMIT_CONTROL")[0] is ThrottleScope.ACCOUNT_QUOTA
    assert scope("LimitExceeded.AppDailyLimit")[0] is ThrottleScope.ACCOUNT_QUOTA
    for code in ("Throttling.User", "RequestLimitExceeded", "20429", "429"):
        assert scope(code)[0] is ThrottleScope.REQUESTS


def test_account_rules_have_provider_defaults_and_refuse_nonsense() -> None:
    aliyun = rules_for(Account(name="a", provider="aliyun"))
    assert aliyun.cap is not None and aliyun.cap.limit == 50
    assert aliyun.quiet_hours is not None and str(aliyun.quiet_hours) == "21:00-08:00"
    assert rules_for(Account(name="t", provider="twilio")).cap is None
    assert rules_for(Account(name="t", provider="twilio", settings={"recipient_cap": "3", "concurrency": "2",
                                                                       "quiet_hours": "off"})).concurrency == 2
    with pytest.raises(UserFacingError):
        rules_for(Account(name="t", provider="twilio", settings={"recipient_cap": "lots"}))
