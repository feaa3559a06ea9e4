"""Saved recipient lists. Rows are read in pages so a million-row list never sits in memory."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr


class RecipientList(NamedTuple):
    id: int
    name: str
    region: str
    columns: tuple[str, ...]
    source_file: str
    created_at: str
    size: int


class Recipient(NamedTuple):
    id: int
    row_no: int
    phone: str
    name: str
    fields: dict[str, str]

    def variables(self) -> dict[str, str]:
        """What a template can use: every column plus the built-ins ``name`` and ``phone``."""
        values = dict(self.fields)
        values.setdefault("name", self.name)
        values.setdefault("phone", self.phone)
        return values


class ListStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def all(self) -> list[RecipientList]:
        rows = self._conn.execute(
            "SELECT l.*, (SELECT COUNT(*) FROM recipients r WHERE r.list_id = l.id) AS size"
            " FROM recipient_lists l ORDER BY l.name"
        ).fetchall()
        return [self._list_from_row(r) for r in rows]

    @staticmethod
    def _list_from_row(row: sqlite3.Row) -> RecipientList:
        return RecipientList(
            id=row["id"],
            name=row["name"],
            region=row["region"],
            columns=tuple(json.loads(row["columns"])),
            source_file=row["source_file"],
            created_at=row["created_at"],
            size=row["size"],
        )

    def get(self, name: str) -> RecipientList:
        row = self._conn.execute(
            "SELECT l.*, (SELECT COUNT(*) FROM recipients r WHERE r.list_id = l.id) AS size"
            " FROM recipient_lists l WHERE l.name = ?",
            (name,),
        ).fetchone()
        if row is None:
            raise UserFacingError(tr("There is no recipient list named “{name}”.", name=name))
        return self._list_from_row(row)

    def get_by_id(self, list_id: int) -> RecipientList:
        row = self._conn.execute(
            "SELECT l.*, (SELECT COUNT(*) FROM recipients r WHERE r.list_id = l.id) AS size"
            " FROM recipient_lists l WHERE l.id = ?",
            (list_id,),
        ).fetchone()
        if row is None:
            raise UserFacingError(tr("The recipient list no longer exists."))
        return self._list_from_row(row)

    def save(
        self,
        name: str,
        *,
        region: str,
        columns: Iterable[str],
        source_file: str,
        recipients: Iterable[tuple[int, str, str, dict[str, str]]],
        replace: bool = False,
    ) -> RecipientList:
        """Store a list in one transaction: either all rows land or none do.

        ``recipients`` yields ``(row_no, phone_e164, name, fields)``.  With ``replace`` an
        existing list of that name is swapped for the new one atomically.
        """
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            existing = self._conn.execute(
                "SELECT id FROM recipient_lists WHERE name = ?", (name,)
            ).fetchone()
            if existing is not None:
                if not replace:
                    raise UserFacingError(
                        tr("A list named “{name}” already exists. Choose another name.", name=name)
                    )
                self._conn.execute("DELETE FROM recipient_lists WHERE id = ?", (existing["id"],))
            cur = self._conn.execute(
                "INSERT INTO recipient_lists (name, region, columns, source_file) VALUES (?, ?, ?, ?)",
                (name, region, json.dumps(list(columns), ensure_ascii=False), source_file),
            )
            list_id = cur.lastrowid
            self._conn.executemany(
                "INSERT OR IGNORE INTO recipients (list_id, row_no, phone, name, fields)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    (list_id, row_no, phone, person, json.dumps(fields, ensure_ascii=False))
                    for row_no, phone, person, fields in recipients
                ),
            )
        assert list_id is not None
        return self.get_by_id(list_id)

    def remove(self, name: str) -> None:
        with self._conn:
            cur = self._conn.execute("DELETE FROM recipient_lists WHERE name = ?", (name,))
        if cur.rowcount == 0:
            raise UserFacingError(tr("There is no recipient list named “{name}”.", name=name))

    def page(self, list_id: int, offset: int, limit: int) -> list[Recipient]:
        rows = self._conn.execute(
            "SELECT id, row_no, phone, name, fields FROM recipients WHERE list_id = ?"
            " ORDER BY id LIMIT ? OFFSET ?",
            (list_id, limit, offset),
        ).fetchall()
        return [_recipient(r) for r in rows]

    def iter_recipients(self, list_id: int, batch: int = 5000) -> Iterable[Recipient]:
        """Every recipient in order, fetched by keyset pages."""
        last_id = 0
        while True:
            rows = self._conn.execute(
                "SELECT id, row_no, phone, name, fields FROM recipients WHERE list_id = ? AND id > ?"
                " ORDER BY id LIMIT ?",
                (list_id, last_id, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _recipient(row)
            last_id = rows[-1]["id"]


def _recipient(row: sqlite3.Row) -> Recipient:
    return Recipient(
        id=row["id"],
        row_no=row["row_no"],
        phone=row["phone"],
        name=row["name"],
        fields=json.loads(row["fields"]),
    )
