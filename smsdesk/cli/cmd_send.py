"""``smsdesk send``: compose, confirm, send, and wait briefly for delivery reports."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

from smsdesk.cli.common import Subparsers, add_json, interactive, open_store
from smsdesk.cli.dry_run import print_dry_run
from smsdesk.cli.output import print_json
from smsdesk.core.sending import SendProgress
from smsdesk.engine.campaigns import (
    CampaignPlan,
    create_campaign,
    plan_for_numbers,
    plan_for_recipients,
    send_campaign,
    wait_for_reports,
)
from smsdesk.engine.providers import open_provider
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
    add_json(p)
    p.set_defaults(func=cmd_send)


def _plan(store: Store, account: Account, args: argparse.Namespace) -> CampaignPlan:
    signature = args.signature
    template_id = None
    provider_template_id: str | None = args.provider_template_id
    param_map: str | None = args.template_params
    if args.template:
        template = store.templates.get(args.template)
        body = template.body
        template_id = template.id
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
            param_map=param_map,
        )
    else:
        plan = plan_for_numbers(
            store, account, body, args.to, region=args.region, signature=signature,
            provider_template_id=provider_template_id, param_map=param_map,
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
    answer = input(question).strip().lower()
    return answer in ("y", "yes", "是", "好")


def _progress_printer(enabled: bool) -> Callable[[SendProgress], None]:
    def show(p: SendProgress) -> None:
        if enabled:
            print(f"\r{p.done}/{p.total}", end="", file=sys.stderr, flush=True)

    return show


def cmd_send(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = store.accounts.get(args.account) if args.account else store.accounts.default()
        if account is None:
            raise UserFacingError(tr("There is no account to send through. Add one first."))
        plan = _plan(store, account, args)
        if args.dry_run:
            print_dry_run(plan, as_json=args.json)
            return 0
        if not _confirm(plan, args):
            print(tr("Nothing was sent."), file=sys.stderr)
            return EXIT_REFUSED
        name = args.name or datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        campaign_id = create_campaign(store, plan, name)
        provider = open_provider(account)
        try:
            show = _progress_printer(not args.json and sys.stderr.isatty())
            result = send_campaign(store, provider, account, campaign_id, on_progress=show)
            if args.wait > 0:
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
        if result.paused_reason:
            print(result.paused_reason)
    return 1 if failed or result.paused_reason else 0
