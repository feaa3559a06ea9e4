"""The send loop and its journal under every sequence of provider answers Hypothesis can think of.

``tests/storage/test_journal_stateful.py`` drives the journal's transitions directly; this
machine drives the real loop (:func:`run_campaign`) over a real SQLite journal, with a provider
that answers each request as the rule says: accepted, read timeout (reached or not), never sent,
429 with ``Retry-After``, a per-number limit, a refusal, an opted-out answer, a partial answer,
or the process killed mid-request (the store is reopened and what was inflight recovered, as on
the next start).  Customers opt out, the clock moves, the owner decides about messages in doubt.

What must hold, checked by the provider at every request and after every step:

* a message is only ever handed to the provider while the journal has it inflight;
* no message in doubt is sent again unless the owner said so, and no message reaches the
  provider twice otherwise;
* a number on the opt-out list is never handed out after it got there;
* within a run, no request before a ``Retry-After`` deadline, and a number held by a per-number
  limit not before its time;
* the counts add up: every message is in exactly one state, the loop's progress matches the
  journal, nothing is left inflight between runs, and everything that reached the provider is
  sent or in doubt.
"""

from __future__ import annotations

import random
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

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
from smsdesk.core.sending import RetryPolicy, run_campaign
from smsdesk.core.states import MessageState
from smsdesk.engine.campaign_control import recover_after_crash
from smsdesk.engine.send_rules import classify_throttle
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage

PHONES = [f"+86139000000{i:02d}" for i in range(8)]
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
STATES = {s.value for s in MessageState}
RETRY_AFTER = 2.0
ANSWERS = (
    "ok", "timeout_reached", "timeout_lost", "not_sent", "throttled", "per_number", "reject",
    "opted_out", "partial_transient", "partial_missing", "killed_reached", "killed_lost",
)
THROTTLED = ProviderFault(ErrorKind.RATE_LIMITED, "Throttling.User", "too many requests", RETRY_AFTER)
PER_NUMBER = ProviderFault(ErrorKind.RATE_LIMITED, "LimitExceeded.PhoneNumberThirtySecondLimit", "30 s")
INVALID = ProviderFault(ErrorKind.INVALID_NUMBER, "InvalidParameterValue.IncorrectPhoneNumber", "bad")
OPTED = ProviderFault(ErrorKind.OPTED_OUT, "FailedOperation.PhoneNumberInBlacklist", "blacklist")
BUSY = ProviderFault(ErrorKind.TRANSIENT, "InternalError.OtherError", "busy")


class Killed(BaseException):
    """The sending process died in the middle of a request."""


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return START + timedelta(seconds=self.now)

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class ScriptedProvider:
    """Answers each request with the next answer of its script; checks every request it gets."""

    kind: ClassVar[str] = "scripted"
    max_batch = 100

    def __init__(self, machine: SendLoopMachine, script: list[str]) -> None:
        self.m = machine
        self.script = script
        self.not_before = 0.0
        """This run's Retry-After deadline, on the fake clock."""

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        m = self.m
        answer = self.script.pop(0) if self.script else "ok"
        if not self.script:
            m.cancel.set()  # the run ends once the answers it was given are used up
        states = m.states()
        now = m.time.now
        assert now >= self.not_before - 1e-9, "a request before the Retry-After deadline"
        for msg in batch:
            assert states[msg.message_id] == "inflight", f"message {msg.message_id} sent while {states[msg.message_id]}"
            assert msg.message_id not in m.doubted, f"message {msg.message_id} in doubt was sent again"
            assert msg.phone not in m.opted, f"{msg.phone} was handed out after it opted out"
            assert m.time.wall() >= m.held_until.get(msg.message_id, START), "a number sent before its limit passed"
        ids = [msg.message_id for msg in batch]
        if answer in ("ok", "timeout_reached", "killed_reached"):
            m.reached.update(ids)
        if answer in ("partial_transient", "partial_missing", "opted_out"):
            m.reached.update(ids[1:])
            if answer == "partial_missing":
                m.reached[ids[0]] += 1  # the provider took it but did not say so
        for i in ids:
            assert m.reached[i] <= 1 + m.resends[i], f"message {i} reached the provider twice"
        if answer == "ok":
            return [SendOutcome(i, provider_id=f"P{i}.{m.reached[i]}") for i in ids]
        if answer.startswith("timeout"):
            raise OutcomeUnknown("read timeout")
        if answer == "not_sent":
            raise RequestNotSent("connection refused")
        if answer == "throttled":
            self.not_before = now + RETRY_AFTER
            raise ProviderError(THROTTLED)
        if answer == "per_number":
            if len(ids) == 1:
                m.held_until[ids[0]] = m.time.wall() + timedelta(seconds=30)
            raise ProviderError(PER_NUMBER)
        if answer == "reject":
            raise ProviderError(INVALID)
        if answer.startswith("killed"):
            raise Killed
        first = {"opted_out": SendOutcome(ids[0], fault=OPTED), "partial_transient": SendOutcome(ids[0], fault=BUSY)}
        if answer == "opted_out":
            m.opted.add(batch[0].phone)
        rest = [SendOutcome(i, provider_id=f"P{i}.{m.reached[i]}") for i in ids[1:]]
        return ([first[answer]] if answer in first else []) + rest

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        return []

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


class SendLoopMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="send-loop-"))
        self.path = self.folder / "history.sqlite3"
        self.store = Store.open(self.path, durable=True)
        self.time = FakeTime()
        self.cancel = threading.Event()
        self.reached: Counter[int] = Counter()
        self.resends: Counter[int] = Counter()
        self.doubted: set[int] = set()
        """Messages in doubt the owner has not (yet) chosen to send again."""
        self.dropped: set[int] = set()
        self.opted: set[str] = set()
        self.held_until: dict[int, datetime] = {}
        self.campaign = 0
        self.total = 0
        self.runs = 0

    @initialize(
        phones=st.lists(st.sampled_from(PHONES), min_size=2, max_size=16, unique=True),
        per_request=st.integers(1, 4),
    )
    def write_campaign(self, phones: list[str], per_request: int) -> None:
        account = self.store.accounts.add(Account(name="A", provider="sandbox"))
        assert account.id is not None
        messages = [NewMessage(p, "", f"text {i}", {}, 1, batch=i // per_request + 1) for i, p in enumerate(phones)]
        self.campaign = self.store.journal.create_campaign(name="C", account_id=account.id, body="x", messages=messages)
        self.total = len(phones)

    def teardown(self) -> None:
        try:
            assert self.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    def states(self) -> dict[int, str]:
        rows = self.store.conn.execute(
            "SELECT id, state FROM messages WHERE campaign_id = ?", (self.campaign,)
        ).fetchall()
        return {r["id"]: r["state"] for r in rows}

    def _note_doubts(self) -> None:
        self.doubted |= {i for i, s in self.states().items() if s == "in_doubt"}

    # -- rules ----------------------------------------------------------------------------------

    @rule(script=st.lists(st.sampled_from(ANSWERS), min_size=1, max_size=4))
    def send(self, script: list[str]) -> None:
        """One run of the send loop, answering its requests with ``script``."""
        self.runs += 1
        self.cancel.clear()
        journal = self.store.journal
        total, done = journal.progress_counts(self.campaign)
        before = Counter(self.states().values())
        provider = ScriptedProvider(self, list(script))
        try:
            result = run_campaign(
                journal, provider, SendSpec(), self.campaign, total=total, done=done,
                cancel=self.cancel, rate_per_second=4.0, throttle=classify_throttle,
                retry=RetryPolicy(max_attempts=3, base_delay=1.0, rng=random.Random(self.runs)),
                clock=self.time.clock, wall=self.time.wall, sleep=self.time.sleep,
            )
        except Killed:
            self._restart()
            return
        after = Counter(self.states().values())
        progress = result.progress
        assert progress.done == journal.progress_counts(self.campaign)[1], "the loop's count is not the journal's"
        assert progress.accepted == after["sent"] - before["sent"]
        assert progress.failed == after["failed"] - before["failed"]
        assert progress.in_doubt == after["in_doubt"] - before["in_doubt"]
        assert progress.skipped == after["skipped"] - before["skipped"]
        assert after["inflight"] == 0, "a run ended with messages inflight"
        self._note_doubts()

    def _restart(self) -> None:
        """The process was killed: a new one opens the database and recovers."""
        inflight = {i for i, s in self.states().items() if s == "inflight"}
        self.store.close()
        self.store = Store.open(self.path, durable=True)
        assert recover_after_crash(self.store) == len(inflight)
        after = self.states()
        assert all(after[i] == "in_doubt" for i in inflight)
        self._note_doubts()

    @rule(phone=st.sampled_from(PHONES))
    def opt_out(self, phone: str) -> None:
        self.store.optouts.add(phone, "STOP")
        self.opted.add(phone)

    @rule(seconds=st.sampled_from([1, 5, 31, 3600]))
    def clock(self, seconds: int) -> None:
        self.time.now += seconds

    @precondition(lambda self: bool(self.doubted))
    @rule(send_again=st.booleans())
    def owner_decides(self, send_again: bool) -> None:
        doubtful = [m.id for m in self.store.journal.in_doubt_messages(self.campaign)]
        changed = self.store.journal.resolve_in_doubt(doubtful, send_again=send_again)
        assert changed == len(doubtful)
        if send_again:
            self.resends.update(doubtful)
        else:
            self.dropped.update(doubtful)
        self.doubted -= set(doubtful)

    # -- invariants ----------------------------------------------------------------------------

    @invariant()
    def every_message_is_in_one_known_state_and_none_is_left_inflight(self) -> None:
        if self.campaign:
            states = self.states()
            assert len(states) == self.total
            assert set(states.values()) <= STATES
            assert "inflight" not in states.values()

    @invariant()
    def whatever_reached_the_provider_is_sent_or_in_doubt(self) -> None:
        if self.campaign:
            states = self.states()
            for i, times in self.reached.items():
                if times > self.resends[i] and i not in self.dropped:
                    assert states[i] in ("sent", "in_doubt"), f"message {i} reached the provider but is {states[i]}"

    @invariant()
    def a_message_in_doubt_stays_in_doubt_until_the_owner_decides(self) -> None:
        if self.campaign:
            states = self.states()
            assert all(states[i] == "in_doubt" for i in self.doubted)


SendLoopMachine.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestSendLoopStateMachine = SendLoopMachine.TestCase
