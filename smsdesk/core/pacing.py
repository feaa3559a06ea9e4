"""How fast requests may leave: the account's rate, the provider's "wait", and backing off.

Three separate brakes, because providers complain in three ways:

* :class:`TokenBucket` keeps requests at or below the rate set on the account.  After a
  request-rate refusal it halves its rate and climbs back to the account's rate over a few
  seconds, so a provider that is stricter than the owner thought is not hammered.
* :class:`HoldOff` is a deadline before which no request starts: a ``Retry-After`` or the
  backoff after a failure.  It only ever moves later.
* :class:`Backoff` is exponential backoff with full jitter, for transient errors only.

A batch is one request for the send loop, but a provider adapter may need several for it
(Aliyun halving a request to find the number it refuses, Tencent splitting mainland and
international numbers).  The adapters call :func:`before_request` before each HTTP request;
while a batch is being sent (:func:`requests_gated`), every request after the first waits for a
slot of the account's bucket and for any ``Retry-After`` in force, like a batch of its own.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

Clock = Callable[[], float]
EPSILON = 1e-9
"""Clock arithmetic in floats: a wait this short is no wait."""
ADMIT_SLACK = 0.002
"""A request this close to its turn goes at once: a thread's sleep is rarely more precise."""


class TokenBucket:
    """At most ``rate`` requests per second: a token bucket holding one token.

    Requests never start closer together than ``1 / rate`` seconds, so no window of one second
    ever holds more than ``rate`` of them.  The next tokens can be reserved ahead
    (:meth:`reserve`): the send loop hands a request to a thread a little before its slot, and
    the thread starts it on time, so the time spent writing the journal does not eat into the
    rate.  Slots not used are lost, never saved up for a burst.  A rate of 0 means no limit.
    Safe to use from several threads.
    """

    RECOVERY_SECONDS = 10.0
    """After a slow-down, the time it takes to climb from the lowered rate back to the ceiling."""

    def __init__(self, rate: float, *, clock: Clock = time.monotonic) -> None:
        self.ceiling = max(0.0, rate)
        self._clock = clock
        self._next = clock()
        """When the next request may start."""
        self._floor_rate = self.ceiling
        self._slowed_at: float | None = None
        self._last_start = float("-inf")
        self._lock = threading.RLock()

    @property
    def rate(self) -> float:
        """The rate in force now (the ceiling, or less while recovering from a slow-down)."""
        with self._lock:
            return self._rate()

    def _rate(self) -> float:
        if self._slowed_at is None or self.ceiling == 0:
            return self.ceiling
        climbed = (self._clock() - self._slowed_at) / self.RECOVERY_SECONDS
        rate = self._floor_rate + (self.ceiling - self._floor_rate) * climbed
        if rate >= self.ceiling:
            self._slowed_at = None
            return self.ceiling
        return rate

    def delay(self) -> float:
        """Seconds until the next request may start (0 when it may start now)."""
        if self.ceiling == 0:
            return 0.0
        with self._lock:
            wait = self._next - self._clock()
        return wait if wait > EPSILON else 0.0

    def slots_within(self, horizon: float) -> int:
        """How many requests may start within ``horizon`` seconds from now."""
        if self.ceiling == 0:
            return 1 << 30
        with self._lock:
            ahead = self._next - self._clock()
            if ahead > horizon + EPSILON:
                return 0
            return 1 + int((horizon - max(ahead, 0.0)) * self._rate() + EPSILON)

    def reserve(self) -> float:
        """Take the next slot; returns the seconds from now until it."""
        if self.ceiling == 0:
            return 0.0
        with self._lock:
            now = self._clock()
            start = max(self._next, now)
            self._next = start + 1.0 / self._rate()
        wait = start - now
        return wait if wait > EPSILON else 0.0

    def admit(self) -> float:
        """A request is about to start: the seconds it must still wait so that it starts at least
        an interval after the one admitted before it (then it counts as started).

        Slots are reserved ahead and kept by threads that sleep until them; a thread that wakes
        late must not leave the next request, woken on time, right on its heels.
        """
        if self.ceiling == 0:
            return 0.0
        with self._lock:
            now = self._clock()
            start = max(now, self._last_start + 1.0 / self._rate())
            # The start as planned, not as it will happen: waking late from this wait must not
            # push every later request back as well.
            self._last_start = start
        wait = start - now
        return wait if wait > ADMIT_SLACK else 0.0

    def slow_down(self, factor: float = 0.5) -> None:
        """The provider said "too many requests": lower the rate, then recover gradually."""
        if self.ceiling == 0:
            return
        with self._lock:
            self._floor_rate = max(self.ceiling / 64, self._rate() * factor)
            self._slowed_at = self._clock()
            self._next = max(self._next, self._clock() + 1.0 / self._floor_rate)


class HoldOff:
    """No request may start before a deadline; later deadlines replace earlier ones, never the reverse.

    Safe to use from several threads: an answer carrying ``Retry-After`` holds everything back
    from the thread that received it, before the send loop has even seen the answer.
    """

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._until = clock()
        self._lock = threading.Lock()

    def hold(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, self._clock() + max(0.0, seconds))

    def remaining(self) -> float:
        with self._lock:
            return max(0.0, self._until - self._clock())

    @property
    def until(self) -> float:
        """The deadline, on the clock's scale."""
        return self._until


@dataclass
class Backoff:
    """Exponential backoff with full jitter: a random wait in ``[0, min(cap, base * 2**n))``."""

    base: float = 0.5
    cap: float = 30.0
    rng: random.Random | None = None

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait before attempt ``attempt + 1``; a provider's ``Retry-After`` is a floor."""
        ceiling = min(self.cap, self.base * 2 ** max(0, attempt))
        draw = (self.rng or random).uniform(0.0, ceiling)
        return max(draw, retry_after or 0.0)


# -- every request of a batch paced, not only the first ------------------------------------------

_gate: ContextVar[Callable[[], None] | None] = ContextVar("smsdesk_request_gate", default=None)


def before_request() -> None:
    """Wait until the next HTTP request to the provider may leave (at once outside a batch send)."""
    gate = _gate.get()
    if gate is not None:
        gate()


@contextmanager
def requests_gated(
    bucket: TokenBucket, hold: HoldOff, sleep: Callable[[float], None] = time.sleep
) -> Iterator[None]:
    """While sending one batch on this thread: its first request has its slot already (the send
    loop reserved it); each further one reserves a slot of ``bucket`` and waits for it and for
    ``hold``."""
    first = [True]

    def gate() -> None:
        if first[0]:
            first[0] = False
            return
        while True:
            held = hold.remaining()
            if held > 0:
                sleep(held)
                continue
            wait = bucket.reserve()
            if wait > 0:
                sleep(wait)
            wait = bucket.admit()
            if wait > 0:
                sleep(wait)
            if hold.remaining() <= 0:
                return

    token = _gate.set(gate)
    try:
        yield
    finally:
        _gate.reset(token)
