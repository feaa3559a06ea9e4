"""Composing a campaign, writing it to the journal, sending it and collecting its reports."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from smsdesk.core import segments
from smsdesk.core.provider_api import Provider
from smsdesk.core.sending import SendProgress, SendResult, run_campaign
from smsdesk.core.template import ParsedTemplate, parse_template, render
from smsdesk.engine.providers import TEMPLATE_PROVIDERS, parse_param_map, provider_params
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

    def summary(self) -> dict[str, object]:
        return {
            "account": self.account.name,
            "messages": self.to_send,
            "skipped": self.skipped,
            "segments": self.segments,
            "estimated_cost": round(self.estimated_cost, 4),
            "currency": self.account.currency,
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
    return plan


def plan_for_numbers(
    store: Store, account: Account, body: str, numbers: Sequence[str], *, region: str = "CN",
    signature: str | None = None, provider_template_id: str | None = None, param_map: str | None = None,
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
        param_map=param_map,
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
    )


def send_campaign(
    store: Store,
    provider: Provider,
    account: Account,
    campaign_id: int,
    *,
    on_progress: Callable[[SendProgress], None] | None = None,
    cancel: threading.Event | None = None,
) -> SendResult:
    """Send what is queued in the campaign, with the signature and template it was written with."""
    total = store.journal.campaign_counts(campaign_id).get("queued", 0)
    store.journal.set_campaign_state(campaign_id, "sending")
    result = run_campaign(
        store.journal,
        provider,
        store.journal.campaign_spec(campaign_id),
        campaign_id,
        total=total,
        on_progress=on_progress,
        cancel=cancel,
        rate_per_second=account.rate_per_second,
    )
    state = "paused" if result.paused_reason else ("cancelled" if result.cancelled else "sent")
    store.journal.set_campaign_state(campaign_id, state)
    return result


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
