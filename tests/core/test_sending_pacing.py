"""The three brakes of the send loop: the account's rate, Retry-After deadlines, backoff."""

from __future__ import annotations

import random

import pytest

from smsdesk.core.pacing import Backoff, HoldOff, TokenBucket, before_request, requests_gated


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_slots_are_one_interval_apart_and_unused_ones_are_not_saved_up() -> None:
    clock = Clock()
    bucket = TokenBucket(10.0, clock=clock)
    waits = [bucket.reserve() for _ in range(4)]
    assert waits == pytest.approx([0.0, 0.1, 0.2, 0.3])
    clock.now += 5.0  # idle for five seconds: no burst of 50 afterwards
    assert bucket.reserve() == 0.0
    assert bucket.reserve() == pytest.approx(0.1)
    assert bucket.delay() == pytest.approx(0.2)


def test_slots_within_a_horizon() -> None:
    clock = Clock()
    bucket = TokenBucket(100.0, clock=clock)
    assert bucket.slots_within(0.05) == 6  # now and every 10 ms up to 50 ms
    for _ in range(6):
        bucket.reserve()
    assert bucket.slots_within(0.05) == 0
    clock.now += 0.01
    assert bucket.slots_within(0.05) == 1
    assert TokenBucket(0, clock=clock).slots_within(0.05) > 1000  # no limit


def test_a_slow_down_halves_the_rate_then_it_climbs_back() -> None:
    clock = Clock()
    bucket = TokenBucket(10.0, clock=clock)
    bucket.reserve()
    bucket.slow_down()
    assert bucket.rate == pytest.approx(5.0)
    assert bucket.delay() == pytest.approx(0.2)
    clock.now += TokenBucket.RECOVERY_SECONDS / 2
    assert bucket.rate == pytest.approx(7.5)
    clock.now += TokenBucket.RECOVERY_SECONDS
    assert bucket.rate == 10.0


def test_hold_off_only_moves_later() -> None:
    clock = Clock()
    hold = HoldOff(clock)
    assert hold.remaining() == 0.0
    hold.hold(7.0)
    hold.hold(2.0)
    assert hold.remaining() == pytest.approx(7.0)
    clock.now += 7.5
    assert hold.remaining() == 0.0


def test_backoff_is_full_jitter_below_an_exponential_ceiling_with_retry_after_as_floor() -> None:
    backoff = Backoff(base=0.5, cap=4.0, rng=random.Random(3))
    for attempt, ceiling in ((0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (9, 4.0)):
        draws = [backoff.delay(attempt) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > ceiling * 0.8 and min(draws) < ceiling * 0.2  # spread over the range
    assert all(backoff.delay(0, retry_after=3.0) >= 3.0 for _ in range(50))


def test_inside_a_batch_each_request_after_the_first_waits_for_its_slot_and_for_retry_after() -> None:
    clock = Clock()
    bucket = TokenBucket(10.0, clock=clock)
    hold = HoldOff(clock)

    def sleep(seconds: float) -> None:
        clock.now += seconds

    started: list[float] = []
    bucket.reserve()  # the send loop's slot for the batch's first request
    with requests_gated(bucket, hold, sleep):
        before_request()
        started.append(clock.now)
        before_request()
        started.append(clock.now)
        hold.hold(3.0)  # a Retry-After came back meanwhile
        before_request()
        started.append(clock.now)
    before_request()  # outside a batch send: no wait
    assert started == pytest.approx([100.0, 100.1, 103.1])
    assert clock.now == pytest.approx(103.1)


def test_a_request_woken_late_does_not_let_the_next_one_leave_on_its_heels() -> None:
    clock = Clock()
    bucket = TokenBucket(10.0, clock=clock)
    assert [bucket.reserve(), bucket.reserve()] == pytest.approx([0.0, 0.1])
    clock.now += 0.08  # the first request's thread woke 80 ms late
    assert bucket.admit() == 0.0
    clock.now += 0.02  # the second one wakes on time, 20 ms after the first started
    assert bucket.admit() == pytest.approx(0.08)  # and waits until an interval has passed
    clock.now += 5.0
    assert bucket.admit() == 0.0
    assert TokenBucket(0, clock=clock).admit() == 0.0
