"""``smsdesk templates``: add, list and remove message templates."""

from __future__ import annotations

import argparse

from smsdesk.cli.common import Subparsers, add_json, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.core.template import parse_template
from smsdesk.engine.providers import parse_param_map
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.templates import Template

KINDS = ("verification", "notification", "marketing")


def register(sub: Subparsers) -> None:
    templates = sub.add_parser("templates", help=tr("Manage message templates."))
    tsub = templates.add_subparsers(dest="action", required=True)
    p = tsub.add_parser("add", help=tr("Add or replace a template; variables are written {name}."))
    p.add_argument("name")
    p.add_argument("--text", required=True, help=tr("The message, e.g. “{name}, your order is ready.”"))
    p.add_argument("--kind", choices=KINDS, default="notification")
    p.add_argument("--signature", default="", help=tr("Signature shown as 【signature】 (default: the account's)."))
    p.add_argument("--provider-template-id", default="", help=tr("The provider's approved template id."))
    p.add_argument(
        "--template-params", default="", metavar="MAPPING",
        help=tr("How the approved template's parameters are filled, e.g. “code=code, content=_text”."),
    )
    p.set_defaults(func=cmd_add)
    p = tsub.add_parser("list", help=tr("List templates."))
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = tsub.add_parser("remove", help=tr("Remove a template."))
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)


def cmd_add(args: argparse.Namespace) -> int:
    parsed = parse_template(args.text)
    if parsed.issues:
        raise UserFacingError(parsed.issues[0].message)
    with open_store() as store:
        store.templates.save(
            Template(
                name=args.name,
                body=args.text,
                kind=args.kind,
                signature=args.signature,
                provider_template_id=args.provider_template_id,
                param_names=[f"{a}={b}" for a, b in parse_param_map(args.template_params)],
            )
        )
    print(tr("Template “{name}” saved.", name=args.name))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        templates = store.templates.all()
    if args.json:
        print_json([{"name": t.name, "kind": t.kind, "text": t.body, "signature": t.signature} for t in templates])
    else:
        print_table([tr("Name"), tr("Kind"), tr("Text")], [(t.name, t.kind, t.body) for t in templates])
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        store.templates.remove(args.name)
    print(tr("Template “{name}” removed.", name=args.name))
    return 0
