"""``smsdesk campaigns``: campaigns as a whole (list, resume, cancel, retry failed, in doubt and
reconciling it with the provider's records, schedules)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from smsdesk.cli.cmd_send import parse_local_time, progress_printer
from smsdesk.cli.common import Subparsers, add_json, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.journal import CampaignInfo
from smsdesk.storage.reconcile import ReconcileCheck


def register(sub: Subparsers) -> None:
    """Adds ``smsdesk campaigns ...`` to ``sub``."""
    p = sub.add_parser("campaigns", help=tr("List, resume, cancel or retry campaigns."))
    csub = p.add_subparsers(dest="campaigns_command", metavar=tr("ACTION"))

    ls = csub.add_parser("list", help=tr("Recent campaigns and what became of their messages."))
    ls.add_argument("--limit", type=int, default=20)
    add_json(ls)
    ls.set_defaults(func=cmd_list)

    resume = csub.add_parser("resume", help=tr("Send what is still queued in a campaign."))
    resume.add_argument("campaign", type=int)
    resume.add_argument(
        "--max-wait", type=float, default=60.0, metavar="SECONDS",
        help=tr("How long to wait for quiet hours or per-number limits before leaving the rest queued (default 60)."),
    )
    add_json(resume)
    resume.set_defaults(func=cmd_resume)

    cancel = csub.add_parser("cancel", help=tr("Send nothing more of a campaign."))
    cancel.add_argument("campaign", type=int)
    cancel.set_defaults(func=cmd_cancel)

    retry = csub.add_parser("retry-failed", help=tr("Send again, as a new campaign, the messages that failed for a reason that may pass."))
    retry.add_argument("campaign", type=int)
    retry.add_argument("--max-wait", type=float, default=60.0, metavar="SECONDS")
    add_json(retry)
    retry.set_defaults(func=cmd_retry_failed)

    doubt = csub.add_parser("in-doubt", help=tr("List the messages in doubt of a campaign, or decide about them."))
    doubt.add_argument("campaign", type=int)
    decision = doubt.add_mutually_exclusive_group()
    decision.add_argument("--send-again", action="store_true", help=tr("Queue them to be sent again (resume the campaign to send)."))
    decision.add_argument("--drop", action="store_true", help=tr("Do not send them again."))
    doubt.add_argument("--not-found-only", action="store_true",
                       help=tr("Decide only about those the provider was asked about and does not have."))
    add_json(doubt)
    doubt.set_defaults(func=cmd_in_doubt)

    reconcile = csub.add_parser(
        "reconcile", help=tr("Look a campaign's messages in doubt up in the provider's records; nothing is resent.")
    )
    reconcile.add_argument("campaign", type=int)
    add_json(reconcile)
    reconcile.set_defaults(func=cmd_reconcile)

    schedule = csub.add_parser("schedule", help=tr("Change when a campaign is sent."))
    schedule.add_argument("campaign", type=int)
    when = schedule.add_mutually_exclusive_group(required=True)
    when.add_argument("--at", metavar="TIME", help=tr("Local time, YYYY-MM-DD HH:MM."))
    when.add_argument("--now", action="store_true", help=tr("Remove the schedule: resume sends it at once."))
    schedule.set_defaults(func=cmd_schedule)

    # The window sends through this, in a process of its own (see smsdesk.engine.send_process).
    run = csub.add_parser("run")
    run.add_argument("campaign", type=int)
    run.add_argument("--driven", action="store_true")
    run.add_argument("--database")
    run.add_argument("--report-wait", type=float, default=60.0)
    run.set_defaults(func=cmd_run)

    due = csub.add_parser("run-due", help=tr("Send every scheduled campaign whose time has come (for a scheduled task)."))
    add_json(due)
    due.set_defaults(func=cmd_run_due)
    p.set_defaults(func=lambda _args: _usage(p))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _campaign(store: Store, campaign_id: int) -> CampaignInfo:
    try:
        return store.journal.campaign(campaign_id)
    except KeyError:
        raise UserFacingError(tr("There is no campaign {id}.", id=campaign_id)) from None


def _as_dict(info: CampaignInfo) -> dict[str, object]:
    return {
        "id": info.id, "name": info.name, "state": info.state, "kind": info.kind, "note": info.note,
        "send_at": info.send_at.isoformat() if info.send_at else None,
        "expires_at": info.expires_at.isoformat() if info.expires_at else None,
        "states": info.counts,
    }


def cmd_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        found = store.journal.recent_campaigns(args.limit)
    if args.json:
        print_json([_as_dict(c) for c in found])
        return 0
    rows = [
        (c.id, c.name, c.state, ", ".join(f"{k} {v}" for k, v in sorted(c.counts.items())), c.note)
        for c in found
    ]
    print_table([tr("ID"), tr("Name"), tr("State"), tr("Messages"), tr("Note")], rows)
    return 0


def _send(store: Store, campaign_id: int, args: argparse.Namespace) -> int:
    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.engine.providers import open_provider

    info = _campaign(store, campaign_id)
    account = store.accounts.get_by_id(info.account_id)
    provider = open_provider(account)
    try:
        show = progress_printer(not args.json and sys.stderr.isatty())
        outcome = send_campaign(store, provider, account, campaign_id, on_progress=show, max_wait=args.max_wait)
    finally:
        provider.close()
    counts = store.journal.campaign_counts(campaign_id)
    if args.json:
        print_json({"campaign_id": campaign_id, "state": outcome.state, "note": outcome.note, "states": counts})
    else:
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(tr("Campaign “{name}”: {states}", name=info.name, states=", ".join(f"{k} {v}" for k, v in sorted(counts.items()))))
        if outcome.note:
            print(outcome.note)
    return 0 if outcome.state == "sent" and not counts.get("in_doubt") else 1


def cmd_resume(args: argparse.Namespace) -> int:
    with open_store() as store:
        info = _campaign(store, args.campaign)
        if info.state == "cancelled":
            raise UserFacingError(tr("The campaign {id} was cancelled; nothing more of it is sent.", id=args.campaign))
        if info.state == "scheduled":
            store.journal.reschedule(args.campaign, None)
        return _send(store, args.campaign, args)


def cmd_cancel(args: argparse.Namespace) -> int:
    from smsdesk.engine.campaign_control import cancel_campaign

    with open_store() as store:
        _campaign(store, args.campaign)
        skipped = cancel_campaign(store, args.campaign)
    print(tr("Cancelled: {count} messages will not be sent.", count=skipped))
    return 0


def cmd_retry_failed(args: argparse.Namespace) -> int:
    from smsdesk.engine.campaign_control import retry_failed

    with open_store() as store:
        _campaign(store, args.campaign)
        new_id = retry_failed(store, args.campaign)
        if new_id is None:
            print(tr("No failed message of campaign {id} is worth sending again.", id=args.campaign))
            return 0
        if not args.json:
            print(tr("Sending the failed messages again as campaign {id}.", id=new_id))
        return _send(store, new_id, args)


def cmd_in_doubt(args: argparse.Namespace) -> int:
    from smsdesk.engine.campaign_control import decide_in_doubt
    from smsdesk.engine.reconcile import evidence, not_found_in_doubt

    with open_store() as store:
        _campaign(store, args.campaign)
        doubtful = store.journal.in_doubt_messages(args.campaign)
        if args.send_again or args.drop:
            ids = not_found_in_doubt(store, args.campaign) if args.not_found_only else [m.id for m in doubtful]
            changed = decide_in_doubt(store, args.campaign, ids, send_again=args.send_again)
            if args.send_again:
                print(tr("{count} messages are queued again; run “smsdesk campaigns resume {id}” to send them.",
                         count=changed, id=args.campaign))
            else:
                print(tr("{count} messages will not be sent again.", count=changed))
            return 0
        checks = evidence(store, [m.id for m in doubtful])
    if args.json:
        print_json([{"id": m.id, "phone": m.phone, "name": m.name, "text": m.text, "reason": m.reason,
                     "not_found_at_provider": checks[m.id].checked_at.isoformat() if m.id in checks else None}
                    for m in doubtful])
    else:
        print_table([tr("ID"), tr("Number"), tr("Name"), tr("Why"), tr("At the provider")],
                    [(m.id, m.phone, m.name, m.reason, _lookup_note(checks.get(m.id))) for m in doubtful])
    return 0


def _lookup_note(check: ReconcileCheck | None) -> str:
    if check is None:
        return ""
    return tr("not found ({time})", time=check.checked_at.astimezone().strftime("%Y-%m-%d %H:%M"))


def cmd_reconcile(args: argparse.Namespace) -> int:
    from smsdesk.engine.reconcile import reconcile_in_doubt

    with open_store() as store:
        _campaign(store, args.campaign)
        result = reconcile_in_doubt(store, campaign_id=args.campaign)
        left = store.journal.campaign_counts(args.campaign).get("in_doubt", 0)
    if args.json:
        print_json({"campaign_id": args.campaign, "found": result.found, "not_found": result.not_found,
                    "unanswered": result.unanswered, "unsupported": result.unsupported,
                    "in_doubt": left, "problems": result.problems})
    else:
        print(result.describe())
        for problem in result.problems:
            print(problem, file=sys.stderr)
        if left:
            print(tr("{count} still in doubt: see “smsdesk campaigns in-doubt {id}”.", count=left, id=args.campaign))
    return 1 if result.problems else 0


def cmd_schedule(args: argparse.Namespace) -> int:
    with open_store() as store:
        info = _campaign(store, args.campaign)
        if info.state in ("sent", "cancelled", "sending"):
            raise UserFacingError(tr("The campaign {id} can no longer be scheduled.", id=args.campaign))
        when = None if args.now else parse_local_time(args.at)
        store.journal.reschedule(args.campaign, when)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from smsdesk import paths
    from smsdesk.engine.send_process import drive, run_in_background

    run_in_background()
    database = Path(args.database) if args.database else paths.database_path()
    return drive(args.campaign, database, sys.stdin, sys.stdout, report_wait=args.report_wait)


def cmd_run_due(args: argparse.Namespace) -> int:
    args.max_wait = 0.0
    status = 0
    with open_store() as store:
        due = store.journal.due_campaigns(datetime.now(UTC))
        for info in due:
            store.journal.reschedule(info.id, None)
            status = max(status, _send(store, info.id, args))
    if not due and not args.json:
        print(tr("No scheduled campaign is due."))
    return status
