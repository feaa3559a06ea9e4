"""``smsdesk send``: compose, confirm, send, and wait briefly for delivery reports."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from smsdesk.cli.common import Subparsers, add_json, interactive, open_store
from smsdesk.cli.dry_run import print_dry_run
from smsdesk.cli.output import print_json
from smsdesk.core.sending import SendProgress
from smsdesk.engine.campaigns import (
    CampaignPlan,
    create_campaign,
    plan_for_numbers,
    plan_for_recipients,
    wait_for_reports,
)
from smsdesk.engine.providers import open_provider
from smsdesk.engine.templates import template_source
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER, Account
from smsdesk.storage.log import LogFilter

EXIT_REFUSED = 2


def register(sub: Subparsers) -> None:
    p = sub.add_parser("send", help=tr("Send a message to a list or to numbers."))
    p.add_argument("--account", help=tr("Account to send through (default: the default account)."))
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--list", dest="list_name", help=tr("Saved recipient list."))
    who.add_argument("--to", nargs="+", metavar="NUMBER", help=tr("One or more phone numbers."))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--template", help=tr("Saved template."))
    what.add_argument("--text", help=tr("Message text; variables are written {name}."))
    p.add_argument("--signature", help=tr("Signature (default: the template's or the account's)."))
    p.add_argument("--region", default="CN", help=tr("Country of numbers written without +code."))
    p.add_argument("--provider-template-id", help=tr("The provider's approved template (Aliyun, Tencent)."))
    p.add_argument(
        "--template-params", metavar="MAPPING",
        help=tr("How the approved template's parameters are filled, e.g. “code=code, content=_text”."),
    )
    p.add_argument("--name", help=tr("Campaign name (default: date and time)."))
    p.add_argument("--dry-run", action="store_true", help=tr("Show what would be sent and what it costs; send nothing."))
    p.add_argument("--yes", action="store_true", help=tr("Do not ask for confirmation."))
    p.add_argument(
        "--wait", type=float, default=15.0, metavar="SECONDS",
        help=tr("How long to wait for delivery reports after sending (default 15; 0 to not wait)."),
    )
    p.add_argument("--marketing", action="store_true",
                   help=tr("A promotion: it waits through the account's quiet hours (templates say it themselves)."))
    p.add_argument("--at", metavar="TIME", help=tr("Send at this local time (YYYY-MM-DD HH:MM) instead of now."))
    p.add_argument("--expires", metavar="TIME", help=tr("Send nothing of the campaign after this local time."))
    p.add_argument("--test-to", metavar="NUMBER",
                   help=tr("Only send the first message to this number (your own) as a test, and stop."))
    p.add_argument(
        "--max-wait", type=float, default=60.0, metavar="SECONDS",
        help=tr("How long to wait for quiet hours or per-number limits before leaving the rest queued (default 60)."),
    )
    add_json(p)
    p.set_defaults(func=cmd_send)


def parse_local_time(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` (or ISO 8601) on the computer's clock, as an aware time."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise UserFacingError(tr("Write times as YYYY-MM-DD HH:MM, not “{value}”.", value=text)) from None
    return moment.astimezone() if moment.tzinfo is None else moment


def describe_requests(plan: CampaignPlan) -> list[str]:
    """The plan's provider requests, one line per kind."""
    lines = []
    for kind in plan.requests.kinds:
        if kind.most_per_request == 1:
            line = tr("{requests} × {call} (one number each)", requests=kind.requests, call=kind.call)
        elif kind.same_text:
            line = tr("{requests} × {call} (same text, up to {most} numbers each)",
                      requests=kind.requests, call=kind.call, most=kind.most_per_request)
        else:
            line = tr("{requests} × {call} (personalised, up to {most} numbers each)",
                      requests=kind.requests, call=kind.call, most=kind.most_per_request)
        lines.append(line)
    return lines


def progress_printer(enabled: bool) -> Callable[[SendProgress], None]:
    """Progress on one line of standard error: done of total, rate, time left."""
    last = [0.0]

    def show(p: SendProgress) -> None:
        now = time.monotonic()
        if not enabled or (now - last[0] < 0.2 and p.done < p.total):
            return
        last[0] = now
        line = f"{p.done}/{p.total}"
        if p.rate > 0:
            line += f"  {p.rate:.0f}/s"
        if p.eta_seconds is not None and p.done < p.total:
            line += "  " + tr("{seconds} s left", seconds=round(p.eta_seconds))
        if p.waiting_until is not None:
            line += "  " + tr("waiting until {time}", time=p.waiting_until.astimezone().strftime("%H:%M"))
        print(f"\r{line}\033[K", end="", file=sys.stderr, flush=True)

    return show


def _plan(store: Store, account: Account, args: argparse.Namespace) -> CampaignPlan:
    signature = args.signature
    template_id = None
    provider_template_id: str | None = args.provider_template_id
    param_map: str | None = args.template_params
    kind = "marketing" if args.marketing else None
    if args.template:
        template = store.templates.get(args.template)
        body = template_source(template)
        template_id = template.id
        kind = "marketing" if args.marketing else template.kind
        if signature is None and template.signature:
            signature = template.signature
        if provider_template_id is None and template.provider_template_id:
            provider_template_id = template.provider_template_id
            if param_map is None and template.param_names:
                param_map = ", ".join(template.param_names)
    else:
        body = args.text
    if args.list_name:
        saved = store.lists.get(args.list_name)
        plan = plan_for_recipients(
            store, account, body, store.lists.iter_recipients(saved.id), signature=signature,
            list_id=saved.id, template_id=template_id, provider_template_id=provider_template_id,
            param_map=param_map, kind=kind,
        )
    else:
        plan = plan_for_numbers(
            store, account, body, args.to, region=args.region, signature=signature,
            provider_template_id=provider_template_id, param_map=param_map, kind=kind,
        )
        plan.template_id = template_id
    return plan


def _confirm(plan: CampaignPlan, args: argparse.Namespace) -> bool:
    if args.yes or plan.account.provider == SANDBOX_PROVIDER:
        return True
    if not interactive():
        raise UserFacingError(
            tr("Refusing to send through a real account without confirmation: run it in a terminal or add --yes.")
        )
    s = plan.summary()
    question = tr(
        "Send {messages} messages ({segments} SMS, about {cost} {currency}) through “{account}”? [y/N] ",
        messages=s["messages"], segments=s["segments"], cost=s["estimated_cost"], currency=s["currency"],
        account=plan.account.name,
    )
    for line in describe_requests(plan):
        print("  " + line, file=sys.stderr)
    answer = input(question).strip().lower()
    return answer in ("y", "yes", "是", "好")


def _test_send(store: Store, plan: CampaignPlan, args: argparse.Namespace) -> int:
    from smsdesk.engine.campaign_control import send_test

    provider = open_provider(plan.account)
    try:
        result = send_test(store, provider, plan.account, plan, args.test_to, region=args.region,
                           report_wait=args.wait)
    finally:
        provider.close()
    if args.json:
        print_json({"test": True, "campaign_id": result.campaign_id, "phone": result.phone,
                    "state": result.state, "detail": result.detail})
    else:
        print(tr("Test to {phone}: {state} {detail}", phone=result.phone, state=result.state, detail=result.detail).rstrip())
    return 0 if result.state in ("sent", "delivered") else 1


def cmd_send(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = store.accounts.get(args.account) if args.account else store.accounts.default()
        if account is None:
            raise UserFacingError(tr("There is no account to send through. Add one first."))
        plan = _plan(store, account, args)
        plan.send_at = parse_local_time(args.at) if args.at else None
        plan.expires_at = parse_local_time(args.expires) if args.expires else None
        if plan.send_at is not None and plan.send_at <= datetime.now(UTC):
            plan.send_at = None
        if args.dry_run:
            print_dry_run(plan, as_json=args.json)
            if not args.json:
                for line in describe_requests(plan):
                    print("  " + line)
            return 0
        if args.test_to:
            return _test_send(store, plan, args)
        if not _confirm(plan, args):
            print(tr("Nothing was sent."), file=sys.stderr)
            return EXIT_REFUSED
        name = args.name or datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        campaign_id = create_campaign(store, plan, name)
        if plan.send_at is not None:
            when = plan.send_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if args.json:
                print_json({"campaign_id": campaign_id, "campaign": name, **plan.summary(), "state": "scheduled"})
            else:
                print(tr("Campaign “{name}” is scheduled for {time}. It goes out then if smsdesk is running "
                         "(or run “smsdesk campaigns run-due” from a scheduled task).", name=name, time=when))
            return 0
        from smsdesk.engine.campaign_control import send_campaign

        provider = open_provider(account)
        try:
            show = progress_printer(not args.json and sys.stderr.isatty())
            outcome = send_campaign(store, provider, account, campaign_id, on_progress=show, max_wait=args.max_wait)
            result = outcome.result
            if args.wait > 0 and outcome.state == "sent":
                wait_for_reports(store, provider, account, timeout=args.wait)
        finally:
            provider.close()
        counts = store.journal.campaign_counts(campaign_id)
        rows = store.log.rows(LogFilter(campaign_id=campaign_id), limit=max(1, len(plan.messages)))
    failed = counts.get("failed", 0) + counts.get("in_doubt", 0) + counts.get("queued", 0)
    out = {
        "campaign_id": campaign_id,
        "campaign": name,
        **plan.summary(),
        "states": counts,
        "state": outcome.state,
        "note": outcome.note,
        "paused_reason": result.paused_reason,
        "per_message": [
            {"id": r.id, "phone": r.phone, "name": r.name, "text": r.text, "segments": r.segments,
             "state": r.state, "provider_id": r.provider_id, "error_kind": r.error_kind,
             "error_code": r.error_code, "error_message": r.error_message}
            for r in reversed(rows)
        ],
    }
    if args.json:
        print_json(out)
    else:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(tr("Campaign “{name}”: {states}", name=name, states=", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
        if outcome.note:
            print(outcome.note)
        if outcome.state in ("paused", "waiting"):
            print(tr("Resume it with “smsdesk campaigns resume {id}”.", id=campaign_id))
    return 1 if failed or result.paused_reason else 0
