"""The Sandbox: a pretend SMS service built into smsdesk, for trying everything without signup.

It behaves like a real provider: it refuses numbers that cannot exist, accepts the rest with an
id, and a moment later reports most as delivered and a few as failed with a carrier-style reason
(decided by the number, so the same customer always behaves the same).  What it "delivered" can
be read back as the recipient's phone would show it, and the owner can answer as the customer
(:meth:`SandboxProvider.add_reply`); those replies are fetched like a real provider's.  Its state
is its own small SQLite file, as a real service's would be its own.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import ClassVar

import phonenumbers

from smsdesk import paths
from smsdesk.core.provider_api import (
    AccountField,
    DeliveryReport,
    ErrorKind,
    InboundReply,
    OutgoingMessage,
    ProviderFault,
    ReplyPage,
    ReportState,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.i18n import tr

# Carrier-style failure reasons, as Chinese carriers report them in delivery receipts.
_FAILURES: tuple[tuple[str, str], ...] = (
    ("MK:0001", "Number not in service (空号)"),
    ("MK:0005", "Handset switched off or out of coverage (关机/不在服务区)"),
    ("UNDELIV", "Rejected by the carrier (运营商拦截)"),
)
_FAIL_SHARE = 8  # out of 256: about 3% of numbers fail delivery
REPLY_PAGE = 100
FIRST_FETCH = timedelta(days=1)


@dataclass(frozen=True)
class SandboxSMS:
    provider_id: str
    phone: str
    text: str
    received_at: datetime


def _fate(phone: str) -> tuple[str, str] | None:
    """None when the number gets the message, else the carrier's code and reason."""
    digest = hashlib.sha256(phone.encode()).digest()
    if digest[0] < _FAIL_SHARE:
        return _FAILURES[digest[1] % len(_FAILURES)]
    return None


def will_fail(phone: str) -> bool:
    """Whether the Sandbox will report this number as undelivered (for demos and tests)."""
    return _fate(phone) is not None


class SandboxProvider:
    kind: ClassVar[str] = "sandbox"
    FIELDS: ClassVar[tuple[AccountField, ...]] = (
        AccountField("signature", "Signature", required=False, default="smsdesk"),
        AccountField("delay_seconds", "Delivery delay (seconds)", required=False, default="1.5"),
    )
    max_batch = 100
    reply_poll_interval = 2.0
    """Replies are read from a local file: asking often costs nothing."""

    def __init__(
        self,
        settings: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        store_path: Path | None = None,
    ) -> None:
        settings = settings or {}
        self._delay = float(settings.get("delay_seconds") or 1.5)
        self._signature = settings.get("signature", "smsdesk")
        self._clock = clock or (lambda: datetime.now(UTC))
        self._path = store_path or paths.data_dir() / "sandbox.sqlite3"
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._rng = random.Random()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(
                self._path, timeout=30.0, check_same_thread=False, isolation_level=None
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS delivered (provider_id TEXT PRIMARY KEY, phone TEXT NOT NULL,"
                " text TEXT NOT NULL, accepted_at REAL NOT NULL, deliver_at REAL NOT NULL,"
                " fail_code TEXT, fail_reason TEXT)"
            )
            conn.execute(
                "CREATE INDEX IF NOT EXISTS delivered_by_phone ON delivered(phone, deliver_at)"
            )
            conn.execute(
                "CREATE TABLE IF NOT EXISTS replies (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                " reply_id TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, text TEXT NOT NULL,"
                " received_at REAL NOT NULL, sent_to TEXT NOT NULL DEFAULT '')"
            )
            self._conn = conn
        return self._conn

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        signature = spec.signature or self._signature
        now = self._clock().timestamp()
        outcomes: list[SendOutcome] = []
        rows: list[tuple[object, ...]] = []
        for msg in batch:
            if not _plausible(msg.phone):
                outcomes.append(
                    SendOutcome(
                        msg.message_id,
                        fault=ProviderFault(
                            ErrorKind.INVALID_NUMBER,
                            "isv.MOBILE_NUMBER_ILLEGAL",
                            f"Invalid mobile number: {msg.phone}",
                        ),
                    )
                )
                continue
            provider_id = "SBX" + uuid.uuid4().hex[:20].upper()
            text = f"【{signature}】{msg.text}" if signature else msg.text
            fate = _fate(msg.phone)
            delay = self._delay * self._rng.uniform(0.5, 1.0)
            rows.append(
                (
                    provider_id,
                    msg.phone,
                    text,
                    now,
                    now + delay,
                    fate[0] if fate else None,
                    fate[1] if fate else None,
                )
            )
            outcomes.append(SendOutcome(msg.message_id, provider_id=provider_id))
        with self._lock:
            db = self._db()
            with db:
                db.executemany("INSERT INTO delivered VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        return outcomes

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        if not pending:
            return []
        now = self._clock().timestamp()
        by_id = {ref.provider_id: ref for ref in pending}
        reports: list[DeliveryReport] = []
        with self._lock:
            db = self._db()
            ids = list(by_id)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for pid, deliver_at, code, reason in db.execute(
                    f"SELECT provider_id, deliver_at, fail_code, fail_reason FROM delivered"
                    f" WHERE provider_id IN ({marks}) AND deliver_at <= ?",
                    (*chunk, now),
                ):
                    at = datetime.fromtimestamp(deliver_at, UTC)
                    if code:
                        reports.append(
                            DeliveryReport(
                                pid, ReportState.FAILED, code, reason, at, by_id[pid].message_id
                            )
                        )
                    else:
                        reports.append(
                            DeliveryReport(
                                pid, ReportState.DELIVERED, "DELIVRD", "", at, by_id[pid].message_id
                            )
                        )
        return reports

    def test_connection(self) -> str:
        self._db()
        return tr("The Sandbox is ready. Messages sent through it never leave this computer.")

    def inbox(self, phone: str | None = None, limit: int = 200) -> list[SandboxSMS]:
        """Messages as the recipients' phones show them: delivered ones only, newest first."""
        now = self._clock().timestamp()
        query = "SELECT provider_id, phone, text, deliver_at FROM delivered WHERE deliver_at <= ? AND fail_code IS NULL"
        args: list[object] = [now]
        if phone:
            query += " AND phone = ?"
            args.append(phone)
        query += " ORDER BY deliver_at DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db().execute(query, args).fetchall()
        return [SandboxSMS(r[0], r[1], r[2], datetime.fromtimestamp(r[3], UTC)) for r in rows]

    # -- replies ---------------------------------------------------------------------------------

    def add_reply(self, phone: str, text: str) -> InboundReply:
        """The customer at ``phone`` answers ``text`` (typed by the owner on the Sandbox phone)."""
        reply = InboundReply(
            "SBR" + uuid.uuid4().hex[:20].upper(), phone, text, self._clock(), to=self._signature
        )
        with self._lock:
            db = self._db()
            with db:
                db.execute(
                    "INSERT INTO replies (reply_id, phone, text, received_at, sent_to) VALUES (?, ?, ?, ?, ?)",
                    (reply.reply_id, phone, text, reply.received_at.timestamp(), reply.to),
                )
        return reply

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """Replies after ``cursor`` (the last one's sequence number), oldest first, a page at a time."""
        with self._lock:
            db = self._db()
            if cursor.isdigit():
                where, arg = "seq > ?", float(int(cursor))
            else:
                where, arg = "received_at >= ?", (self._clock() - FIRST_FETCH).timestamp()
            rows = db.execute(
                f"SELECT seq, reply_id, phone, text, received_at, sent_to FROM replies WHERE {where}"
                " ORDER BY seq LIMIT ?",
                (arg, REPLY_PAGE + 1),
            ).fetchall()
            if not rows and not cursor.isdigit():
                last = db.execute("SELECT MAX(seq) FROM replies").fetchone()[0]
                return ReplyPage([], str(last) if last is not None else cursor)
        page = rows[:REPLY_PAGE]
        replies = [
            InboundReply(r[1], r[2], r[3], datetime.fromtimestamp(r[4], UTC), to=r[5]) for r in page
        ]
        next_cursor = str(page[-1][0]) if page else cursor
        return ReplyPage(replies, next_cursor, more=len(rows) > REPLY_PAGE)

    def sent_replies(self, phone: str | None = None, limit: int = 500) -> list[InboundReply]:
        """What customers answered, as their phones show it: newest first."""
        query = "SELECT reply_id, phone, text, received_at, sent_to FROM replies"
        args: list[object] = []
        if phone:
            query += " WHERE phone = ?"
            args.append(phone)
        query += " ORDER BY seq DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db().execute(query, args).fetchall()
        return [InboundReply(r[0], r[1], r[2], datetime.fromtimestamp(r[3], UTC), to=r[4]) for r in rows]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _plausible(phone: str) -> bool:
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(phone, None))
    except phonenumbers.NumberParseException:
        return False
