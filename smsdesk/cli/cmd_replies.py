"""``smsdesk replies``: fetch what customers answered, read it, answer, and set the keywords."""

from __future__ import annotations

import argparse

from smsdesk.cli.common import Subparsers, add_json, e164, open_store
from smsdesk.cli.output import fail, print_json, print_table
from smsdesk.core.stamps import local_time
from smsdesk.engine.replies import action_label, answer_reply, fetch_now, save_keywords
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.accounts import Account


def register(sub: Subparsers) -> None:
    replies = sub.add_parser("replies", help=tr("Customers' replies: fetch, read, answer; opt-out keywords."))
    rsub = replies.add_subparsers(dest="action", required=True)

    p = rsub.add_parser("fetch", help=tr("Fetch new replies now and act on their opt-out keywords."))
    p.add_argument("--account", help=tr("Only this account (default: every account that can be asked)."))
    add_json(p)
    p.set_defaults(func=cmd_fetch)

    p = rsub.add_parser("list", help=tr("Show replies, newest first."))
    p.add_argument("--unread", action="store_true", help=tr("Only replies not read yet."))
    p.add_argument("--phone", help=tr("Only replies from this number."))
    p.add_argument("--search", default="", help=tr("Words of the reply or part of the number."))
    p.add_argument("--region", default="CN", help=tr("Country of numbers written without +code."))
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--mark-read", action="store_true", help=tr("Mark the replies shown as read."))
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = rsub.add_parser("answer", help=tr("Send an answer to a customer who replied."))
    p.add_argument("phone")
    p.add_argument("--text", required=True, help=tr("The answer, sent as written."))
    p.add_argument("--account", help=tr("Account to answer through (default: the one the customer replied to)."))
    p.add_argument("--region", default="CN", help=tr("Country of numbers written without +code."))
    add_json(p)
    p.set_defaults(func=cmd_answer)

    p = rsub.add_parser("keywords", help=tr("Show or change the opt-out and opt-in keywords."))
    p.add_argument("--opt-out", metavar="WORDS", help=tr("Opt-out keywords, separated by commas."))
    p.add_argument("--opt-in", metavar="WORDS", help=tr("Opt-in keywords, separated by commas."))
    allow = p.add_mutually_exclusive_group()
    allow.add_argument("--allow-opt-in", action="store_true",
                       help=tr("An opt-in keyword takes the number off the opt-out list."))
    allow.add_argument("--no-allow-opt-in", action="store_true",
                       help=tr("An opt-in keyword only marks the reply for you to decide (the default)."))
    add_json(p)
    p.set_defaults(func=cmd_keywords)


def cmd_fetch(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = store.accounts.get(args.account) if args.account else None
        outcomes, problems = fetch_now(store, account)
    if args.json:
        print_json({
            "accounts": [
                {"account": o.account, "new": len(o.recorded), "duplicates": o.duplicates,
                 "opted_out": o.opted_out, "opted_in": o.opted_in, "asking_to_opt_in": o.asking}
                for o in outcomes
            ],
            "problems": problems,
        })
    else:
        for o in outcomes:
            print(tr("{account}: {new} new replies, {opted_out} opted out.",
                     account=o.account, new=len(o.recorded), opted_out=len(o.opted_out)))
            for r in o.recorded:
                note = action_label(r.action)
                print(f"  {r.phone}  {r.text}" + (f"  ({note})" if note else ""))
        for problem in problems:
            fail(problem)
    return 1 if problems else 0


def cmd_list(args: argparse.Namespace) -> int:
    phone = e164(args.phone, args.region) if args.phone else None
    with open_store() as store:
        rows = store.replies.rows(unread_only=args.unread, phone=phone, search=args.search, limit=args.limit)
        if args.mark_read:
            for number in {r.phone for r in rows}:
                store.replies.mark_read(number)
    if args.json:
        print_json([{**r.as_dict(), "action_label": action_label(r.action)} for r in rows])
        return 0
    print_table(
        [tr("Received"), tr("Phone"), tr("Name"), tr("Reply"), tr("Keyword"), tr("Campaign"), tr("Read")],
        [
            (local_time(r.received_at), r.phone, r.name, r.text[:40],
             " ".join(x for x in (r.keyword, f"({action_label(r.action)})" if r.action else "") if x),
             r.campaign, tr("yes") if r.read else tr("no"))
            for r in rows
        ],
    )
    return 0


def cmd_answer(args: argparse.Namespace) -> int:
    phone = e164(args.phone, args.region)
    with open_store() as store:
        account: Account | None
        if args.account:
            account = store.accounts.get(args.account)
        else:
            latest = store.replies.rows(phone=phone, limit=1)
            account = store.accounts.get(latest[0].account) if latest else store.accounts.default()
        if account is None:
            raise UserFacingError(tr("There is no account to send through. Add one first."))
        result = answer_reply(store, account, phone, args.text)
    if args.json:
        print_json({"campaign_id": result.campaign_id, "phone": result.phone, "state": result.state,
                    "detail": result.detail})
    else:
        print(tr("Answer to {phone}: {state} {detail}", phone=result.phone, state=result.state,
                 detail=result.detail).rstrip())
    return 0 if result.state in ("sent", "delivered") else 1


def cmd_keywords(args: argparse.Namespace) -> int:
    with open_store() as store:
        keywords = store.replies.keywords()
        if args.opt_out is not None or args.opt_in is not None or args.allow_opt_in or args.no_allow_opt_in:
            allowed = keywords.opt_in_allowed
            if args.allow_opt_in:
                allowed = True
            elif args.no_allow_opt_in:
                allowed = False
            keywords = save_keywords(
                store,
                args.opt_out if args.opt_out is not None else ", ".join(keywords.opt_out),
                args.opt_in if args.opt_in is not None else ", ".join(keywords.opt_in),
                opt_in_allowed=allowed,
            )
    if args.json:
        print_json({"opt_out": list(keywords.opt_out), "opt_in": list(keywords.opt_in),
                    "opt_in_allowed": keywords.opt_in_allowed})
    else:
        print(tr("Opt-out keywords: {words}", words=", ".join(keywords.opt_out)))
        print(tr("Opt-in keywords: {words}", words=", ".join(keywords.opt_in)))
        print(tr("An opt-in keyword takes the number off the opt-out list.") if keywords.opt_in_allowed
              else tr("An opt-in keyword only marks the reply for you to decide."))
    return 0
