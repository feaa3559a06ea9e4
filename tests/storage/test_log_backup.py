"""Backups taken with SQLite's backup API, checked before a restore, restored in place."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.backup import (
    BackupCancelled,
    back_up,
    database_file,
    inspect,
    open_read_only,
    restore,
)
from smsdesk.storage.db import DatabaseTooNew, DatabaseUnreadable
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter
from smsdesk.storage.migrations import MIGRATIONS


def _campaign(store: Store, name: str, n: int) -> int:
    account = store.accounts.all()[0] if store.accounts.all() else store.accounts.add(Account("Shop", "sandbox"))
    assert account.id is not None
    return store.journal.create_campaign(
        name=name, account_id=account.id, body="hi",
        messages=[NewMessage(f"+86138{i:08d}", "", f"{name} {i}", {}, 1) for i in range(n)],
    )


def test_a_backup_is_a_consistent_copy_taken_while_the_history_is_written(store: Store, tmp_path: Path) -> None:
    _campaign(store, "Before", 500)
    live = database_file(store.conn)
    stop = threading.Event()

    def keep_writing() -> None:
        with Store.open(live) as writer:
            while not stop.is_set():
                _campaign(writer, "During", 20)

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        progress: list[tuple[int, int]] = []
        info = back_up(live, tmp_path / "b.sqlite3", progress=lambda d, t: progress.append((d, t)))
    finally:
        stop.set()
        writer.join()
    assert progress and progress[-1][0] == progress[-1][1]
    copy = open_read_only(info.path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
        per_campaign = copy.execute("SELECT campaign_id, COUNT(*) FROM messages GROUP BY campaign_id").fetchall()
    finally:
        copy.close()
    # Every campaign is whole: the copy is the history at one moment.
    assert per_campaign[0][1] == 500
    assert all(n == 20 for _c, n in per_campaign[1:])
    assert info.messages == 500 + 20 * (len(per_campaign) - 1)
    assert not (tmp_path / "b.sqlite3.part").exists()


def test_a_cancelled_backup_leaves_nothing(store: Store, tmp_path: Path) -> None:
    _campaign(store, "Big", 3000)
    cancel = threading.Event()
    cancel.set()
    folder = tmp_path / "backups"
    with pytest.raises(BackupCancelled):
        back_up(database_file(store.conn), folder / "b.sqlite3", cancel=cancel)
    assert list(folder.iterdir()) == []


def test_a_backup_to_a_folder_that_cannot_be_written_says_so(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(UserFacingError, match="could not write"):
        back_up(database_file(store.conn), blocker / "b.sqlite3")


def test_restore_checks_the_file_keeps_the_current_history_and_replaces_it(store: Store, tmp_path: Path) -> None:
    _campaign(store, "Old", 3)
    saved = back_up(database_file(store.conn), tmp_path / "b.sqlite3")
    _campaign(store, "New", 5)
    assert store.log.count() == 8
    info = restore(store.conn, saved.path, keep_current_as=tmp_path / "previous.sqlite3")
    assert info.messages == 3
    # The live connection sees the restored history at once, still in WAL mode.
    assert {r.campaign for r in store.log.rows()} == {"Old"}
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert inspect(tmp_path / "previous.sqlite3").messages == 8
    with Store.open(database_file(store.conn)) as other:
        assert other.log.count() == 3


def test_restore_refuses_what_is_not_a_usable_backup(store: Store, tmp_path: Path) -> None:
    _campaign(store, "Mine", 2)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    newer = tmp_path / "newer.sqlite3"
    back_up(database_file(store.conn), newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    for path, error in ((junk, DatabaseUnreadable), (other, DatabaseUnreadable), (newer, DatabaseTooNew),
                        (tmp_path / "missing.sqlite3", UserFacingError)):
        with pytest.raises(error):
            restore(store.conn, path, keep_current_as=tmp_path / "kept.sqlite3")
    assert store.log.count() == 2  # untouched
    assert not (tmp_path / "kept.sqlite3").exists()


def test_restoring_an_older_backup_upgrades_it(store: Store, tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO accounts (name, provider) VALUES ('Shop', 'sandbox')")
    conn.execute("INSERT INTO campaigns (name, account_id, body) VALUES ('First', 1, 'hi')")
    conn.execute("INSERT INTO messages (campaign_id, account_id, phone, text, state) VALUES (1, 1, '+8613800138000', 'hi', 'delivered')")
    conn.close()
    info = restore(store.conn, old, keep_current_as=tmp_path / "kept.sqlite3")
    assert info.schema_version == len(MIGRATIONS)
    assert [r.campaign for r in store.log.rows()] == ["First"]
    assert store.log.count(LogFilter(search="8000")) == 1  # this version's indexes are there
