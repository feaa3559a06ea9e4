"""The send loop against a real SQLite journal.

The happy path uses the real Sandbox provider; the failure paths use a provider that replays a
script of answers, since they are about how the loop reacts, not about any one service's wire.
Time is a fake clock that only moves when the loop sleeps, so waits are checked exactly.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import pytest

from smsdesk.core.pacing import before_request
from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    RequestNotSent,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.core.sending import RecipientCap, RetryPolicy, SendResult, run_campaign
from smsdesk.core.throttling import Throttle, ThrottleScope
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage

START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.now)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class ScriptedProvider:
    """Answers each request with the next item of ``script``: an exception or a word."""

    kind: ClassVar[str] = "scripted"
    max_batch = 100

    def __init__(self, script: list[object], time: FakeTime | None = None) -> None:
        self.script = script
        self.time = time
        self.requests: list[list[int]] = []
        self.times: list[float] = []

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        self.requests.append([m.message_id for m in batch])
        if self.time is not None:
            self.times.append(self.time.now)
        step = self.script.pop(0) if self.script else "ok"
        if callable(step) and not isinstance(step, BaseException):
            step = step(batch)
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, list):
            return step
        if step == "partial":
            first, *rest = batch
            bad = ProviderFault(ErrorKind.INVALID_NUMBER, "bad", "bad number")
            return [SendOutcome(first.message_id, provider_id=f"P{first.message_id}")] + [
                SendOutcome(m.message_id, fault=bad) for m in rest
            ]
        if step == "drop-one":
            return [SendOutcome(m.message_id, provider_id=f"P{m.message_id}") for m in batch[1:]]
        return [SendOutcome(m.message_id, provider_id=f"P{m.message_id}") for m in batch]

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        return []

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def _campaign(store: Store, n: int, per_request: int = 2, phones: Sequence[str] | None = None) -> int:
    account = store.accounts.add(Account(name="A", provider="sandbox"))
    assert account.id is not None
    numbers = list(phones) if phones is not None else [f"+8613900139{i:03d}" for i in range(n)]
    messages = [NewMessage(p, "", f"m{i}", {}, 1, batch=i // per_request + 1) for i, p in enumerate(numbers)]
    return store.journal.create_campaign(name="C", account_id=account.id, body="x", messages=messages)


def _run(store: Store, cid: int, provider: object, time: FakeTime, **options: object) -> SendResult:
    options.setdefault("retry", RetryPolicy(max_attempts=3, base_delay=0.0))
    total, done = store.journal.progress_counts(cid)
    return run_campaign(
        store.journal, provider, SendSpec(), cid, total=total, done=done,  # type: ignore[arg-type]
        clock=time.clock, wall=time.wall, sleep=time.sleep, **options,  # type: ignore[arg-type]
    )


def test_sandbox_accepts_every_plausible_number(store: Store) -> None:
    cid = _campaign(store, 7, per_request=100)
    provider = SandboxProvider({"delay_seconds": "0"})
    result = _run(store, cid, provider, FakeTime())
    assert (result.progress.done, result.progress.accepted, result.paused_reason) == (7, 7, "")
    assert store.journal.campaign_counts(cid) == {"sent": 7}
    provider.close()


def test_each_batch_is_one_request_in_batch_order(store: Store) -> None:
    cid = _campaign(store, 5, per_request=2)
    provider = ScriptedProvider([])
    _run(store, cid, provider, FakeTime())
    assert [len(r) for r in provider.requests] == [2, 2, 1]
    assert sorted(m for r in provider.requests for m in r) == list(range(1, 6))


def test_not_sent_is_retried_and_unknown_outcome_goes_in_doubt_never_resent(store: Store) -> None:
    cid = _campaign(store, 6)
    provider = ScriptedProvider([RequestNotSent("refused"), OutcomeUnknown("read timeout"), "ok", "ok"])
    result = _run(store, cid, provider, FakeTime())
    assert result.paused_reason == ""
    assert store.journal.campaign_counts(cid) == {"sent": 4, "in_doubt": 2}
    sent_ids = [mid for request in provider.requests for mid in request]
    # The not-sent request was repeated with the same messages; the in-doubt one never was.
    assert provider.requests[0] == provider.requests[1]
    assert sent_ids.count(provider.requests[1][0]) == 2
    assert len(set(sent_ids)) == 6
    assert result.progress.in_doubt == 2 and result.progress.done == 6


def test_partial_answers_and_missing_answers(store: Store) -> None:
    cid = _campaign(store, 4)
    provider = ScriptedProvider(["partial", "drop-one"])
    _run(store, cid, provider, FakeTime())
    assert store.journal.campaign_counts(cid) == {"sent": 2, "failed": 1, "in_doubt": 1}


def test_a_refusal_that_will_not_go_away_pauses_and_keeps_the_rest_queued(store: Store) -> None:
    cid = _campaign(store, 5)
    fault = ProviderFault(ErrorKind.AUTH_FAILED, "SignatureDoesNotMatch", "signature mismatch")
    provider = ScriptedProvider(["ok", ProviderError(fault)])
    result = _run(store, cid, provider, FakeTime())
    assert "SignatureDoesNotMatch" in result.paused_reason
    assert store.journal.campaign_counts(cid) == {"sent": 2, "queued": 3}


def test_no_request_before_the_retry_after_deadline(store: Store) -> None:
    cid = _campaign(store, 2)
    time = FakeTime()
    fault = ProviderFault(ErrorKind.RATE_LIMITED, "Throttling.User", "slow down", retry_after=7.0)
    provider = ScriptedProvider([ProviderError(fault), "ok"], time)
    _run(store, cid, provider, time)
    assert provider.times[1] - provider.times[0] >= 7.0
    assert store.journal.campaign_counts(cid) == {"sent": 2}


def test_a_provider_that_keeps_failing_pauses_after_backing_off(store: Store) -> None:
    cid = _campaign(store, 2)
    time = FakeTime()
    unavailable = ProviderError(ProviderFault(ErrorKind.TRANSIENT, "503", "Service Unavailable"))
    provider = ScriptedProvider([unavailable] * 10, time)
    result = _run(store, cid, provider, time, retry=RetryPolicy(max_attempts=4, base_delay=1.0, max_delay=8.0))
    assert len(provider.requests) == 4
    assert "503" in result.paused_reason
    assert store.journal.campaign_counts(cid) == {"queued": 2}
    # Full jitter: every wait is somewhere below the exponential ceiling, never above it.
    gaps = [b - a for a, b in zip(provider.times, provider.times[1:], strict=False)]
    assert all(0 <= gap <= ceiling for gap, ceiling in zip(gaps, (1.0, 2.0, 4.0), strict=True))


def test_cancel_stops_before_the_next_request(store: Store) -> None:
    cid = _campaign(store, 6)
    cancel = threading.Event()
    provider = ScriptedProvider([])

    def progress(p: object) -> None:
        cancel.set()

    result = _run(store, cid, provider, FakeTime(), cancel=cancel, on_progress=progress)
    assert result.cancelled
    assert len(provider.requests) == 1
    assert store.journal.campaign_counts(cid) == {"sent": 2, "queued": 4}


def _per_number(fault_code: str, defer: float) -> object:
    def classify(fault: ProviderFault) -> Throttle:
        if fault.code == fault_code:
            return Throttle(ThrottleScope.NUMBER, defer)
        return Throttle(ThrottleScope.REQUESTS)

    return classify


def test_a_per_number_limit_splits_the_request_and_only_that_number_waits(store: Store) -> None:
    phones = [f"+861390013900{i}" for i in range(4)]
    cid = _campaign(store, 4, per_request=4, phones=phones)
    culprit = phones[2]
    limited = ProviderError(ProviderFault(ErrorKind.RATE_LIMITED, "isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控"))

    def answer(batch: Sequence[OutgoingMessage]) -> object:
        return limited if any(m.phone == culprit for m in batch) else "ok"

    provider = ScriptedProvider([answer] * 10)
    result = _run(store, cid, provider, FakeTime(), throttle=_per_number("isv.BUSINESS_LIMIT_CONTROL", 3600))
    assert store.journal.campaign_counts(cid) == {"sent": 3, "queued": 1}
    assert result.wait_until == START + timedelta(hours=1)
    assert result.paused_reason == ""
    # Halves until the number was alone: [4] -> [2, 2] -> [1, 1].
    assert [len(r) for r in provider.requests] == [4, 2, 2, 1, 1]
    assert store.journal.next_ready(cid) == START + timedelta(hours=1)


def test_an_account_daily_cap_pauses_with_the_reason(store: Store) -> None:
    cid = _campaign(store, 4)
    capped = ProviderError(ProviderFault(ErrorKind.RATE_LIMITED, "isv.DAY_LIMIT_CONTROL", "日限额"))

    def classify(fault: ProviderFault) -> Throttle:
        return Throttle(ThrottleScope.ACCOUNT_QUOTA)

    provider = ScriptedProvider(["ok", capped])
    result = _run(store, cid, provider, FakeTime(), throttle=classify)
    assert "isv.DAY_LIMIT_CONTROL" in result.paused_reason and "daily" in result.paused_reason
    assert store.journal.campaign_counts(cid) == {"sent": 2, "queued": 2}


def test_a_request_rate_limit_slows_everything_down(store: Store) -> None:
    cid = _campaign(store, 200, per_request=1)
    time = FakeTime()
    throttled = ProviderError(ProviderFault(ErrorKind.RATE_LIMITED, "429", "Too Many Requests"))
    provider = ScriptedProvider(["ok"] * 10 + [throttled], time)
    _run(store, cid, provider, time, rate_per_second=10.0)
    gaps = [b - a for a, b in zip(provider.times, provider.times[1:], strict=False)]
    assert min(gaps[:9]) == pytest.approx(0.1)
    # Right after the refusal the pace is about half the account's, then it climbs back.
    assert gaps[11] >= 0.19
    assert gaps[11] > gaps[40] > gaps[-1]
    assert gaps[-1] == pytest.approx(0.1)
    assert store.journal.campaign_counts(cid) == {"sent": 200}


def test_requests_never_exceed_the_account_rate(store: Store) -> None:
    cid = _campaign(store, 30, per_request=1)
    time = FakeTime()
    provider = ScriptedProvider([], time)
    _run(store, cid, provider, time, rate_per_second=5.0)
    assert len(provider.times) == 30
    for first, later in zip(provider.times, provider.times[5:], strict=False):
        assert later - first >= 1.0 - 1e-9


def test_transient_answers_for_single_messages_are_retried_then_failed(store: Store) -> None:
    cid = _campaign(store, 2)
    busy = ProviderFault(ErrorKind.TRANSIENT, "InternalError", "busy")

    def answer(batch: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        return [
            SendOutcome(m.message_id, fault=busy) if m.message_id == 2 else SendOutcome(m.message_id, provider_id="P")
            for m in batch
        ]

    provider = ScriptedProvider([answer] * 5)
    _run(store, cid, provider, FakeTime())
    assert store.journal.campaign_counts(cid) == {"sent": 1, "failed": 1}
    assert provider.requests == [[1, 2], [2], [2]]  # the first try and two more (max_attempts=3)


def test_numbers_on_the_opt_out_list_are_skipped_at_send_time(store: Store) -> None:
    cid = _campaign(store, 4)
    store.optouts.add("+8613900139002", "STOP")
    provider = ScriptedProvider([])
    result = _run(store, cid, provider, FakeTime())
    assert store.journal.campaign_counts(cid) == {"sent": 3, "skipped": 1}
    assert all(3 not in r for r in provider.requests)
    assert result.progress.skipped == 1 and result.progress.done == 4


def test_an_opted_out_answer_puts_the_number_on_the_list(store: Store) -> None:
    cid = _campaign(store, 2)
    blacklisted = ProviderFault(ErrorKind.OPTED_OUT, "FailedOperation.PhoneNumberInBlacklist", "blacklist")
    provider = ScriptedProvider([lambda batch: [SendOutcome(batch[0].message_id, fault=blacklisted),
                                                SendOutcome(batch[1].message_id, provider_id="P")]])
    _run(store, cid, provider, FakeTime())
    assert store.optouts.contains("+8613900139000")
    assert not store.optouts.contains("+8613900139001")


def test_the_per_recipient_cap_skips_numbers_that_had_enough(store: Store) -> None:
    phones = ["+8613900139000", "+8613900139001", "+8613900139000"]
    cid = _campaign(store, 3, per_request=1, phones=phones)
    provider = ScriptedProvider([])
    _run(store, cid, provider, FakeTime(), cap=RecipientCap(1))
    counts = store.journal.campaign_counts(cid)
    assert counts == {"sent": 2, "skipped": 1}
    assert len(provider.requests) == 2


def test_quiet_hours_hold_sending_without_dropping_anything(store: Store) -> None:
    cid = _campaign(store, 2)
    provider = ScriptedProvider([])
    later = START + timedelta(hours=9)
    result = _run(store, cid, provider, FakeTime(), hold_until=lambda now: later)
    assert provider.requests == []
    assert result.wait_until == later
    assert store.journal.campaign_counts(cid) == {"queued": 2}


def test_an_expired_campaign_sends_nothing_more(store: Store) -> None:
    cid = _campaign(store, 4)
    time = FakeTime()
    provider = ScriptedProvider([])
    result = _run(store, cid, provider, time, expires_at=START - timedelta(seconds=1))
    assert result.expired and provider.requests == []


def test_a_bug_in_the_provider_leaves_its_messages_in_doubt_and_is_raised(store: Store) -> None:
    cid = _campaign(store, 4)
    provider = ScriptedProvider([KeyError("oops")])
    with pytest.raises(KeyError):
        _run(store, cid, provider, FakeTime())
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2, "queued": 2}


class GatedProvider(ScriptedProvider):
    """Holds each request until ``together`` requests wait at once, counting the most seen."""

    def __init__(self, together: int) -> None:
        super().__init__([])
        self.together = together
        self.turn = threading.Condition()
        self.waiting = 0
        self.most = 0

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        with self.turn:
            self.waiting += 1
            self.most = max(self.most, self.waiting)
            if self.waiting >= self.together:
                self.turn.notify_all()
            else:
                self.turn.wait_for(lambda: self.waiting >= self.together, timeout=5.0)
        outcomes = super().send(batch, spec)
        with self.turn:
            self.waiting -= 1
        return outcomes


def test_several_requests_are_in_flight_but_never_more_than_allowed(store: Store) -> None:
    cid = _campaign(store, 40, per_request=2)
    provider = GatedProvider(together=4)
    total, _ = store.journal.progress_counts(cid)
    result = run_campaign(store.journal, provider, SendSpec(), cid, total=total, concurrency=4)
    assert provider.most == 4
    assert store.journal.campaign_counts(cid) == {"sent": 40}
    assert sorted(m for r in provider.requests for m in r) == list(range(1, 41))
    assert result.progress.done == 40


class SplittingProvider(ScriptedProvider):
    """Makes ``per_batch`` HTTP requests for each batch, as Aliyun's adapter does when it halves a
    request to find the number the service refuses."""

    def __init__(self, time: FakeTime, per_batch: int) -> None:
        super().__init__([], time)
        self.per_batch = per_batch
        self.request_times: list[float] = []

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        assert self.time is not None
        for _ in range(self.per_batch):
            before_request()
            self.request_times.append(self.time.now)
        return super().send(batch, spec)


def test_every_request_an_adapter_makes_for_a_batch_keeps_to_the_account_rate(store: Store) -> None:
    cid = _campaign(store, 8, per_request=2)
    time = FakeTime()
    provider = SplittingProvider(time, per_batch=3)
    _run(store, cid, provider, time, rate_per_second=5.0)
    assert store.journal.campaign_counts(cid) == {"sent": 8}
    assert len(provider.request_times) == 12
    gaps = [b - a for a, b in itertools.pairwise(provider.request_times)]
    assert min(gaps) >= 0.2 - 1e-9  # one request per 1/5 s, whichever batch it belongs to


def test_a_message_refused_for_a_while_backs_off_alone_while_the_others_go(store: Store) -> None:
    cid = _campaign(store, 4)  # batches [1, 2] and [3, 4]
    time = FakeTime()
    busy = ProviderFault(ErrorKind.TRANSIENT, "InternalError.OtherError", "busy")

    def first_busy(batch: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        return [SendOutcome(1, fault=busy), SendOutcome(2, provider_id="P2")]

    provider = ScriptedProvider([first_busy], time)
    policy = RetryPolicy(max_attempts=3, base_delay=4.0, rng=random.Random(1))
    backoff = random.Random(1).uniform(0.0, 4.0)
    result = _run(store, cid, provider, time, retry=policy)
    assert store.journal.campaign_counts(cid) == {"sent": 4}
    assert provider.requests == [[1, 2], [3, 4], [1]]
    assert provider.times[:2] == [0.0, 0.0]  # the other batch did not wait for it
    assert provider.times[2] >= backoff - 1e-9
    assert result.wait_until is None  # a short backoff is waited out, sending does not stop
