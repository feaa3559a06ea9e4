"""Reading the send log: filters, search and pages over the journal's messages.

Writing belongs to :mod:`smsdesk.storage.journal`; this module only reads, so the log pane, the
CLI and exports share one set of queries (and one set of indexes to keep them fast).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class LogFilter:
    campaign_id: int | None = None
    state: str | None = None
    account_id: int | None = None
    error_kind: str | None = None
    search: str = ""
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class LogRow:
    id: int
    created_at: str
    campaign_id: int
    campaign: str
    account: str
    phone: str
    name: str
    text: str
    segments: int
    state: str
    provider_id: str | None
    error_kind: str | None
    error_code: str | None
    error_message: str | None
    final_at: str | None

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


_LOG_SELECT = (
    "SELECT m.id, m.created_at, m.campaign_id, c.name AS campaign, a.name AS account, m.phone,"
    " m.name, m.text, m.segments, m.state, m.provider_id, m.error_kind, m.error_code,"
    " m.error_message, m.final_at FROM messages m JOIN campaigns c ON c.id = m.campaign_id"
    " JOIN accounts a ON a.id = m.account_id"
)


class SendLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @staticmethod
    def _where(f: LogFilter) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        if f.campaign_id is not None:
            clauses.append("m.campaign_id = ?")
            args.append(f.campaign_id)
        if f.state:
            clauses.append("m.state = ?")
            args.append(f.state)
        if f.account_id is not None:
            clauses.append("m.account_id = ?")
            args.append(f.account_id)
        if f.error_kind:
            clauses.append("m.error_kind = ?")
            args.append(f.error_kind)
        if f.since:
            clauses.append("m.created_at >= ?")
            args.append(f.since)
        if f.until:
            clauses.append("m.created_at < ?")
            args.append(f.until)
        if f.search:
            term = f.search.strip()
            if term.startswith("+") or term.isdigit():
                clauses.append("(m.phone = ? OR m.phone LIKE ?)")
                args.extend([term, f"%{term}%"])
            else:
                clauses.append("(m.name LIKE ? OR m.text LIKE ?)")
                args.extend([f"%{term}%", f"%{term}%"])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def rows(self, f: LogFilter | None = None, offset: int = 0, limit: int = 200) -> list[LogRow]:
        where, args = self._where(f or LogFilter())
        rows = self._conn.execute(
            f"{_LOG_SELECT}{where} ORDER BY m.id DESC LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
        return [LogRow(**dict(r)) for r in rows]

    def count(self, f: LogFilter | None = None) -> int:
        where, args = self._where(f or LogFilter())
        return int(self._conn.execute(f"SELECT COUNT(*) FROM messages m{where}", args).fetchone()[0])
