"""The send loop: journal in, provider out, every message accounted for.

The loop knows neither SQL nor HTTP: it drives a :class:`SendJournal` and a
:class:`~smsdesk.core.provider_api.Provider`.  Its rules are the ones that keep a shop from
texting a customer twice or losing half a campaign:

* a message is marked inflight (durably) before its request leaves;
* a request that provably never left is retried with backoff;
* a request whose fate is unknown puts its messages in doubt, never back in the queue;
* a definite refusal of the whole request for a reason that will not go away (credentials,
  balance, template) pauses the campaign, leaving what is unsent queued for later.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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
from smsdesk.i18n import tr

RETRYABLE = frozenset({ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED})


class SendJournal(Protocol):
    def claim_batch(self, campaign_id: int, limit: int) -> list[OutgoingMessage]: ...
    def record_outcomes(self, outcomes: Sequence[SendOutcome]) -> None: ...
    def requeue(self, message_ids: Sequence[int]) -> None: ...
    def mark_in_doubt(self, message_ids: Sequence[int], reason: str) -> None: ...
    def mark_failed(self, message_ids: Sequence[int], fault: ProviderFault) -> None: ...


@dataclass
class SendProgress:
    """A snapshot for progress bars; ``done`` counts messages with an answer (or in doubt)."""

    total: int
    done: int = 0
    accepted: int = 0
    failed: int = 0
    in_doubt: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

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


@dataclass
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Exponential backoff with full jitter; a provider's Retry-After is a floor."""
        backoff = random.uniform(0, min(self.max_delay, self.base_delay * 2**attempt))
        return max(backoff, retry_after or 0.0)


class RequestPacer:
    """Keeps requests at or below ``rate`` per second (a token bucket of one request)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._clock = clock
        self._next = clock()

    def wait_time(self) -> float:
        now = self._clock()
        wait = max(0.0, self._next - now)
        self._next = max(now, self._next) + self._interval
        return wait


def run_campaign(
    journal: SendJournal,
    provider: Provider,
    spec: SendSpec,
    campaign_id: int,
    *,
    total: int,
    on_progress: Callable[[SendProgress], None] | None = None,
    cancel: threading.Event | None = None,
    rate_per_second: float = 0.0,
    retry: RetryPolicy | None = None,
    sleep: Callable[[float], None] | None = None,
) -> SendResult:
    """Send every queued message of ``campaign_id``; returns when the queue is empty or paused."""
    cancel = cancel or threading.Event()
    retry = retry or RetryPolicy()
    wait = sleep or (lambda seconds: cancel.wait(seconds))
    pacer = RequestPacer(rate_per_second)
    progress = SendProgress(total=total)
    attempts: dict[int, int] = {}
    failures_in_a_row = 0

    def report() -> None:
        if on_progress is not None:
            on_progress(progress)

    while not cancel.is_set():
        batch = journal.claim_batch(campaign_id, provider.max_batch)
        if not batch:
            break
        ids = [m.message_id for m in batch]
        delay = pacer.wait_time()
        if delay:
            wait(delay)
        try:
            outcomes = provider.send(batch, spec)
        except RequestNotSent as exc:
            journal.requeue(ids)
            failures_in_a_row += 1
            if failures_in_a_row >= retry.max_attempts:
                return SendResult(
                    progress,
                    tr(
                        "Cannot reach the provider: {reason}", reason=str(exc) or type(exc).__name__
                    ),
                )
            wait(retry.delay(failures_in_a_row))
            continue
        except OutcomeUnknown as exc:
            journal.mark_in_doubt(ids, str(exc) or tr("No answer from the provider"))
            progress.in_doubt += len(ids)
            progress.done += len(ids)
            report()
            continue
        except ProviderError as exc:
            fault = exc.fault
            if fault.kind in RETRYABLE:
                journal.requeue(ids)
                failures_in_a_row += 1
                if failures_in_a_row >= retry.max_attempts:
                    return SendResult(
                        progress,
                        tr(
                            "The provider keeps refusing: {code} {message}",
                            code=fault.code,
                            message=fault.message,
                        ),
                    )
                wait(retry.delay(failures_in_a_row, fault.retry_after))
                continue
            if fault.kind in (
                ErrorKind.INVALID_NUMBER,
                ErrorKind.OPTED_OUT,
                ErrorKind.CONTENT_REJECTED,
            ):
                journal.mark_failed(ids, fault)
                progress.failed += len(ids)
                progress.done += len(ids)
                report()
                continue
            # Credentials, balance, approval: every further request would fail the same way.
            journal.requeue(ids)
            return SendResult(
                progress,
                tr(
                    "Sending paused: {advice} ({code})",
                    advice=describe_kind(fault.kind),
                    code=fault.code,
                ),
            )
        failures_in_a_row = 0
        answered = {o.message_id for o in outcomes}
        missing = [mid for mid in ids if mid not in answered]
        if missing:
            journal.mark_in_doubt(
                missing, tr("The provider did not say what happened to this message")
            )
            progress.in_doubt += len(missing)
            progress.done += len(missing)
        final: list[SendOutcome] = []
        again: list[int] = []
        for o in outcomes:
            if o.fault is not None and o.fault.kind in RETRYABLE:
                attempts[o.message_id] = attempts.get(o.message_id, 0) + 1
                if attempts[o.message_id] < retry.max_attempts:
                    again.append(o.message_id)
                    continue
            final.append(o)
        journal.record_outcomes(final)
        if again:
            journal.requeue(again)
            retry_after = max((o.fault.retry_after or 0.0) for o in outcomes if o.fault) or None
            wait(retry.delay(max(attempts[m] for m in again), retry_after))
        for o in final:
            progress.done += 1
            if o.accepted:
                progress.accepted += 1
            else:
                progress.failed += 1
        report()
    return SendResult(progress, cancelled=cancel.is_set())
