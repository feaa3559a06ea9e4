from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from smsdesk.storage import Store
from smsdesk.storage.db import SCHEMA_VERSION, DatabaseTooNew, DatabaseUnreadable, connect


def test_new_database_is_created_at_the_current_version_in_wal_mode(tmp_path: Path) -> None:
    conn = connect(tmp_path / "a.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"accounts", "recipient_lists", "recipients", "templates", "campaigns", "messages", "opt_outs"} <= tables


def test_the_schema_version_is_the_number_of_upgrade_steps() -> None:
    from smsdesk.storage.migrations import MIGRATIONS

    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_default_location_follows_smsdesk_home(smsdesk_home: Path) -> None:
    with Store.open() as store:
        store.accounts.ensure_sandbox()
    assert (smsdesk_home / "smsdesk.sqlite3").exists()


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE future (x)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew) as info:
        connect(path)
    assert "newer version of smsdesk" in str(info.value)
    assert "\n" not in str(info.value)
    assert path.read_bytes() == before
    assert not (tmp_path / "newer.sqlite3-wal").exists()


def test_a_file_that_is_not_a_database_is_refused_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    before = path.read_bytes()
    with pytest.raises(DatabaseUnreadable):
        connect(path)
    assert path.read_bytes() == before


def test_upgrading_is_idempotent_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite3"
    with Store(connect(path)) as store:
        store.optouts.add("+8613800138000", "asked")
    with Store(connect(path)) as store:
        assert store.optouts.contains("+8613800138000")


def test_foreign_keys_cascade_recipients_with_their_list(tmp_path: Path) -> None:
    with Store(connect(tmp_path / "c.sqlite3")) as store:
        saved = store.lists.save("L", region="CN", columns=["a"], source_file="x",
                                 recipients=[(2, "+8613800138000", "Zhang", {"a": "1"})])
        store.lists.remove("L")
        assert store.conn.execute("SELECT COUNT(*) FROM recipients WHERE list_id = ?", (saved.id,)).fetchone()[0] == 0
