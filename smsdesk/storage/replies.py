"""Customers' replies: recording them once, what their keywords did, and reading them back.

A page of replies is recorded in one transaction together with the cursor that follows it, so
a crash between the two can only make the next poll fetch the page again, and a reply fetched
again is recorded once (``(account_id, reply_id)`` is unique).  Keywords act in the same
transaction: the opt-out list changes before any later claim of the journal can hand out a
message to that number.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from smsdesk.core.keywords import (
    DEFAULT_OPT_IN,
    DEFAULT_OPT_OUT,
    KeywordKind,
    Keywords,
    parse_keywords,
)
from smsdesk.core.provider_api import InboundReply
from smsdesk.storage.db import like_pattern
from smsdesk.storage.journal import STAMP, parse_stamp, stamp
from smsdesk.storage.optouts import SOURCE_REPLY, OptOutStore

THREAD_SKEW = timedelta(seconds=60)
"""A reply is threaded with a message sent up to this long after the provider's time for the
reply: the provider's clock and ours may disagree by that much."""


class ReplyAction:
    """What a reply's keyword did, as stored in ``replies.action``."""

    NONE = ""
    OPTED_OUT = "opted_out"
    """An opt-out keyword put the number on the opt-out list."""
    ALREADY_OUT = "already_out"
    """An opt-out keyword from a number already on the list."""
    OPTED_IN = "opted_in"
    """An opt-in keyword took the number off the list (the owner allows that)."""
    OPT_IN_ASKED = "opt_in_asked"
    """An opt-in keyword from a number on the list; the owner decides."""
    SUPERSEDED = "superseded"
    """Fetched late: a later keyword reply of the same number already decided."""


@dataclass(frozen=True)
class RecordedReply:
    id: int
    account_id: int
    phone: str
    text: str
    received_at: datetime
    keyword: str
    action: str
    message_id: int | None
    campaign_id: int | None


@dataclass
class RecordResult:
    recorded: list[RecordedReply] = field(default_factory=list)
    duplicates: int = 0


@dataclass(frozen=True)
class ReplyRow:
    id: int
    account: str
    phone: str
    name: str
    text: str
    received_at: str
    read: bool
    keyword: str
    action: str
    campaign: str

    def as_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Conversation:
    """One customer in the inbox: everything they replied, newest first."""

    phone: str
    name: str
    last_at: str
    last_text: str
    replies: int
    unread: int


@dataclass(frozen=True)
class ThreadItem:
    """A message we sent or a reply, in a customer's thread."""

    outgoing: bool
    at: str
    text: str
    id: int
    state: str = ""
    """For a message we sent: its journal state."""
    error: str = ""
    keyword: str = ""
    action: str = ""
    read: bool = True


_CUSTOMER_NAME = (
    "COALESCE((SELECT m.name FROM messages m WHERE m.phone = {phone} AND m.name != ''"
    " ORDER BY m.id DESC LIMIT 1), '')"
)
"""SQL for the name a customer was last sent a message under ('' when none)."""


class ReplyStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._optouts = OptOutStore(conn)

    # -- settings ------------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM reply_settings WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_setting(self, key: str, value: str) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT INTO reply_settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def keywords(self) -> Keywords:
        out = self.setting("opt_out_keywords")
        into = self.setting("opt_in_keywords")
        return Keywords(
            parse_keywords(out) if out is not None else DEFAULT_OPT_OUT,
            parse_keywords(into) if into is not None else DEFAULT_OPT_IN,
            self.setting("opt_in_allowed") == "1",
        )

    def save_keywords(self, keywords: Keywords) -> None:
        self.set_setting("opt_out_keywords", ", ".join(keywords.opt_out))
        self.set_setting("opt_in_keywords", ", ".join(keywords.opt_in))
        self.set_setting("opt_in_allowed", "1" if keywords.opt_in_allowed else "0")

    # -- polling -------------------------------------------------------------------------------

    def cursor(self, account_id: int) -> str:
        row = self._conn.execute("SELECT cursor FROM reply_cursors WHERE account_id = ?", (account_id,)).fetchone()
        return "" if row is None else str(row[0])

    def last_polled(self, account_id: int) -> datetime | None:
        row = self._conn.execute(
            "SELECT polled_at FROM reply_cursors WHERE account_id = ?", (account_id,)
        ).fetchone()
        return None if row is None else parse_stamp(row[0])

    def accounts_sending(self) -> set[int]:
        """Accounts with a campaign sending now: their replies are fetched more often."""
        rows = self._conn.execute("SELECT DISTINCT account_id FROM campaigns WHERE state = 'sending'").fetchall()
        return {int(r[0]) for r in rows}

    def claim_poll(self, account_id: int, now: datetime, min_gap: float) -> bool:
        """Take the account's turn to poll: False when some process (this one, the window, a
        sending process) asked its provider less than ``min_gap`` seconds ago."""
        when = stamp(now)
        before = stamp(now - timedelta(seconds=min_gap))
        with self._conn:
            return (
                self._conn.execute(
                    "INSERT INTO reply_cursors (account_id, polled_at) VALUES (?, ?)"
                    " ON CONFLICT(account_id) DO UPDATE SET polled_at = excluded.polled_at"
                    " WHERE reply_cursors.polled_at IS NULL OR reply_cursors.polled_at <= ?",
                    (account_id, when, before),
                ).rowcount
                > 0
            )

    def record(
        self, account_id: int, replies: Sequence[InboundReply], cursor: str, keywords: Keywords
    ) -> RecordResult:
        """Record the replies not seen before, act on their keywords, and move the cursor."""
        result = RecordResult()
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            # Stamped inside the write lock: a claim of the journal stamped later than this
            # cannot have missed the opt-outs written here.
            fetched = stamp(datetime.now(UTC))
            for reply in sorted(replies, key=lambda r: r.received_at):
                recorded = self._record_one(account_id, reply, fetched, keywords)
                if recorded is None:
                    result.duplicates += 1
                else:
                    result.recorded.append(recorded)
            self._conn.execute(
                "INSERT INTO reply_cursors (account_id, cursor) VALUES (?, ?)"
                " ON CONFLICT(account_id) DO UPDATE SET cursor = excluded.cursor",
                (account_id, cursor),
            )
        return result

    def _record_one(
        self, account_id: int, reply: InboundReply, fetched: str, keywords: Keywords
    ) -> RecordedReply | None:
        received = stamp(reply.received_at)
        sent = self._conn.execute(
            "SELECT id, campaign_id FROM messages WHERE phone = ? AND account_id = ? AND sent_at IS NOT NULL"
            " AND sent_at <= ? ORDER BY sent_at DESC, id DESC LIMIT 1",
            (reply.phone, account_id, stamp(reply.received_at + THREAD_SKEW)),
        ).fetchone()
        message_id, campaign_id = (sent[0], sent[1]) if sent is not None else (None, None)
        cur = self._conn.execute(
            "INSERT INTO replies (account_id, reply_id, phone, text, sent_to, received_at, fetched_at,"
            " message_id, campaign_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(account_id, reply_id) DO NOTHING",
            (account_id, reply.reply_id, reply.phone, reply.text, reply.to, received, fetched, message_id, campaign_id),
        )
        if cur.rowcount == 0:
            return None
        row_id = cur.lastrowid
        assert row_id is not None
        keyword, action = "", ReplyAction.NONE
        found = keywords.match(reply.text)
        if found is not None:
            keyword = found.keyword
            action = self._act(row_id, reply, received, found.kind, keyword, keywords.opt_in_allowed)
            self._conn.execute(
                "UPDATE replies SET keyword = ?, action = ? WHERE id = ?", (keyword, action, row_id)
            )
        return RecordedReply(
            row_id, account_id, reply.phone, reply.text, reply.received_at, keyword, action, message_id, campaign_id
        )

    def _later_keyword(self, row_id: int, phone: str, received: str, actions: Sequence[str]) -> bool:
        marks = ",".join("?" * len(actions))
        return (
            self._conn.execute(
                f"SELECT 1 FROM replies WHERE phone = ? AND id != ? AND received_at > ? AND action IN ({marks})"
                " LIMIT 1",
                (phone, row_id, received, *actions),
            ).fetchone()
            is not None
        )

    def _act(
        self, row_id: int, reply: InboundReply, received: str, kind: KeywordKind, keyword: str, opt_in_allowed: bool
    ) -> str:
        if kind is KeywordKind.OPT_OUT:
            # Only an opt-in that was applied, and came later, outweighs an opt-out fetched late.
            if self._later_keyword(row_id, reply.phone, received, (ReplyAction.OPTED_IN,)):
                return ReplyAction.SUPERSEDED
            added = self._optouts.add_in_transaction(reply.phone, reply.text, source=SOURCE_REPLY, keyword=keyword)
            return ReplyAction.OPTED_OUT if added else ReplyAction.ALREADY_OUT
        if not self._optouts.contains(reply.phone):
            return ReplyAction.NONE
        if self._later_keyword(
            row_id, reply.phone, received, (ReplyAction.OPTED_OUT, ReplyAction.ALREADY_OUT, ReplyAction.SUPERSEDED)
        ):
            return ReplyAction.SUPERSEDED
        if not opt_in_allowed:
            return ReplyAction.OPT_IN_ASKED
        self._optouts.remove_in_transaction(reply.phone)
        return ReplyAction.OPTED_IN

    # -- reading -------------------------------------------------------------------------------

    def unread_count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM replies WHERE read = 0").fetchone()[0])

    def mark_read(self, phone: str) -> int:
        with self._conn:
            return self._conn.execute("UPDATE replies SET read = 1 WHERE phone = ? AND read = 0", (phone,)).rowcount

    def mark_all_read(self) -> int:
        with self._conn:
            return self._conn.execute("UPDATE replies SET read = 1 WHERE read = 0").rowcount

    def _conversation_filter(self, search: str, unread_only: bool) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        term = search.strip()
        if term:
            compact = "".join(ch for ch in term if ch not in " -()")
            like = like_pattern(term)
            clauses.append(
                "(r.phone LIKE ? ESCAPE '\\' OR r.text LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM messages m"
                " WHERE m.phone = r.phone AND m.name LIKE ? ESCAPE '\\'))"
            )
            args += [like_pattern(compact), like, like]
        if unread_only:
            clauses.append("r.phone IN (SELECT phone FROM replies WHERE read = 0)")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args

    def conversation_count(self, search: str = "", *, unread_only: bool = False) -> int:
        where, args = self._conversation_filter(search, unread_only)
        return int(self._conn.execute(f"SELECT COUNT(DISTINCT r.phone) FROM replies r{where}", args).fetchone()[0])

    def conversations(
        self, search: str = "", *, unread_only: bool = False, offset: int = 0, limit: int = 200
    ) -> list[Conversation]:
        """Customers who replied, the most recent reply first."""
        where, args = self._conversation_filter(search, unread_only)
        # The page is chosen first; the last reply and the name are then read for its rows only.
        rows = self._conn.execute(
            "SELECT g.phone, g.last_at, g.n, g.unread,"
            " COALESCE((SELECT x.text FROM replies x WHERE x.phone = g.phone"
            " ORDER BY x.received_at DESC, x.id DESC LIMIT 1), '') AS last_text,"
            f" {_CUSTOMER_NAME.format(phone='g.phone')} AS name"
            " FROM (SELECT r.phone, MAX(r.received_at) AS last_at, COUNT(*) AS n, SUM(r.read = 0) AS unread"
            f" FROM replies r{where} GROUP BY r.phone ORDER BY last_at DESC, r.phone LIMIT ? OFFSET ?) g"
            " ORDER BY g.last_at DESC, g.phone",
            (*args, limit, offset),
        ).fetchall()
        return [
            Conversation(r["phone"], r["name"], r["last_at"], r["last_text"], int(r["n"]), int(r["unread"] or 0))
            for r in rows
        ]

    def thread(self, phone: str, limit: int = 200) -> list[ThreadItem]:
        """The latest ``limit`` messages we sent ``phone`` and replies from it, oldest first."""
        sent = self._conn.execute(
            "SELECT id, COALESCE(sent_at, final_at, created_at) AS at, text, state, error_message FROM messages"
            " WHERE phone = ? ORDER BY id DESC LIMIT ?",
            (phone, limit),
        ).fetchall()
        got = self._conn.execute(
            "SELECT r.id, r.received_at, r.text, r.keyword, r.action, r.read, m.sent_at AS answers FROM replies r"
            " LEFT JOIN messages m ON m.id = r.message_id WHERE r.phone = ?"
            " ORDER BY r.received_at DESC, r.id DESC LIMIT ?",
            (phone, limit),
        ).fetchall()
        keyed: list[tuple[datetime, bool, int, ThreadItem]] = [
            (_when(r["at"]), False, r["id"],
             ThreadItem(True, r["at"], r["text"], r["id"], state=r["state"], error=r["error_message"] or ""))
            for r in sent
        ]
        for r in got:
            item = ThreadItem(False, r["received_at"], r["text"], r["id"], keyword=r["keyword"], action=r["action"],
                              read=bool(r["read"]))
            # A reply comes after the message it answers, whatever the provider's clock says.
            when = max(_when(r["received_at"]), _when(r["answers"])) if r["answers"] else _when(r["received_at"])
            keyed.append((when, True, r["id"], item))
        keyed.sort(key=lambda k: k[:3])
        return [k[3] for k in keyed][-limit:]

    def rows(
        self, *, unread_only: bool = False, phone: str | None = None, search: str = "", limit: int = 100
    ) -> list[ReplyRow]:
        """Replies newest first, for the command line."""
        clauses: list[str] = []
        args: list[object] = []
        if unread_only:
            clauses.append("r.read = 0")
        if phone:
            clauses.append("r.phone = ?")
            args.append(phone)
        if search.strip():
            clauses.append("(r.text LIKE ? ESCAPE '\\' OR r.phone LIKE ? ESCAPE '\\')")
            args += [like_pattern(search.strip()), like_pattern(search.strip())]
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self._conn.execute(
            "SELECT r.id, a.name AS account, r.phone, r.text, r.received_at, r.read, r.keyword, r.action,"
            " COALESCE(c.name, '') AS campaign,"
            f" {_CUSTOMER_NAME.format(phone='r.phone')} AS name"
            " FROM replies r JOIN accounts a ON a.id = r.account_id LEFT JOIN campaigns c ON c.id = r.campaign_id"
            f"{where} ORDER BY r.received_at DESC, r.id DESC LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [
            ReplyRow(r["id"], r["account"], r["phone"], r["name"], r["text"], r["received_at"], bool(r["read"]),
                     r["keyword"], r["action"], r["campaign"])
            for r in rows
        ]


def _when(text: str) -> datetime:
    try:
        return datetime.strptime(text, STAMP).replace(tzinfo=UTC)
    except ValueError:
        return datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
