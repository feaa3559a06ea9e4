"""Storage: the SQLite database (all SQL lives in this package) and the OS keyring."""

from __future__ import annotations

import sqlite3
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from smsdesk import paths
from smsdesk.storage.accounts import AccountStore
from smsdesk.storage.db import connect
from smsdesk.storage.lists import ListStore
from smsdesk.storage.optouts import OptOutStore
from smsdesk.storage.templates import TemplateStore

if TYPE_CHECKING:
    from smsdesk.storage.journal import Journal
    from smsdesk.storage.log import SendLog
    from smsdesk.storage.replies import ReplyStore


class Store:
    """One connection and the repositories over it. A Store belongs to one thread."""

    def __init__(self, conn: sqlite3.Connection, *, durable: bool = False) -> None:
        self.conn = conn
        self.accounts = AccountStore(conn)
        self.lists = ListStore(conn)
        self.templates = TemplateStore(conn)
        self.optouts = OptOutStore(conn)
        self._durable = durable
        if durable:
            conn.execute("PRAGMA synchronous=FULL")  # the outbox's transitions survive a power cut

    # The sending journal and the log's read side are loaded when first used: the window's first
    # pane needs neither, and start-up time is paid by every owner every day.
    @cached_property
    def journal(self) -> Journal:
        from smsdesk.storage.journal import Journal

        return Journal(self.conn, durable=self._durable)

    @cached_property
    def log(self) -> SendLog:
        from smsdesk.storage.log import SendLog

        return SendLog(self.conn)

    @cached_property
    def replies(self) -> ReplyStore:
        from smsdesk.storage.replies import ReplyStore

        return ReplyStore(self.conn)

    @classmethod
    def open(cls, path: Path | None = None, *, durable: bool = False, check_same_thread: bool = True) -> Store:
        return cls(connect(path or paths.database_path(), check_same_thread=check_same_thread), durable=durable)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
