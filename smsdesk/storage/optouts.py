"""The opt-out list: one list shared by every account.

Each entry remembers why it is there: ``reason`` in words (for a reply, the reply's text),
``source`` (``reply``, ``provider``, ``manual``; empty for entries older than the column) and,
for a reply, the ``keyword`` it matched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from smsdesk.storage.db import like_pattern

SOURCE_REPLY = "reply"
SOURCE_MANUAL = "manual"
SOURCE_PROVIDER = "provider"


class OptOutEntry(NamedTuple):
    phone: str
    reason: str
    created_at: str
    source: str = ""
    keyword: str = ""


class OptOutStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, phone: str, reason: str = "", *, source: str = SOURCE_MANUAL, keyword: str = "") -> bool:
        """Put ``phone`` on the list; False when it already was (its first reason is kept)."""
        with self._conn:
            return self.add_in_transaction(phone, reason, source=source, keyword=keyword)

    def add_in_transaction(self, phone: str, reason: str, *, source: str, keyword: str = "") -> bool:
        """:meth:`add` inside a transaction the caller holds."""
        return (
            self._conn.execute(
                "INSERT INTO opt_outs (phone, reason, source, keyword) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(phone) DO NOTHING",
                (phone, reason, source, keyword),
            ).rowcount
            > 0
        )

    def add_many(self, entries: Iterable[tuple[str, str]], *, source: str = SOURCE_MANUAL) -> None:
        with self._conn:
            self._conn.executemany(
                "INSERT INTO opt_outs (phone, reason, source) VALUES (?, ?, ?) ON CONFLICT(phone) DO NOTHING",
                ((phone, reason, source) for phone, reason in entries),
            )

    def remove(self, phone: str) -> bool:
        with self._conn:
            return self.remove_in_transaction(phone)

    def remove_in_transaction(self, phone: str) -> bool:
        return self._conn.execute("DELETE FROM opt_outs WHERE phone = ?", (phone,)).rowcount > 0

    def contains(self, phone: str) -> bool:
        return self._conn.execute("SELECT 1 FROM opt_outs WHERE phone = ?", (phone,)).fetchone() is not None

    def phones(self) -> frozenset[str]:
        return frozenset(r[0] for r in self._conn.execute("SELECT phone FROM opt_outs"))

    def all(self) -> list[tuple[str, str, str]]:
        return [
            (r["phone"], r["reason"], r["created_at"])
            for r in self._conn.execute("SELECT * FROM opt_outs ORDER BY created_at DESC")
        ]

    def entry(self, phone: str) -> OptOutEntry | None:
        row = self._conn.execute("SELECT * FROM opt_outs WHERE phone = ?", (phone,)).fetchone()
        return _entry(row) if row is not None else None

    def _where(self, search: str) -> tuple[str, tuple[str, ...]]:
        search = search.strip()
        if not search:
            return "", ()
        like = like_pattern(search)
        return " WHERE phone LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\' OR keyword LIKE ? ESCAPE '\\'", (
            like, like, like,
        )

    def count(self, search: str = "") -> int:
        where, args = self._where(search)
        return int(self._conn.execute(f"SELECT COUNT(*) FROM opt_outs{where}", args).fetchone()[0])

    def page(self, search: str = "", *, offset: int = 0, limit: int = 500) -> list[OptOutEntry]:
        """Newest first, ``limit`` entries from ``offset``; ``search`` matches number, reason or keyword."""
        where, args = self._where(search)
        rows = self._conn.execute(
            f"SELECT * FROM opt_outs{where} ORDER BY created_at DESC, phone LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return [_entry(r) for r in rows]


def _entry(row: sqlite3.Row) -> OptOutEntry:
    return OptOutEntry(row["phone"], row["reason"], row["created_at"], row["source"], row["keyword"])
