"""Fetching customers' replies and honouring their opt-out keywords at once.

A desktop app gets no webhooks, so it asks.  One *poll* of an account fetches pages until the
provider has nothing more waiting, records each reply once and applies its keyword in the same
transaction (see :mod:`smsdesk.storage.replies`); the journal skips numbers on the opt-out list
each time it hands out a batch, so a "T" stops every later message to that number, even in a
campaign already running.

Who polls:

* the window, through :class:`ReplyPoller` on a worker thread: every account whose provider can
  be asked, at the provider's ``reply_poll_interval`` while replies come in or a campaign is
  sending, backing off to :data:`IDLE_INTERVAL_MAX` when nothing comes;
* the process that sends a campaign, through :func:`watching_replies`, for as long as it sends.
  Without it a campaign sent by ``smsdesk send`` (no window open) or a window's sending process
  while the window is closed would never hear a STOP until it was over.

Both take an account's turn through the database (``ReplyStore.claim_poll``), so two processes
never ask one provider more often than it allows, and a reply fetched by both is recorded once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from smsdesk.core.keywords import Keywords, parse_keywords
from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    ProviderError,
    ReplySource,
    RequestNotSent,
    describe_kind,
)
from smsdesk.core.template import escape_literal
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.replies import RecordedReply, ReplyAction

if TYPE_CHECKING:
    from smsdesk.engine.campaign_control import SingleSendResult

log = logging.getLogger("smsdesk.replies")

DEFAULT_INTERVAL = 30.0
"""For a provider that does not say how often it may be asked."""
IDLE_INTERVAL_MAX = 240.0
"""Nothing came for a while: ask no less often than this."""
MAX_PAGES = 20
"""Pages fetched in one poll at most; the rest waits for the next one."""
TURN_SHARE = 0.8
"""Another process that polled within this share of the interval has taken the turn."""
RATE_LIMIT_PAUSE = 30.0
UNREACHABLE_PAUSE = 60.0
REFUSED_PAUSE = 600.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def supports_replies(account: Account) -> bool:
    """Whether smsdesk can fetch replies sent to ``account``."""
    from smsdesk.providers import provider_class

    try:
        cls = provider_class(account.provider)
    except UserFacingError:
        return False
    if not callable(getattr(cls, "fetch_replies", None)):
        return False
    check = getattr(cls, "replies_configured", None)
    return bool(check(account.settings)) if callable(check) else True


def poll_interval(source: object) -> float:
    value = getattr(source, "reply_poll_interval", None)
    return float(value) if isinstance(value, int | float) and value > 0 else DEFAULT_INTERVAL


# -- keywords --------------------------------------------------------------------------------


def save_keywords(store: Store, opt_out: str, opt_in: str, *, opt_in_allowed: bool) -> Keywords:
    """The owner's keyword lists, as typed (separated by commas or lines); checked, then saved."""
    out, into = parse_keywords(opt_out), parse_keywords(opt_in)
    if not out:
        raise UserFacingError(tr("Keep at least one opt-out keyword: customers must be able to opt out by reply."))
    both = Keywords(out, ()).match
    clash = [word for word in into if both(word) is not None]
    if clash:
        raise UserFacingError(
            tr("“{word}” cannot be both an opt-out and an opt-in keyword.", word=clash[0])
        )
    keywords = Keywords(out, into, opt_in_allowed)
    store.replies.save_keywords(keywords)
    return keywords


def action_label(action: str) -> str:
    """What a reply's keyword did, in a few words; empty for an ordinary reply."""
    labels = {
        ReplyAction.OPTED_OUT: tr("Added to the opt-out list"),
        ReplyAction.ALREADY_OUT: tr("Already on the opt-out list"),
        ReplyAction.OPTED_IN: tr("Removed from the opt-out list"),
        ReplyAction.OPT_IN_ASKED: tr("Asks to receive messages again; you decide"),
        ReplyAction.SUPERSEDED: tr("Came late; a later reply decided"),
    }
    return labels.get(action, "")


# -- one poll --------------------------------------------------------------------------------


@dataclass
class PollOutcome:
    """What one poll of one account found."""

    account: str
    recorded: list[RecordedReply] = field(default_factory=list)
    duplicates: int = 0
    pages: int = 0

    @property
    def opted_out(self) -> list[str]:
        return [r.phone for r in self.recorded if r.action == ReplyAction.OPTED_OUT]

    @property
    def opted_in(self) -> list[str]:
        return [r.phone for r in self.recorded if r.action == ReplyAction.OPTED_IN]

    @property
    def asking(self) -> list[str]:
        return [r.phone for r in self.recorded if r.action == ReplyAction.OPT_IN_ASKED]


def poll_account(store: Store, account: Account, source: ReplySource, *, max_pages: int = MAX_PAGES) -> PollOutcome:
    """Fetch what ``account``'s provider has waiting, record it once, act on its keywords.

    Raises like :meth:`ReplySource.fetch_replies`; what was recorded before stays recorded.
    """
    assert account.id is not None
    outcome = PollOutcome(account.name)
    keywords = store.replies.keywords()
    cursor = store.replies.cursor(account.id)
    while outcome.pages < max_pages:
        page = source.fetch_replies(cursor)
        outcome.pages += 1
        done = store.replies.record(account.id, page.replies, page.cursor, keywords)
        outcome.recorded.extend(done.recorded)
        outcome.duplicates += done.duplicates
        for reply in done.recorded:
            if reply.keyword:
                log.info("reply keyword %s from %s: %s", reply.keyword, _tail(reply.phone), reply.action)
        cursor = page.cursor
        if not page.more:
            break
    return outcome


def _tail(phone: str) -> str:
    return "…" + phone[-4:]


def problem_text(account: Account, exc: Exception) -> str:
    """One sentence saying why ``account``'s replies could not be fetched."""
    if isinstance(exc, ProviderError):
        return tr("{account}: replies could not be fetched. {advice} ({code})",
                  account=account.name, advice=describe_kind(exc.fault.kind), code=exc.fault.code)
    if isinstance(exc, RequestNotSent | OutcomeUnknown):
        return tr("{account}: the provider could not be reached for replies; smsdesk will try again.",
                  account=account.name)
    return tr("{account}: {reason}", account=account.name, reason=str(exc))


def pause_after(exc: Exception) -> float:
    """How long to leave an account alone after ``exc``."""
    if isinstance(exc, ProviderError):
        if exc.fault.kind == ErrorKind.RATE_LIMITED:
            return max(exc.fault.retry_after or RATE_LIMIT_PAUSE, 1.0)
        if exc.fault.kind == ErrorKind.TRANSIENT:
            return UNREACHABLE_PAUSE
        return REFUSED_PAUSE
    if isinstance(exc, RequestNotSent | OutcomeUnknown):
        return UNREACHABLE_PAUSE
    return REFUSED_PAUSE


# -- polling every account ---------------------------------------------------------------------


@dataclass
class ReplyRound:
    outcomes: list[PollOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    next_round_in: float = IDLE_INTERVAL_MAX
    """Seconds until an account is due again."""
    failing: list[str] = field(default_factory=list)
    """The problem of every account that could not be asked the last time, new or not."""

    @property
    def new(self) -> int:
        return sum(len(o.recorded) for o in self.outcomes)

    @property
    def opted_out(self) -> list[str]:
        return [p for o in self.outcomes for p in o.opted_out]


class ReplyPoller:
    """Polls every account that can be asked, each on its own schedule.

    An account is asked every ``reply_poll_interval`` seconds of its provider while replies
    come in or any campaign is sending; each poll that finds nothing doubles the wait, up to
    :data:`IDLE_INTERVAL_MAX`.  Errors pause the account (a rate limit for as long as the
    provider said) and come back as one sentence each; nothing here raises for a provider.
    """

    def __init__(
        self,
        store: Store,
        *,
        clock: Callable[[], datetime] = utc_now,
        open_provider: Callable[[Account], Any] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        from smsdesk.engine.providers import OpenProviders

        self._providers = OpenProviders(open_provider)
        self._due: dict[int, datetime] = {}
        self._wait: dict[int, float] = {}
        self._problem: dict[int, str] = {}

    def ask_everything_now(self) -> None:
        """"Check now": every account is due on the next round (another process's turn still counts)."""
        self._due.clear()
        self._wait.clear()

    def run_round(self) -> ReplyRound:
        now = self._clock()
        result = ReplyRound()
        sending = self._store.replies.accounts_sending()
        accounts = [a for a in self._store.accounts.all() if a.id is not None and supports_replies(a)]
        known = {a.id for a in accounts if a.id is not None}
        self._providers.keep_only(known)
        next_due: datetime | None = None
        for account in accounts:
            assert account.id is not None
            due = self._due.get(account.id, now)
            if due <= now:
                due = self._poll(account, now, bool(sending), result)
                self._due[account.id] = due
            next_due = due if next_due is None else min(next_due, due)
        if next_due is not None:
            result.next_round_in = max(0.0, (next_due - self._clock()).total_seconds())
        result.failing = [self._problem[k] for k in sorted(self._problem) if k in known]
        return result

    def _poll(self, account: Account, now: datetime, sending: bool, result: ReplyRound) -> datetime:
        """Poll ``account`` if it is its turn; returns when it is due next."""
        assert account.id is not None
        try:
            provider: Any = self._providers.get(account)
        except UserFacingError as exc:
            self._report(account, str(exc), result)
            return now + timedelta(seconds=REFUSED_PAUSE)
        base = poll_interval(provider)
        if not self._store.replies.claim_poll(account.id, now, base * TURN_SHARE):
            return now + timedelta(seconds=base)
        try:
            outcome = poll_account(self._store, account, provider)
        except (ProviderError, RequestNotSent, OutcomeUnknown) as exc:
            log.info("replies for %s: %s", account.name, exc)
            if not isinstance(exc, ProviderError) or exc.fault.kind != ErrorKind.RATE_LIMITED:
                self._providers.forget(account.id)
            self._report(account, problem_text(account, exc), result)
            return self._clock() + timedelta(seconds=pause_after(exc))
        except UserFacingError as exc:
            self._providers.forget(account.id)
            self._report(account, tr("{account}: {reason}", account=account.name, reason=str(exc)), result)
            return self._clock() + timedelta(seconds=REFUSED_PAUSE)
        self._problem.pop(account.id, None)
        result.outcomes.append(outcome)
        if outcome.recorded or sending:
            wait = base
        else:
            wait = min(max(self._wait.get(account.id, base), base) * 2, max(IDLE_INTERVAL_MAX, base))
        self._wait[account.id] = wait
        return self._clock() + timedelta(seconds=wait)

    def _report(self, account: Account, text: str, result: ReplyRound) -> None:
        """A problem is said once, not again on every round while it lasts."""
        assert account.id is not None
        if self._problem.get(account.id) != text:
            self._problem[account.id] = text
            result.problems.append(text)

    def close(self) -> None:
        self._providers.close()

    def __enter__(self) -> ReplyPoller:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def fetch_now(store: Store, account: Account | None = None) -> tuple[list[PollOutcome], list[str]]:
    """Poll ``account`` (or every account that can be asked) once, now: for ``smsdesk replies fetch``."""
    from smsdesk.engine.providers import open_provider

    accounts = [account] if account is not None else [a for a in store.accounts.all() if supports_replies(a)]
    outcomes: list[PollOutcome] = []
    problems: list[str] = []
    for acc in accounts:
        if not supports_replies(acc):
            raise UserFacingError(tr("smsdesk cannot fetch replies sent to “{account}”.", account=acc.name))
        try:
            provider: Any = open_provider(acc)
        except UserFacingError as exc:
            problems.append(problem_text(acc, exc))
            continue
        try:
            outcomes.append(poll_account(store, acc, provider))
        except (ProviderError, RequestNotSent, OutcomeUnknown, UserFacingError) as exc:
            problems.append(problem_text(acc, exc))
        finally:
            provider.close()
    return outcomes, problems


# -- while a campaign is sending ---------------------------------------------------------------


class _Watcher:
    """Polls one account on a thread of its own, with its own connection, until stopped."""

    def __init__(self, store: Store, account: Account) -> None:
        self._database = store.journal.database_path()
        self._account = account
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="reply-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        from smsdesk.engine.providers import open_provider

        account = self._account
        assert account.id is not None
        try:
            with Store.open(self._database) as store:
                provider: Any = open_provider(account)
                try:
                    base = poll_interval(provider)
                    wait = base
                    while not self._stop.is_set():
                        try:
                            if store.replies.claim_poll(account.id, utc_now(), base * TURN_SHARE):
                                poll_account(store, account, provider)
                            wait = base
                        except (ProviderError, RequestNotSent, OutcomeUnknown) as exc:
                            log.info("replies for %s while sending: %s", account.name, exc)
                            wait = min(pause_after(exc), UNREACHABLE_PAUSE)
                        self._stop.wait(wait)
                finally:
                    provider.close()
        except UserFacingError as exc:
            log.info("replies for %s cannot be fetched while sending: %s", account.name, exc)
        except Exception:
            # Sending goes on without replies; the bug is in the log for whoever looks.
            log.exception("fetching replies while sending failed")


@contextmanager
def watching_replies(store: Store, account: Account) -> Iterator[None]:
    """Fetch ``account``'s replies, and act on their keywords, while the ``with`` body sends."""
    watcher = _Watcher(store, account) if account.id is not None and supports_replies(account) else None
    if watcher is not None:
        watcher.start()
    try:
        yield
    finally:
        if watcher is not None:
            watcher.stop()


# -- answering ---------------------------------------------------------------------------------


def answer_reply(
    store: Store, account: Account, phone: str, text: str, *, cancel: threading.Event | None = None
) -> SingleSendResult:
    """Send ``text`` to ``phone`` through ``account``: a campaign of one, through the same engine
    and checks as any other (opt-out list, provider templates), marked as an answer."""
    from smsdesk.engine.campaign_control import SingleSendResult, send_campaign
    from smsdesk.engine.campaigns import create_campaign, plan_for_numbers
    from smsdesk.engine.providers import open_provider
    from smsdesk.engine.send_lock import sending_lock
    from smsdesk.storage.log import LogFilter

    if not text.strip():
        raise UserFacingError(tr("The message is empty. Write the text to send first."))
    with sending_lock(store.conn):
        pass  # another process sending: say so before a campaign is written
    plan = plan_for_numbers(store, account, escape_literal(text.strip()), [phone], kind="notification")
    campaign_id = create_campaign(store, plan, tr("Answer to {phone}", phone=phone))
    provider = open_provider(account)
    try:
        outcome = send_campaign(store, provider, account, campaign_id, cancel=cancel)
    finally:
        provider.close()
    store.replies.mark_read(phone)
    rows = store.log.rows(LogFilter(campaign_id=campaign_id), limit=1)
    state = rows[0].state if rows else "queued"
    detail = (rows[0].error_message or "") if rows else ""
    return SingleSendResult(campaign_id, phone, state, detail or outcome.note)
