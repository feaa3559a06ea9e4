"""``smsdesk history``: backing up, restoring and archiving the history database."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from smsdesk import paths
from smsdesk.cli.common import Subparsers, add_json, interactive, open_store
from smsdesk.cli.output import print_json
from smsdesk.engine import history
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.backup import BackupInfo, inspect


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("history", help=tr("Back up, restore or archive the history (every message sent)."))
    hsub = parser.add_subparsers(dest="action", required=True)

    p = hsub.add_parser("backup", help=tr("Copy the history to a backup file, safely even while smsdesk runs."))
    p.add_argument("file", nargs="?", type=Path, help=tr("Where to write it (default: the backups folder)."))
    add_json(p)
    p.set_defaults(func=cmd_backup)

    p = hsub.add_parser("restore", help=tr("Replace the history with a backup; the current one is kept first."))
    p.add_argument("file", type=Path)
    p.add_argument("--yes", action="store_true", help=tr("Do not ask for confirmation."))
    add_json(p)
    p.set_defaults(func=cmd_restore)

    p = hsub.add_parser("archive", help=tr("Move finished campaigns older than a day into an archive file."))
    p.add_argument("--before", required=True, help=tr("Campaigns written before this day (YYYY-MM-DD)."))
    p.add_argument("--to", type=Path, metavar="FILE", help=tr("The archive file to create (default: the archives folder)."))
    p.add_argument("--yes", action="store_true", help=tr("Do not ask for confirmation."))
    add_json(p)
    p.set_defaults(func=cmd_archive)

    p = hsub.add_parser("check", help=tr("Where the history is, what it holds, and whether that place is safe."))
    add_json(p)
    p.set_defaults(func=cmd_check)


def _info(info: BackupInfo) -> dict[str, object]:
    return {"file": str(info.path), "messages": info.messages, "campaigns": info.campaigns,
            "newest": info.newest, "schema_version": info.schema_version}


def _confirm(question: str, yes: bool) -> None:
    if yes:
        return
    if not interactive():
        raise UserFacingError(tr("This changes the history; run it in a terminal to confirm, or add --yes."))
    answer = input(f"{question} [y/N] ").strip().lower()
    if answer not in ("y", "yes", "是", "好"):
        raise UserFacingError(tr("Nothing was changed."))


def cmd_backup(args: argparse.Namespace) -> int:
    target = args.file or history.suggested_backup()
    info = history.back_up_history(paths.database_path(), target)
    if args.json:
        print_json(_info(info))
    else:
        print(tr("History backed up to {path} ({messages} messages).", path=info.path, messages=info.messages))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    info = inspect(args.file)
    _confirm(
        tr("Replace the current history with {path} ({messages} messages)? The current history is kept first.",
           path=args.file, messages=info.messages),
        args.yes,
    )
    with open_store() as store:
        restored = history.restore_history(store.conn, args.file)
    if args.json:
        print_json({**_info(restored.info), "previous": str(restored.previous)})
    else:
        print(tr("History restored ({messages} messages). The previous history was kept in {path}.",
                 messages=restored.info.messages, path=restored.previous))
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    try:
        before = date.fromisoformat(args.before)
    except ValueError:
        raise UserFacingError(tr("“{value}” is not a date; write it as YYYY-MM-DD.", value=args.before)) from None
    with open_store() as store:
        plan = history.archive_preview(store.conn, before)
    if plan.campaign_ids:
        _confirm(
            tr("Move {campaigns} finished campaigns ({messages} messages) written before {day} to an archive file?",
               campaigns=len(plan.campaign_ids), messages=plan.messages, day=before.isoformat()),
            args.yes,
        )
    result = history.archive_history(paths.database_path(), before, args.to)
    if args.json:
        print_json({"file": str(result.path) if result.path else None, "campaigns": result.campaigns,
                    "messages": result.messages})
    elif result.path is None:
        print(tr("No finished campaign was written before {day}; nothing to archive.", day=before.isoformat()))
    else:
        print(tr("{campaigns} campaigns ({messages} messages) moved to {path}.",
                 campaigns=result.campaigns, messages=result.messages, path=result.path))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    database = paths.database_path()
    with open_store():
        pass
    info = inspect(database)
    warning = history.history_warning(database)
    if args.json:
        print_json({**_info(info), "size_bytes": database.stat().st_size, "warning": warning})
    else:
        print(tr("History: {path} ({size} MB, {messages} messages in {campaigns} campaigns).",
                 path=database, size=f"{database.stat().st_size / 1e6:.1f}", messages=info.messages,
                 campaigns=info.campaigns))
        print(warning or tr("The history is on this computer's own disk."))
    return 1 if warning else 0
