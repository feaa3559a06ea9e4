"""Archiving: whole finished campaigns move to a file of their own, nothing else moves."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from smsdesk.core.provider_api import SendOutcome
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.archive import archive, plan
from smsdesk.storage.backup import BackupCancelled, database_file, inspect, open_read_only
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter, SendLog

BEFORE = "2025-06-01T00:00:00.000000Z"


def _campaign(store: Store, account_id: int, name: str, created: str, *, finish: bool) -> int:
    cid = store.journal.create_campaign(
        name=name, account_id=account_id, body="hi",
        messages=[NewMessage(f"+8613800138{i:03d}", f"N{i}", f"{name} {i}", {}, 1,
                             skip_reason="On the opt-out list" if i == 0 else "") for i in range(4)],
    )
    if finish:
        batch = store.journal.claim_batch(cid, 10)
        store.journal.record_outcomes([SendOutcome(m.message_id, provider_id=f"{name}{m.message_id}") for m in batch])
        store.conn.execute("UPDATE messages SET state = 'delivered' WHERE campaign_id = ? AND state = 'sent'", (cid,))
    store.conn.execute("UPDATE campaigns SET created_at = ? WHERE id = ?", (created, cid))
    store.conn.execute("UPDATE messages SET created_at = ? WHERE campaign_id = ?", (created, cid))
    return cid


@pytest.fixture
def history(store: Store) -> dict[str, int]:
    account = store.accounts.add(Account(name="Shop", provider="sandbox"))
    assert account.id is not None
    return {
        "old_done": _campaign(store, account.id, "Old done", "2025-01-05T10:00:00.000000Z", finish=True),
        "old_waiting": _campaign(store, account.id, "Old waiting", "2025-02-05T10:00:00.000000Z", finish=False),
        "recent": _campaign(store, account.id, "Recent", "2025-07-05T10:00:00.000000Z", finish=True),
    }


def test_only_old_campaigns_whose_messages_are_all_final_are_chosen(store: Store, history: dict[str, int]) -> None:
    chosen = plan(store.conn, BEFORE)
    assert chosen.campaign_ids == (history["old_done"],)
    assert chosen.messages == 4


def test_archive_moves_them_to_a_file_smsdesk_can_read(store: Store, history: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "archive.sqlite3"
    progress: list[tuple[int, int]] = []
    result = archive(database_file(store.conn), target, BEFORE, progress=lambda d, t: progress.append((d, t)))
    assert (result.campaigns, result.messages, result.path) == (1, 4, target)
    assert progress[-1] == (2, 2)
    # Gone from the history, everything else untouched.
    assert {r.campaign for r in store.log.rows(limit=100)} == {"Old waiting", "Recent"}
    assert store.log.count() == 8
    # The archive is an smsdesk database of its own, one self-contained file.
    assert inspect(target).messages == 4
    assert not Path(str(target) + "-wal").exists()
    conn = open_read_only(target)
    try:
        archived = SendLog(conn).rows(limit=100)
        assert {r.campaign for r in archived} == {"Old done"}
        assert {r.account for r in archived} == {"Shop"}
        assert sorted(r.state for r in archived) == ["delivered", "delivered", "delivered", "skipped"]
        assert SendLog(conn).count(LogFilter(search="8000138001")) == 0  # a whole-number search, exact
        assert SendLog(conn).count(LogFilter(search="+8613800138001")) == 1
    finally:
        conn.close()


def test_nothing_to_archive_writes_no_file(store: Store, history: dict[str, int], tmp_path: Path) -> None:
    result = archive(database_file(store.conn), tmp_path / "a.sqlite3", "2024-01-01T00:00:00.000000Z")
    assert result.campaigns == 0 and result.path is None
    assert not (tmp_path / "a.sqlite3").exists()


def test_an_existing_file_is_never_overwritten(store: Store, history: dict[str, int], tmp_path: Path) -> None:
    target = tmp_path / "a.sqlite3"
    target.write_text("keep me")
    with pytest.raises(UserFacingError, match="already exists"):
        archive(database_file(store.conn), target, BEFORE)
    assert target.read_text() == "keep me"
    assert store.log.count() == 12


def test_a_cancelled_archive_moves_nothing(store: Store, history: dict[str, int], tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    target = tmp_path / "a.sqlite3"
    with pytest.raises(BackupCancelled):
        archive(database_file(store.conn), target, BEFORE, cancel=cancel)
    assert not target.exists()
    assert store.log.count() == 12
