"""Reading the send log: filters, search and pages over the journal's messages.

Writing belongs to :mod:`smsdesk.storage.journal`; this module only reads, so the log pane, the
CLI and exports share one set of queries (and one set of indexes to keep them fast).

Every query is "newest first, a page at a time", and each one is steered to a single index
whose entries end in the message id: walking it backwards yields the page without sorting the
journal. The planner is not left to guess (it has no statistics on a fresh database): the
columns that must not drive a query are written ``+m.column``, which keeps their index out.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from smsdesk.storage.db import like_pattern

PAGE = 500


@dataclass(frozen=True)
class LogFilter:
    campaign_id: int | None = None
    state: str | None = None
    account_id: int | None = None
    error_kind: str | None = None
    search: str = ""
    since: str | None = None
    """UTC ISO 8601, inclusive."""
    until: str | None = None
    """UTC ISO 8601, exclusive."""


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

_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_NUMBER = re.compile(r"\+?\d+")
TAIL_DIGITS = 4


@dataclass(frozen=True)
class SearchTerm:
    """What the search box asks for, decided once so the query and its cost agree."""

    kind: str
    """``number`` (whole numbers, exact), ``tail`` (last four digits), ``digits`` (part of a
    number) or ``text`` (name or message text)."""
    values: tuple[str, ...]


def parse_search(term: str) -> SearchTerm | None:
    term = term.strip()
    if not term:
        return None
    compact = _PHONE_PUNCTUATION.sub("", term)
    if _NUMBER.fullmatch(compact):
        digits = compact.lstrip("+")
        if compact.startswith("+"):
            return SearchTerm("number", (compact,))
        if len(digits) == TAIL_DIGITS:
            return SearchTerm("tail", (digits,))
        if len(digits) >= 8:
            candidates = ["+" + digits]
            if digits.startswith("00"):
                candidates.append("+" + digits[2:])
            if len(digits) == 11 and digits.startswith("1"):
                candidates.append("+86" + digits)
            return SearchTerm("number", tuple(dict.fromkeys(candidates)))
        return SearchTerm("digits", (digits,))
    return SearchTerm("text", (term,))


class SendLog:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- building queries --------------------------------------------------------------------

    def _id_bounds(self, f: LogFilter) -> tuple[int, int] | None:
        """The date range as an id range; messages are numbered in the order they were written.

        None when no message falls in the range.
        """
        low, high = 0, 2**63 - 1
        if f.since:
            row = self._conn.execute(
                "SELECT id FROM messages WHERE created_at >= ? ORDER BY created_at, id LIMIT 1",
                (f.since,),
            ).fetchone()
            if row is None:
                return None
            low = int(row[0])
        if f.until:
            row = self._conn.execute(
                "SELECT id FROM messages WHERE created_at < ? ORDER BY created_at DESC, id DESC LIMIT 1",
                (f.until,),
            ).fetchone()
            if row is None:
                return None
            high = int(row[0])
        return (low, high) if low <= high else None

    def _where(
        self, f: LogFilter, *, before: int | None = None, after: int | None = None
    ) -> tuple[str, list[object]] | None:
        """WHERE clause and arguments; None when nothing can match."""
        search = parse_search(f.search)
        # The one index that drives the query, most selective first.
        if search is not None and search.kind in ("number", "tail"):
            driver = "search"
        elif f.campaign_id is not None:
            driver = "campaign"
        elif f.error_kind:
            driver = "error_kind"
        elif f.state:
            driver = "state"
        elif f.account_id is not None and not (f.since or f.until):
            driver = "account"
        else:
            driver = "id"

        def col(name: str, drives: bool) -> str:
            return f"m.{name}" if drives else f"+m.{name}"

        clauses: list[str] = []
        args: list[object] = []
        if f.campaign_id is not None:
            clauses.append(f"{col('campaign_id', driver == 'campaign')} = ?")
            args.append(f.campaign_id)
        if f.state:
            # The campaign index is (campaign_id, state): the state may help it.
            clauses.append(f"{col('state', driver in ('state', 'campaign'))} = ?")
            args.append(f.state)
        if f.account_id is not None:
            clauses.append(f"{col('account_id', driver == 'account')} = ?")
            args.append(f.account_id)
        if f.error_kind:
            clauses.append(f"{col('error_kind', driver == 'error_kind')} = ?")
            args.append(f.error_kind)
        if f.since or f.until:
            bounds = self._id_bounds(f)
            if bounds is None:
                return None
            clauses.append("m.id BETWEEN ? AND ?")
            args.extend(bounds)
            if f.since:
                clauses.append("+m.created_at >= ?")
                args.append(f.since)
            if f.until:
                clauses.append("+m.created_at < ?")
                args.append(f.until)
        if search is not None:
            if search.kind == "number":
                clauses.append(f"m.phone IN ({','.join('?' * len(search.values))})")
                args.extend(search.values)
            elif search.kind == "tail":
                clauses.append("substr(m.phone, -4) = ?")
                args.append(search.values[0])
            elif search.kind == "digits":
                clauses.append("+m.phone LIKE ? ESCAPE '\\'")
                args.append(like_pattern(search.values[0]))
            else:
                clauses.append("(+m.name LIKE ? ESCAPE '\\' OR +m.text LIKE ? ESCAPE '\\')")
                args.extend([like_pattern(search.values[0])] * 2)
        if before is not None:
            clauses.append("m.id < ?")
            args.append(before)
        if after is not None:
            clauses.append("m.id > ?")
            args.append(after)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    # -- reading -----------------------------------------------------------------------------

    def ids(self, f: LogFilter | None = None, *, before: int | None = None, limit: int = PAGE) -> list[int]:
        """Ids of matching messages older than ``before`` (all when None), newest first."""
        built = self._where(f or LogFilter(), before=before)
        if built is None:
            return []
        where, args = built
        rows = self._conn.execute(
            f"SELECT m.id FROM messages m{where} ORDER BY m.id DESC LIMIT ?", (*args, limit)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def newer_ids(self, f: LogFilter | None, after: int, limit: int = 10_000) -> list[int]:
        """Ids of matching messages written after ``after``, newest first."""
        built = self._where(f or LogFilter(), after=after)
        if built is None:
            return []
        where, args = built
        rows = self._conn.execute(
            f"SELECT m.id FROM messages m{where} ORDER BY m.id DESC LIMIT ?", (*args, limit)
        ).fetchall()
        return [int(r[0]) for r in rows]

    def rows_by_ids(self, ids: Sequence[int]) -> dict[int, LogRow]:
        found: dict[int, LogRow] = {}
        for start in range(0, len(ids), PAGE):
            chunk = ids[start : start + PAGE]
            marks = ",".join("?" * len(chunk))
            for r in self._conn.execute(f"{_LOG_SELECT} WHERE m.id IN ({marks})", chunk):
                found[int(r["id"])] = LogRow(**dict(r))
        return found

    def rows(self, f: LogFilter | None = None, offset: int = 0, limit: int = 200) -> list[LogRow]:
        built = self._where(f or LogFilter())
        if built is None:
            return []
        where, args = built
        rows = self._conn.execute(
            f"{_LOG_SELECT}{where} ORDER BY m.id DESC LIMIT ? OFFSET ?", (*args, limit, offset)
        ).fetchall()
        return [LogRow(**dict(r)) for r in rows]

    def iter_rows(self, f: LogFilter | None = None, batch: int = 2000) -> Iterator[LogRow]:
        """Every matching message, newest first, read a page at a time (for exports)."""
        before: int | None = None
        while True:
            ids = self.ids(f, before=before, limit=batch)
            if not ids:
                return
            found = self.rows_by_ids(ids)
            for message_id in ids:
                row = found.get(message_id)
                if row is not None:
                    yield row
            before = ids[-1]

    def count(self, f: LogFilter | None = None) -> int:
        built = self._where(f or LogFilter())
        if built is None:
            return 0
        where, args = built
        return int(self._conn.execute(f"SELECT COUNT(*) FROM messages m{where}", args).fetchone()[0])

    @staticmethod
    def count_is_quick(f: LogFilter) -> bool:
        """Whether :meth:`count` reads an index range rather than every message.

        Counting every message of an unfiltered log still walks one index, but a narrow one.
        """
        search = parse_search(f.search)
        return search is None or search.kind in ("number", "tail")

    def account_id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])
