"""Fetching delivery reports: which messages to ask about, when, and how fast.

A desktop app gets no webhooks, so it asks. Each message is asked about again at growing
intervals (soon after sending, when most reports arrive, then less and less often) and given up
on after :data:`GIVE_UP_AFTER`, when the providers themselves stop keeping reports; it then stays
"sent", without a report. Requests to each account are spaced to its provider's rate for report
queries, a rate-limit answer pauses that account for as long as the provider asked, and polling
stops once nothing is waiting.

Reports may come late, out of order, twice or never; the journal applies a report only to a
message still waiting for one, and a report naming a provider id no message carries yet is
kept and applied on a later round (see :mod:`smsdesk.storage.reports`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    OutcomeUnknown,
    Provider,
    ProviderError,
    RequestNotSent,
    SentRef,
    describe_kind,
)
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.reports import ReportBook

log = logging.getLogger("smsdesk.reports")

GIVE_UP_AFTER = timedelta(days=3)
KEEP_UNCLAIMED = timedelta(days=7)
SCHEDULE: tuple[tuple[timedelta, timedelta], ...] = (
    # (age of the message below which, ask again after)
    (timedelta(minutes=2), timedelta(seconds=10)),
    (timedelta(minutes=30), timedelta(minutes=1)),
    (timedelta(hours=6), timedelta(minutes=15)),
    (GIVE_UP_AFTER, timedelta(hours=2)),
)
"""About a hundred questions over three days for a message whose report never comes; most
reports arrive within the first minute."""
RECONCILE_EVERY = timedelta(minutes=10)
"""How often messages in doubt without a provider id are looked up at their provider while the
poller runs (see :mod:`smsdesk.engine.reconcile`)."""
RATE_LIMIT_PAUSE = timedelta(seconds=30)
UNREACHABLE_PAUSE = timedelta(minutes=1)
REFUSED_PAUSE = timedelta(minutes=10)


def ask_again_after(age: timedelta) -> timedelta | None:
    """How long to wait before asking again about a message sent ``age`` ago; None: give up."""
    for below, interval in SCHEDULE:
        if age < below:
            return interval
    return None


@dataclass(frozen=True)
class ReportPolicy:
    requests_per_second: float
    """Report queries per second at most, whatever the account's own send rate."""
    per_message: bool
    """One request per message (Aliyun QuerySendDetails, Twilio message status) rather than one
    request for whatever reports are ready (Tencent PullSmsSendStatus, the Sandbox)."""


REPORT_POLICIES: dict[str, ReportPolicy] = {
    "aliyun": ReportPolicy(10.0, per_message=True),
    "twilio": ReportPolicy(10.0, per_message=True),
    # Each call pulls up to ten pages of 100; the API allows 100 calls a second.
    "tencent": ReportPolicy(2.0, per_message=False),
    "sandbox": ReportPolicy(100.0, per_message=False),
}
"""Providers that can be asked; a generic HTTP gateway has no way to, so it is never polled."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class RoundResult:
    changed: int = 0
    """Messages a report moved to delivered or failed."""
    waiting: int = 0
    """Messages still waiting for a report that will be asked about again."""
    next_round_in: float | None = None
    """Seconds until something is due; None when nothing is left to ask about."""
    problems: list[str] = field(default_factory=list)
    """One sentence per account that could not be asked."""
    requests: int = 0


class ReportPoller:
    """Asks providers for delivery reports on behalf of one database connection.

    ``wait(seconds)`` pauses between requests and returns True when polling should stop (the
    worker passes its cancel event's ``wait``); ``clock`` gives the time. Tests replace both.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        wait: Callable[[float], bool] | None = None,
        open_provider: Callable[[Account], Provider] | None = None,
    ) -> None:
        self._store = store
        self._book = ReportBook(store.conn)
        self._clock = clock
        self._wait = wait or threading.Event().wait
        self._due: dict[int, datetime] = {}
        self._paused: dict[int, datetime] = {}
        self._next_request: dict[int, datetime] = {}
        self._stopped = False
        self._everything = False
        self._reconcile_at: datetime | None = None
        from smsdesk.engine.providers import OpenProviders

        self._providers = OpenProviders(open_provider)
        """Kept between rounds and closed by :meth:`close`."""

    # -- scheduling ---------------------------------------------------------------------------

    def _first_due(self, ref: SentRef) -> datetime:
        interval = ask_again_after(timedelta(0)) or timedelta(0)
        return ref.sent_at + interval

    def ask_everything_now(self) -> None:
        """"Refresh now": on the next round every waiting message is due (rate limits still apply)."""
        self._everything = True

    def _pace(self, account: Account, policy: ReportPolicy, now: datetime) -> bool:
        """Wait for the account's next request slot; False when polling must stop."""
        rate = max(0.1, min(policy.requests_per_second, account.rate_per_second or policy.requests_per_second))
        assert account.id is not None
        slot = self._next_request.get(account.id, now)
        delay = (slot - now).total_seconds()
        if delay > 0 and self._wait(delay):
            self._stopped = True
            return False
        start = max(slot, self._clock())
        self._next_request[account.id] = start + timedelta(seconds=1 / rate)
        return True

    # -- one round ----------------------------------------------------------------------------

    def run_round(self) -> RoundResult:
        """Ask every account about its messages that are due; apply what comes back."""
        now = self._clock()
        result = RoundResult()
        self._stopped = False
        everything, self._everything = self._everything, False
        self._reconcile(now, result)
        self._book.expire(now - KEEP_UNCLAIMED)
        floor = self._book.first_id_since(now - GIVE_UP_AFTER)
        if floor is None:
            self._due.clear()
            return result
        still_due: dict[int, datetime] = {}
        next_due: datetime | None = None
        for account_id in self._book.accounts_waiting(floor):
            account = self._store.accounts.get_by_id(account_id)
            policy = REPORT_POLICIES.get(account.provider)
            if policy is None:
                continue
            young = [r for r in self._all_waiting(account_id, floor) if now - r.sent_at < GIVE_UP_AFTER]
            if not young:
                continue
            paused = self._paused.get(account_id)
            due: list[SentRef] = [] if paused is not None and paused > now else [
                r for r in young if everything or self._due.get(r.message_id, self._first_due(r)) <= now
            ]
            settled: set[str] = set()
            if due and not self._stopped:
                settled = self._ask(account, policy, due, result)
            asked = {r.message_id for r in due}
            held = self._paused.get(account_id)
            for ref in young:
                if ref.provider_id in settled:
                    continue
                when = self._due.get(ref.message_id, self._first_due(ref))
                if ref.message_id in asked:
                    interval = ask_again_after(now - ref.sent_at)
                    if interval is None:
                        continue
                    when = now + interval
                still_due[ref.message_id] = when
                result.waiting += 1
                if held is not None and held > when:
                    when = held
                next_due = when if next_due is None else min(next_due, when)
        self._due = still_due
        if result.waiting:
            after = max(0.0, ((next_due or now) - self._clock()).total_seconds())
            result.next_round_in = after
        return result

    def _reconcile(self, now: datetime, result: RoundResult) -> None:
        """Now and then, look messages in doubt up at their provider: those it has become
        "sent" and wait for their report like the others; nothing is ever sent again here."""
        if self._reconcile_at is not None and now < self._reconcile_at:
            return
        self._reconcile_at = now + RECONCILE_EVERY
        from smsdesk.engine.reconcile import RECHECK_AFTER, reconcile_in_doubt

        outcome = reconcile_in_doubt(
            self._store, open_provider=self._providers.opener, clock=self._clock, recheck_after=RECHECK_AFTER, wait=self._wait
        )
        result.changed += outcome.found
        result.problems.extend(outcome.problems)

    def _all_waiting(self, account_id: int, floor: int) -> list[SentRef]:
        refs: list[SentRef] = []
        after = floor - 1
        while True:
            page = self._book.waiting(account_id, after_id=after, limit=1000)
            refs.extend(page)
            if len(page) < 1000:
                return refs
            after = page[-1].message_id

    def _ask(self, account: Account, policy: ReportPolicy, due: Sequence[SentRef], result: RoundResult) -> set[str]:
        """Ask about ``due``; returns the provider ids now settled (reported, applied or kept)."""
        assert account.id is not None
        try:
            provider = self._providers.get(account)
        except UserFacingError as exc:
            self._pause(account, REFUSED_PAUSE)
            result.problems.append(tr("{account}: {reason}", account=account.name, reason=str(exc)))
            return set()
        reports: list[DeliveryReport] = []
        try:
            groups = [[r] for r in due] if policy.per_message else [list(due)]
            for group in groups:
                if not self._pace(account, policy, self._clock()):
                    break
                result.requests += 1
                reports.extend(provider.fetch_reports(group))
        except ProviderError as exc:
            fault = exc.fault
            if fault.kind == ErrorKind.RATE_LIMITED:
                seconds = fault.retry_after if fault.retry_after is not None else RATE_LIMIT_PAUSE.total_seconds()
                self._pause(account, timedelta(seconds=max(seconds, 1.0)))
            else:
                # Opened again next time: the owner may have fixed the key meanwhile.
                self._providers.forget(account.id)
                self._pause(account, REFUSED_PAUSE)
                result.problems.append(
                    tr("{account}: delivery reports could not be fetched. {advice} ({code})",
                       account=account.name, advice=describe_kind(fault.kind), code=fault.code)
                )
        except (RequestNotSent, OutcomeUnknown) as exc:
            log.info("reports for %s: %s", account.name, exc)
            self._pause(account, UNREACHABLE_PAUSE)
            result.problems.append(
                tr("{account}: the provider could not be reached for delivery reports; smsdesk will try again.",
                   account=account.name)
            )
        return self._apply(account.id, reports, result)

    def close(self) -> None:
        """Close the providers kept open between rounds."""
        self._providers.close()

    def __enter__(self) -> ReportPoller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _pause(self, account: Account, length: timedelta) -> None:
        assert account.id is not None
        until = self._clock() + length
        self._paused[account.id] = until
        self._next_request[account.id] = until

    def _apply(self, account_id: int, reports: Sequence[DeliveryReport], result: RoundResult) -> set[str]:
        journal = self._store.journal
        now = self._clock()
        if reports:
            result.changed += journal.apply_reports(account_id, reports)
            unknown = self._book.unknown_ids(account_id, [r.provider_id for r in reports])
            if unknown:
                self._book.keep(account_id, [r for r in reports if r.provider_id in unknown], now)
        kept = self._book.kept(account_id)
        if kept:
            ids = [k.provider_id for k in kept]
            claimed = set(ids) - self._book.unknown_ids(account_id, ids)
            if claimed:
                result.changed += journal.apply_reports(account_id, [k for k in kept if k.provider_id in claimed])
                self._book.settle(account_id, sorted(claimed))
        return {r.provider_id for r in reports}

