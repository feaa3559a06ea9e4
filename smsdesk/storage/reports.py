"""What the delivery-report poller reads and keeps between rounds.

The journal applies reports (:meth:`Journal.apply_reports`); this module answers the poller's
other questions: which messages still wait for a report, which reported provider ids match no
message yet, and the reports kept until they do.

A report can overtake the answer to the send request that produced it: Tencent hands out each
report once, from a queue, and the queue may be pulled while the sender is still writing down
the ids it was given. Such a report is kept in ``report_inbox`` and applied on later rounds.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime

from smsdesk.core.provider_api import DeliveryReport, ReportState, SentRef
from smsdesk.storage.journal import read_stamp, stamp

_WAITING = ("m.state = 'sent'", "m.state = 'in_doubt' AND m.provider_id IS NOT NULL")
"""Accepted messages without a final report, as two index ranges. An in-doubt message with a
provider id is one the provider is known to have, so its report settles it."""


class ReportBook:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- waiting messages --------------------------------------------------------------------

    def first_id_since(self, moment: datetime) -> int | None:
        """The first message written at or after ``moment``; messages are numbered in order."""
        row = self._conn.execute(
            "SELECT id FROM messages WHERE created_at >= ? ORDER BY created_at, id LIMIT 1",
            (stamp(moment),),
        ).fetchone()
        return None if row is None else int(row[0])

    def accounts_waiting(self, from_id: int = 0) -> list[int]:
        found: set[int] = set()
        for condition in _WAITING:
            rows = self._conn.execute(
                f"SELECT DISTINCT +m.account_id FROM messages m WHERE {condition} AND m.id >= ?",
                (from_id,),
            ).fetchall()
            found.update(int(r[0]) for r in rows)
        return sorted(found)

    def waiting(self, account_id: int, *, after_id: int = 0, limit: int = 1000) -> list[SentRef]:
        """Messages of ``account_id`` waiting for a report, in id order, a page at a time."""
        parts = " UNION ALL ".join(
            "SELECT m.id, m.phone, m.provider_id, COALESCE(m.sent_at, m.created_at) AS sent_at"
            f" FROM messages m WHERE {condition} AND +m.account_id = ? AND m.id > ?"
            for condition in _WAITING
        )
        rows = self._conn.execute(
            f"{parts} ORDER BY 1 LIMIT ?", (account_id, after_id, account_id, after_id, limit)
        ).fetchall()
        refs = []
        for r in rows:
            sent_at = read_stamp(r["sent_at"]) or datetime.now(UTC)
            refs.append(SentRef(int(r["id"]), r["phone"], r["provider_id"], sent_at))
        return refs

    def unreported_count(self) -> int:
        """Accepted messages that never got a report (one narrow index range: cheap to count)."""
        return int(self._conn.execute("SELECT COUNT(*) FROM messages WHERE state = 'sent'").fetchone()[0])

    # -- reports no message claimed yet ------------------------------------------------------

    def unknown_ids(self, account_id: int, provider_ids: Sequence[str]) -> set[str]:
        """The provider ids among ``provider_ids`` that no message of the account carries."""
        unknown = set(provider_ids)
        ids = list(unknown)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._conn.execute(
                f"SELECT provider_id FROM messages WHERE provider_id IN ({marks}) AND +account_id = ?",
                (*chunk, account_id),
            ):
                unknown.discard(r[0])
        return unknown

    def keep(self, account_id: int, reports: Sequence[DeliveryReport], now: datetime) -> None:
        """Keep reports for a later round; a second copy of a report changes nothing."""
        with self._conn:
            self._conn.executemany(
                "INSERT OR IGNORE INTO report_inbox (account_id, provider_id, state, code, description,"
                " reported_at, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        account_id,
                        r.provider_id,
                        str(r.state),
                        r.code,
                        r.description,
                        stamp(r.at) if r.at else None,
                        stamp(now),
                    )
                    for r in reports
                ),
            )

    def kept(self, account_id: int) -> list[DeliveryReport]:
        rows = self._conn.execute(
            "SELECT provider_id, state, code, description, reported_at FROM report_inbox"
            " WHERE account_id = ? ORDER BY received_at",
            (account_id,),
        ).fetchall()
        return [
            DeliveryReport(r["provider_id"], ReportState(r["state"]), r["code"], r["description"],
                           read_stamp(r["reported_at"]))
            for r in rows
        ]

    def settle(self, account_id: int, provider_ids: Sequence[str]) -> None:
        """Forget kept reports whose message is now known (applied, or already final)."""
        with self._conn:
            self._conn.executemany(
                "DELETE FROM report_inbox WHERE account_id = ? AND provider_id = ?",
                ((account_id, p) for p in provider_ids),
            )

    def expire(self, before: datetime) -> int:
        """Reports no message claimed for a long time belong to no message of ours."""
        with self._conn:
            return self._conn.execute(
                "DELETE FROM report_inbox WHERE received_at < ?", (stamp(before),)
            ).rowcount

    def kept_count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM report_inbox").fetchone()[0])
