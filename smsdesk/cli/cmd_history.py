"""``smsdesk history``: backing up, restoring and archiving the history database."""

from __future__ import annotations

from smsdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    """Adds this module's subcommands to ``sub`` (none yet)."""
