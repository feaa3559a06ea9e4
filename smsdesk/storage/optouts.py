"""The opt-out list: one list shared by every account."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable


class OptOutStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def add(self, phone: str, reason: str = "") -> None:
        with self._conn:
            self._conn.execute(
                "INSERT INTO opt_outs (phone, reason) VALUES (?, ?) ON CONFLICT(phone) DO NOTHING",
                (phone, reason),
            )

    def add_many(self, entries: Iterable[tuple[str, str]]) -> None:
        with self._conn:
            self._conn.executemany(
                "INSERT INTO opt_outs (phone, reason) VALUES (?, ?) ON CONFLICT(phone) DO NOTHING",
                entries,
            )

    def remove(self, phone: str) -> bool:
        with self._conn:
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
