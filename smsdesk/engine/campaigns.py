"""Composing a campaign, writing it to the journal, sending it and collecting its reports."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from smsdesk.core import segments
from smsdesk.core.planner import GroupPlan, PlannedMessage, group_messages
from smsdesk.core.provider_api import ErrorKind, Provider
from smsdesk.core.sending import SendProgress, SendResult
from smsdesk.core.template import ParsedTemplate, parse_template, render
from smsdesk.engine.template_params import TEMPLATE_PROVIDERS, parse_param_map, provider_params
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.lists import Recipient


def count_message(text: str, *, phone: str, provider: str, signature: str) -> int:
    """Billed segments of one message to one number."""
    result = segments.count_for_provider(
        text, provider=provider, signature=signature, domestic=phone.startswith("+86")
    )
    return result.segments


@dataclass
class CampaignPlan:
    """Everything the confirmation shows before a single request is made."""

    account: Account
    body: str
    signature: str
    messages: list[NewMessage] = field(default_factory=list)
    list_id: int | None = None
    template_id: int | None = None
    provider_template_id: str = ""
    param_names: tuple[str, ...] = ()
    kind: str = "notification"
    """``marketing`` campaigns wait through the account's quiet hours."""
    send_at: datetime | None = None
    """Set when the owner schedules the campaign instead of sending it now."""
    expires_at: datetime | None = None
    """Nothing of the campaign goes out after this."""
    requests: GroupPlan = field(default_factory=GroupPlan)
    """How the messages to send are grouped into provider requests (see :mod:`smsdesk.core.planner`)."""

    @property
    def to_send(self) -> int:
        return sum(1 for m in self.messages if not m.skip_reason)

    @property
    def skipped(self) -> int:
        return sum(1 for m in self.messages if m.skip_reason)

    @property
    def segments(self) -> int:
        return sum(m.segments for m in self.messages if not m.skip_reason)

    @property
    def estimated_cost(self) -> float:
        return self.segments * self.account.price_per_segment

    def skip_reasons(self) -> list[tuple[str, int]]:
        """Why messages will not be sent, most common first."""
        return Counter(m.skip_reason for m in self.messages if m.skip_reason).most_common()

    def summary(self) -> dict[str, object]:
        return {
            "account": self.account.name,
            "messages": self.to_send,
            "skipped": self.skipped,
            "segments": self.segments,
            "estimated_cost": round(self.estimated_cost, 4),
            "currency": self.account.currency,
            "kind": self.kind,
            "skipped_reasons": dict(self.skip_reasons()),
            "requests": [
                {"call": k.call, "same_text": k.same_text, "requests": k.requests, "messages": k.messages}
                for k in self.requests.kinds
            ],
            "send_at": self.send_at.isoformat() if self.send_at else None,
        }


def _signature(account: Account, signature: str | None) -> str:
    return signature if signature is not None else account.settings.get("signature", "")


def _message(
    parsed: ParsedTemplate, values: dict[str, str], *, phone: str, name: str, account: Account,
    signature: str, opted_out: frozenset[str], mapping: list[tuple[str, str]],
) -> NewMessage:
    text = render(parsed, values)
    return NewMessage(
        phone=phone,
        name=name,
        text=text,
        params=provider_params(mapping, values, text) if mapping else {v: values.get(v, "") for v in parsed.variables},
        segments=count_message(text, phone=phone, provider=account.provider, signature=signature),
        skip_reason=tr("On the opt-out list") if phone in opted_out else "",
    )


def plan_for_recipients(
    store: Store,
    account: Account,
    body: str,
    recipients: Iterable[Recipient],
    *,
    signature: str | None = None,
    list_id: int | None = None,
    template_id: int | None = None,
    provider_template_id: str | None = None,
    param_map: str | None = None,
    kind: str | None = None,
) -> CampaignPlan:
    if not body.strip():
        raise UserFacingError(tr("The message is empty. Write the text to send first."))
    parsed = parse_template(body)
    if parsed.issues:
        raise UserFacingError(parsed.issues[0].message)
    sig = _signature(account, signature)
    opted_out = store.optouts.phones()
    plan = CampaignPlan(account, body, sig, list_id=list_id, template_id=template_id)
    mapping: list[tuple[str, str]] = []
    if account.provider in TEMPLATE_PROVIDERS:
        plan.provider_template_id = provider_template_id or account.settings.get("template_id", "")
        if not plan.provider_template_id:
            raise UserFacingError(
                tr("This provider only sends approved templates: set the approved template id on the account or on the template.")
            )
        mapping = parse_param_map(param_map if param_map is not None else account.settings.get("template_params", ""))
        plan.param_names = tuple(name for name, _ours in mapping)
    for r in recipients:
        plan.messages.append(
            _message(parsed, r.variables(), phone=r.phone, name=r.name, account=account, signature=sig,
                     opted_out=opted_out, mapping=mapping)
        )
    if not plan.messages:
        raise UserFacingError(tr("The list has no recipients to send to."))
    if kind is None and template_id is not None:
        kind = store.journal.template_kind(template_id)
    plan.kind = kind or "notification"
    _apply_cap(store, plan)
    plan_requests(plan)
    return plan


def _apply_cap(store: Store, plan: CampaignPlan) -> None:
    """Skip, with the reason, messages to numbers already at the account's per-recipient cap."""
    from smsdesk.engine.send_rules import rules_for

    cap = rules_for(plan.account).cap
    if cap is None or plan.account.id is None:
        return
    key = (plan.account.id, plan.signature, plan.provider_template_id, "" if plan.provider_template_id else plan.body)
    phones = {m.phone for m in plan.messages if not m.skip_reason}
    counts = store.journal.recent_counts(key, phones, datetime.now(UTC) - cap.window)
    if not counts:
        return
    reason = tr(
        "Not sent: this number already got {limit} messages of this template within {hours} hours.",
        limit=cap.limit, hours=round(cap.window.total_seconds() / 3600),
    )
    for n, m in enumerate(plan.messages):
        if not m.skip_reason and counts.get(m.phone, 0) >= cap.limit:
            plan.messages[n] = replace(m, skip_reason=reason, skip_kind=ErrorKind.RATE_LIMITED)


def plan_requests(plan: CampaignPlan) -> None:
    """Group the messages to send into as few provider requests as the provider allows."""
    from smsdesk.engine.send_rules import batch_rules

    sending = [(n, m) for n, m in enumerate(plan.messages) if not m.skip_reason]
    grouped = group_messages([PlannedMessage(m.phone, m.params) for _n, m in sending], batch_rules(plan.account.provider))
    for (n, m), batch in zip(sending, grouped.batches, strict=True):
        plan.messages[n] = replace(m, batch=batch)
    plan.requests = grouped


def plan_for_numbers(
    store: Store, account: Account, body: str, numbers: Sequence[str], *, region: str = "CN",
    signature: str | None = None, provider_template_id: str | None = None, param_map: str | None = None,
    kind: str | None = None,
) -> CampaignPlan:
    from smsdesk.core.phones import normalize_phone

    people: list[Recipient] = []
    seen: set[str] = set()
    for raw in numbers:
        result = normalize_phone(raw, region)
        if result.e164 is None:
            raise UserFacingError(tr("“{number}” is not a valid phone number: {reason}", number=raw, reason=result.reason))
        if result.e164 not in seen:
            seen.add(result.e164)
            people.append(Recipient(id=0, row_no=len(people) + 1, phone=result.e164, name="", fields={}))
    return plan_for_recipients(
        store, account, body, people, signature=signature, provider_template_id=provider_template_id,
        param_map=param_map, kind=kind,
    )


def create_campaign(store: Store, plan: CampaignPlan, name: str) -> int:
    assert plan.account.id is not None
    return store.journal.create_campaign(
        name=name,
        account_id=plan.account.id,
        body=plan.body,
        messages=plan.messages,
        list_id=plan.list_id,
        template_id=plan.template_id,
        signature=plan.signature,
        provider_template_id=plan.provider_template_id,
        param_names=plan.param_names,
        kind=plan.kind,
        send_at=plan.send_at,
        expires_at=plan.expires_at,
    )


def send_campaign(
    store: Store,
    provider: Provider,
    account: Account,
    campaign_id: int,
    *,
    on_progress: Callable[[SendProgress], None] | None = None,
    cancel: threading.Event | None = None,
    max_wait: float = 0.0,
) -> SendResult:
    """Send what is queued in the campaign, with the signature and template it was written with.

    Waits at most ``max_wait`` seconds in-process for quiet hours or numbers held by a limit;
    see :func:`smsdesk.engine.campaign_control.send_campaign`.
    """
    from smsdesk.engine import campaign_control

    return campaign_control.send_campaign(
        store, provider, account, campaign_id, on_progress=on_progress, cancel=cancel, max_wait=max_wait,
    ).result


def refresh_reports(store: Store, provider: Provider, account: Account) -> int:
    """Ask the provider for delivery reports of every message still waiting; returns how many changed."""
    assert account.id is not None
    changed = 0
    after_id = 0
    while True:
        pending = store.journal.sent_refs(account.id, limit=1000, after_id=after_id)
        if not pending:
            return changed
        changed += store.journal.apply_reports(account.id, provider.fetch_reports(pending))
        after_id = pending[-1].message_id


def wait_for_reports(
    store: Store, provider: Provider, account: Account, *, timeout: float, interval: float = 0.5,
    cancel: threading.Event | None = None, on_change: Callable[[int], None] | None = None,
) -> int:
    """Poll for reports until nothing is waiting, ``timeout`` seconds pass or ``cancel`` is set."""
    assert account.id is not None
    cancel = cancel or threading.Event()
    deadline = time.monotonic() + timeout
    changed = 0
    while True:
        now_changed = refresh_reports(store, provider, account)
        if now_changed and on_change is not None:
            on_change(now_changed)
        changed += now_changed
        if not store.journal.sent_refs(account.id, limit=1) or time.monotonic() >= deadline:
            return changed
        if cancel.wait(interval):
            return changed
