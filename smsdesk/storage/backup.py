"""Backing up and restoring the history database with SQLite's online backup API.

The backup API copies pages under SQLite's own locks, so a backup taken while the app runs is a
consistent snapshot, never a torn copy of a file being written. A backup is written next to its
final name and renamed once complete and checked, so a half-written file never carries the name.

Restoring first checks the file (an smsdesk database, not damaged, not from a newer smsdesk),
then keeps a copy of the current history, and only then copies the backup into place.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.db import SCHEMA_VERSION, DatabaseTooNew, DatabaseUnreadable, connect

Progress = Callable[[int, int], None]
STEP_PAGES = 2048
"""Pages copied between progress reports (8 MB at the default page size)."""


class BackupCancelled(Exception):
    """The owner cancelled; nothing was left behind."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    schema_version: int
    messages: int
    campaigns: int
    newest: str | None
    """When the newest message was written (UTC ISO 8601), None for an empty history."""


def database_file(conn: sqlite3.Connection) -> Path:
    """The file behind ``conn``'s main database."""
    for row in conn.execute("PRAGMA database_list").fetchall():
        if row[1] == "main" and row[2]:
            return Path(row[2])
    raise ValueError("the connection has no database file")


def open_read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change ``path`` (for looking into backups and archives)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def _copy(source: sqlite3.Connection, target: sqlite3.Connection, progress: Progress | None,
          cancel: threading.Event | None) -> None:
    def step(_status: int, remaining: int, total: int) -> None:
        if cancel is not None and cancel.is_set():
            raise BackupCancelled
        if progress is not None:
            progress(total - remaining, total)

    source.backup(target, pages=STEP_PAGES, progress=step)


def _cannot_write(path: Path) -> UserFacingError:
    return UserFacingError(
        tr("smsdesk could not write {path}. Check that the folder exists, is not read-only and the disk has free space.",
           path=path)
    )


def back_up(source_path: Path, target: Path, *, progress: Progress | None = None,
            cancel: threading.Event | None = None) -> BackupInfo:
    """Copy the database at ``source_path`` to ``target`` (replaced if it exists)."""
    partial = target.with_name(target.name + ".part")
    source = open_read_only(source_path)
    try:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
            copy = sqlite3.connect(partial)
        except (OSError, sqlite3.OperationalError) as exc:
            raise _cannot_write(target) from exc
        try:
            # One read transaction for the whole copy: writes made meanwhile by the sender do
            # not restart it, and the copy is the history as it was at this moment.
            source.execute("BEGIN")
            source.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            _copy(source, copy, progress, cancel)
            source.execute("COMMIT")
            copy.execute("PRAGMA journal_mode=DELETE")
            ok = copy.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.OperationalError as exc:
            copy.close()
            partial.unlink(missing_ok=True)
            raise _cannot_write(target) from exc
        except BaseException:
            copy.close()
            partial.unlink(missing_ok=True)
            raise
        copy.close()
        if ok != "ok":
            partial.unlink(missing_ok=True)
            raise UserFacingError(tr("The backup could not be verified; it was not kept. Try again."))
        try:
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise _cannot_write(target) from exc
    finally:
        source.close()
    return inspect(target)


def inspect(path: Path) -> BackupInfo:
    """What a backup or archive holds; a UserFacingError when it is not one smsdesk can restore."""
    if not path.is_file():
        raise UserFacingError(tr("The file {path} does not exist.", path=path))
    try:
        conn = open_read_only(path)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(
            tr("The history file {path} is damaged or is not an smsdesk database.", path=path)
        ) from exc
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew(
                tr(
                    "The history file {path} was written by a newer version of smsdesk. "
                    "Install the newer version to open it; nothing was changed.",
                    path=path,
                )
            )
        if version < 1 or not {"messages", "campaigns", "accounts"} <= tables:
            raise DatabaseUnreadable(
                tr("The history file {path} is damaged or is not an smsdesk database.", path=path)
            )
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise DatabaseUnreadable(
                tr("The history file {path} is damaged or is not an smsdesk database.", path=path)
            )
        messages = int(conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0])
        campaigns = int(conn.execute("SELECT COUNT(*) FROM campaigns").fetchone()[0])
        newest = conn.execute("SELECT MAX(created_at) FROM messages").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(
            tr("The history file {path} is damaged or is not an smsdesk database.", path=path)
        ) from exc
    finally:
        conn.close()
    return BackupInfo(path, version, messages, campaigns, newest)


def restore(live: sqlite3.Connection, source: Path, *, keep_current_as: Path,
            progress: Progress | None = None, cancel: threading.Event | None = None) -> BackupInfo:
    """Replace the history behind ``live`` with the backup at ``source``.

    The current history is first backed up to ``keep_current_as``. Nothing else may be using
    the database meanwhile (the caller stops sending and polling first). Returns what the
    restored history holds, after upgrading it to this version's schema when it is older.
    """
    inspect(source)
    live_path = database_file(live)
    back_up(live_path, keep_current_as, cancel=cancel)
    backup = open_read_only(source)
    try:
        _copy(backup, live, progress, None)
    finally:
        backup.close()
    # An older backup gets this version's schema, through the same upgrade any old file gets.
    connect(live_path).close()
    return inspect(live_path)
