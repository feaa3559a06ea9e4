"""Moving finished campaigns out of the history database into an archive file.

An archive is an smsdesk database of its own (same schema), so it can be looked into, exported
or restored like a backup. Only whole campaigns move, and only those whose every message has
its final state: nothing that may still change is ever archived.

The campaigns are first copied and the copy committed and counted; only then are they deleted
from the history. An interruption in between leaves them in both files, never in neither.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.backup import BackupCancelled
from smsdesk.storage.db import connect

Progress = Callable[[int, int], None]
FINAL = "('delivered', 'failed', 'skipped')"
NOT_COPIED = {"campaigns": ("list_id", "template_id")}
"""Links to rows the archive does not hold (customer lists, templates) are left empty."""


@dataclass(frozen=True)
class ArchivePlan:
    campaign_ids: tuple[int, ...]
    messages: int


@dataclass(frozen=True)
class ArchiveResult:
    path: Path | None
    campaigns: int
    messages: int


def plan(conn: sqlite3.Connection, before: str) -> ArchivePlan:
    """Campaigns written before ``before`` (UTC ISO 8601) whose messages are all final."""
    rows = conn.execute(
        "SELECT c.id, (SELECT COUNT(*) FROM messages m WHERE m.campaign_id = c.id) FROM campaigns c"
        " WHERE c.created_at < ? AND NOT EXISTS (SELECT 1 FROM messages m"
        f"  WHERE m.campaign_id = c.id AND m.state NOT IN {FINAL}) ORDER BY c.id",
        (before,),
    ).fetchall()
    return ArchivePlan(tuple(int(r[0]) for r in rows), sum(int(r[1]) for r in rows))


def _columns(conn: sqlite3.Connection, table: str) -> tuple[str, str]:
    """The archive table's columns, and what to copy into each."""
    names = [r[1] for r in conn.execute(f"PRAGMA archive.table_info({table})")]
    blank = NOT_COPIED.get(table, ())
    return ", ".join("NULL" if n in blank else n for n in names), ", ".join(names)


def archive(source_path: Path, target: Path, before: str, *, progress: Progress | None = None,
            cancel: threading.Event | None = None, compact: bool = True) -> ArchiveResult:
    """Move finished campaigns older than ``before`` from the database at ``source_path`` to a
    new archive at ``target``; ``compact`` gives the freed space back to the disk."""
    if target.exists():
        raise UserFacingError(tr("The file {path} already exists. Choose another name.", path=target))
    conn = connect(source_path, check_same_thread=False)
    try:
        chosen = plan(conn, before)
        if not chosen.campaign_ids:
            return ArchiveResult(None, 0, 0)
        try:
            connect(target).close()
        except (OSError, sqlite3.OperationalError) as exc:
            raise UserFacingError(
                tr("smsdesk could not write {path}. Check that the folder exists, is not read-only "
                   "and the disk has free space.", path=target)
            ) from exc
        total = len(chosen.campaign_ids)
        conn.execute("ATTACH DATABASE ? AS archive", (str(target),))
        # The archive holds only some of the rows campaigns may point to (another campaign they
        # retried, a schedule...); the copy is checked by counting instead of by foreign keys.
        conn.execute("PRAGMA foreign_keys=OFF")
        try:
            _copy(conn, chosen, progress, cancel)
        except BaseException:
            conn.execute("DETACH DATABASE archive")
            target.unlink(missing_ok=True)
            raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("DETACH DATABASE archive")
        # The archive is one self-contained file from now on.
        archive_conn = sqlite3.connect(target)
        archive_conn.execute("PRAGMA journal_mode=DELETE")
        archive_conn.close()
        for done, campaign_id in enumerate(chosen.campaign_ids, 1):
            with conn:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("DELETE FROM campaigns WHERE id = ?", (campaign_id,))
            if progress is not None:
                progress(total + done, 2 * total)
        if compact:
            conn.execute("VACUUM")
        return ArchiveResult(target, total, chosen.messages)
    finally:
        conn.close()


def _copy(conn: sqlite3.Connection, chosen: ArchivePlan, progress: Progress | None,
          cancel: threading.Event | None) -> None:
    total = len(chosen.campaign_ids)
    account_values, account_names = _columns(conn, "accounts")
    campaign_values, campaign_names = _columns(conn, "campaigns")
    message_values, message_names = _columns(conn, "messages")
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        for done, campaign_id in enumerate(chosen.campaign_ids, 1):
            if cancel is not None and cancel.is_set():
                raise BackupCancelled
            conn.execute(
                f"INSERT OR IGNORE INTO archive.accounts ({account_names}) SELECT {account_values}"
                " FROM main.accounts WHERE id = (SELECT account_id FROM main.campaigns WHERE id = ?)",
                (campaign_id,),
            )
            conn.execute(
                f"INSERT INTO archive.campaigns ({campaign_names}) SELECT {campaign_values}"
                " FROM main.campaigns WHERE id = ?",
                (campaign_id,),
            )
            conn.execute(
                f"INSERT INTO archive.messages ({message_names}) SELECT {message_values}"
                " FROM main.messages WHERE campaign_id = ?",
                (campaign_id,),
            )
            if progress is not None:
                progress(done, 2 * total)
        copied = conn.execute("SELECT COUNT(*) FROM archive.messages").fetchone()[0]
        if copied != chosen.messages:
            raise UserFacingError(tr("The archive could not be verified; nothing was moved. Try again."))
