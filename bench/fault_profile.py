"""Fault profile: a campaign sent to an emulator that misbehaves in every way a provider does.

The emulator runs in a process of its own and answers, among the normal answers: 503 and 500
(before handling the request), 502 and a garbled body after the messages were accepted, 429 with
``Retry-After`` in seconds and as an HTTP date, read timeouts (no answer), connections dropped
right after the request was read and after it was handled, and partial failures: numbers
refused for good (a bad or blacklisted number) and numbers refused for a while with a
transient code, inside requests that carry other numbers (Tencent lists each number's fate in
its answer; Aliyun refuses the whole request and smsdesk finds the culprit).  Then:

* every message ends in a definite state (sent, delivered, failed, skipped) or in doubt;
* no request reaches the emulator before a ``Retry-After`` deadline it gave: the emulator notes
  when it answered 429 and the deadline it set, and when every later request arrived.  Requests
  that arrive within ``GRACE`` of the 429 left smsdesk before the answer came back and are
  counted apart ("already on their way"); and, on smsdesk's side, no request is handed to the
  provider adapter after the answer came back and before its deadline;
* the account's rate is never exceeded: the emulator's arrival times are run through a token
  bucket at the account's rate that tolerates ``TOLERANCE`` of jitter (GCRA), and so are the
  times smsdesk handed requests to the adapter, with ``START_TOLERANCE``; the most requests in
  any one second are counted too;
* the emulator accepted no message twice, every message it accepted is sent or in doubt in
  the journal, and every message the journal calls sent was accepted.

``python -m bench faults`` runs 10,000 messages through Aliyun (personalised, so SendBatchSms of
100) and prints the figures; ``--kind tencent`` sends identical texts (SendSms of 200, answered
number by number); ``--kind twilio`` one request per message.  Only 127.0.0.1 is contacted.
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
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from pathlib import Path

from bench.send_harness import (
    HTTP_DATE_AHEAD,
    Arrival,
    EmulatorProcess,
    add_account,
    customers,
    make_provider,
    new_campaign,
)
from smsdesk.core.provider_api import (
    DeliveryReport,
    OutgoingMessage,
    Provider,
    ProviderError,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.emulator import Fault, FaultKind

GRACE = 0.1
"""A request arriving this soon after a 429 was answered had left smsdesk before the answer came."""
HANDOVER = 0.005
"""On smsdesk's side: a request handed over this soon after a 429 came back was already on its way."""
TOLERANCE = 0.05
"""Jitter the rate check at the emulator tolerates: a request may arrive this much before its turn
(a thread of the sender or of the emulator descheduled for a moment on a busy machine)."""
START_TOLERANCE = 0.005
"""The same check on the times smsdesk handed requests to the adapter, where it decides."""
EPSILON = 0.002
"""Clock conversions (an HTTP date has whole seconds): a deadline is met within this."""
READ_TIMEOUT = 0.6

TRANSIENT_CODES = {"aliyun": "isp.SYSTEM_ERROR", "tencent": "InternalError.OtherError"}
"""A number refused with these for a while: the provider's passing trouble."""


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


FAULTS: tuple[Fault, ...] = (
    Fault(FaultKind.SERVER_ERROR, status=503),
    Fault(FaultKind.SERVER_ERROR, status=500),
    Fault(FaultKind.RATE_LIMIT, retry_after="1"),
    Fault(FaultKind.RATE_LIMIT, retry_after="2"),
    Fault(FaultKind.RATE_LIMIT, retry_after=HTTP_DATE_AHEAD + "2.5"),
    Fault(FaultKind.HOLD, hold=READ_TIMEOUT * 2),
    Fault(FaultKind.DROP),
    Fault(FaultKind.DROP, after_processing=True),
    Fault(FaultKind.MALFORMED, after_processing=True),
    Fault(FaultKind.SERVER_ERROR, status=502, after_processing=True),
)


SEND_ACTIONS = {"aliyun": "SendBatchSms", "tencent": "SendSms", "twilio": "CreateMessage"}
"""What a send request of each service is called, for faults that should only hit sending."""


def _aimed(fault: Fault, kind: str) -> Fault:
    """``fault`` for ``kind``'s send requests only (not its report or reply queries), where the
    emulator can tell them apart."""
    fields = {f.name for f in dataclass_fields(Fault)}
    if "action" in fields and kind in SEND_ACTIONS:
        return replace(fault, api=kind, **{"action": SEND_ACTIONS[kind]})
    return replace(fault, api=kind)


def fault_schedule(rng: random.Random, kind: str, rounds: int) -> list[tuple[Fault, int, int]]:
    """``rounds`` times every fault of :data:`FAULTS`, shuffled: (fault, times, requests let through first)."""
    schedule = []
    for round_no in range(rounds):
        faults = list(FAULTS)
        rng.shuffle(faults)
        if round_no == 0:
            # Early enough to come before a short campaign ends: an HTTP-date Retry-After.
            dated = next(f for f in faults if (f.retry_after or "").startswith(HTTP_DATE_AHEAD))
            faults.remove(dated)
            faults.insert(rng.randint(0, 2), dated)
        for fault in faults:
            times = rng.choice((1, 1, 2)) if fault.kind is FaultKind.SERVER_ERROR else 1
            schedule.append((_aimed(fault, kind), times, rng.randint(1, 4)))
    return schedule


@dataclass
class Profile:
    kind: str
    messages: int
    rate: float
    concurrency: int
    seconds: float = 0.0
    resumes: int = 0
    requests: int = 0
    """Send requests the emulator received (an Aliyun request refused for a number is split)."""
    handovers: int = 0
    """Requests smsdesk's send loop handed to the provider adapter."""
    answers: dict[str, int] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)
    not_final: int = 0
    retry_after_answers: int = 0
    retry_after_dates: int = 0
    """Of those, the ones whose Retry-After was an HTTP date rather than seconds."""
    early_requests: int = 0
    """Requests that reached the emulator after its 429 (and ``GRACE``) and before the deadline."""
    on_their_way: int = 0
    early_handovers: int = 0
    """Requests smsdesk handed over after a 429 came back and before its deadline."""
    rate_violations: int = 0
    """Arrivals the token bucket at the account's rate (with ``TOLERANCE``) would not have let through."""
    most_ahead_ms: float = 0.0
    """The most any request arrived before its turn in that bucket."""
    start_violations: int = 0
    """Hand-overs to the adapter the bucket (with ``START_TOLERANCE``) would not have let through."""
    most_start_ahead_ms: float = 0.0
    most_in_one_second: int = 0
    accepted_twice: int = 0
    accepted_not_recorded: int = 0
    recorded_not_accepted: int = 0
    emulator_errors: int = 0

    @property
    def ok(self) -> bool:
        return (
            self.not_final == 0 and self.early_requests == 0 and self.early_handovers == 0
            and self.rate_violations == 0 and self.start_violations == 0
            and self.accepted_twice == 0 and self.accepted_not_recorded == 0
            and self.recorded_not_accepted == 0 and self.emulator_errors == 0 and self.retry_after_answers > 0
        )


def _most_within(times: Sequence[float], window: float) -> int:
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


def token_bucket_check(times: Sequence[float], rate: float, tolerance: float) -> tuple[int, float]:
    """Arrivals a bucket of ``rate`` per second would refuse (GCRA with ``tolerance``), and the most
    any arrival came before its turn (seconds; negative when none did)."""
    interval = 1.0 / rate
    due = float("-inf")
    violations = 0
    most_ahead = float("-inf")
    for t in sorted(times):
        ahead = due - t
        most_ahead = max(most_ahead, ahead)
        if ahead > tolerance:
            violations += 1
            continue
        due = max(due, t) + interval
    return violations, most_ahead


def judge_retry_after(profile: Profile, sends: Sequence[Arrival], handed: Sequence[Handover]) -> None:
    starts = sorted(h.start for h in handed)
    arrivals = sorted(a.at for a in sends)
    for answer in sends:
        if answer.retry_until is None:
            continue
        profile.retry_after_answers += 1
        profile.retry_after_dates += not answer.retry_after.strip().replace(".", "", 1).isdigit()
        deadline = answer.retry_until - EPSILON
        profile.early_requests += sum(1 for t in arrivals if answer.answered + GRACE < t < deadline)
        profile.on_their_way += sum(1 for t in arrivals if answer.answered < t <= min(answer.answered + GRACE, deadline))
    for h in handed:
        if h.retry_after is None:
            continue
        deadline = h.end + h.retry_after - EPSILON
        profile.early_handovers += sum(1 for s in starts if h.end + HANDOVER < s < deadline)


def run(kind: str, messages: int, rate: float, concurrency: int, seed: int) -> Profile:
    import httpx

    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.storage import Store

    rng = random.Random(seed)
    profile = Profile(kind, messages, rate, concurrency)
    personalised = kind != "tencent"
    with tempfile.TemporaryDirectory(prefix="smsdesk-faults-") as tmp, EmulatorProcess(0.0, seed=seed) as emu:
        people = customers(messages, personalised=personalised)
        phones = [p.phone for p in people]
        refused, passing = max(1, messages // 1000), max(1, messages // 2000)
        picked = rng.sample(phones, k=refused + passing)
        for phone in picked[:refused]:
            emu.refuse_number(phone, api=kind)
        if kind in TRANSIENT_CODES:
            for phone in picked[refused:]:
                emu.refuse_number(phone, code=TRANSIENT_CODES[kind], api=kind, times=2)
        for fault, times, after in fault_schedule(rng, kind, rounds=2):
            emu.inject(fault, times, after=after)
        provider = TimedProvider(make_provider(kind, emu.url, timeout=httpx.Timeout(READ_TIMEOUT, connect=2.0)))
        db = Path(tmp) / "history.sqlite3"
        with Store.open(db, durable=True) as store:
            account = add_account(store, kind, emu.url, rate=rate, concurrency=concurrency)
            campaign = new_campaign(store, account, people)
            started = time.monotonic()
            outcome = send_campaign(store, provider, account, campaign, max_wait=60)  # type: ignore[arg-type]
            while outcome.state == "paused" and profile.resumes < 20:
                # The provider kept failing long enough to pause: the owner presses Resume.
                profile.resumes += 1
                outcome = send_campaign(store, provider, account, campaign, max_wait=60)  # type: ignore[arg-type]
            profile.seconds = time.monotonic() - started
        provider.close()
        conn = sqlite3.connect(db)
        try:
            rows = conn.execute("SELECT phone, state FROM messages WHERE campaign_id = ?", (campaign,)).fetchall()
        finally:
            conn.close()
        accepted = Counter(m[0] for m in emu.accepted())
        arrivals = emu.arrivals()
        profile.emulator_errors = len(emu.errors())

    profile.states = dict(Counter(state for _p, state in rows))
    profile.not_final = sum(1 for _p, state in rows if state in ("queued", "inflight"))
    for phone, state in rows:
        times = accepted.get(phone, 0)
        profile.accepted_twice += times > 1
        profile.accepted_not_recorded += bool(times) and state not in ("sent", "delivered", "in_doubt")
        profile.recorded_not_accepted += state in ("sent", "delivered") and not times

    sends = [a for a in arrivals if a.sends]
    profile.requests = len(sends)
    profile.handovers = len(provider.handovers)
    profile.answers = dict(Counter(a.answer for a in sends))
    judge_retry_after(profile, sends, provider.handovers)
    violations, ahead = token_bucket_check([a.at for a in sends], rate, TOLERANCE)
    profile.rate_violations = violations
    profile.most_ahead_ms = round(max(ahead, 0.0) * 1000, 1)
    profile.most_in_one_second = _most_within([a.at for a in sends], 1.0)
    violations, ahead = token_bucket_check([h.start for h in provider.handovers], rate, START_TOLERANCE)
    profile.start_violations = violations
    profile.most_start_ahead_ms = round(max(ahead, 0.0) * 1000, 1)
    return profile


def _print(p: Profile) -> None:
    print(
        f"fault profile: {p.messages:,} messages through {p.kind} at {p.rate:g} requests/s, {p.concurrency} at once: "
        f"{p.requests} requests ({p.handovers} handed over by the send loop) in {p.seconds:.1f} s, "
        f"{p.resumes} resumes after a pause\n"
        f"  answers {dict(sorted(p.answers.items()))}\n"
        f"  final states {dict(sorted(p.states.items()))}; not final {p.not_final}\n"
        f"  Retry-After answers {p.retry_after_answers} ({p.retry_after_dates} as an HTTP date): requests that reached the emulator before the deadline "
        f"{p.early_requests} (already on their way: {p.on_their_way}); handed over before it {p.early_handovers}\n"
        f"  rate: {p.rate_violations} requests over a {p.rate:g}/s token bucket with {TOLERANCE * 1000:.0f} ms "
        f"tolerance (most ahead of its turn {p.most_ahead_ms} ms); most in one second {p.most_in_one_second}; "
        f"handed to the adapter: {p.start_violations} over the bucket with {START_TOLERANCE * 1000:.0f} ms "
        f"(most ahead {p.most_start_ahead_ms} ms)\n"
        f"  accepted twice {p.accepted_twice}, accepted but not recorded {p.accepted_not_recorded}, "
        f"recorded but not accepted {p.recorded_not_accepted}, emulator errors {p.emulator_errors}\n"
        f"  -> {'PASS' if p.ok else 'FAIL'}",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench faults", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kind", default="aliyun", help="aliyun, tencent or twilio; several separated by commas")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=60.0, help="the account's requests per second")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("SMSDESK_HOME", tempfile.mkdtemp(prefix="smsdesk-faults-home-"))
    profiles = []
    for kind in [k for k in args.kind.split(",") if k]:
        profile = run(kind, args.messages, args.rate, args.concurrency, args.seed)
        profiles.append(profile)
        if not args.json:
            _print(profile)
    ok = bool(profiles) and all(p.ok for p in profiles)
    if args.json:
        print(json.dumps({"ok": ok, "profiles": [asdict(p) | {"ok": p.ok} for p in profiles]}, ensure_ascii=False))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
