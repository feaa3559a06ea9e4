"""``smsdesk templates``: add, list and remove message templates; fetch the provider's approved
templates and signatures and check a template against the one it is linked to."""

from __future__ import annotations

import argparse

from smsdesk.cli.common import Subparsers, add_json, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.core.approved import approval_label
from smsdesk.core.template import TemplateKind, parse_template
from smsdesk.engine.approved import check_template_link, fetch_approved, linked_template
from smsdesk.engine.template_params import parse_param_map
from smsdesk.engine.templates import template_source
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.templates import Template

KINDS = tuple(TemplateKind)


def register(sub: Subparsers) -> None:
    templates = sub.add_parser("templates", help=tr("Manage message templates."))
    tsub = templates.add_subparsers(dest="action", required=True)
    p = tsub.add_parser("add", help=tr("Add or replace a template; variables are written {name}."))
    p.add_argument("name")
    p.add_argument(
        "--text", required=True, help=tr("The message, e.g. “{name}, your order is ready.”")
    )
    p.add_argument("--kind", choices=KINDS, default="notification")
    p.add_argument(
        "--opt-out",
        default="",
        metavar="LINE",
        help=tr("A marketing message's opt-out line (default: 回T退订, or Reply STOP to opt out)."),
    )
    p.add_argument(
        "--signature",
        default="",
        help=tr("Signature shown as 【signature】 (default: the account's)."),
    )
    p.add_argument(
        "--provider-template-id", default="", help=tr("The provider's approved template id.")
    )
    p.add_argument(
        "--template-params",
        default="",
        metavar="MAPPING",
        help=tr(
            "How the approved template's parameters are filled, e.g. “code=code, content=_text”."
        ),
    )
    p.set_defaults(func=cmd_add)
    p = tsub.add_parser("list", help=tr("List templates."))
    add_json(p)
    p.set_defaults(func=cmd_list)
    p = tsub.add_parser("remove", help=tr("Remove a template."))
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)
    p = tsub.add_parser(
        "fetch", help=tr("Fetch the provider's templates and signatures with their review state.")
    )
    p.add_argument(
        "--account", help=tr("Aliyun or Tencent Cloud account (default: the default account).")
    )
    p.add_argument(
        "--sign-id",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help=tr(
            "Tencent Cloud signature id to look up (repeatable); Tencent lists signatures only by id."
        ),
    )
    add_json(p)
    p.set_defaults(func=cmd_fetch)
    p = tsub.add_parser(
        "check", help=tr("Check that a template and its mapping produce the approved text.")
    )
    p.add_argument("name")
    p.add_argument("--account", help=tr("Account to check against (default: the default account)."))
    add_json(p)
    p.set_defaults(func=cmd_check)


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
                param_names=tuple(f"{a}={b}" for a, b in parse_param_map(args.template_params)),
                opt_out=args.opt_out,
            )
        )
    print(tr("Template “{name}” saved.", name=args.name))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        templates = store.templates.all()
    if args.json:
        print_json(
            [
                {
                    "name": t.name,
                    "kind": t.kind,
                    "text": t.body,
                    "sent_text": template_source(t),
                    "opt_out": t.opt_out,
                    "signature": t.signature,
                    "provider_template_id": t.provider_template_id,
                    "template_params": t.param_names,
                }
                for t in templates
            ]
        )
    else:
        print_table(
            [tr("Name"), tr("Kind"), tr("Text")], [(t.name, t.kind, t.body) for t in templates]
        )
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        store.templates.remove(args.name)
    print(tr("Template “{name}” removed.", name=args.name))
    return 0


def _account(store: Store, name: str | None) -> Account:
    account = store.accounts.get(name) if name else store.accounts.default()
    if account is None:
        raise UserFacingError(tr("There is no account to send through. Add one first."))
    return account


def cmd_fetch(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = _account(store, args.account)
        fetched = fetch_approved(store, account, sign_ids=args.sign_id)
    if args.json:
        print_json(
            {
                "account": account.name,
                "templates": [
                    {
                        "id": t.template_id,
                        "name": t.name,
                        "text": t.text,
                        "state": str(t.state),
                        "kind": t.kind,
                        "international": t.international,
                        "reason": t.reason,
                    }
                    for t in fetched.templates
                ],
                "signatures": None
                if fetched.signatures is None
                else [
                    {
                        "name": s.name,
                        "state": str(s.state),
                        "international": s.international,
                        "reason": s.reason,
                        "id": s.sign_id,
                    }
                    for s in fetched.signatures
                ],
                "unknown_sign_ids": fetched.unknown_sign_ids,
            }
        )
        return 0
    print_table(
        [tr("Template"), tr("Name"), tr("State"), tr("Text")],
        [(t.template_id, t.name, approval_label(t.state), t.text) for t in fetched.templates],
    )
    if fetched.signatures is not None:
        print()
        print_table(
            [tr("Signature"), tr("State"), tr("Reason")],
            [(s.name, approval_label(s.state), s.reason) for s in fetched.signatures],
        )
    for sign_id in fetched.unknown_sign_ids:
        print(tr("Tencent Cloud has no signature with id {id}.", id=sign_id))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = _account(store, args.account)
        template = store.templates.get(args.name)
        assert account.id is not None
        template_id, param_map = linked_template(template, account)
        report = check_template_link(
            template_source(template),
            provider=account.provider,
            template_id=template_id,
            param_map=param_map,
            approved=store.templates.approved_templates(account.id),
            signatures=store.templates.approved_signatures(account.id),
            signature=template.signature or account.settings.get("signature", ""),
        )
    if args.json:
        print_json(
            {
                "template": template.name,
                "account": account.name,
                "provider_template_id": template_id,
                "approved_text": report.approved.text if report.approved else None,
                "state": str(report.approved.state) if report.approved else None,
                "problems": list(report.problems),
            }
        )
    else:
        if report.approved is not None:
            print(
                tr(
                    "Approved text: {approved} ({state})",
                    approved=report.approved.text,
                    state=approval_label(report.approved.state),
                )
            )
        for problem in report.problems:
            print(problem)
        if not report.problems:
            print(tr("The template and its mapping produce the approved text."))
    return 1 if report.problems else 0
