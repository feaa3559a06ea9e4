"""The send journal: every message is a row before any request is made.

State changes that decide whether a message may be sent again (queued -> inflight, inflight ->
anything) are committed with ``synchronous=FULL`` on the sending connection, so a power cut can
never make a message that already left look unsent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    OutgoingMessage,
    ProviderFault,
    ReportState,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.core.states import MessageState


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class NewMessage:
    phone: str
    name: str
    text: str
    params: dict[str, str]
    segments: int
    skip_reason: str = ""
    """Non-empty: written as skipped (e.g. opted out) so the log shows why it was not sent."""


class Journal:
    def __init__(self, conn: sqlite3.Connection, *, durable: bool = False) -> None:
        self._conn = conn
        if durable:
            conn.execute("PRAGMA synchronous=FULL")

    # -- campaigns -------------------------------------------------------------------------

    def create_campaign(
        self,
        *,
        name: str,
        account_id: int,
        body: str,
        messages: Iterable[NewMessage],
        list_id: int | None = None,
        template_id: int | None = None,
        signature: str = "",
        provider_template_id: str = "",
        param_names: Sequence[str] = (),
    ) -> int:
        """Write the campaign and all its messages in one transaction; returns its id."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            cur = self._conn.execute(
                "INSERT INTO campaigns (name, account_id, list_id, template_id, body, signature,"
                " provider_template_id, param_names) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    account_id,
                    list_id,
                    template_id,
                    body,
                    signature,
                    provider_template_id,
                    json.dumps(list(param_names), ensure_ascii=False),
                ),
            )
            campaign_id = cur.lastrowid
            assert campaign_id is not None
            now = _now()
            self._conn.executemany(
                "INSERT INTO messages (campaign_id, account_id, phone, name, text, params, segments,"
                " state, error_kind, error_message, created_at, final_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (
                        campaign_id,
                        account_id,
                        m.phone,
                        m.name,
                        m.text,
                        json.dumps(m.params, ensure_ascii=False),
                        m.segments,
                        MessageState.SKIPPED if m.skip_reason else MessageState.QUEUED,
                        ErrorKind.OPTED_OUT if m.skip_reason else None,
                        m.skip_reason or None,
                        now,
                        now if m.skip_reason else None,
                    )
                    for m in messages
                ),
            )
        return campaign_id

    def campaign_spec(self, campaign_id: int) -> SendSpec:
        """What every request of the campaign shares, as it was when the campaign was written."""
        row = self._conn.execute(
            "SELECT signature, provider_template_id, param_names FROM campaigns WHERE id = ?", (campaign_id,)
        ).fetchone()
        return SendSpec(row["signature"], row["provider_template_id"], tuple(json.loads(row["param_names"])))

    def campaign_account(self, campaign_id: int) -> int:
        row = self._conn.execute("SELECT account_id FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
        return int(row[0])

    def set_campaign_state(self, campaign_id: int, state: str) -> None:
        with self._conn:
            self._conn.execute("UPDATE campaigns SET state = ? WHERE id = ?", (state, campaign_id))

    def campaign_counts(self, campaign_id: int) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT state, COUNT(*) FROM messages WHERE campaign_id = ? GROUP BY state", (campaign_id,)
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def unfinished_campaigns(self) -> list[int]:
        rows = self._conn.execute(
            "SELECT DISTINCT campaign_id FROM messages WHERE state = 'queued' ORDER BY campaign_id"
        ).fetchall()
        return [r[0] for r in rows]

    # -- the outbox ------------------------------------------------------------------------

    def claim_batch(self, campaign_id: int, limit: int) -> list[OutgoingMessage]:
        """Mark up to ``limit`` queued messages inflight, durably, and return them."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            rows = self._conn.execute(
                "SELECT id, phone, text, params FROM messages WHERE campaign_id = ? AND state = 'queued'"
                " ORDER BY id LIMIT ?",
                (campaign_id, limit),
            ).fetchall()
            if rows:
                self._conn.executemany(
                    "UPDATE messages SET state = 'inflight' WHERE id = ?", ((r["id"],) for r in rows)
                )
        return [
            OutgoingMessage(message_id=r["id"], phone=r["phone"], text=r["text"], params=json.loads(r["params"]))
            for r in rows
        ]

    def record_outcomes(self, outcomes: Sequence[SendOutcome]) -> None:
        now = _now()
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for o in outcomes:
                if o.accepted:
                    self._conn.execute(
                        "UPDATE messages SET state = 'sent', provider_id = ?, sent_at = ?,"
                        " segments = COALESCE(?, segments) WHERE id = ? AND state = 'inflight'",
                        (o.provider_id, now, o.segments, o.message_id),
                    )
                else:
                    fault = o.fault or ProviderFault(ErrorKind.UNKNOWN, "", "")
                    self._fail(o.message_id, fault, now)

    def _fail(self, message_id: int, fault: ProviderFault, now: str) -> None:
        self._conn.execute(
            "UPDATE messages SET state = 'failed', error_kind = ?, error_code = ?, error_message = ?,"
            " final_at = ? WHERE id = ? AND state IN ('inflight', 'queued')",
            (str(fault.kind), fault.code, fault.message, now, message_id),
        )

    def mark_failed(self, message_ids: Iterable[int], fault: ProviderFault) -> None:
        now = _now()
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for mid in message_ids:
                self._fail(mid, fault, now)

    def requeue(self, message_ids: Iterable[int]) -> None:
        """Inflight messages whose request provably never left go back to the queue."""
        with self._conn:
            self._conn.executemany(
                "UPDATE messages SET state = 'queued' WHERE id = ? AND state = 'inflight'",
                ((m,) for m in message_ids),
            )

    def mark_in_doubt(self, message_ids: Iterable[int], reason: str) -> None:
        with self._conn:
            self._conn.executemany(
                "UPDATE messages SET state = 'in_doubt', error_message = ? WHERE id = ? AND state = 'inflight'",
                ((reason, m) for m in message_ids),
            )

    def skip_queued(self, campaign_id: int, reason: str) -> int:
        """Cancel: every message not yet sent becomes skipped with ``reason``."""
        with self._conn:
            return self._conn.execute(
                "UPDATE messages SET state = 'skipped', error_message = ?, final_at = ?"
                " WHERE campaign_id = ? AND state = 'queued'",
                (reason, _now(), campaign_id),
            ).rowcount

    def recover_inflight(self, reason: str) -> int:
        """After a crash, whatever was inflight may have gone out: it becomes in doubt."""
        with self._conn:
            return self._conn.execute(
                "UPDATE messages SET state = 'in_doubt', error_message = ? WHERE state = 'inflight'",
                (reason,),
            ).rowcount

    # -- delivery reports --------------------------------------------------------------------

    def sent_refs(self, account_id: int, limit: int = 1000, after_id: int = 0) -> list[SentRef]:
        """Accepted messages still waiting for a report, in id order, a page at a time."""
        rows = self._conn.execute(
            "SELECT id, phone, provider_id, sent_at FROM messages WHERE account_id = ? AND state = 'sent'"
            " AND id > ? ORDER BY id LIMIT ?",
            (account_id, after_id, limit),
        ).fetchall()
        return [
            SentRef(
                message_id=r["id"],
                phone=r["phone"],
                provider_id=r["provider_id"],
                sent_at=datetime.strptime(r["sent_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC),
            )
            for r in rows
        ]

    def accounts_with_pending(self) -> list[int]:
        rows = self._conn.execute("SELECT DISTINCT account_id FROM messages WHERE state = 'sent'").fetchall()
        return [r[0] for r in rows]

    def apply_reports(self, account_id: int, reports: Sequence[DeliveryReport]) -> int:
        """Move reported messages to delivered/failed; repeated reports change nothing."""
        changed = 0
        now = _now()
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for rep in reports:
                final_at = (rep.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if rep.at else now)
                if rep.state is ReportState.DELIVERED:
                    values: tuple[object, ...] = ("delivered", None, None, None)
                else:
                    values = ("failed", str(ErrorKind.UNDELIVERED), rep.code, rep.description)
                changed += self._conn.execute(
                    "UPDATE messages SET state = ?, error_kind = ?, error_code = ?, error_message = ?,"
                    " final_at = ? WHERE account_id = ? AND provider_id = ? AND state IN ('sent', 'in_doubt')",
                    (*values, final_at, account_id, rep.provider_id),
                ).rowcount
        return changed
