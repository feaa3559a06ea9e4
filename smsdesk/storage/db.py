"""The one SQLite database: opening, pragmas and numbered schema upgrades.

The schema version lives in ``PRAGMA user_version``.  A database written by a newer smsdesk is
refused before anything touches the file, so an older app can never damage newer history.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

SCHEMA_VERSION = 6
"""The number of entries in :data:`smsdesk.storage.migrations.MIGRATIONS` (a test checks it).

The upgrade steps are loaded only when a database needs them, not at every start."""


def like_pattern(text: str) -> str:
    """``text`` anywhere in a column, for ``LIKE ? ESCAPE '\\'``: its own ``%`` and ``_`` match themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class DatabaseTooNew(UserFacingError):
    """The file was written by a newer version of smsdesk."""


class DatabaseUnreadable(UserFacingError):
    """The file is not an smsdesk database or is damaged."""


def _read_version(path: Path) -> int:
    """user_version read through a read-only connection, so a refused file stays untouched."""
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        probe = sqlite3.connect(uri, uri=True)
        try:
            return int(probe.execute("PRAGMA user_version").fetchone()[0])
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnreadable(
            tr("The history file {path} is damaged or is not an smsdesk database.", path=path)
        ) from exc


def connect(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """Open ``path``, upgrading its schema if it is older than this app.

    Each connection belongs to one thread; workers open their own.
    """
    if path.exists() and path.stat().st_size > 0:
        version = _read_version(path)
        if version > SCHEMA_VERSION:
            raise DatabaseTooNew(
                tr(
                    "The history file {path} was written by a newer version of smsdesk. "
                    "Install the newer version to open it; nothing was changed.",
                    path=path,
                )
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=30.0, check_same_thread=check_same_thread, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    _upgrade(conn)
    return conn


def _upgrade(conn: sqlite3.Connection) -> None:
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version >= SCHEMA_VERSION:
        return
    from smsdesk.storage.migrations import MIGRATIONS

    for number in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the write lock: another process may have upgraded meanwhile.
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > number:
                conn.execute("COMMIT")
                continue
            for statement in MIGRATIONS[number]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
