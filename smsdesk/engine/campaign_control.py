"""Running a campaign to its end: resume after a crash, wait through quiet hours, pause, cancel.

The window, the command line and the tests all send through :func:`send_campaign`:

* it takes the database's send lock; the first sender of a process puts messages a crash left
  inflight in doubt before anything else is sent;
* it never sends a campaign past its expiry: what is left is skipped, with the reason;
* promotions wait while the account's quiet hours last, and numbers held by a per-number limit
  wait their turn; the caller says how long it is willing to wait in-process (the window waits,
  a command returns and the campaign is resumed later);
* the campaign's state and the reason it stopped are written for the resume offer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from smsdesk.core.provider_api import Provider
from smsdesk.core.sending import SendProgress, SendResult, run_campaign, utc_now
from smsdesk.engine.replies import watching_replies
from smsdesk.engine.send_lock import sending_lock
from smsdesk.engine.send_rules import SendRules, classify_throttle, rules_for
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import CampaignInfo
from smsdesk.storage.log import LogFilter

if TYPE_CHECKING:
    from smsdesk.engine.campaigns import CampaignPlan

FOREVER = float("inf")


def recovery_reason() -> str:
    return tr("smsdesk stopped while this message was being sent; it may or may not have gone out.")


def recover_after_crash(store: Store) -> int:
    """Put messages a crash left inflight in doubt, unless another process is sending now."""
    from smsdesk.engine.send_lock import SendingElsewhere

    try:
        with sending_lock(store.conn) as first:
            return store.journal.recover_inflight(recovery_reason()) if first else 0
    except SendingElsewhere:
        return 0


def quiet_until(info: CampaignInfo, rules: SendRules, now: datetime) -> datetime | None:
    """When a campaign held by quiet hours or its schedule may start, or None if it may now."""
    if info.send_at is not None and info.send_at > now:
        return info.send_at
    if info.marketing and rules.quiet_hours is not None:
        local = now.astimezone()
        if rules.quiet_hours.contains(local):
            return rules.quiet_hours.ends_after(local).astimezone(UTC)
    return None


def expired_reason() -> str:
    return tr("Not sent: the campaign expired before this message's turn.")


@dataclass
class Clocks:
    """Time as the engine sees it; tests replace all three together."""

    monotonic: Callable[[], float] = time.monotonic
    wall: Callable[[], datetime] = utc_now
    sleep: Callable[[float], None] | None = None


@dataclass
class Outcome:
    """What :func:`send_campaign` did, for the caller to show."""

    result: SendResult
    state: str
    note: str = ""
    skipped_expired: int = 0
    waited: list[datetime] = field(default_factory=list)


def send_campaign(
    store: Store,
    provider: Provider,
    account: Account,
    campaign_id: int,
    *,
    on_progress: Callable[[SendProgress], None] | None = None,
    cancel: threading.Event | None = None,
    max_wait: float = 0.0,
    rules: SendRules | None = None,
    clocks: Clocks | None = None,
) -> Outcome:
    """Send what is queued in the campaign until it is done, paused, cancelled or must wait longer than ``max_wait`` seconds."""
    cancel = cancel or threading.Event()
    clocks = clocks or Clocks()
    rules = rules or rules_for(account)
    journal = store.journal
    # Replies are fetched while the campaign sends: a "T" stops the later messages to that number.
    with sending_lock(store.conn) as first, watching_replies(store, account):
        if first:
            journal.recover_inflight(recovery_reason())
        info = journal.campaign(campaign_id)
        spec = journal.campaign_spec(campaign_id)
        waited: list[datetime] = []
        while True:
            total, done = journal.progress_counts(campaign_id)
            journal.set_campaign_state(campaign_id, "sending")
            result = run_campaign(
                journal, provider, spec, campaign_id,
                total=total, done=done, on_progress=on_progress, cancel=cancel,
                rate_per_second=rules.rate, concurrency=rules.concurrency,
                throttle=classify_throttle, cap=rules.cap,
                hold_until=lambda now: quiet_until(info, rules, now),
                expires_at=info.expires_at,
                clock=clocks.monotonic, wall=clocks.wall, sleep=clocks.sleep,
            )
            if result.expired:
                skipped = journal.skip_queued(campaign_id, expired_reason())
                journal.set_campaign_state(campaign_id, "sent", tr("The campaign expired."))
                return Outcome(result, "sent", tr("The campaign expired."), skipped, waited)
            if result.paused_reason:
                journal.set_campaign_state(campaign_id, "paused", result.paused_reason)
                return Outcome(result, "paused", result.paused_reason, waited=waited)
            if result.cancelled:
                note = tr("Paused by you.")
                journal.set_campaign_state(campaign_id, "paused", note)
                return Outcome(result, "paused", note, waited=waited)
            if result.wait_until is None:
                journal.set_campaign_state(campaign_id, "sent")
                return Outcome(result, "sent", waited=waited)
            note = waiting_note(result.wait_until)
            seconds = (result.wait_until - clocks.wall()).total_seconds()
            journal.set_campaign_state(campaign_id, "waiting", note)
            if seconds > max_wait:
                return Outcome(result, "waiting", note, waited=waited)
            waited.append(result.wait_until)
            if on_progress is not None:
                on_progress(result.progress)
            if seconds > 0:
                if clocks.sleep is not None:
                    clocks.sleep(seconds)
                elif cancel.wait(seconds):
                    journal.set_campaign_state(campaign_id, "paused", tr("Paused by you."))
                    return Outcome(result, "paused", tr("Paused by you."), waited=waited)


def waiting_note(until: datetime) -> str:
    return tr("Waiting until {time} (quiet hours, a schedule or a per-number limit).",
              time=until.astimezone().strftime("%Y-%m-%d %H:%M"))


def cancel_campaign(store: Store, campaign_id: int) -> int:
    """Nothing more of the campaign goes out: what is queued is skipped. Returns how many."""
    skipped = store.journal.skip_queued(campaign_id, tr("Cancelled by you."))
    store.journal.set_campaign_state(campaign_id, "cancelled", tr("Cancelled by you."))
    return skipped


def retry_failed(store: Store, campaign_id: int) -> int | None:
    """A new campaign sending again the messages of ``campaign_id`` that failed for a reason
    that may pass (not bad numbers, not opt-outs). None when there is none."""
    info = store.journal.campaign(campaign_id)
    return store.journal.create_retry_campaign(campaign_id, tr("{name} (retry)", name=info.name))


def decide_in_doubt(store: Store, campaign_id: int, message_ids: list[int], *, send_again: bool) -> int:
    """The owner's decision about messages in doubt. Sent again ones wait for the campaign to resume."""
    changed = store.journal.resolve_in_doubt(message_ids, send_again=send_again)
    if send_again and changed:
        store.journal.set_campaign_state(campaign_id, "paused", tr("Messages in doubt are queued to be sent again."))
    return changed


@dataclass(frozen=True)
class ResumeOffer:
    """An unfinished campaign as the owner sees it when smsdesk starts."""

    campaign: CampaignInfo
    opted_out_now: int
    """Queued messages to numbers that opted out since: they will be skipped."""
    waits_until: datetime | None
    """Quiet hours or the schedule hold it until then."""
    expired: bool


def offers(store: Store, now: datetime | None = None) -> list[ResumeOffer]:
    """Unfinished campaigns, each re-checked against opt-outs, quiet hours and expiry."""
    now = now or utc_now()
    found: list[ResumeOffer] = []
    for info in store.journal.campaigns_to_offer():
        if info.state == "scheduled" and info.send_at is not None and info.send_at > now:
            continue  # not due yet: the scheduler will start it
        account = store.accounts.get_by_id(info.account_id)
        waits = quiet_until(info, rules_for(account), now)
        found.append(
            ResumeOffer(
                campaign=info,
                opted_out_now=store.journal.queued_opted_out(info.id),
                waits_until=waits,
                expired=info.expires_at is not None and info.expires_at <= now,
            )
        )
    return found


@dataclass(frozen=True)
class SingleSendResult:
    """What became of a campaign of one message: a test to the owner's own number, or an answer
    to a customer's reply."""

    campaign_id: int
    phone: str
    state: str
    detail: str = ""


def send_test(
    store: Store,
    provider: Provider,
    account: Account,
    plan: CampaignPlan,
    phone: str,
    *,
    region: str = "CN",
    report_wait: float = 10.0,
    cancel: threading.Event | None = None,
) -> SingleSendResult:
    """Send the campaign's first message to ``phone`` (the owner's own), as a campaign of its own.

    It is a notification to the owner, so quiet hours and per-recipient caps do not hold it.
    Waits up to ``report_wait`` seconds for the delivery report.
    """
    from dataclasses import replace

    from smsdesk.core.phones import normalize_phone
    from smsdesk.engine.campaigns import wait_for_reports

    number = normalize_phone(phone, region)
    if number.e164 is None:
        raise UserFacingError(tr("“{number}” is not a valid phone number: {reason}", number=phone, reason=number.reason))
    first = next((m for m in plan.messages if not m.skip_reason), None)
    if first is None or account.id is None:
        raise UserFacingError(tr("The list has no recipients to send to."))
    campaign_id = store.journal.create_campaign(
        name=tr("Test to {phone}", phone=number.e164), account_id=account.id, body=plan.body,
        messages=[replace(first, phone=number.e164, batch=1)], list_id=plan.list_id, template_id=plan.template_id,
        signature=plan.signature, provider_template_id=plan.provider_template_id, param_names=plan.param_names,
    )
    rules = rules_for(account)
    rules = SendRules(None, None, 1, rules.rate, rules.batches)
    outcome = send_campaign(store, provider, account, campaign_id, cancel=cancel, rules=rules)
    if outcome.state == "sent" and report_wait > 0:
        wait_for_reports(store, provider, account, timeout=report_wait, interval=0.5, cancel=cancel)
    rows = store.log.rows(LogFilter(campaign_id=campaign_id), limit=1)
    if not rows:
        return SingleSendResult(campaign_id, number.e164, "queued", outcome.note)
    row = rows[0]
    detail = " ".join(part for part in (row.error_code or "", row.error_message or outcome.note) if part)
    return SingleSendResult(campaign_id, number.e164, row.state, detail)


def wait_for_campaign_reports(
    store: Store, provider: Provider, account: Account, campaign_id: int, *, timeout: float,
    interval: float = 0.5, cancel: threading.Event | None = None, on_change: Callable[[int], None] | None = None,
) -> int:
    """Poll for reports until no message of the campaign waits for one, ``timeout`` passes or ``cancel`` is set."""
    from smsdesk.engine.campaigns import refresh_reports

    cancel = cancel or threading.Event()
    deadline = time.monotonic() + timeout
    changed = 0
    while not cancel.is_set():
        now_changed = refresh_reports(store, provider, account)
        if now_changed and on_change is not None:
            on_change(now_changed)
        changed += now_changed
        if not store.journal.campaign_counts(campaign_id).get("sent", 0) or time.monotonic() >= deadline:
            break
        cancel.wait(interval)
    return changed
