"""``send --dry-run``: what would be sent, to whom, how each message is billed and what it costs.

The per-message counts and the totals come from :mod:`smsdesk.engine.templates`, the same
functions the template editor uses, so the two always agree.
"""

from __future__ import annotations

from itertools import islice

from smsdesk.cli.output import print_json
from smsdesk.engine.campaigns import CampaignPlan
from smsdesk.engine.templates import count_details, plan_counts
from smsdesk.i18n import tr

SHOWN = 20


def print_dry_run(plan: CampaignPlan, *, as_json: bool) -> None:
    counts, totals = plan_counts(
        ((m.phone, m.text, bool(m.skip_reason)) for m in plan.messages),
        account=plan.account,
        signature=plan.signature,
    )
    if as_json:
        print_json(
            {
                "dry_run": True,
                **plan.summary(),
                "totals": totals.as_dict(),
                "per_message": [
                    {
                        "phone": m.phone,
                        "name": m.name,
                        "text": m.text,
                        **count_details(count),
                        "skipped": m.skip_reason,
                    }
                    for m, count in zip(plan.messages, counts, strict=True)
                ],
            }
        )
        return
    s = totals.as_dict()
    print(
        tr(
            "{messages} messages, {skipped} skipped, {segments} SMS, about {cost} {currency} through “{account}”.",
            messages=s["messages"],
            skipped=s["skipped"],
            segments=s["segments"],
            cost=s["estimated_cost"],
            currency=s["currency"],
            account=plan.account.name,
        )
    )
    if totals.counts.over_limit:
        print(
            tr(
                "{count} messages are longer than the provider accepts.",
                count=totals.counts.over_limit,
            )
        )
    if totals.counts.forced_ucs2:
        print(
            tr(
                "{count} messages go as Unicode (70 characters an SMS) because of a character outside the GSM alphabet.",
                count=totals.counts.forced_ucs2,
            )
        )
    for m, count in islice(zip(plan.messages, counts, strict=True), SHOWN):
        mark = f" [{m.skip_reason}]" if m.skip_reason else ""
        over = " " + tr("too long") if count.over_limit else ""
        print(
            f"  {m.phone} ({count.segments} × {count.split.encoding}, {count.length}{over}){mark}: {m.text}"
        )
    if len(plan.messages) > SHOWN:
        print(tr("  … and {more} more", more=len(plan.messages) - SHOWN))
