"""``smsdesk log`` and ``smsdesk sandbox``: what was sent and what became of it."""

from __future__ import annotations

import argparse

from smsdesk.cli.common import Subparsers, add_json, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.core.states import state_label
from smsdesk.engine.campaigns import refresh_reports
from smsdesk.engine.providers import open_provider
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER
from smsdesk.storage.log import LogFilter

STATES = ("queued", "inflight", "sent", "delivered", "failed", "in_doubt", "skipped")


def register(sub: Subparsers) -> None:
    p = sub.add_parser("log", help=tr("Show the send log (fetches new delivery reports first)."))
    p.add_argument("--campaign", type=int, help=tr("Only this campaign (its number)."))
    p.add_argument("--state", choices=STATES)
    p.add_argument("--account")
    p.add_argument("--search", default="", help=tr("A phone number, a name or words of the text."))
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--no-refresh", action="store_true", help=tr("Do not ask providers for new delivery reports."))
    add_json(p)
    p.set_defaults(func=cmd_log)

    sandbox = sub.add_parser("sandbox", help=tr("See what the Sandbox delivered, as the recipients' phones show it."))
    ssub = sandbox.add_subparsers(dest="action", required=True)
    p = ssub.add_parser("inbox", help=tr("Messages the Sandbox delivered."))
    p.add_argument("--to", help=tr("Only this number (E.164)."))
    add_json(p)
    p.set_defaults(func=cmd_sandbox_inbox)


def refresh_all(store: Store) -> int:
    """Fetch reports for every account that still waits for some."""
    changed = 0
    for account_id in store.journal.accounts_with_pending():
        account = store.accounts.get_by_id(account_id)
        try:
            provider = open_provider(account)
        except UserFacingError:
            continue
        try:
            changed += refresh_reports(store, provider, account)
        except UserFacingError:
            continue
        finally:
            provider.close()
    return changed


def cmd_log(args: argparse.Namespace) -> int:
    with open_store() as store:
        if not args.no_refresh:
            refresh_all(store)
        account_id = store.accounts.get(args.account).id if args.account else None
        rows = store.log.rows(
            LogFilter(campaign_id=args.campaign, state=args.state, account_id=account_id, search=args.search),
            limit=args.limit,
        )
    if args.json:
        print_json([r.as_dict() for r in rows])
    else:
        print_table(
            [tr("Time"), tr("Campaign"), tr("Phone"), tr("Name"), tr("State"), tr("Error"), tr("Text")],
            [
                (r.created_at[:19].replace("T", " "), r.campaign, r.phone, r.name, state_label(r.state),
                 r.error_code or "", r.text[:40])
                for r in rows
            ],
        )
    return 0


def cmd_sandbox_inbox(args: argparse.Namespace) -> int:
    with open_store() as store:
        sandbox = next((a for a in store.accounts.all() if a.provider == SANDBOX_PROVIDER), None)
    provider = SandboxProvider(sandbox.settings if sandbox else {})
    try:
        messages = provider.inbox(args.to)
    finally:
        provider.close()
    if args.json:
        print_json([{"phone": m.phone, "text": m.text, "received_at": m.received_at.isoformat()} for m in messages])
    else:
        print_table([tr("Phone"), tr("Received"), tr("Text")],
                    [(m.phone, m.received_at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), m.text) for m in messages])
    return 0
