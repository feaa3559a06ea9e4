"""Looking after the history: backups, restoring one, archiving old campaigns, a safe place.

These are the use cases behind the File menu and ``smsdesk history``; the storage layer does
the copying. Backups and archives go to folders beside the database unless the owner picks
another place.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from smsdesk import paths
from smsdesk.storage import archive, backup
from smsdesk.storage.archive import ArchivePlan, ArchiveResult
from smsdesk.storage.backup import BackupInfo
from smsdesk.storage.location import storage_warning

Progress = Callable[[int, int], None]


def backups_dir() -> Path:
    return paths.data_dir() / "backups"


def archives_dir() -> Path:
    return paths.data_dir() / "archives"


def suggested_backup(now: datetime | None = None) -> Path:
    moment = (now or datetime.now(UTC)).astimezone()
    return backups_dir() / f"smsdesk-backup-{moment:%Y%m%d-%H%M%S}.sqlite3"


def suggested_archive(before: date) -> Path:
    base = archives_dir() / f"smsdesk-archive-before-{before:%Y-%m-%d}"
    candidate = base.with_suffix(".sqlite3")
    n = 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}").with_suffix(".sqlite3")
        n += 1
    return candidate


def day_start_utc(day: date) -> str:
    """Local midnight at the start of ``day``, as the journal writes times (UTC)."""
    local = datetime.combine(day, time(0, 0)).astimezone()
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def back_up_history(database: Path, target: Path, *, progress: Progress | None = None,
                    cancel: threading.Event | None = None) -> BackupInfo:
    return backup.back_up(database, target, progress=progress, cancel=cancel)


@dataclass(frozen=True)
class Restored:
    info: BackupInfo
    previous: Path
    """Where the history as it was before the restore was kept."""


def restore_history(live: sqlite3.Connection, source: Path, *, progress: Progress | None = None,
                    now: datetime | None = None) -> Restored:
    """Replace the history with ``source``; the current one is kept in the backups folder first.

    Refused while another smsdesk process is sending from the same database.
    """
    from smsdesk.engine.send_lock import sending_lock

    moment = (now or datetime.now(UTC)).astimezone()
    previous = backups_dir() / f"smsdesk-before-restore-{moment:%Y%m%d-%H%M%S}.sqlite3"
    with sending_lock(live):
        info = backup.restore(live, source, keep_current_as=previous, progress=progress)
    return Restored(info, previous)


def archive_preview(conn: sqlite3.Connection, before: date) -> ArchivePlan:
    return archive.plan(conn, day_start_utc(before))


def archive_history(database: Path, before: date, target: Path | None = None, *,
                    progress: Progress | None = None, cancel: threading.Event | None = None,
                    compact: bool = True) -> ArchiveResult:
    """Move finished campaigns from before ``before`` (a local date) into an archive file."""
    return archive.archive(
        database, target or suggested_archive(before), day_start_utc(before),
        progress=progress, cancel=cancel, compact=compact,
    )


def history_warning(database: Path) -> str | None:
    """Why the database's folder is a risky place for it, or None."""
    return storage_warning(database)
