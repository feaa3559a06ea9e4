"""How fast requests may leave: the account's rate, the provider's "wait", and backing off.

Three separate brakes, because providers complain in three ways:

* :class:`TokenBucket` keeps requests at or below the rate set on the account.  After a
  request-rate refusal it halves its rate and climbs back to the account's rate over a few
  seconds, so a provider that is stricter than the owner thought is not hammered.
* :class:`HoldOff` is a deadline before which no request starts: a ``Retry-After`` or the
  backoff after a failure.  It only ever moves later.
* :class:`Backoff` is exponential backoff with full jitter, for transient errors only.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]
EPSILON = 1e-9
"""Clock arithmetic in floats: a wait this short is no wait."""


class TokenBucket:
    """At most ``rate`` requests per second: a token bucket holding one token.

    Requests never start closer together than ``1 / rate`` seconds, so no window of one second
    ever holds more than ``rate`` of them.  The next tokens can be reserved ahead
    (:meth:`reserve`): the send loop hands a request to a thread a little before its slot, and
    the thread starts it on time, so the time spent writing the journal does not eat into the
    rate.  Slots not used are lost, never saved up for a burst.  A rate of 0 means no limit.
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

    @property
    def rate(self) -> float:
        """The rate in force now (the ceiling, or less while recovering from a slow-down)."""
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
        wait = self._next - self._clock()
        return wait if wait > EPSILON else 0.0

    def slots_within(self, horizon: float) -> int:
        """How many requests may start within ``horizon`` seconds from now."""
        if self.ceiling == 0:
            return 1 << 30
        ahead = self._next - self._clock()
        if ahead > horizon + EPSILON:
            return 0
        return 1 + int((horizon - max(ahead, 0.0)) * self.rate + EPSILON)

    def reserve(self) -> float:
        """Take the next slot; returns the seconds from now until it."""
        if self.ceiling == 0:
            return 0.0
        now = self._clock()
        start = max(self._next, now)
        self._next = start + 1.0 / self.rate
        wait = start - now
        return wait if wait > EPSILON else 0.0

    def slow_down(self, factor: float = 0.5) -> None:
        """The provider said "too many requests": lower the rate, then recover gradually."""
        if self.ceiling == 0:
            return
        self._floor_rate = max(self.ceiling / 64, self.rate * factor)
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
