"""``smsdesk accounts``: list, add, remove and test provider accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from smsdesk.cli.common import Subparsers, add_json, interactive, open_store
from smsdesk.cli.output import print_json, print_table
from smsdesk.engine.providers import account_fields, secret_keys, test_account
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers import KINDS
from smsdesk.storage.accounts import Account
from smsdesk.storage.secrets import SecretStore


def register(sub: Subparsers) -> None:
    accounts = sub.add_parser("accounts", help=tr("Manage provider accounts."))
    asub = accounts.add_subparsers(dest="action", required=True)

    p = asub.add_parser("list", help=tr("List accounts."))
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = asub.add_parser(
        "add",
        help=tr("Add an account; secrets are read from standard input, never from arguments."),
        description=tr(
            "Add an account. Settings come from --set KEY=VALUE; secrets are prompted for, or read "
            "from standard input as KEY=VALUE lines (a single secret may be given alone)."
        ),
    )
    p.add_argument("name")
    p.add_argument("--provider", required=True, choices=KINDS)
    p.add_argument("--endpoint", help=tr("Override the provider's address (regional endpoint, proxy, emulator)."))
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help=tr("A provider setting."))
    p.add_argument("--price", type=float, default=0.0, help=tr("Price of one SMS segment."))
    p.add_argument("--currency", default="CNY")
    p.add_argument("--rate", type=float, default=10.0, help=tr("Most requests per second."))
    p.add_argument("--default", action="store_true", help=tr("Make this the default account."))
    add_json(p)
    p.set_defaults(func=cmd_add)

    p = asub.add_parser("remove", help=tr("Remove an account and its secrets."))
    p.add_argument("name")
    p.set_defaults(func=cmd_remove)

    p = asub.add_parser("test", help=tr("Test the connection of an account with a harmless read-only call."))
    p.add_argument("name")
    p.set_defaults(func=cmd_test)

    p = asub.add_parser("fields", help=tr("Show the settings a provider needs."))
    p.add_argument("provider", choices=KINDS)
    p.set_defaults(func=cmd_fields)


def cmd_list(args: argparse.Namespace) -> int:
    with open_store() as store:
        accounts = store.accounts.all()
    if args.json:
        print_json(
            [
                {
                    "name": a.name,
                    "provider": a.provider,
                    "default": a.is_default,
                    "endpoint": a.settings.get("endpoint", ""),
                    "price_per_segment": a.price_per_segment,
                    "currency": a.currency,
                    "rate_per_second": a.rate_per_second,
                }
                for a in accounts
            ]
        )
    else:
        print_table(
            [tr("Name"), tr("Provider"), tr("Default"), tr("Endpoint")],
            [(a.name, a.provider, "*" if a.is_default else "", a.settings.get("endpoint", "")) for a in accounts],
        )
    return 0


def _read_secrets(provider: str) -> dict[str, str]:
    keys = [f for f in account_fields(provider) if f.secret]
    if not keys:
        return {}
    secrets: dict[str, str] = {}
    if interactive():
        for f in keys:
            value = getpass.getpass(f"{tr(f.label)}: ")
            if value:
                secrets[f.key] = value
    else:
        lines = [line.strip() for line in sys.stdin.read().splitlines() if line.strip()]
        if len(keys) == 1 and len(lines) == 1 and "=" not in lines[0]:
            secrets[keys[0].key] = lines[0]
        else:
            wanted = {f.key for f in keys}
            for line in lines:
                key, sep, value = line.partition("=")
                if not sep or key.strip() not in wanted:
                    raise UserFacingError(
                        tr("Standard input must hold KEY=VALUE lines for: {keys}", keys=", ".join(sorted(wanted)))
                    )
                secrets[key.strip()] = value.strip()
    missing = [tr(f.label) for f in keys if f.required and f.key not in secrets]
    if missing:
        raise UserFacingError(tr("Missing secret: {names}", names=", ".join(missing)))
    return secrets


def cmd_add(args: argparse.Namespace) -> int:
    fields = {f.key: f for f in account_fields(args.provider)}
    settings: dict[str, str] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            raise UserFacingError(tr("Write settings as KEY=VALUE, not “{item}”.", item=item))
        if key not in fields:
            raise UserFacingError(
                tr("The provider has no setting “{key}”; it has: {keys}", key=key, keys=", ".join(sorted(fields)))
            )
        if fields[key].secret:
            raise UserFacingError(
                tr("“{key}” is a secret: give it on standard input, never on the command line.", key=key)
            )
        settings[key] = value
    if args.endpoint:
        settings["endpoint"] = args.endpoint
    for f in fields.values():
        if not f.secret and f.key not in settings and f.default:
            settings[f.key] = f.default
    missing = [f.key for f in fields.values() if f.required and not f.secret and not settings.get(f.key)]
    if missing:
        raise UserFacingError(tr("Missing setting: {names} (use --set KEY=VALUE)", names=", ".join(missing)))
    secrets = _read_secrets(args.provider)
    with open_store() as store:
        account = Account(
            name=args.name,
            provider=args.provider,
            settings=settings,
            is_default=args.default,
            price_per_segment=args.price,
            currency=args.currency,
            rate_per_second=args.rate,
        )
        account = store.accounts.add(account)
        try:
            if secrets:
                SecretStore().save(account.secret_ref, secrets)
        except UserFacingError:
            store.accounts.remove(account.name)
            raise
    if args.json:
        print_json({"name": account.name, "provider": account.provider, "settings": dict(account.settings)})
    else:
        print(tr("Account “{name}” added.", name=account.name))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = store.accounts.remove(args.name)
    SecretStore().delete(account.secret_ref, secret_keys(account.provider))
    print(tr("Account “{name}” removed.", name=account.name))
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    with open_store() as store:
        account = store.accounts.get(args.name)
    print(test_account(account))
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    rows = [
        (f.key, tr(f.label), tr("secret (standard input)") if f.secret else "", tr("required") if f.required else f.default)
        for f in account_fields(args.provider)
    ]
    print_table([tr("Key"), tr("Setting"), "", ""], rows)
    return 0
