"""What reconciling messages in doubt reads and writes.

A message is in doubt when its request may have reached the provider and no answer came back.
Reconciliation asks the provider's records about those that have no provider id; this module
hands them out as probes and writes down the answers:

* found: the message went out.  It becomes ``sent`` with the provider's id (and ``delivered``
  or ``failed`` at once when the provider already has the carrier's report);
* not found: it stays in doubt, with a row in ``reconcile_checks`` saying when it was looked
  for, so the owner can decide to send it again knowing that.

Nothing here ever queues a message again: that is the owner's decision
(:meth:`smsdesk.storage.journal.Journal.resolve_in_doubt`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from smsdesk.core.provider_api import ErrorKind, ReportState, SentMatch, SentProbe
from smsdesk.storage.journal import read_stamp, stamp

NOT_FOUND = "not_found"


@dataclass(frozen=True)
class DoubtfulProbe:
    """A message in doubt as reconciliation asks about it."""

    account_id: int
    campaign_id: int
    probe: SentProbe


@dataclass(frozen=True)
class ReconcileCheck:
    """The provider was asked about a message in doubt and does not have it."""

    message_id: int
    checked_at: datetime
    outcome: str
    detail: str = ""


class ReconcileBook:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- what to ask about -------------------------------------------------------------------

    def probes(
        self,
        *,
        campaign_id: int | None = None,
        checked_before: datetime | None = None,
        limit: int = 10_000,
    ) -> list[DoubtfulProbe]:
        """Messages in doubt without a provider id, oldest first.  ``checked_before``: leave
        out those already looked for since then."""
        clauses = ["m.state = 'in_doubt'", "m.provider_id IS NULL"]
        args: list[object] = []
        if campaign_id is not None:
            clauses.append("m.campaign_id = ?")
            args.append(campaign_id)
        if checked_before is not None:
            clauses.append("(c.checked_at IS NULL OR c.checked_at < ?)")
            args.append(stamp(checked_before))
        rows = self._conn.execute(
            "SELECT m.id, m.account_id, m.campaign_id, m.phone, m.text, m.claimed_at, m.created_at"
            " FROM messages m LEFT JOIN reconcile_checks c ON c.message_id = m.id"
            f" WHERE {' AND '.join(clauses)} ORDER BY m.id LIMIT ?",
            (*args, limit),
        ).fetchall()
        found: list[DoubtfulProbe] = []
        for r in rows:
            sent_at = read_stamp(r["claimed_at"]) or read_stamp(r["created_at"]) or datetime.now(UTC)
            found.append(
                DoubtfulProbe(r["account_id"], r["campaign_id"], SentProbe(r["id"], r["phone"], r["text"], sent_at))
            )
        return found

    # -- the answers ---------------------------------------------------------------------------

    def settle_found(self, matches: Sequence[SentMatch], now: datetime) -> int:
        """Messages the provider has: in doubt -> sent with its id, or straight to the
        carrier's final word when it is in.  Returns how many left doubt."""
        changed = 0
        when = stamp(now)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for match in matches:
                if not match.found or not match.provider_id:
                    continue
                moved = self._conn.execute(
                    "UPDATE messages SET state = 'sent', provider_id = ?, sent_at = COALESCE(claimed_at, ?),"
                    " error_kind = NULL, error_code = NULL, error_message = NULL"
                    " WHERE id = ? AND state = 'in_doubt'",
                    (match.provider_id, when, match.message_id),
                ).rowcount
                if not moved:
                    continue
                changed += 1
                self._conn.execute("DELETE FROM reconcile_checks WHERE message_id = ?", (match.message_id,))
                report = match.report
                if report is None:
                    continue
                final_at = stamp(report.at) if report.at else when
                if report.state is ReportState.DELIVERED:
                    values: tuple[object, ...] = ("delivered", None, None, None)
                else:
                    values = ("failed", str(ErrorKind.UNDELIVERED), report.code, report.description)
                self._conn.execute(
                    "UPDATE messages SET state = ?, error_kind = ?, error_code = ?, error_message = ?,"
                    " final_at = ? WHERE id = ? AND state = 'sent'",
                    (*values, final_at, match.message_id),
                )
        return changed

    def mark_not_found(self, message_ids: Iterable[int], now: datetime, detail: str = "") -> int:
        """The provider searched and does not have these: note it, leave them in doubt."""
        ids = list(message_ids)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                "INSERT INTO reconcile_checks (message_id, checked_at, outcome, detail)"
                " SELECT id, ?, ?, ? FROM messages WHERE id = ? AND state = 'in_doubt'"
                " ON CONFLICT(message_id) DO UPDATE SET checked_at = excluded.checked_at,"
                " outcome = excluded.outcome, detail = excluded.detail",
                ((stamp(now), NOT_FOUND, detail, i) for i in ids),
            )
        return len(ids)

    # -- what the owner sees -------------------------------------------------------------------

    def checks(self, message_ids: Iterable[int]) -> dict[int, ReconcileCheck]:
        ids = list(message_ids)
        found: dict[int, ReconcileCheck] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._conn.execute(
                "SELECT message_id, checked_at, outcome, detail FROM reconcile_checks"
                f" WHERE message_id IN ({marks})",
                chunk,
            ):
                moment = read_stamp(r["checked_at"]) or datetime.now(UTC)
                found[r["message_id"]] = ReconcileCheck(r["message_id"], moment, r["outcome"], r["detail"])
        return found

    def not_found_in_doubt(self, campaign_id: int) -> list[int]:
        """Messages of the campaign still in doubt that their provider said it does not have."""
        rows = self._conn.execute(
            "SELECT m.id FROM messages m JOIN reconcile_checks c ON c.message_id = m.id"
            " WHERE m.campaign_id = ? AND m.state = 'in_doubt' AND c.outcome = ? ORDER BY m.id",
            (campaign_id, NOT_FOUND),
        ).fetchall()
        return [int(r[0]) for r in rows]
