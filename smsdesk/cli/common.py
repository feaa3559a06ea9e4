"""Helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from smsdesk.core.phones import normalize_phone
from smsdesk.engine.first_run import ensure_first_run
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage import Store

Subparsers = Any  # argparse's private _SubParsersAction


def open_store() -> Store:
    """The user's database, with the Sandbox and samples on a brand-new installation."""
    store = Store.open()
    ensure_first_run(store)
    return store


def e164(raw: str, region: str) -> str:
    """A phone number given on the command line, in international form, or a one-line error."""
    result = normalize_phone(raw, region)
    if result.e164 is None:
        raise UserFacingError(tr("“{number}” is not a valid phone number: {reason}", number=raw, reason=result.reason))
    return result.e164


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()
