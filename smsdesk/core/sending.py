"""The send loop: journal in, provider out, every message accounted for.

The loop knows neither SQL nor HTTP: it drives a :class:`SendJournal` and a
:class:`~smsdesk.core.provider_api.Provider`.  Its rules are the ones that keep a shop from
texting a customer twice or losing half a campaign:

* a batch is marked inflight (durably) before its request leaves, and only when a request slot
  and the account's rate allow it to leave at once, so a crash leaves at most the requests in
  flight in doubt;
* a request that provably never left is retried with exponential backoff and full jitter, and
  so is a single message a provider turned away for a passing reason, while the others go on;
* a request whose fate is unknown puts its messages in doubt, never back in the queue;
* every HTTP request keeps to the account's rate, including the further ones an adapter makes
  for one batch (see :func:`smsdesk.core.pacing.requests_gated`);
* ``Retry-After`` is a deadline before which no request starts; a request-rate refusal also
  lowers the rate for a while; a per-number limit only makes that number wait; a daily cap of
  the account pauses the campaign;
* a definite refusal of the whole request for a reason that will not go away (credentials,
  balance, template) pauses the campaign, leaving what is unsent queued for later.

Several requests are in flight at once (``concurrency``) so that network latency does not set
the pace; the journal is only touched from the calling thread, once per turn of the loop, with
every answer that came back since the last turn and the next batches to send.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for_futures
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from smsdesk.core.pacing import Backoff, HoldOff, TokenBucket, requests_gated
from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    Provider,
    ProviderError,
    ProviderFault,
    RequestNotSent,
    SendOutcome,
    SendSpec,
    describe_kind,
)
from smsdesk.core.throttling import ThrottleClassifier, ThrottleScope, requests_scope
from smsdesk.i18n import tr

RETRYABLE = frozenset({ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED})
MESSAGE_FAULTS = frozenset(
    {ErrorKind.INVALID_NUMBER, ErrorKind.OPTED_OUT, ErrorKind.CONTENT_REJECTED, ErrorKind.UNDELIVERED}
)
"""Refusals about the messages themselves: final for them, no reason to stop the others."""
ACCOUNT_FAULTS = frozenset({ErrorKind.AUTH_FAILED, ErrorKind.QUOTA_EXHAUSTED, ErrorKind.NOT_APPROVED})
"""Refusals every further request would get as well: sending pauses."""
POLL_SECONDS = 0.1
"""How often a waiting loop looks at the cancel flag."""
AHEAD_SECONDS = 0.25
"""Batches are claimed up to this long before their slot; their thread starts them on time.

Long enough to ride out a slow turn of the loop (a WAL checkpoint on a synchronous=FULL commit
takes ~100 ms) without losing slots of the account's rate; a batch claimed ahead that has not
started when a stop or a ``Retry-After`` comes goes back to the queue unsent."""
RATE_WINDOW = 10.0
BRIEF_WAIT = 10.0
"""Messages due again within this many seconds (backing off) are waited for without stopping."""


def utc_now() -> datetime:
    return datetime.now(UTC)


# -- what the loop asks of the journal ---------------------------------------------------------


@dataclass(frozen=True)
class RecipientCap:
    """At most ``limit`` messages of the same template to one number within ``window``."""

    limit: int
    window: timedelta = timedelta(hours=24)


@dataclass
class Claimed:
    batches: list[list[OutgoingMessage]] = field(default_factory=list)
    """Each batch goes out as one request."""
    skipped: int = 0
    """Messages found on the opt-out list or over the per-recipient cap, skipped instead."""


@dataclass
class Settlement:
    """What became of the requests that came back, written in one transaction."""

    outcomes: list[SendOutcome] = field(default_factory=list)
    """Definite answers: accepted with an id, or refused for good."""
    requeue: list[int] = field(default_factory=list)
    """Never sent: back in the queue."""
    regroup: list[list[int]] = field(default_factory=list)
    """Never sent: back in the queue, each list as a request of its own."""
    deferred: list[tuple[int, datetime]] = field(default_factory=list)
    """Never sent: back in the queue, not to be tried before the time given."""
    in_doubt: list[tuple[int, str]] = field(default_factory=list)
    """May have been sent: never sent again without the owner's say."""

    def __bool__(self) -> bool:
        return bool(self.outcomes or self.requeue or self.regroup or self.deferred or self.in_doubt)


class SendJournal(Protocol):
    def settle_and_claim(
        self,
        campaign_id: int,
        settlement: Settlement,
        *,
        groups: int,
        now: datetime,
        cap: RecipientCap | None = None,
    ) -> Claimed:
        """Record ``settlement``, then mark up to ``groups`` ready batches inflight, durably."""
        ...

    def next_ready(self, campaign_id: int) -> datetime | None:
        """When the earliest queued message may go (None when nothing is queued)."""
        ...


# -- what the loop tells its caller ------------------------------------------------------------


@dataclass
class SendProgress:
    """A snapshot for progress bars; ``done`` counts messages with an answer (or in doubt)."""

    total: int
    done: int = 0
    accepted: int = 0
    failed: int = 0
    in_doubt: int = 0
    skipped: int = 0
    waiting_until: datetime | None = None
    """Set while nothing may be sent before that time (quiet hours, numbers waiting)."""
    started: float = field(default_factory=time.monotonic)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _samples: deque[tuple[float, int]] = field(default_factory=deque, repr=False)

    def note(self) -> None:
        """Remember how far along we are now, for the rate."""
        now = self.clock()
        self._samples.append((now, self.done))
        while len(self._samples) > 2 and now - self._samples[0][0] > RATE_WINDOW:
            self._samples.popleft()

    @property
    def rate(self) -> float:
        """Messages per second over the last few seconds."""
        if len(self._samples) < 2:
            return 0.0
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        rate = self.rate
        return (self.total - self.done) / rate if rate > 0 else None


@dataclass(frozen=True)
class SendResult:
    progress: SendProgress
    paused_reason: str = ""
    """Non-empty when the loop stopped before the queue was empty, with the reason in words."""
    cancelled: bool = False
    wait_until: datetime | None = None
    """Set when messages are left that may not go before then (quiet hours, per-number limits)."""
    expired: bool = False


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    """Failed rounds in a row (or tries of one message) before giving up."""
    base_delay: float = 0.5
    max_delay: float = 30.0
    rng: random.Random | None = None
    """The jitter's source (tests give a seeded one)."""

    def backoff(self) -> Backoff:
        return Backoff(self.base_delay, self.max_delay, self.rng)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff with full jitter; a provider's Retry-After is a floor."""
        return self.backoff().delay(attempt, retry_after)


class RequestPacer:
    """Keeps requests at or below ``rate`` per second (a token bucket of one request)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._bucket = TokenBucket(rate, clock=clock)

    def wait_time(self) -> float:
        return self._bucket.reserve()


# -- the loop ----------------------------------------------------------------------------------


class _NotStarted(Exception):
    """A provider's "wait" arrived after the batch was handed to a thread but before it left."""


@dataclass
class _Request:
    batch: list[OutgoingMessage]
    generation: int
    """How many failed rounds in a row there had been when it left."""


Answer = list[SendOutcome] | BaseException


def run_campaign(
    journal: SendJournal,
    provider: Provider,
    spec: SendSpec,
    campaign_id: int,
    *,
    total: int,
    done: int = 0,
    on_progress: Callable[[SendProgress], None] | None = None,
    cancel: threading.Event | None = None,
    rate_per_second: float = 0.0,
    concurrency: int = 1,
    retry: RetryPolicy | None = None,
    throttle: ThrottleClassifier = requests_scope,
    cap: RecipientCap | None = None,
    hold_until: Callable[[datetime], datetime | None] | None = None,
    expires_at: datetime | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] = utc_now,
    sleep: Callable[[float], None] | None = None,
) -> SendResult:
    """Send the queued messages of ``campaign_id`` until none is ready, or it pauses or is cancelled.

    ``hold_until(now)`` returns when sending may resume if it may not now (quiet hours).
    ``sleep``, when given, must advance ``clock`` (tests use a fake clock); otherwise the loop
    waits on its own event, woken by every answer.
    """
    loop = _Loop(
        journal, provider, spec, campaign_id,
        progress=SendProgress(total=total, done=done, started=clock(), clock=clock),
        on_progress=on_progress, cancel=cancel or threading.Event(),
        bucket=TokenBucket(rate_per_second, clock=clock), concurrency=max(1, concurrency),
        retry=retry or RetryPolicy(), throttle=throttle, cap=cap, hold_until=hold_until,
        expires_at=expires_at, clock=clock, wall=wall, sleep=sleep,
    )
    return loop.run()


class _Loop:
    def __init__(
        self,
        journal: SendJournal,
        provider: Provider,
        spec: SendSpec,
        campaign_id: int,
        *,
        progress: SendProgress,
        on_progress: Callable[[SendProgress], None] | None,
        cancel: threading.Event,
        bucket: TokenBucket,
        concurrency: int,
        retry: RetryPolicy,
        throttle: ThrottleClassifier,
        cap: RecipientCap | None,
        hold_until: Callable[[datetime], datetime | None] | None,
        expires_at: datetime | None,
        clock: Callable[[], float],
        wall: Callable[[], datetime],
        sleep: Callable[[float], None] | None,
    ) -> None:
        self.journal = journal
        self.provider = provider
        self.spec = spec
        self.campaign_id = campaign_id
        self.progress = progress
        self.on_progress = on_progress
        self.cancel = cancel
        self.bucket = bucket
        self.concurrency = concurrency
        self.retry = retry
        self.backoff = retry.backoff()
        self.throttle = throttle
        self.cap = cap
        self.hold_until = hold_until
        self.expires_at = expires_at
        self.clock = clock
        self.wall = wall
        self.sleep = sleep
        self.hold = HoldOff(clock)
        self.failures = 0
        """Failed rounds in a row (a request that failed after being sent since the last failure)."""
        self.attempts: dict[int, int] = {}
        self.paused_reason = ""
        self.wait_until: datetime | None = None
        self.expired = False
        self.bug: BaseException | None = None
        self.wake = threading.Event()
        self.inflight: dict[Future[list[SendOutcome]], _Request] = {}
        self.answers: list[tuple[_Request, Answer]] = []
        self.unsent: list[int] = []
        """Claimed after a stop was asked for, so never sent: back to the queue next turn."""
        self.pool = ThreadPoolExecutor(concurrency, "sms-send") if concurrency > 1 else None

    # -- the turn of the loop -------------------------------------------------------------

    def run(self) -> SendResult:
        try:
            self.progress.note()
            while True:
                settlement = self._judge_answers()
                groups, wait = self._how_many_may_leave()
                if settlement or groups:
                    claimed = self.journal.settle_and_claim(
                        self.campaign_id, settlement, groups=groups, now=self.wall(), cap=self.cap
                    )
                    self._count_settled(settlement, claimed.skipped)
                    for batch in claimed.batches:
                        self._send(batch)
                    if groups and not claimed.batches and not self.inflight:
                        if self._nothing_ready():
                            break
                        continue
                    if settlement or claimed.batches or claimed.skipped:
                        continue
                if self._stopping() and not self.inflight:
                    break
                if not self.inflight and groups == 0 and wait is None:
                    break
                self._wait(wait)
        finally:
            if self.pool is not None:
                self.pool.shutdown(wait=True)
        if self.bug is not None:
            raise self.bug
        self.progress.waiting_until = self.wait_until
        return SendResult(
            self.progress,
            paused_reason=self.paused_reason,
            cancelled=self.cancel.is_set() and not self.paused_reason,
            wait_until=self.wait_until,
            expired=self.expired,
        )

    def _stopping(self) -> bool:
        return bool(
            self.cancel.is_set() or self.paused_reason or self.bug or self.expired or self.wait_until
        )

    def _how_many_may_leave(self) -> tuple[int, float | None]:
        """Batches that may be claimed now, or how long to wait before asking again (None: no reason to)."""
        if not self._stopping():
            now = self.wall()
            if self.expires_at is not None and now >= self.expires_at:
                self.expired = True
            elif self.hold_until is not None:
                self.wait_until = self.hold_until(now)
        if self._stopping():
            return 0, None
        free = self.concurrency - len(self.inflight)
        if free <= 0:
            return 0, None
        held = self.hold.remaining()
        if held > 0:
            return 0, held
        if self.pool is None:
            wait = self.bucket.delay()
            return (0, wait) if wait > 0 else (1, None)
        ahead = self.bucket.slots_within(AHEAD_SECONDS)
        if ahead == 0:
            return 0, self.bucket.delay() - AHEAD_SECONDS
        return min(free, ahead), None

    def _nothing_ready(self) -> bool:
        """Nothing could be claimed: True when the campaign is done, else note when to come back.

        A short wait (messages backing off) is waited out here; a longer one ends the run with
        ``wait_until`` so the caller can say so and decide whether to wait.
        """
        ready = self.journal.next_ready(self.campaign_id)
        if ready is None:
            return True
        seconds = (ready - self.wall()).total_seconds()
        if seconds > BRIEF_WAIT:
            self.wait_until = ready
        elif seconds > 0:
            self.hold.hold(seconds)
        return False

    def _send(self, batch: list[OutgoingMessage]) -> None:
        if self._stopping():
            self.unsent.extend(m.message_id for m in batch)
            return
        slot = self.bucket.reserve()
        request = _Request(batch, self.failures)
        if self.pool is None:
            self.answers.append((request, self._call(batch)))
            return
        future = self.pool.submit(self._guarded_send, batch, self.clock() + slot)
        self.inflight[future] = request
        future.add_done_callback(lambda _f: self.wake.set())

    def _call(self, batch: list[OutgoingMessage]) -> Answer:
        try:
            return self._guarded_send(batch)
        except Exception as exc:
            return exc

    def _guarded_send(self, batch: list[OutgoingMessage], slot: float | None = None) -> list[SendOutcome]:
        """The request, started at ``slot`` (on the loop's clock), unless a ``Retry-After`` came
        in meanwhile; one that comes back holds every other request at once, from this thread.

        Further requests the adapter makes for the batch are paced like batches of their own.
        """
        pause = self.sleep or time.sleep
        early = 0.0 if slot is None else slot - self.clock()
        if early > 0:
            time.sleep(early)
        late = self.bucket.admit()
        if late > 0:
            pause(late)
        if self.hold.remaining() > 0 or self.cancel.is_set() or self.paused_reason:
            raise _NotStarted
        try:
            with requests_gated(self.bucket, self.hold, pause):
                outcomes = self.provider.send(batch, self.spec)
        except ProviderError as exc:
            if exc.fault.retry_after:
                self.hold.hold(exc.fault.retry_after)
            raise
        # A request of the batch told to wait (the adapter marked the rest to be sent again).
        wait = max((o.fault.retry_after or 0.0 for o in outcomes if o.fault is not None), default=0.0)
        if wait > 0:
            self.hold.hold(wait)
        return outcomes

    def _wait(self, seconds: float | None) -> None:
        """Until an answer comes back, ``seconds`` pass, or the owner cancels."""
        if self.sleep is not None:
            if self.inflight:
                wait_for_futures(list(self.inflight), return_when=FIRST_COMPLETED)
            elif seconds:
                self.sleep(seconds)
            return
        timeout = POLL_SECONDS if seconds is None else min(seconds, POLL_SECONDS)
        if self.wake.wait(timeout):
            self.wake.clear()

    # -- judging answers ------------------------------------------------------------------

    def _collect(self) -> list[tuple[_Request, Answer]]:
        answers, self.answers = self.answers, []
        for future in [f for f in self.inflight if f.done()]:
            request = self.inflight.pop(future)
            exc = future.exception()
            answers.append((request, exc if exc is not None else future.result()))
        return answers

    def _judge_answers(self) -> Settlement:
        settlement = Settlement(requeue=self.unsent)
        self.unsent = []
        for request, answer in self._collect():
            if isinstance(answer, BaseException):
                self._judge_failure(request, answer, settlement)
            else:
                self._judge_outcomes(request, answer, settlement)
        return settlement

    def _judge_failure(self, request: _Request, exc: BaseException, s: Settlement) -> None:
        ids = [m.message_id for m in request.batch]
        if isinstance(exc, _NotStarted):
            s.requeue.extend(ids)
        elif isinstance(exc, RequestNotSent):
            s.requeue.extend(ids)
            reason = tr("Cannot reach the provider: {reason}", reason=str(exc) or type(exc).__name__)
            self._failed_round(request, None, reason)
        elif isinstance(exc, OutcomeUnknown):
            reason = str(exc) or tr("No answer from the provider")
            s.in_doubt.extend((i, reason) for i in ids)
        elif isinstance(exc, ProviderError):
            self._judge_refusal(request, exc.fault, s)
        else:
            # A bug: whether the request left is unknown, so its messages are in doubt.
            s.in_doubt.extend((i, f"{type(exc).__name__}: {exc}") for i in ids)
            self.bug = self.bug or exc

    def _judge_refusal(self, request: _Request, fault: ProviderFault, s: Settlement) -> None:
        ids = [m.message_id for m in request.batch]
        if fault.kind is ErrorKind.RATE_LIMITED:
            throttle = self.throttle(fault)
            if throttle.scope is ThrottleScope.NUMBER:
                if len(ids) > 1:
                    # One code for the whole request: split it until the number is alone.
                    middle = len(ids) // 2
                    s.regroup.extend([ids[:middle], ids[middle:]])
                else:
                    self._defer(ids[0], throttle.defer, fault, s)
                return
            s.requeue.extend(ids)
            if throttle.scope is ThrottleScope.ACCOUNT_QUOTA:
                self._pause(self._quota_reason(fault))
                return
            self.bucket.slow_down()
            self._failed_round(request, fault.retry_after, self._refusing_reason(fault))
        elif fault.kind is ErrorKind.TRANSIENT:
            s.requeue.extend(ids)
            self._failed_round(request, fault.retry_after, self._refusing_reason(fault))
        elif fault.kind in MESSAGE_FAULTS:
            s.outcomes.extend(SendOutcome(i, fault=fault) for i in ids)
        else:
            s.requeue.extend(ids)
            self._pause(
                tr("Sending paused: {advice} ({code})", advice=describe_kind(fault.kind), code=fault.code)
            )

    def _judge_outcomes(self, request: _Request, outcomes: Sequence[SendOutcome], s: Settlement) -> None:
        if request.generation == self.failures:
            self.failures = 0
        ids = {m.message_id for m in request.batch}
        answered: dict[int, SendOutcome] = {}
        for o in outcomes:
            if o.message_id in ids:
                answered.setdefault(o.message_id, o)
        missing = tr("The provider did not say what happened to this message")
        s.in_doubt.extend((m.message_id, missing) for m in request.batch if m.message_id not in answered)
        for o in answered.values():
            fault = o.fault
            if fault is None:
                s.outcomes.append(o)
            elif fault.kind is ErrorKind.RATE_LIMITED:
                throttle = self.throttle(fault)
                if throttle.scope is ThrottleScope.NUMBER:
                    self._defer(o.message_id, throttle.defer, fault, s)
                elif throttle.scope is ThrottleScope.ACCOUNT_QUOTA:
                    s.requeue.append(o.message_id)
                    self._pause(self._quota_reason(fault))
                else:
                    s.requeue.append(o.message_id)
                    self.bucket.slow_down()
                    self.hold.hold(fault.retry_after or 0.0)
            elif fault.kind is ErrorKind.TRANSIENT:
                if self._tried_too_often(o.message_id):
                    s.outcomes.append(o)
                else:
                    # Only this message waits, with backoff: the others of the request went.
                    wait = self.backoff.delay(self.attempts[o.message_id] - 1, fault.retry_after)
                    s.deferred.append((o.message_id, self.wall() + timedelta(seconds=wait)))
            elif fault.kind in ACCOUNT_FAULTS:
                s.requeue.append(o.message_id)
                self._pause(
                    tr("Sending paused: {advice} ({code})", advice=describe_kind(fault.kind), code=fault.code)
                )
            else:
                s.outcomes.append(o)

    def _defer(self, message_id: int, seconds: float, fault: ProviderFault, s: Settlement) -> None:
        if self._tried_too_often(message_id):
            s.outcomes.append(SendOutcome(message_id, fault=fault))
        else:
            s.deferred.append((message_id, self.wall() + timedelta(seconds=max(seconds, fault.retry_after or 0.0))))

    def _tried_too_often(self, message_id: int) -> bool:
        self.attempts[message_id] = self.attempts.get(message_id, 0) + 1
        return self.attempts[message_id] >= self.retry.max_attempts

    def _failed_round(self, request: _Request, retry_after: float | None, reason: str) -> None:
        """A request failed as a whole: wait before the next one, and give up after too many."""
        if request.generation == self.failures:
            self.failures += 1
        self.hold.hold(self.backoff.delay(self.failures - 1, retry_after))
        if self.failures >= self.retry.max_attempts:
            self._pause(reason)

    def _pause(self, reason: str) -> None:
        self.paused_reason = self.paused_reason or reason

    @staticmethod
    def _refusing_reason(fault: ProviderFault) -> str:
        return tr("The provider keeps refusing: {code} {message}", code=fault.code, message=fault.message)

    @staticmethod
    def _quota_reason(fault: ProviderFault) -> str:
        return tr(
            "Sending paused: the account's daily or monthly limit is reached ({code}). "
            "The rest stays queued; resume when the limit resets or after raising it in the provider's console.",
            code=fault.code,
        )

    # -- progress -------------------------------------------------------------------------

    def _count_settled(self, s: Settlement, skipped: int) -> None:
        p = self.progress
        accepted = sum(1 for o in s.outcomes if o.accepted)
        p.accepted += accepted
        p.failed += len(s.outcomes) - accepted
        p.in_doubt += len(s.in_doubt)
        p.skipped += skipped
        p.done += len(s.outcomes) + len(s.in_doubt) + skipped
        if s or skipped:
            p.note()
            if self.on_progress is not None:
                self.on_progress(p)
