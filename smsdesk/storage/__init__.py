"""Storage: the SQLite database (all SQL lives in this package) and the OS keyring."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from smsdesk import paths
from smsdesk.storage.accounts import AccountStore
from smsdesk.storage.db import connect
from smsdesk.storage.journal import Journal
from smsdesk.storage.lists import ListStore
from smsdesk.storage.log import SendLog
from smsdesk.storage.optouts import OptOutStore
from smsdesk.storage.templates import TemplateStore


class Store:
    """One connection and the repositories over it. A Store belongs to one thread."""

    def __init__(self, conn: sqlite3.Connection, *, durable: bool = False) -> None:
        self.conn = conn
        self.accounts = AccountStore(conn)
        self.lists = ListStore(conn)
        self.templates = TemplateStore(conn)
        self.optouts = OptOutStore(conn)
        self.journal = Journal(conn, durable=durable)
        self.log = SendLog(conn)

    @classmethod
    def open(cls, path: Path | None = None, *, durable: bool = False, check_same_thread: bool = True) -> Store:
        return cls(connect(path or paths.database_path(), check_same_thread=check_same_thread), durable=durable)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
