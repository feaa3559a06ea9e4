"""``smsdesk log`` and ``smsdesk sandbox``: what was sent and what became of it, and the
Sandbox customers' side (what their phones got, and answering as them)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from smsdesk.cli.common import Subparsers, add_json, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.core.provider_api import ErrorKind, kind_label
from smsdesk.core.stamps import local_time
from smsdesk.core.states import MessageState, state_label
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER
from smsdesk.storage.backup import inspect, open_read_only
from smsdesk.storage.log import LogFilter, SendLog

STATES = tuple(s.value for s in MessageState)
ERROR_KINDS = tuple(k.value for k in ErrorKind)


def register(sub: Subparsers) -> None:
    p = sub.add_parser("log", help=tr("Show the send log (fetches new delivery reports first)."))
    p.add_argument("--campaign", type=int, help=tr("Only this campaign (its number)."))
    p.add_argument("--state", choices=STATES)
    p.add_argument("--account")
    p.add_argument("--error-kind", choices=ERROR_KINDS, help=tr("Only messages that failed for this reason."))
    p.add_argument("--since", help=tr("Only messages written on or after this day (YYYY-MM-DD, or with a time HH:MM)."))
    p.add_argument("--until", help=tr("Only messages written up to this day, included (YYYY-MM-DD, or with a time HH:MM)."))
    p.add_argument("--search", default="", help=tr("A phone number, its last 4 digits, a name or words of the text."))
    p.add_argument("--limit", type=int, default=100, help=tr("Most messages to print (default 100; an export has them all)."))
    p.add_argument("--no-refresh", action="store_true", help=tr("Do not ask providers for new delivery reports."))
    p.add_argument("--export", type=Path, metavar="FILE", help=tr("Write every matching message to FILE (.xlsx or .csv)."))
    p.add_argument("--from", dest="source", type=Path, metavar="FILE",
                   help=tr("Read a backup or an archive instead of the history (nothing is changed)."))
    add_json(p)
    p.set_defaults(func=cmd_log)

    sandbox = sub.add_parser("sandbox", help=tr("See what the Sandbox delivered, as the recipients' phones show it."))
    ssub = sandbox.add_subparsers(dest="action", required=True)
    p = ssub.add_parser("inbox", help=tr("Messages the Sandbox delivered."))
    p.add_argument("--to", help=tr("Only this number (E.164)."))
    add_json(p)
    p.set_defaults(func=cmd_sandbox_inbox)
    p = ssub.add_parser("reply", help=tr("Answer as a customer: a reply the Sandbox account will receive."))
    p.add_argument("--from", dest="phone", required=True, metavar="NUMBER", help=tr("The customer's number."))
    p.add_argument("--text", required=True, help=tr("What the customer answers, e.g. T to opt out."))
    p.add_argument("--region", default="CN", help=tr("Country of numbers written without +code."))
    p.set_defaults(func=cmd_sandbox_reply)


def parse_moment(text: str, *, end_of_day: bool) -> str:
    """A local date (or date and time) as a UTC journal timestamp.

    A date alone means the start of that day, or with ``end_of_day`` the start of the next (so
    ``--until`` includes the day it names).
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserFacingError(tr("“{value}” is not a date; write it as YYYY-MM-DD.", value=text)) from None
    if end_of_day and len(text.strip()) <= 10:
        moment += timedelta(days=1)
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def refresh_all(store: Store) -> list[str]:
    """Ask every provider with messages waiting for their reports now; returns the problems met."""
    from smsdesk.engine.reports import ReportPoller

    with ReportPoller(store) as poller:
        poller.ask_everything_now()
        return poller.run_round().problems


def _filter(args: argparse.Namespace, store: Store | None, log: SendLog) -> LogFilter:
    account_id = None
    if args.account:
        if store is not None:
            account_id = store.accounts.get(args.account).id
        else:
            account_id = log.account_id(args.account)
            if account_id is None:
                raise UserFacingError(tr("There is no account named “{name}”.", name=args.account))
    return LogFilter(
        campaign_id=args.campaign,
        state=args.state,
        account_id=account_id,
        error_kind=args.error_kind,
        search=args.search,
        since=parse_moment(args.since, end_of_day=False) if args.since else None,
        until=parse_moment(args.until, end_of_day=True) if args.until else None,
    )


def cmd_log(args: argparse.Namespace) -> int:
    if args.source is not None:
        inspect(args.source)
        conn = open_read_only(args.source)
        try:
            return _show(args, None, SendLog(conn))
        finally:
            conn.close()
    with open_store() as store:
        if not args.no_refresh:
            for problem in refresh_all(store):
                print(f"smsdesk: {problem}", file=sys.stderr)
        return _show(args, store, store.log)


def _show(args: argparse.Namespace, store: Store | None, log: SendLog) -> int:
    f = _filter(args, store, log)
    if args.export is not None:
        from smsdesk.engine.export import export_log

        count = export_log(log, f, args.export)
        if args.json:
            print_json({"exported": count, "file": str(args.export)})
        else:
            print(tr("Exported {count} messages to {path}", count=count, path=args.export))
        return 0
    rows = log.rows(f, limit=args.limit)
    if args.json:
        print_json([r.as_dict() for r in rows])
        return 0
    print_table(
        [tr("Time"), tr("Campaign"), tr("Phone"), tr("Name"), tr("State"), tr("Error"), tr("Text")],
        [
            (local_time(r.created_at), r.campaign, r.phone, r.name, state_label(r.state),
             " ".join(x for x in (kind_label(r.error_kind) if r.error_kind else "", r.error_code or "") if x),
             r.text[:40])
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


def cmd_sandbox_reply(args: argparse.Namespace) -> int:
    from smsdesk.core.phones import normalize_phone

    number = normalize_phone(args.phone, args.region)
    if number.e164 is None:
        raise UserFacingError(
            tr("“{number}” is not a valid phone number: {reason}", number=args.phone, reason=number.reason)
        )
    with open_store() as store:
        sandbox = next((a for a in store.accounts.all() if a.provider == SANDBOX_PROVIDER), None)
    provider = SandboxProvider(sandbox.settings if sandbox else {})
    try:
        provider.add_reply(number.e164, args.text)
    finally:
        provider.close()
    print(tr("{phone} replied “{reply}”. smsdesk fetches it with the next check (or run “smsdesk replies fetch”).",
             phone=number.e164, reply=args.text))
    return 0
