"""``smsdesk campaigns``: campaigns as a whole (resume, retry failed, schedules)."""

from __future__ import annotations

from smsdesk.cli.common import Subparsers


def register(sub: Subparsers) -> None:
    """Adds this module's subcommands to ``sub`` (none yet)."""
