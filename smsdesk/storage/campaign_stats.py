"""Figures about campaigns: the list of campaigns, one campaign's totals, and its outcomes over time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from smsdesk.core.states import MessageState


@dataclass(frozen=True)
class CampaignInfo:
    id: int
    name: str
    account: str
    created_at: str
    state: str


@dataclass(frozen=True)
class FailureReason:
    kind: str | None
    code: str | None
    count: int


@dataclass(frozen=True)
class CampaignSummary:
    info: CampaignInfo
    account_id: int
    provider: str
    body: str
    price_per_segment: float
    currency: str
    counts: dict[str, int] = field(default_factory=dict)
    """Messages by state."""
    accepted: int = 0
    """Messages the provider accepted (it gave them an id), whatever became of them since."""
    accepted_segments: int = 0
    segments: int = 0
    """Billed parts of every message that was not skipped."""
    failures: tuple[FailureReason, ...] = ()
    """Failed messages by reason, most frequent first."""

    def state(self, state: MessageState) -> int:
        return self.counts.get(state.value, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def pending(self) -> int:
        """Not sent yet, or sent and still waiting for the carrier's report."""
        return sum(self.state(s) for s in (MessageState.QUEUED, MessageState.INFLIGHT, MessageState.SENT))

    @property
    def cost(self) -> float:
        """What the accepted messages cost at the account's price per billed part."""
        return self.accepted_segments * self.price_per_segment


@dataclass(frozen=True)
class OutcomeMinute:
    minute: str
    """UTC, ``YYYY-MM-DDTHH:MM``."""
    delivered: int
    failed: int


class CampaignStats:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def campaigns(self) -> list[CampaignInfo]:
        """Every campaign, newest first."""
        rows = self._conn.execute(
            "SELECT c.id, c.name, a.name AS account, c.created_at, c.state FROM campaigns c"
            " JOIN accounts a ON a.id = c.account_id ORDER BY c.id DESC"
        ).fetchall()
        return [CampaignInfo(int(r["id"]), r["name"], r["account"], r["created_at"], r["state"]) for r in rows]

    def summary(self, campaign_id: int) -> CampaignSummary | None:
        head = self._conn.execute(
            "SELECT c.id, c.name, a.name AS account, c.created_at, c.state, c.account_id, c.body,"
            " a.provider, a.price_per_segment, a.currency FROM campaigns c"
            " JOIN accounts a ON a.id = c.account_id WHERE c.id = ?",
            (campaign_id,),
        ).fetchone()
        if head is None:
            return None
        counts: dict[str, int] = {}
        accepted = accepted_segments = segments = 0
        for r in self._conn.execute(
            "SELECT state, COUNT(*), SUM(segments), SUM(provider_id IS NOT NULL),"
            " SUM(CASE WHEN provider_id IS NOT NULL THEN segments ELSE 0 END)"
            " FROM messages WHERE campaign_id = ? GROUP BY state",
            (campaign_id,),
        ):
            counts[r[0]] = int(r[1])
            if r[0] != MessageState.SKIPPED:
                segments += int(r[2] or 0)
            accepted += int(r[3] or 0)
            accepted_segments += int(r[4] or 0)
        failures = tuple(
            FailureReason(r[0], r[1], int(r[2]))
            for r in self._conn.execute(
                "SELECT error_kind, error_code, COUNT(*) AS n FROM messages"
                " WHERE campaign_id = ? AND state = 'failed' GROUP BY error_kind, error_code"
                " ORDER BY n DESC, error_kind, error_code",
                (campaign_id,),
            )
        )
        return CampaignSummary(
            info=CampaignInfo(int(head["id"]), head["name"], head["account"], head["created_at"], head["state"]),
            account_id=int(head["account_id"]),
            provider=head["provider"],
            body=head["body"],
            price_per_segment=float(head["price_per_segment"]),
            currency=head["currency"],
            counts=counts,
            accepted=accepted,
            accepted_segments=accepted_segments,
            segments=segments,
            failures=failures,
        )

    def outcomes_by_minute(self, campaign_id: int) -> list[OutcomeMinute]:
        """Delivered and failed messages per minute of their outcome, oldest first."""
        rows = self._conn.execute(
            "SELECT substr(final_at, 1, 16) AS minute, SUM(state = 'delivered'), SUM(state = 'failed')"
            " FROM messages WHERE campaign_id = ? AND state IN ('delivered', 'failed')"
            " AND final_at IS NOT NULL GROUP BY minute ORDER BY minute",
            (campaign_id,),
        ).fetchall()
        return [OutcomeMinute(r[0], int(r[1]), int(r[2])) for r in rows]
