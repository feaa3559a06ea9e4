"""The journal under every interleaving Hypothesis can think of: a stateful test.

A pretend provider counts how many times each message really reached it.  Requests are
claimed, answered in any order (accepted, timed out, refused, rate limited, opted out, partly
answered), the process "crashes" with requests in flight, customers opt out, the clock moves,
and the owner decides about messages in doubt.  After every step:

* no message reached the provider twice unless the owner chose to send it again after doubt;
* a message that reached the provider is never queued, failed or skipped (it is sent, inflight
  or in doubt, unless the owner chose to drop it): nothing is lost, nothing is sent again by
  accident;
* a claim only hands out queued messages whose time has come and whose number is not opted out;
* every message is in exactly one known state, the counts add up, and the database is intact.

``tests/engine/test_send_loop_stateful.py`` drives the same journal through the real send loop.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, ProviderFault, SendOutcome
from smsdesk.core.sending import Settlement
from smsdesk.core.states import MessageState
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage

PHONES = [f"+861390000000{i}" for i in range(6)]
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
STATES = {s.value for s in MessageState}
REACHED_OK = {"inflight", "sent", "delivered", "in_doubt"}
INVALID = ProviderFault(ErrorKind.INVALID_NUMBER, "isv.MOBILE_NUMBER_ILLEGAL", "bad number")
OPTED = ProviderFault(ErrorKind.OPTED_OUT, "FailedOperation.PhoneNumberInBlacklist", "blacklist")


class JournalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="journal-"))
        self.path = self.folder / "history.sqlite3"
        self.store = Store.open(self.path, durable=True)
        self.now = START
        self.reached: Counter[int] = Counter()
        """How many times each message reached the pretend provider."""
        self.resends: Counter[int] = Counter()
        """How many times the owner chose to send a message in doubt again."""
        self.dropped: set[int] = set()
        """Messages in doubt the owner chose not to send again (skipped, whatever happened)."""
        self.outstanding: list[list[OutgoingMessage]] = []
        self.opted: set[str] = set()
        self.phone_of: dict[int, str] = {}
        self.ids: list[int] = []
        self.campaign = 0
        self.serial = 0

    @initialize(
        phones=st.lists(st.sampled_from(PHONES), min_size=2, max_size=14),
        per_request=st.integers(1, 4),
    )
    def write_campaign(self, phones: list[str], per_request: int) -> None:
        account = self.store.accounts.add(Account(name="A", provider="sandbox"))
        assert account.id is not None
        messages = [NewMessage(p, "", f"text {i}", {}, 1, batch=i // per_request + 1) for i, p in enumerate(phones)]
        self.campaign = self.store.journal.create_campaign(
            name="C", account_id=account.id, body="x", messages=messages
        )
        rows = self.store.conn.execute(
            "SELECT id, phone FROM messages WHERE campaign_id = ? ORDER BY id", (self.campaign,)
        ).fetchall()
        self.phone_of = {r["id"]: r["phone"] for r in rows}
        self.ids = list(self.phone_of)

    def teardown(self) -> None:
        try:
            assert self.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            self.store.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- reading the journal ------------------------------------------------------------------

    def states(self) -> dict[int, str]:
        rows = self.store.conn.execute(
            "SELECT id, state FROM messages WHERE campaign_id = ?", (self.campaign,)
        ).fetchall()
        return {r["id"]: r["state"] for r in rows}

    def ready(self) -> set[int]:
        stamp = self.now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        rows = self.store.conn.execute(
            "SELECT id FROM messages WHERE campaign_id = ? AND state = 'queued'"
            " AND (not_before IS NULL OR not_before <= ?)",
            (self.campaign, stamp),
        ).fetchall()
        return {r["id"] for r in rows}

    def settle(self, settlement: Settlement) -> None:
        self.store.journal.settle_and_claim(self.campaign, settlement, groups=0, now=self.now)

    # -- the send loop's moves --------------------------------------------------------------------

    @rule(groups=st.integers(1, 3))
    def claim(self, groups: int) -> None:
        before = self.states()
        ready = self.ready()
        claimed = self.store.journal.settle_and_claim(self.campaign, Settlement(), groups=groups, now=self.now)
        after = self.states()
        handed = [m.message_id for batch in claimed.batches for m in batch]
        assert len(handed) == len(set(handed)), "a message handed out twice in one claim"
        assert set(handed) <= ready, "a message handed out that was not queued and due"
        assert not {self.phone_of[i] for i in handed} & self.opted, "an opted-out number handed out"
        assert len(claimed.batches) <= groups
        for i in handed:
            assert after[i] == "inflight"
        newly_skipped = {i for i in before if before[i] != "skipped" and after[i] == "skipped"}
        assert newly_skipped <= ready and all(self.phone_of[i] in self.opted for i in newly_skipped)
        assert claimed.skipped == len(newly_skipped)
        self.outstanding.extend(claimed.batches)

    @precondition(lambda self: bool(self.outstanding))
    @rule(
        pick=st.integers(0, 100),
        answer=st.sampled_from(
            ["ok", "timeout", "not_sent", "rate_limited", "per_number", "invalid", "opted_out", "partial", "split"]
        ),
        reached=st.booleans(),
    )
    def answer(self, pick: int, answer: str, reached: bool) -> None:
        batch = self.outstanding.pop(pick % len(self.outstanding))
        ids = [m.message_id for m in batch]
        s = Settlement()
        if answer == "ok":
            for i in ids:
                self.reached[i] += 1
                self.serial += 1
                s.outcomes.append(SendOutcome(i, provider_id=f"P{self.serial}"))
        elif answer == "timeout":
            if reached:
                self.reached.update(ids)
            s.in_doubt.extend((i, "read timeout") for i in ids)
        elif answer in ("not_sent", "rate_limited"):
            s.requeue.extend(ids)
        elif answer == "per_number":
            s.deferred.extend((i, self.now + timedelta(seconds=60)) for i in ids)
        elif answer == "invalid":
            s.outcomes.extend(SendOutcome(i, fault=INVALID) for i in ids)
        elif answer == "opted_out":
            s.outcomes.extend(SendOutcome(i, fault=OPTED) for i in ids)
            self.opted.update(self.phone_of[i] for i in ids)
        elif answer == "partial":
            half = len(ids) // 2
            for i in ids[:half]:
                self.reached[i] += 1
                self.serial += 1
                s.outcomes.append(SendOutcome(i, provider_id=f"P{self.serial}"))
            if reached:
                self.reached.update(ids[half:])
            s.in_doubt.extend((i, "missing") for i in ids[half:])
        else:
            half = max(1, len(ids) // 2)
            s.regroup.extend(part for part in (ids[:half], ids[half:]) if part)
        self.settle(s)
        after = self.states()
        expected = {
            "ok": "sent", "timeout": "in_doubt", "not_sent": "queued", "rate_limited": "queued",
            "per_number": "queued", "invalid": "failed", "opted_out": "failed", "split": "queued",
        }
        if answer == "partial":
            half = len(ids) // 2
            assert all(after[i] == "sent" for i in ids[:half])
            assert all(after[i] == "in_doubt" for i in ids[half:])
        else:
            assert all(after[i] == expected[answer] for i in ids)

    @precondition(lambda self: bool(self.ids))
    @rule(pending_reached=st.lists(st.booleans(), max_size=8))
    def crash(self, pending_reached: list[bool]) -> None:
        """The process dies with requests in flight; a new one starts and recovers."""
        for n, batch in enumerate(self.outstanding):
            if n < len(pending_reached) and pending_reached[n]:
                self.reached.update(m.message_id for m in batch)
        self.outstanding.clear()
        inflight = {i for i, s in self.states().items() if s == "inflight"}
        self.store.close()
        self.store = Store.open(self.path, durable=True)
        recovered = self.store.journal.recover_inflight("stopped mid-request")
        assert recovered == len(inflight)
        after = self.states()
        assert all(after[i] == "in_doubt" for i in inflight)

    @rule(phone=st.sampled_from(PHONES))
    def opt_out(self, phone: str) -> None:
        self.store.optouts.add(phone, "STOP")
        self.opted.add(phone)

    @rule(seconds=st.integers(1, 120))
    def clock(self, seconds: int) -> None:
        self.now += timedelta(seconds=seconds)

    @rule(send_again=st.booleans())
    def owner_decides(self, send_again: bool) -> None:
        doubtful = [m.id for m in self.store.journal.in_doubt_messages(self.campaign)]
        self.store.journal.resolve_in_doubt(doubtful, send_again=send_again)
        if send_again:
            self.resends.update(doubtful)
        else:
            self.dropped.update(doubtful)
        after = self.states()
        assert all(after[i] == ("queued" if send_again else "skipped") for i in doubtful)

    # -- what must always hold ----------------------------------------------------------------------

    @invariant()
    def every_message_is_in_one_known_state(self) -> None:
        if self.ids:
            states = self.states()
            assert set(states) == set(self.ids)
            assert set(states.values()) <= STATES

    @invariant()
    def the_counts_add_up(self) -> None:
        if self.ids:
            counts = self.store.journal.campaign_counts(self.campaign)
            assert sum(counts.values()) == len(self.ids)
            total, done = self.store.journal.progress_counts(self.campaign)
            assert total == len(self.ids)
            assert done == len(self.ids) - counts.get("queued", 0) - counts.get("inflight", 0)

    @invariant()
    def nothing_reached_the_provider_twice_without_the_owner(self) -> None:
        for i, times in self.reached.items():
            assert times <= 1 + self.resends[i], f"message {i} reached the provider {times} times"

    @invariant()
    def nothing_that_reached_the_provider_can_be_sent_again_by_itself(self) -> None:
        states = self.states() if self.ids else {}
        for i, times in self.reached.items():
            if times > self.resends[i] and i not in self.dropped:
                assert states[i] in REACHED_OK, f"message {i} reached the provider but is {states[i]}"

    @invariant()
    def sent_messages_have_a_provider_id(self) -> None:
        if self.ids:
            missing = self.store.conn.execute(
                "SELECT COUNT(*) FROM messages WHERE state = 'sent' AND provider_id IS NULL"
            ).fetchone()[0]
            assert missing == 0

    @invariant()
    def inflight_is_exactly_what_is_outstanding(self) -> None:
        if self.ids:
            inflight = {i for i, s in self.states().items() if s == "inflight"}
            assert inflight == {m.message_id for batch in self.outstanding for m in batch}


JournalMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestJournalStateMachine = JournalMachine.TestCase
