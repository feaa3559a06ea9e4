"""Fault profile: a campaign sent to an emulator that misbehaves in every way a provider does.

5xx (503 "not now" and 500 "failed mid-way"), 429 with ``Retry-After`` in seconds and as an
HTTP date, read timeouts, connections dropped before and after the request was handled, a
garbled body after the messages were accepted, and numbers refused inside a request.  Then:

* every message ends in a definite state (sent, delivered, failed, skipped) or in doubt;
* no request is handed to the provider adapter after a ``Retry-After`` answer came back and
  before its deadline (times are taken at that hand-over, where smsdesk decides; a request
  already on its way when the answer arrived is not counted);
* the account's rate is never exceeded: at most ``rate`` requests in any second (the window is
  shortened by the 10 ms of thread scheduling jitter between the pacer and the adapter);
* the emulator accepted no message twice, every message it accepted is sent or in doubt in
  the journal, and every message the journal calls sent was accepted.

``python -m bench.fault_profile`` runs 10,000 messages through Aliyun (personalised, so
SendBatchSms) and prints the figures; ``--kind tencent`` or ``twilio`` sends one request per
message.  Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any

from bench.send_harness import add_account, customers, make_provider, new_campaign
from smsdesk.core.provider_api import (
    DeliveryReport,
    OutgoingMessage,
    Provider,
    ProviderError,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.emulator import Emulator, Fault, FaultKind
from smsdesk.emulator.http_server import Outcome, Request

JITTER = 0.010
"""Allowed scheduling jitter between the pacer and the adapter (a thread waking up late)."""
HANDOVER = 0.005
"""A request handed over at most this long after a Retry-After arrived was already on its way."""
DATE_AHEAD = "http-date"


class RecordingEmulator(Emulator):
    """The emulator, noting when each request arrived and when it answered 429."""

    def __init__(self) -> None:
        super().__init__("127.0.0.1", 0, workers=64)
        self.arrivals: list[float] = []
        self.throttled_at: list[tuple[float, float]] = []
        self._lock = threading.Lock()

    def _application(self, request: Request) -> Outcome:
        with self._lock:
            self.arrivals.append(time.monotonic())
        return super()._application(request)

    def _misbehave(self, api: Any, fault: Fault) -> Outcome:
        if fault.kind is FaultKind.RATE_LIMIT and fault.retry_after == DATE_AHEAD:
            # An HTTP date two seconds ahead, made when the answer is given.
            fault = Fault(fault.kind, fault.api, retry_after=formatdate(time.time() + 2.5, usegmt=True))
        if fault.kind is FaultKind.RATE_LIMIT:
            with self._lock:
                self.throttled_at.append((time.monotonic(), 0.0))
        return super()._misbehave(api, fault)


@dataclass
class Handover:
    start: float
    end: float = 0.0
    retry_after: float | None = None


class TimedProvider:
    """The real provider, with the time each request was handed over and answered."""

    def __init__(self, inner: Provider) -> None:
        self.inner = inner
        self.kind = inner.kind
        self.max_batch = inner.max_batch
        self.handovers: list[Handover] = []
        self._lock = threading.Lock()

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        record = Handover(time.monotonic())
        with self._lock:
            self.handovers.append(record)
        try:
            return self.inner.send(batch, spec)
        except ProviderError as exc:
            record.retry_after = exc.fault.retry_after
            raise
        finally:
            record.end = time.monotonic()

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        return self.inner.fetch_reports(pending)

    def test_connection(self) -> str:
        return self.inner.test_connection()

    def close(self) -> None:
        self.inner.close()


FAULTS: tuple[tuple[Fault, int, int], ...] = (
    # (fault, times, requests let through before it)
    (Fault(FaultKind.SERVER_ERROR, status=503), 2, 3),
    (Fault(FaultKind.RATE_LIMIT, retry_after="1"), 1, 4),
    (Fault(FaultKind.SERVER_ERROR, status=500), 1, 4),
    (Fault(FaultKind.HOLD, hold=1.2), 1, 4),
    (Fault(FaultKind.DROP), 1, 4),
    (Fault(FaultKind.RATE_LIMIT, retry_after=DATE_AHEAD), 1, 4),
    (Fault(FaultKind.DROP, after_processing=True), 1, 4),
    (Fault(FaultKind.MALFORMED, after_processing=True), 1, 4),
    (Fault(FaultKind.SERVER_ERROR, status=502, after_processing=True), 1, 4),
    (Fault(FaultKind.RATE_LIMIT, retry_after="2"), 2, 4),
    (Fault(FaultKind.SERVER_ERROR, status=503), 3, 4),
)


@dataclass
class Profile:
    kind: str
    messages: int
    rate: float
    concurrency: int
    seconds: float = 0.0
    requests: int = 0
    states: dict[str, int] = field(default_factory=dict)
    not_final: int = 0
    retry_after_answers: int = 0
    early_requests: int = 0
    """Requests handed over after a Retry-After answer came back and before its deadline."""
    in_flight_at_retry_after: int = 0
    most_in_one_second: int = 0
    most_in_window: int = 0
    accepted_twice: int = 0
    accepted_not_recorded: int = 0
    recorded_not_accepted: int = 0
    emulator_errors: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.not_final == 0 and self.early_requests == 0 and self.most_in_window <= self.rate
            and self.accepted_twice == 0 and self.accepted_not_recorded == 0 and self.recorded_not_accepted == 0
            and self.emulator_errors == 0 and self.retry_after_answers > 0
        )


def _most_within(times: Sequence[float], window: float) -> int:
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


def run(kind: str, messages: int, rate: float, concurrency: int, seed: int) -> Profile:
    import httpx

    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.storage import Store

    rng = random.Random(seed)
    profile = Profile(kind, messages, rate, concurrency)
    with tempfile.TemporaryDirectory(prefix="smsdesk-faults-") as tmp, RecordingEmulator() as emu:
        emu.load_demo()
        people = customers(messages)
        refused = rng.sample([p.phone for p in people], k=max(1, messages // 500))
        for phone in refused:
            emu.refuse_number(phone)
        for fault, times, after in FAULTS:
            emu.inject(Fault(fault.kind, kind, fault.status, fault.retry_after, fault.hold, fault.after_processing),
                       times, after=after)
        provider = TimedProvider(make_provider(kind, emu.url, timeout=httpx.Timeout(0.6, connect=2.0)))
        db = Path(tmp) / "history.sqlite3"
        with Store.open(db, durable=True) as store:
            account = add_account(store, kind, emu.url, rate=rate, concurrency=concurrency)
            campaign = new_campaign(store, account, people)
            started = time.monotonic()
            outcome = send_campaign(store, provider, account, campaign, max_wait=0)  # type: ignore[arg-type]
            rounds = 1
            while outcome.state == "paused" and rounds < 20:
                # The provider kept failing long enough to pause: the owner presses Resume.
                outcome = send_campaign(store, provider, account, campaign, max_wait=0)  # type: ignore[arg-type]
                rounds += 1
            profile.seconds = time.monotonic() - started
        provider.close()
        conn = sqlite3.connect(db)
        try:
            rows = conn.execute("SELECT phone, state FROM messages WHERE campaign_id = ?", (campaign,)).fetchall()
        finally:
            conn.close()
        accepted = Counter(m.e164 for m in emu.accepted)
        profile.emulator_errors = len(emu.errors)

    profile.states = dict(Counter(state for _p, state in rows))
    profile.not_final = sum(1 for _p, state in rows if state in ("queued", "inflight"))
    for phone, state in rows:
        times = accepted.get(phone, 0)
        profile.accepted_twice += times > 1
        profile.accepted_not_recorded += bool(times) and state not in ("sent", "delivered", "in_doubt")
        profile.recorded_not_accepted += state in ("sent", "delivered") and not times

    handed = provider.handovers
    profile.requests = len(handed)
    starts = sorted(h.start for h in handed)
    for h in handed:
        if h.retry_after is None:
            continue
        profile.retry_after_answers += 1
        deadline = h.end + h.retry_after
        profile.early_requests += sum(1 for s in starts if h.end + HANDOVER < s < deadline)
        profile.in_flight_at_retry_after += sum(1 for s in starts if h.end < s <= h.end + HANDOVER)
    profile.most_in_one_second = _most_within(starts, 1.0)
    profile.most_in_window = _most_within(starts, 1.0 - JITTER)
    return profile


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fault_profile", description=__doc__.splitlines()[0])
    parser.add_argument("--kind", default="aliyun", choices=("aliyun", "tencent", "twilio"))
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=20.0, help="the account's requests per second")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("SMSDESK_HOME", tempfile.mkdtemp(prefix="smsdesk-faults-home-"))
    p = run(args.kind, args.messages, args.rate, args.concurrency, args.seed)
    summary = {**p.__dict__, "ok": p.ok}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"fault profile: {p.messages} messages through {p.kind} at {p.rate:g} requests/s, {p.concurrency} at once: "
            f"{p.requests} requests in {p.seconds:.1f} s\n"
            f"  final states {p.states}; not final {p.not_final}\n"
            f"  Retry-After answers {p.retry_after_answers}: requests before the deadline {p.early_requests} "
            f"(already on their way: {p.in_flight_at_retry_after})\n"
            f"  most requests in one second {p.most_in_one_second} (in {1 - JITTER:.2f} s: {p.most_in_window}; "
            f"limit {p.rate:g})\n"
            f"  accepted twice {p.accepted_twice}, accepted but not recorded {p.accepted_not_recorded}, "
            f"recorded but not accepted {p.recorded_not_accepted}, emulator errors {p.emulator_errors}\n"
            f"  -> {'PASS' if p.ok else 'FAIL'}"
        )
    return 0 if p.ok else 1


if __name__ == "__main__":
    sys.exit(main())
