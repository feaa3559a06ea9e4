"""History housekeeping as the window and the command line use it."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from smsdesk.engine import history
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.backup import database_file
from smsdesk.storage.journal import NewMessage


def test_files_go_beside_the_database_with_names_that_say_what_they_are(smsdesk_home: Path) -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    backup = history.suggested_backup(moment)
    assert backup.parent == smsdesk_home / "backups"
    assert backup.name.startswith("smsdesk-backup-2026") and backup.suffix == ".sqlite3"
    first = history.suggested_archive(date(2025, 1, 1))
    assert first.name == "smsdesk-archive-before-2025-01-01.sqlite3"
    first.parent.mkdir(parents=True)
    first.write_text("taken")
    assert history.suggested_archive(date(2025, 1, 1)).name == "smsdesk-archive-before-2025-01-01-2.sqlite3"


def test_a_local_day_starts_at_local_midnight() -> None:
    start = history.day_start_utc(date(2025, 6, 1))
    local = datetime.strptime(start, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).astimezone()
    assert (local.year, local.month, local.day, local.hour, local.minute) == (2025, 6, 1, 0, 0)


@pytest.mark.skipif(sys.platform == "win32", reason="the other process holds a POSIX lock")
def test_restore_is_refused_while_another_process_sends(store: Store, tmp_path: Path) -> None:
    account = store.accounts.add(Account(name="Shop", provider="sandbox"))
    assert account.id is not None
    store.journal.create_campaign(name="C", account_id=account.id, body="hi",
                                  messages=[NewMessage("+8613800138000", "", "hi", {}, 1)])
    saved = history.back_up_history(database_file(store.conn), tmp_path / "b.sqlite3")
    lock = str(database_file(store.conn)) + ".sending"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()", lock],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(UserFacingError, match="sending"):
            history.restore_history(store.conn, saved.path)
    finally:
        holder.communicate("", timeout=10)
    restored = history.restore_history(store.conn, saved.path)
    assert restored.info.messages == 1 and restored.previous.exists()
