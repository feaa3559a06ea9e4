"""The send journal: every message is a row before any request is made.

State changes that decide whether a message may be sent again (queued -> inflight, inflight ->
anything) are committed with ``synchronous=FULL`` on the sending connection, so a power cut can
never make a message that already left look unsent.  The send loop writes once per turn:
:meth:`Journal.settle_and_claim` records every answer that came back and hands out the next
batches in the same transaction.

The opt-out list is checked when a batch is handed out, not only when the campaign was
written, and a provider's "opted out / blacklisted" answer puts the number on the list.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
from smsdesk.core.sending import Claimed, RecipientCap, Settlement
from smsdesk.core.states import MessageState
from smsdesk.i18n import tr

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
COUNTED_FOR_CAPS = ("inflight", "sent", "delivered", "failed", "in_doubt")
"""Messages that count against a per-recipient cap: the provider counts even undelivered ones."""
UNFINISHED_STATES = ("ready", "scheduled", "sending", "waiting", "paused")
RETRY_KINDS = (
    ErrorKind.RATE_LIMITED,
    ErrorKind.QUOTA_EXHAUSTED,
    ErrorKind.NOT_APPROVED,
    ErrorKind.CONTENT_REJECTED,
    ErrorKind.AUTH_FAILED,
    ErrorKind.TRANSIENT,
    ErrorKind.UNDELIVERED,
    ErrorKind.UNKNOWN,
)
"""Failures worth sending again; a bad number or an opted-out customer is not."""


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(STAMP)


def parse_stamp(text: str | None) -> datetime | None:
    if not text:
        return None
    return datetime.strptime(text, STAMP).replace(tzinfo=UTC)


def read_stamp(text: str | None) -> datetime | None:
    """A stored UTC time, to the microsecond or to the second; None when absent or unreadable.

    ``fromisoformat`` because the report poller reads thousands per round, and ``strptime``
    costs enough of the window's interpreter time to make it stutter.
    """
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _now() -> str:
    return stamp(datetime.now(UTC))


@dataclass(frozen=True)
class NewMessage:
    phone: str
    name: str
    text: str
    params: dict[str, str]
    segments: int
    skip_reason: str = ""
    """Non-empty: written as skipped (e.g. opted out) so the log shows why it was not sent."""
    skip_kind: str = ErrorKind.OPTED_OUT
    batch: int | None = None
    """The request it goes out in; messages without one go alone."""


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    name: str
    account_id: int
    state: str
    kind: str
    created_at: datetime
    send_at: datetime | None
    expires_at: datetime | None
    note: str
    counts: dict[str, int]

    @property
    def queued(self) -> int:
        return self.counts.get(MessageState.QUEUED, 0)

    @property
    def in_doubt(self) -> int:
        return self.counts.get(MessageState.IN_DOUBT, 0)

    @property
    def marketing(self) -> bool:
        return self.kind == "marketing"


@dataclass(frozen=True)
class DoubtfulMessage:
    id: int
    phone: str
    name: str
    text: str
    reason: str
    claimed_at: datetime | None


class Journal:
    def __init__(self, conn: sqlite3.Connection, *, durable: bool = False) -> None:
        self._conn = conn
        self._cap_keys: dict[int, tuple[int, str, str, str]] = {}
        if durable:
            conn.execute("PRAGMA synchronous=FULL")

    def database_path(self) -> Path:
        """The file this journal lives in (a sending process opens it again)."""
        return Path(self._conn.execute("PRAGMA database_list").fetchone()[2])

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
        kind: str = "notification",
        send_at: datetime | None = None,
        expires_at: datetime | None = None,
        retry_of: int | None = None,
    ) -> int:
        """Write the campaign and all its messages in one transaction; returns its id."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            cur = self._conn.execute(
                "INSERT INTO campaigns (name, account_id, list_id, template_id, body, signature,"
                " provider_template_id, param_names, kind, send_at, expires_at, retry_of, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    name,
                    account_id,
                    list_id,
                    template_id,
                    body,
                    signature,
                    provider_template_id,
                    json.dumps(list(param_names), ensure_ascii=False),
                    kind,
                    stamp(send_at) if send_at else None,
                    stamp(expires_at) if expires_at else None,
                    retry_of,
                    "scheduled" if send_at else "ready",
                ),
            )
            campaign_id = cur.lastrowid
            assert campaign_id is not None
            now = _now()
            self._conn.executemany(
                "INSERT INTO messages (campaign_id, account_id, phone, name, text, params, segments,"
                " state, error_kind, error_message, created_at, final_at, batch_no)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                        str(m.skip_kind) if m.skip_reason else None,
                        m.skip_reason or None,
                        now,
                        now if m.skip_reason else None,
                        m.batch if m.batch is not None else -(n + 1),
                    )
                    for n, m in enumerate(messages)
                ),
            )
            # Messages without a batch go alone: number them after the planned ones.
            last = self._conn.execute(
                "SELECT COALESCE(MAX(batch_no), 0) FROM messages WHERE campaign_id = ? AND batch_no > 0",
                (campaign_id,),
            ).fetchone()[0]
            self._conn.execute(
                "UPDATE messages SET batch_no = ? - batch_no WHERE campaign_id = ? AND batch_no < 0",
                (last, campaign_id),
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

    def set_campaign_state(self, campaign_id: int, state: str, note: str = "") -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE campaigns SET state = ?, note = ? WHERE id = ?", (state, note, campaign_id)
            )

    def reschedule(self, campaign_id: int, send_at: datetime | None) -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE campaigns SET send_at = ?, state = ? WHERE id = ?",
                (stamp(send_at) if send_at else None, "scheduled" if send_at else "ready", campaign_id),
            )

    def campaign_counts(self, campaign_id: int) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT state, COUNT(*) FROM messages WHERE campaign_id = ? GROUP BY state", (campaign_id,)
        ).fetchall()
        return {r[0]: r[1] for r in rows}

    def campaign(self, campaign_id: int) -> CampaignInfo:
        row = self._conn.execute("SELECT * FROM campaigns WHERE id = ?", (campaign_id,)).fetchone()
        if row is None:
            raise KeyError(campaign_id)
        return self._info(row)

    def _info(self, row: sqlite3.Row) -> CampaignInfo:
        created = row["created_at"]
        return CampaignInfo(
            id=row["id"],
            name=row["name"],
            account_id=row["account_id"],
            state=row["state"],
            kind=row["kind"],
            created_at=datetime.strptime(created[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC),
            send_at=parse_stamp(row["send_at"]),
            expires_at=parse_stamp(row["expires_at"]),
            note=row["note"],
            counts=self.campaign_counts(row["id"]),
        )

    def progress_counts(self, campaign_id: int) -> tuple[int, int]:
        """``(total, done)`` for a progress bar; messages skipped when written are left out."""
        row = self._conn.execute(
            "SELECT COUNT(*), SUM(state NOT IN ('queued', 'inflight')) FROM messages"
            " WHERE campaign_id = ? AND NOT (state = 'skipped' AND final_at = created_at)",
            (campaign_id,),
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)

    def unfinished_campaigns(self) -> list[int]:
        rows = self._conn.execute(
            "SELECT DISTINCT campaign_id FROM messages WHERE state = 'queued' ORDER BY campaign_id"
        ).fetchall()
        return [r[0] for r in rows]

    def campaigns_to_offer(self) -> list[CampaignInfo]:
        """Campaigns with messages still queued that were not cancelled: offered for resume."""
        marks = ",".join("?" * len(UNFINISHED_STATES))
        rows = self._conn.execute(
            f"SELECT * FROM campaigns WHERE state IN ({marks}) AND EXISTS (SELECT 1 FROM messages"
            " WHERE campaign_id = campaigns.id AND state IN ('queued', 'inflight')) ORDER BY id",
            UNFINISHED_STATES,
        ).fetchall()
        return [self._info(r) for r in rows]

    def queued_opted_out(self, campaign_id: int) -> int:
        """Queued messages whose number is on the opt-out list now (they will be skipped)."""
        row = self._conn.execute(
            "SELECT COUNT(*) FROM messages m JOIN opt_outs o ON o.phone = m.phone"
            " WHERE m.campaign_id = ? AND m.state = 'queued'",
            (campaign_id,),
        ).fetchone()
        return int(row[0])

    def recent_counts(
        self, campaign_key: tuple[int, str, str, str], phones: Iterable[str], since: datetime
    ) -> dict[str, int]:
        """Messages per number since ``since`` that count against a cap with ``campaign_key``
        (account, signature, provider template, body when there is no provider template)."""
        account_id, signature, template, body = campaign_key
        states = ",".join(f"'{s}'" for s in COUNTED_FOR_CAPS)
        body_clause = " AND c.body = ?" if body else ""
        extra: tuple[str, ...] = (body,) if body else ()
        query = (
            "SELECT COUNT(*) FROM messages m JOIN campaigns c ON c.id = m.campaign_id"
            f" WHERE m.phone = ? AND m.claimed_at >= ? AND m.state IN ({states})"
            f" AND m.account_id = ? AND c.signature = ? AND c.provider_template_id = ?{body_clause}"
        )
        when = stamp(since)
        counts: dict[str, int] = {}
        for phone in phones:
            n = self._conn.execute(query, (phone, when, account_id, signature, template, *extra)).fetchone()[0]
            if n:
                counts[phone] = int(n)
        return counts

    def template_kind(self, template_id: int) -> str:
        row = self._conn.execute("SELECT kind FROM templates WHERE id = ?", (template_id,)).fetchone()
        return str(row[0]) if row else "notification"

    def due_campaigns(self, now: datetime) -> list[CampaignInfo]:
        """Scheduled campaigns whose time has come."""
        rows = self._conn.execute(
            "SELECT * FROM campaigns WHERE state = 'scheduled' AND send_at <= ? ORDER BY send_at, id",
            (stamp(now),),
        ).fetchall()
        return [self._info(r) for r in rows]

    def next_scheduled(self) -> datetime | None:
        row = self._conn.execute("SELECT MIN(send_at) FROM campaigns WHERE state = 'scheduled'").fetchone()
        return parse_stamp(row[0])

    def recent_campaigns(self, limit: int = 50) -> list[CampaignInfo]:
        rows = self._conn.execute("SELECT * FROM campaigns ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [self._info(r) for r in rows]

    # -- the outbox ------------------------------------------------------------------------

    def settle_and_claim(
        self,
        campaign_id: int,
        settlement: Settlement,
        *,
        groups: int,
        now: datetime,
        cap: RecipientCap | None = None,
    ) -> Claimed:
        """Record ``settlement``, then mark up to ``groups`` ready batches inflight, durably.

        Of the messages handed out, those now on the opt-out list or over ``cap`` are skipped
        instead, with the reason.
        """
        when = stamp(now)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            if settlement:
                self._settle(settlement, when)
            return self._claim(campaign_id, groups, when, now, cap) if groups > 0 else Claimed()

    def _claim(
        self, campaign_id: int, groups: int, when: str, now: datetime, cap: RecipientCap | None
    ) -> Claimed:
        numbers = [
            r[0]
            for r in self._conn.execute(
                "SELECT DISTINCT batch_no FROM messages WHERE campaign_id = ? AND state = 'queued'"
                " AND (not_before IS NULL OR not_before <= ?) ORDER BY batch_no LIMIT ?",
                (campaign_id, when, groups),
            )
        ]
        if not numbers:
            return Claimed()
        marks = ",".join("?" * len(numbers))
        rows = self._conn.execute(
            "SELECT m.id, m.phone, m.text, m.params, m.batch_no, o.phone IS NOT NULL AS opted_out"
            " FROM messages m LEFT JOIN opt_outs o ON o.phone = m.phone"
            f" WHERE m.campaign_id = ? AND m.state = 'queued' AND m.batch_no IN ({marks})"
            " AND (m.not_before IS NULL OR m.not_before <= ?) ORDER BY m.batch_no, m.id",
            (campaign_id, *numbers, when),
        ).fetchall()
        capped = self._over_cap(campaign_id, rows, now, cap) if cap is not None and cap.limit > 0 else set()
        batches: dict[int, list[OutgoingMessage]] = {}
        opted: list[int] = []
        for r in rows:
            if r["opted_out"]:
                opted.append(r["id"])
            elif r["id"] not in capped:
                batches.setdefault(r["batch_no"], []).append(
                    OutgoingMessage(r["id"], r["phone"], r["text"], json.loads(r["params"]))
                )
        self._conn.executemany(
            "UPDATE messages SET state = 'inflight', claimed_at = ? WHERE id = ?",
            ((when, m.message_id) for batch in batches.values() for m in batch),
        )
        self._skip(opted, ErrorKind.OPTED_OUT, tr("On the opt-out list"), when)
        if cap is not None:
            reason = tr(
                "Not sent: this number already got {limit} messages of this template within {hours} hours.",
                limit=cap.limit,
                hours=round(cap.window.total_seconds() / 3600),
            )
            self._skip(sorted(capped), ErrorKind.RATE_LIMITED, reason, when)
        return Claimed(list(batches.values()), len(opted) + len(capped))

    def _skip(self, ids: Sequence[int], kind: ErrorKind, reason: str, when: str) -> None:
        self._conn.executemany(
            "UPDATE messages SET state = 'skipped', error_kind = ?, error_message = ?, final_at = ?"
            " WHERE id = ?",
            ((str(kind), reason, when, i) for i in ids),
        )

    def _cap_key(self, campaign_id: int) -> tuple[int, str, str, str]:
        """Messages count against the same cap when they share account, signature and template."""
        key = self._cap_keys.get(campaign_id)
        if key is None:
            row = self._conn.execute(
                "SELECT account_id, signature, provider_template_id, body FROM campaigns WHERE id = ?",
                (campaign_id,),
            ).fetchone()
            body = "" if row["provider_template_id"] else row["body"]
            key = (row["account_id"], row["signature"], row["provider_template_id"], body)
            self._cap_keys[campaign_id] = key
        return key

    def _over_cap(
        self, campaign_id: int, rows: Sequence[sqlite3.Row], now: datetime, cap: RecipientCap
    ) -> set[int]:
        phones = [r["phone"] for r in rows if not r["opted_out"]]
        already = self.recent_counts(self._cap_key(campaign_id), set(phones), now - cap.window)
        over: set[int] = set()
        for r in rows:
            if r["opted_out"]:
                continue
            if already.get(r["phone"], 0) >= cap.limit:
                over.add(r["id"])
            else:
                already[r["phone"]] = already.get(r["phone"], 0) + 1
        return over

    def _settle(self, s: Settlement, when: str) -> None:
        conn = self._conn
        accepted = [o for o in s.outcomes if o.accepted]
        conn.executemany(
            "UPDATE messages SET state = 'sent', provider_id = ?, sent_at = ?,"
            " segments = COALESCE(?, segments) WHERE id = ? AND state = 'inflight'",
            ((o.provider_id, when, o.segments, o.message_id) for o in accepted),
        )
        for o in s.outcomes:
            if not o.accepted:
                self._fail(o.message_id, o.fault or ProviderFault(ErrorKind.UNKNOWN, "", ""), when)
        conn.executemany(
            "UPDATE messages SET state = 'queued', not_before = NULL WHERE id = ? AND state = 'inflight'",
            ((i,) for i in s.requeue),
        )
        conn.executemany(
            "UPDATE messages SET state = 'queued', not_before = ? WHERE id = ? AND state = 'inflight'",
            ((stamp(until), i) for i, until in s.deferred),
        )
        for group in s.regroup:
            if not group:
                continue
            conn.execute(
                "UPDATE messages SET state = 'queued', batch_no = (SELECT MAX(batch_no) + 1 FROM messages"
                " WHERE campaign_id = (SELECT campaign_id FROM messages WHERE id = ?))"
                f" WHERE id IN ({','.join('?' * len(group))}) AND state = 'inflight'",
                (group[0], *group),
            )
        conn.executemany(
            "UPDATE messages SET state = 'in_doubt', error_message = ? WHERE id = ? AND state = 'inflight'",
            ((reason, i) for i, reason in s.in_doubt),
        )

    def _fail(self, message_id: int, fault: ProviderFault, now: str) -> None:
        changed = self._conn.execute(
            "UPDATE messages SET state = 'failed', error_kind = ?, error_code = ?, error_message = ?,"
            " final_at = ? WHERE id = ? AND state IN ('inflight', 'queued')",
            (str(fault.kind), fault.code, fault.message, now, message_id),
        ).rowcount
        if changed and fault.kind == ErrorKind.OPTED_OUT:
            # The provider says the customer opted out or is blacklisted: never again.
            self._conn.execute(
                "INSERT OR IGNORE INTO opt_outs (phone, reason) SELECT phone, ? FROM messages WHERE id = ?",
                (tr("The provider answered {code}", code=fault.code or fault.message), message_id),
            )

    def next_ready(self, campaign_id: int) -> datetime | None:
        """When the earliest queued message may go: None when nothing is queued."""
        row = self._conn.execute(
            "SELECT COUNT(*), MIN(COALESCE(not_before, '')) FROM messages"
            " WHERE campaign_id = ? AND state = 'queued'",
            (campaign_id,),
        ).fetchone()
        if not row[0]:
            return None
        return parse_stamp(row[1]) or EPOCH

    # -- the outbox, one change at a time ------------------------------------------------------

    def claim_batch(self, campaign_id: int, limit: int) -> list[OutgoingMessage]:
        """Mark up to ``limit`` queued messages inflight, durably, and return them (in id order)."""
        when = _now()
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            rows = self._conn.execute(
                "SELECT id, phone, text, params FROM messages WHERE campaign_id = ? AND state = 'queued'"
                " ORDER BY id LIMIT ?",
                (campaign_id, limit),
            ).fetchall()
            self._conn.executemany(
                "UPDATE messages SET state = 'inflight', claimed_at = ? WHERE id = ?",
                ((when, r["id"]) for r in rows),
            )
        return [
            OutgoingMessage(message_id=r["id"], phone=r["phone"], text=r["text"], params=json.loads(r["params"]))
            for r in rows
        ]

    def _settle_now(self, settlement: Settlement) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._settle(settlement, _now())

    def record_outcomes(self, outcomes: Sequence[SendOutcome]) -> None:
        self._settle_now(Settlement(outcomes=list(outcomes)))

    def mark_failed(self, message_ids: Iterable[int], fault: ProviderFault) -> None:
        self._settle_now(Settlement(outcomes=[SendOutcome(m, fault=fault) for m in message_ids]))

    def requeue(self, message_ids: Iterable[int]) -> None:
        """Inflight messages whose request provably never left go back to the queue."""
        self._settle_now(Settlement(requeue=list(message_ids)))

    def mark_in_doubt(self, message_ids: Iterable[int], reason: str) -> None:
        self._settle_now(Settlement(in_doubt=[(m, reason) for m in message_ids]))

    def skip_queued(self, campaign_id: int, reason: str) -> int:
        """Cancel: every message not yet sent becomes skipped with ``reason``."""
        with self._conn:
            return self._conn.execute(
                "UPDATE messages SET state = 'skipped', error_message = ?, final_at = ?"
                " WHERE campaign_id = ? AND state = 'queued'",
                (reason, _now(), campaign_id),
            ).rowcount

    def recover_inflight(self, reason: str) -> int:
        """After a crash, whatever was inflight may have gone out: it becomes in doubt.

        Only call this while no other process is sending (see ``smsdesk.engine.send_lock``).
        """
        with self._conn:
            return self._conn.execute(
                "UPDATE messages SET state = 'in_doubt', error_message = ? WHERE state = 'inflight'",
                (reason,),
            ).rowcount

    # -- in doubt, retries ---------------------------------------------------------------------

    def in_doubt_messages(self, campaign_id: int | None = None, limit: int = 10_000) -> list[DoubtfulMessage]:
        clause, args = ("AND campaign_id = ?", (campaign_id,)) if campaign_id is not None else ("", ())
        rows = self._conn.execute(
            "SELECT id, phone, name, text, error_message, claimed_at FROM messages"
            f" WHERE state = 'in_doubt' {clause} ORDER BY id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [
            DoubtfulMessage(r["id"], r["phone"], r["name"], r["text"], r["error_message"] or "", parse_stamp(r["claimed_at"]))
            for r in rows
        ]

    def resolve_in_doubt(self, message_ids: Iterable[int], *, send_again: bool) -> int:
        """The owner's decision on messages in doubt: queue them again, or leave them unsent.

        Numbers that opted out meanwhile are skipped when handed out, as always.
        """
        ids = list(message_ids)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            if send_again:
                statement = "UPDATE messages SET state = 'queued', not_before = NULL WHERE id = ? AND state = 'in_doubt'"
                args: Iterable[tuple[object, ...]] = ((i,) for i in ids)
            else:
                statement = (
                    "UPDATE messages SET state = 'skipped', error_message = ?, final_at = ?"
                    " WHERE id = ? AND state = 'in_doubt'"
                )
                reason = tr("In doubt; you chose not to send it again.")
                when = _now()
                args = ((reason, when, i) for i in ids)
            return self._conn.executemany(statement, args).rowcount

    def retry_candidates(self, campaign_id: int) -> int:
        marks = ",".join("?" * len(RETRY_KINDS))
        row = self._conn.execute(
            f"SELECT COUNT(*) FROM messages WHERE campaign_id = ? AND state = 'failed' AND error_kind IN ({marks})",
            (campaign_id, *map(str, RETRY_KINDS)),
        ).fetchone()
        return int(row[0])

    def create_retry_campaign(self, campaign_id: int, name: str) -> int | None:
        """A new campaign with the failed messages of ``campaign_id`` worth sending again.

        Each message keeps its text, parameters and batch; ``None`` when there is nothing to retry.
        """
        marks = ",".join("?" * len(RETRY_KINDS))
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            found = self._conn.execute(
                f"SELECT COUNT(*) FROM messages WHERE campaign_id = ? AND state = 'failed' AND error_kind IN ({marks})",
                (campaign_id, *map(str, RETRY_KINDS)),
            ).fetchone()[0]
            if not found:
                return None
            cur = self._conn.execute(
                "INSERT INTO campaigns (name, account_id, list_id, template_id, body, signature,"
                " provider_template_id, param_names, kind, expires_at, retry_of, state)"
                " SELECT ?, account_id, list_id, template_id, body, signature, provider_template_id,"
                " param_names, kind, expires_at, id, 'ready' FROM campaigns WHERE id = ?",
                (name, campaign_id),
            )
            new_id = cur.lastrowid
            now = _now()
            self._conn.execute(
                "INSERT INTO messages (campaign_id, account_id, phone, name, text, params, segments,"
                " state, created_at, batch_no) SELECT ?, account_id, phone, name, text, params, segments,"
                f" 'queued', ?, batch_no FROM messages WHERE campaign_id = ? AND state = 'failed'"
                f" AND error_kind IN ({marks}) ORDER BY id",
                (new_id, now, campaign_id, *map(str, RETRY_KINDS)),
            )
        return new_id

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
                sent_at=datetime.strptime(r["sent_at"], STAMP).replace(tzinfo=UTC),
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
                final_at = stamp(rep.at) if rep.at else now
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
