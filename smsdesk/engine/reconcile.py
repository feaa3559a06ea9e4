"""Reconciling messages in doubt with the providers' own records.

A message is in doubt when its request may have reached the provider and no answer came back.
Before the owner is asked whether to send such messages again, the providers that can be asked
(:class:`~smsdesk.core.provider_api.SentFinder`) are asked, account by account:

* the provider has the message: it went out.  It becomes "sent" with the provider's id, so
  its delivery report is fetched like any other's (or it is final at once, when the report is
  already in);
* the provider searched that number and day and does not have it: it stays in doubt, noted as
  "not found at the provider", and the owner decides, knowing that;
* the provider cannot say (too old, not searchable, not reachable): nothing changes.

Nothing is ever sent again here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from smsdesk.core.provider_api import (
    OutcomeUnknown,
    Provider,
    ProviderError,
    RequestNotSent,
    SentFinder,
    SentProbe,
    describe_kind,
)
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.reconcile import ReconcileBook, ReconcileCheck

log = logging.getLogger("smsdesk.reconcile")

BATCH = 20
"""Probes handed to a provider at once (it looks them up number by number)."""
LOOKUPS_PER_SECOND = {"tencent": 10.0, "aliyun": 10.0, "twilio": 5.0}
"""Lookups are spaced to this rate, well under each service's limit for its query API
(Tencent allows 20 a second for PullSmsSendStatusByPhoneNumber), since they run beside the
sending and the report polling on the same account."""
RECHECK_AFTER = timedelta(minutes=30)
"""Periodic reconciliation asks again about a message not found only after this long."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ReconcileResult:
    found: int = 0
    """Messages the provider has: they left doubt."""
    not_found: int = 0
    """Messages the provider searched for and does not have."""
    unanswered: int = 0
    """Messages the provider could not say anything about, or that could not be asked."""
    unsupported: int = 0
    """Messages of accounts whose provider cannot be asked at all."""
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One sentence for the status bar or a command's output."""
        if not (self.found or self.not_found or self.unanswered or self.unsupported):
            return tr("No message in doubt needed looking up.")
        parts = [
            tr(
                "Looked up at the provider: {found} had been sent, {missing} not found there.",
                found=self.found,
                missing=self.not_found,
            )
        ]
        if self.unanswered:
            parts.append(tr("{count} could not be looked up now.", count=self.unanswered))
        if self.unsupported:
            parts.append(
                tr("{count} are with a provider that cannot be asked.", count=self.unsupported)
            )
        return " ".join(parts)


def supports_reconcile(account: Account) -> bool:
    """Whether the provider of ``account`` can look up messages in doubt."""
    from smsdesk.providers import provider_class

    try:
        cls = provider_class(account.provider)
    except UserFacingError:
        return False
    return callable(getattr(cls, "find_sent", None))


def _default_open(account: Account) -> Provider:
    from smsdesk.engine.providers import open_provider

    return open_provider(account)


def reconcile_in_doubt(
    store: Store,
    *,
    campaign_id: int | None = None,
    open_provider: Callable[[Account], Provider] | None = None,
    clock: Callable[[], datetime] = utc_now,
    cancel: threading.Event | None = None,
    recheck_after: timedelta | None = None,
    wait: Callable[[float], bool] | None = None,
) -> ReconcileResult:
    """Ask the providers about the messages in doubt that have no provider id (of one campaign
    or all) and settle what they answer; see the module docstring.

    ``recheck_after``: leave out messages already found missing less than this long ago.
    ``wait(seconds)`` spaces the lookups and returns True when they must stop (``cancel``'s
    wait by default).
    """
    opener = open_provider or _default_open
    book = ReconcileBook(store.conn)
    checked_before = clock() - recheck_after if recheck_after is not None else None
    waiting = book.probes(campaign_id=campaign_id, checked_before=checked_before)
    by_account: dict[int, list[SentProbe]] = {}
    for item in waiting:
        by_account.setdefault(item.account_id, []).append(item.probe)
    result = ReconcileResult()
    stop = cancel or threading.Event()
    pause = wait or stop.wait
    for owner, probes in by_account.items():
        if stop.is_set():
            break
        account = store.accounts.get_by_id(owner)
        if not supports_reconcile(account):
            result.unsupported += len(probes)
            continue
        try:
            provider = opener(account)
        except UserFacingError as exc:
            result.unanswered += len(probes)
            result.problems.append(tr("{account}: {reason}", account=account.name, reason=str(exc)))
            continue
        try:
            _ask(book, account, cast(SentFinder, provider), probes, result, clock=clock, stop=stop, pause=pause)
        finally:
            provider.close()
    return result


def _chunks(probes: Sequence[SentProbe], size: int) -> Iterable[Sequence[SentProbe]]:
    for start in range(0, len(probes), size):
        yield probes[start : start + size]


def _ask(
    book: ReconcileBook,
    account: Account,
    finder: SentFinder,
    probes: Sequence[SentProbe],
    result: ReconcileResult,
    *,
    clock: Callable[[], datetime],
    stop: threading.Event,
    pause: Callable[[float], bool],
) -> None:
    left = len(probes)
    rate = LOOKUPS_PER_SECOND.get(account.provider, 5.0)
    for number, chunk in enumerate(_chunks(probes, BATCH)):
        numbers = len({p.phone for p in chunk})
        if stop.is_set() or (number and pause(numbers / rate)):
            result.unanswered += left
            return
        try:
            matches = finder.find_sent(chunk)
        except ProviderError as exc:
            fault = exc.fault
            result.unanswered += left
            result.problems.append(
                tr(
                    "{account}: messages in doubt could not be looked up. {advice} ({code})",
                    account=account.name,
                    advice=describe_kind(fault.kind),
                    code=fault.code,
                )
            )
            return
        except (RequestNotSent, OutcomeUnknown) as exc:
            log.info("reconciling %s: %s", account.name, exc)
            result.unanswered += left
            result.problems.append(
                tr(
                    "{account}: the provider could not be reached to look up messages in doubt.",
                    account=account.name,
                )
            )
            return
        asked = {p.message_id for p in chunk}
        answered = [m for m in matches if m.message_id in asked]
        result.found += book.settle_found([m for m in answered if m.found], clock())
        missing = [m.message_id for m in answered if not m.found]
        if missing:
            result.not_found += book.mark_not_found(missing, clock(), detail=account.provider)
        result.unanswered += len(chunk) - len({m.message_id for m in answered})
        left -= len(chunk)


def reconcile_campaign_at(
    database: Path, campaign_id: int, cancel: threading.Event | None = None
) -> ReconcileResult:
    """:func:`reconcile_in_doubt` for one campaign on a connection of its own (for a worker
    thread: a Store belongs to the thread that opened it)."""
    with Store.open(database) as store:
        return reconcile_in_doubt(store, campaign_id=campaign_id, cancel=cancel)


def can_reconcile_campaign(store: Store, campaign_id: int) -> bool:
    account = store.accounts.get_by_id(store.journal.campaign_account(campaign_id))
    return supports_reconcile(account)


def evidence(store: Store, message_ids: Iterable[int]) -> dict[int, ReconcileCheck]:
    """For each message in doubt its provider was asked about and does not have: when."""
    return ReconcileBook(store.conn).checks(message_ids)


def not_found_in_doubt(store: Store, campaign_id: int) -> list[int]:
    return ReconcileBook(store.conn).not_found_in_doubt(campaign_id)
