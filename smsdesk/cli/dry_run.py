"""``send --dry-run``: what would be sent, to whom, and what it would cost."""

from __future__ import annotations

from smsdesk.cli.output import print_json
from smsdesk.engine.campaigns import CampaignPlan
from smsdesk.i18n import tr


def print_dry_run(plan: CampaignPlan, *, as_json: bool) -> None:
    if as_json:
        print_json({
            "dry_run": True,
            **plan.summary(),
            "per_message": [
                {"phone": m.phone, "name": m.name, "text": m.text, "segments": m.segments, "skipped": m.skip_reason}
                for m in plan.messages
            ],
        })
    else:
        _print_summary(plan)


def _print_summary(plan: CampaignPlan) -> None:
    s = plan.summary()
    print(tr(
        "{messages} messages, {skipped} skipped, {segments} SMS, about {cost} {currency} through “{account}”.",
        messages=s["messages"], skipped=s["skipped"], segments=s["segments"], cost=s["estimated_cost"],
        currency=s["currency"], account=plan.account.name,
    ))
    for m in plan.messages[:20]:
        mark = f" [{m.skip_reason}]" if m.skip_reason else ""
        print(f"  {m.phone} ({m.segments}){mark}: {m.text}")
    if len(plan.messages) > 20:
        print(tr("  … and {more} more", more=len(plan.messages) - 20))
