"""Delivery reports from Aliyun, Tencent Cloud and Twilio, over loopback HTTP to the emulator.

Time is simulated: the poller's clock and pauses and the emulator's report timer move only when
a test moves them, so "three days later" takes no time and nothing depends on the machine's speed.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from smsdesk.core.provider_api import DeliveryReport, Provider, ReportState, SentRef
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.engine.providers import open_provider
from smsdesk.engine.reports import GIVE_UP_AFTER, ReportPoller, RoundResult
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter
from smsdesk.storage.secrets import SecretStore

KINDS = ("aliyun", "tencent", "twilio")


@dataclass
class SimulatedTime:
    wall: datetime = field(default_factory=lambda: datetime.now(UTC))
    mono: float = 1000.0
    pauses: list[float] = field(default_factory=list)

    def clock(self) -> datetime:
        return self.wall

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds

    def wait(self, seconds: float) -> bool:
        self.pauses.append(seconds)
        self.advance(seconds)
        return False


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


@pytest.fixture
def sim(emu: Emulator) -> SimulatedTime:
    time = SimulatedTime()
    emu.state.monotonic = lambda: time.mono
    return time


def add_account(store: Store, emu: Emulator, demo: DemoAccounts, kind: str, *, secret: str | None = None,
                rate: float = 10.0) -> Account:
    if kind == "aliyun":
        settings = {"access_key_id": demo.aliyun_key_id, "endpoint": emu.url + "/",
                    "signature": demo.aliyun_signature, "template_id": demo.aliyun_template}
        secrets = {"access_key_secret": secret or demo.aliyun_secret}
    elif kind == "tencent":
        settings = {"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id,
                    "endpoint": emu.url + "/", "signature": demo.tencent_signature,
                    "template_id": demo.tencent_template}
        secrets = {"secret_key": secret or demo.tencent_secret_key}
    else:
        settings = {"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url}
        secrets = {"auth_token": secret or demo.twilio_auth_token}
    account = store.accounts.add(Account(name=kind.title(), provider=kind, settings=settings, rate_per_second=rate))
    SecretStore().save(account.secret_ref, secrets)
    return account


def send(store: Store, account: Account, phones: Sequence[str], text: str = "您的订单已到店") -> list[int]:
    """Write a campaign and send it for real to the emulator; returns the message ids."""
    assert account.id is not None
    templated = account.provider in ("aliyun", "tencent")
    cid = store.journal.create_campaign(
        name="Campaign", account_id=account.id, body=text,
        messages=[NewMessage(p, "", text, {"content": text} if templated else {}, 1) for p in phones],
        signature=account.settings.get("signature", ""),
        provider_template_id=account.settings.get("template_id", ""),
        param_names=("content",) if templated else (),
    )
    batch = store.journal.claim_batch(cid, 100)
    provider = open_provider(account)
    try:
        outcomes = provider.send(batch, store.journal.campaign_spec(cid))
    finally:
        provider.close()
    store.journal.record_outcomes(outcomes)
    assert all(o.accepted for o in outcomes)
    return [m.message_id for m in batch]


def states(store: Store, ids: Sequence[int]) -> list[str]:
    found = store.log.rows_by_ids(ids)
    return [found[i].state for i in ids]


class Recording:
    """Opens real providers and notes when each was asked about which messages."""

    def __init__(self, time: SimulatedTime, wrap: Callable[[Provider], Provider] | None = None) -> None:
        self.time = time
        self.asked: list[tuple[datetime, tuple[int, ...]]] = []
        self.wrap = wrap

    def __call__(self, account: Account) -> Provider:
        real = open_provider(account)
        recording = self

        class Asked:
            kind = real.kind
            max_batch = real.max_batch

            def send(self, *args: object) -> object:
                raise AssertionError("the poller never sends")

            def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
                recording.asked.append((recording.time.wall, tuple(r.message_id for r in pending)))
                return real.fetch_reports(pending)

            def test_connection(self) -> str:
                return real.test_connection()

            def close(self) -> None:
                real.close()

        provider: Provider = Asked()  # type: ignore[assignment]
        return self.wrap(provider) if self.wrap else provider


def run_until_done(poller: ReportPoller, time: SimulatedTime, *, limit: int = 500) -> list[RoundResult]:
    rounds = []
    for _ in range(limit):
        result = poller.run_round()
        rounds.append(result)
        if result.next_round_in is None:
            return rounds
        time.advance(max(result.next_round_in, 0.001))
    raise AssertionError("the poller never stopped")


@pytest.mark.parametrize("kind", KINDS)
def test_late_reports_arrive_and_the_carriers_reason_is_kept(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime, kind: str
) -> None:
    emu.report_delay = 150
    emu.fail_delivery("+8613900000002", "MK:0005" if kind != "twilio" else "30005")
    account = add_account(store, emu, demo, kind)
    ids = send(store, account, ["+8613900000001", "+8613900000002"])
    recording = Recording(sim)
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=recording)
    sim.advance(10)
    first = poller.run_round()
    assert (first.changed, first.waiting) == (0, 2)
    assert first.next_round_in is not None and 0 < first.next_round_in <= 10
    rounds = run_until_done(poller, sim)
    assert states(store, ids) == ["delivered", "failed"]
    failed = store.log.rows(LogFilter(state="failed"))[0]
    assert (failed.error_kind, failed.error_code) == ("undelivered", "MK:0005" if kind != "twilio" else "30005")
    assert failed.final_at is not None
    assert sum(r.changed for r in rounds) == 2
    # Asked again every ten seconds or so while the reports were late, never in a tight loop.
    assert 10 <= len(recording.asked) <= 40
    for message_id in ids:
        moments = [at for at, asked in recording.asked if message_id in asked]
        assert all((b - a).total_seconds() >= 5 for a, b in itertools.pairwise(moments))


@pytest.mark.parametrize("kind", ["aliyun", "twilio"])
def test_reports_that_come_out_of_order_each_settle_their_own_message(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime, kind: str
) -> None:
    account = add_account(store, emu, demo, kind)
    emu.report_delay = 100
    slow = send(store, account, ["+8613900000011"])
    emu.report_delay = 5
    quick = send(store, account, ["+8613900000012"])
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait)
    sim.advance(20)
    assert poller.run_round().changed == 1
    assert states(store, slow + quick) == ["sent", "delivered"]
    run_until_done(poller, sim)
    assert states(store, slow + quick) == ["delivered", "delivered"]


def test_a_tencent_report_that_overtakes_the_send_answer_is_kept_until_its_message_is_known(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime
) -> None:
    account = add_account(store, emu, demo, "tencent")
    assert account.id is not None
    waiting = send(store, account, ["+8613900000021"])
    # A second campaign whose send answer has not been written down yet when reports are pulled.
    cid = store.journal.create_campaign(
        name="Second", account_id=account.id, body="hi",
        messages=[NewMessage("+8613900000022", "", "hi", {"content": "hi"}, 1)],
        signature=demo.tencent_signature, provider_template_id=demo.tencent_template, param_names=("content",),
    )
    batch = store.journal.claim_batch(cid, 10)
    provider = open_provider(account)
    try:
        outcomes = provider.send(batch, store.journal.campaign_spec(cid))
    finally:
        provider.close()
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait)
    sim.advance(15)
    assert poller.run_round().changed == 1  # the queue handed out both reports, one had no message yet
    assert states(store, waiting) == ["delivered"]
    assert poller._book.kept_count() == 1
    store.journal.record_outcomes(outcomes)  # the sender catches up
    sim.advance(15)
    assert poller.run_round().changed == 1
    assert states(store, [batch[0].message_id]) == ["delivered"]
    assert poller._book.kept_count() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_a_report_given_twice_or_contradicted_later_changes_nothing(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime, kind: str
) -> None:
    seen: list[DeliveryReport] = []

    def echo(provider: Provider) -> Provider:
        real_fetch = provider.fetch_reports

        def fetch(pending: Sequence[SentRef]) -> list[DeliveryReport]:
            fresh = real_fetch(pending)
            flipped = [
                DeliveryReport(r.provider_id, ReportState.FAILED if r.state is ReportState.DELIVERED else ReportState.DELIVERED,
                               "LATE", "", r.at)
                for r in seen
            ]
            seen.extend(fresh)
            return [*fresh, *fresh, *seen, *flipped]

        provider.fetch_reports = fetch  # type: ignore[method-assign]
        return provider

    emu.fail_delivery("+8613900000032")
    account = add_account(store, emu, demo, kind)
    ids = send(store, account, ["+8613900000031", "+8613900000032", "+8613900000033"])
    emu.report_delay = 10_000
    late = send(store, account, ["+8613900000034"])
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=Recording(sim, echo))
    sim.advance(15)
    assert poller.run_round().changed == 3
    before = store.log.rows_by_ids(ids)
    for _ in range(3):
        sim.advance(60)
        assert poller.run_round().changed == 0
    after = store.log.rows_by_ids(ids)
    assert [after[i].state for i in ids] == ["delivered", "failed", "delivered"]
    assert all(after[i].final_at == before[i].final_at and after[i].error_code == before[i].error_code for i in ids)
    assert states(store, late) == ["sent"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_report_that_never_comes_is_given_up_on_after_three_days(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime, kind: str
) -> None:
    emu.report_delay = 30 * 24 * 3600
    account = add_account(store, emu, demo, kind)
    ids = send(store, account, ["+8613900000041", "+8613900000042"])
    recording = Recording(sim)
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=recording)
    start = sim.wall
    rounds = run_until_done(poller, sim)
    assert rounds[-1].waiting == 0 and rounds[-1].next_round_in is None
    assert states(store, ids) == ["sent", "sent"]  # still sent, without a report
    assert sim.wall - start >= GIVE_UP_AFTER - timedelta(hours=2)
    asked_per_message = len(recording.asked) * (2 if kind == "tencent" else 1) / 2
    assert 20 <= asked_per_message <= 120
    assert poller.run_round().next_round_in is None  # and it stays stopped


def test_a_rate_limit_pauses_the_account_for_as_long_as_the_provider_asks(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime
) -> None:
    account = add_account(store, emu, demo, "aliyun")
    ids = send(store, account, [f"+86139000000{50 + i}" for i in range(4)])
    emu.inject(Fault(FaultKind.RATE_LIMIT, api="aliyun", retry_after="7"))
    recording = Recording(sim)
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=recording)
    sim.advance(15)
    limited_at = sim.wall
    first = poller.run_round()
    assert first.changed == 0 and first.problems == []  # waiting is not a problem
    assert len(recording.asked) == 1
    assert first.next_round_in is not None and first.next_round_in >= 7
    run_until_done(poller, sim)
    assert states(store, ids) == ["delivered"] * 4
    assert (recording.asked[1][0] - limited_at).total_seconds() >= 7


def test_requests_are_spaced_to_the_accounts_rate(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime
) -> None:
    account = add_account(store, emu, demo, "twilio", rate=2)
    send(store, account, [f"+86139000000{60 + i}" for i in range(6)])
    recording = Recording(sim)
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=recording)
    sim.advance(15)
    assert poller.run_round().changed == 6
    moments = [at for at, _ids in recording.asked]
    assert len(moments) == 6
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]
    assert min(gaps) >= 0.5 - 1e-6  # two a second
    assert all(len(ids) == 1 for _at, ids in recording.asked)


def test_an_account_that_refuses_is_named_and_left_alone_for_a_while(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime
) -> None:
    account = add_account(store, emu, demo, "twilio")
    send(store, account, ["+8613900000071"])
    SecretStore().save(account.secret_ref, {"auth_token": "wrong"})
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait)
    sim.advance(15)
    result = poller.run_round()
    assert len(result.problems) == 1 and "Twilio" in result.problems[0] and "Authentication" in result.problems[0]
    assert result.next_round_in is not None and result.next_round_in >= 9 * 60


def test_in_doubt_messages_the_provider_has_are_settled_by_their_report(
    store: Store, emu: Emulator, demo: DemoAccounts, sim: SimulatedTime
) -> None:
    account = add_account(store, emu, demo, "aliyun")
    ids = send(store, account, ["+8613900000081"])
    store.conn.execute("UPDATE messages SET state = 'in_doubt' WHERE id = ?", (ids[0],))
    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait)
    sim.advance(15)
    assert poller.run_round().changed == 1
    assert states(store, ids) == ["delivered"]


def test_nothing_waiting_means_no_polling(store: Store, sim: SimulatedTime) -> None:
    gateway = store.accounts.add(Account(name="Gateway", provider="generic_http"))
    assert gateway.id is not None
    cid = store.journal.create_campaign(name="C", account_id=gateway.id, body="hi",
                                        messages=[NewMessage("+8613900000091", "", "hi", {}, 1)])
    batch = store.journal.claim_batch(cid, 1)
    from smsdesk.core.provider_api import SendOutcome

    store.journal.record_outcomes([SendOutcome(batch[0].message_id, provider_id="G1")])

    def never(_account: Account) -> Provider:
        raise AssertionError("a gateway cannot be asked for reports")

    poller = ReportPoller(store, clock=sim.clock, wait=sim.wait, open_provider=never)
    result = poller.run_round()
    assert (result.waiting, result.next_round_in, result.requests) == (0, None, 0)
