"""``smsdesk import``, ``smsdesk lists`` and ``smsdesk optout``."""

from __future__ import annotations

import argparse
from pathlib import Path

from smsdesk.cli.common import Subparsers, add_json, e164, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.engine.lists import import_list
from smsdesk.i18n import tr


def register(sub: Subparsers) -> None:
    p = sub.add_parser("import", help=tr("Import a customer list from .xlsx, .xls, .ods or .csv."))
    p.add_argument("file", type=Path)
    p.add_argument("--list", required=True, dest="list_name", help=tr("Name of the list to create."))
    p.add_argument("--sheet", help=tr("Sheet to read (default: the first)."))
    p.add_argument("--phone-column", help=tr("Column holding the phone numbers (default: detected)."))
    p.add_argument("--name-column", help=tr("Column holding the customer's name (default: detected)."))
    p.add_argument("--region", default="CN", help=tr("Country of numbers written without +code (default CN)."))
    p.add_argument("--replace", action="store_true", help=tr("Replace a list of the same name."))
    add_json(p)
    p.set_defaults(func=cmd_import)

    lists = sub.add_parser("lists", help=tr("Show or remove saved recipient lists."))
    lsub = lists.add_subparsers(dest="action", required=True)
    p = lsub.add_parser("list", help=tr("List saved lists."))
    add_json(p)
    p.set_defaults(func=cmd_lists)
    p = lsub.add_parser("show", help=tr("Show the recipients of a list."))
    p.add_argument("name")
    p.add_argument("--limit", type=int, default=50)
    add_json(p)
    p.set_defaults(func=cmd_show)
    p = lsub.add_parser("remove", help=tr("Remove a list."))
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    optout = sub.add_parser("optout", help=tr("Manage the opt-out list shared by all accounts."))
    osub = optout.add_subparsers(dest="action", required=True)
    p = osub.add_parser("add", help=tr("Add numbers to the opt-out list."))
    p.add_argument("numbers", nargs="+")
    p.add_argument("--reason", default="")
    p.add_argument("--region", default="CN")
    p.set_defaults(func=cmd_optout_add)
    p = osub.add_parser("remove", help=tr("Remove numbers from the opt-out list."))
    p.add_argument("numbers", nargs="+")
    p.add_argument("--region", default="CN")
    p.set_defaults(func=cmd_optout_remove)
    p = osub.add_parser("list", help=tr("Show the opt-out list."))
    add_json(p)
    p.set_defaults(func=cmd_optout_list)


def cmd_import(args: argparse.Namespace) -> int:
    with open_store() as store:
        done = import_list(
            store,
            args.file,
            args.list_name,
            sheet=args.sheet,
            phone_column=args.phone_column,
            name_column=args.name_column,
            region=args.region,
            replace=args.replace,
        )
    summary = done.summary()
    if args.json:
        print_json(summary)
    else:
        print(
            tr(
                "List “{name}”: {rows} rows read, {imported} imported, {duplicates} duplicates, "
                "{opted_out} opted out, {rejected} rejected.",
                name=done.saved.name,
                rows=done.result.rows_read,
                imported=len(done.result.recipients),
                duplicates=done.result.duplicates,
                opted_out=done.result.opted_out,
                rejected=len(done.result.rejected),
            )
        )
        for r in done.result.rejected:
            print(tr("  row {row}: {value} — {reason}", row=r.row_no, value=r.raw_value, reason=r.reason))
    return 0


def cmd_lists(args: argparse.Namespace) -> int:
    with open_store() as store:
        lists = store.lists.all()
    if args.json:
        print_json([{"name": x.name, "size": x.size, "columns": list(x.columns), "source": x.source_file} for x in lists])
    else:
        print_table([tr("Name"), tr("Recipients"), tr("Columns")], [(x.name, x.size, ", ".join(x.columns)) for x in lists])
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_store() as store:
        saved = store.lists.get(args.name)
        people = store.lists.page(saved.id, 0, args.limit)
    if args.json:
        print_json([{"row": p.row_no, "phone": p.phone, "name": p.name, **p.fields} for p in people])
    else:
        print_table(
            [tr("Row"), tr("Phone"), tr("Name"), *saved.columns],
            [(p.row_no, p.phone, p.name, *(p.fields.get(c, "") for c in saved.columns)) for p in people],
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        store.lists.remove(args.name)
    print(tr("List “{name}” removed.", name=args.name))
    return 0


def cmd_optout_add(args: argparse.Namespace) -> int:
    phones = [e164(n, args.region) for n in args.numbers]
    with open_store() as store:
        store.optouts.add_many((p, args.reason) for p in phones)
    print(tr("{count} numbers on the opt-out list.", count=len(phones)))
    return 0


def cmd_optout_remove(args: argparse.Namespace) -> int:
    phones = [e164(n, args.region) for n in args.numbers]
    with open_store() as store:
        removed = sum(store.optouts.remove(p) for p in phones)
    print(tr("{count} numbers removed from the opt-out list.", count=removed))
    return 0


def cmd_optout_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        entries = store.optouts.page(limit=1_000_000)
    if args.json:
        print_json([{"phone": e.phone, "reason": e.reason, "since": e.created_at, "source": e.source,
                     "keyword": e.keyword} for e in entries])
    else:
        print_table([tr("Phone"), tr("Keyword"), tr("Reason"), tr("Since")],
                    [(e.phone, e.keyword, e.reason, e.created_at) for e in entries])
    return 0
