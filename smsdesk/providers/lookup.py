"""What the adapters share when they look things up at a provider rather than send.

Two questions are asked of a provider's records: "did this message in doubt go out?"
(:class:`~smsdesk.core.provider_api.SentFinder`) and "what did customers answer?"
(:class:`~smsdesk.core.provider_api.ReplySource`).  Both match records by number and time, and
replies need an id that stays the same however often a reply is fetched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from smsdesk.core.provider_api import SentProbe

CHINA_TIME = timezone(timedelta(hours=8))
"""Beijing time, in which Aliyun and Tencent Cloud write their times."""

SENT_BEFORE = timedelta(minutes=5)
"""How long before a probe's ``sent_at`` a provider's record of it may be stamped (clocks
disagree, and the probe's time is when the request was about to leave)."""
SENT_AFTER = timedelta(minutes=30)
"""How long after: requests are retried by the network, providers queue before they stamp."""


def reply_digest(*parts: object) -> str:
    """A stable id for a reply the provider gives no id of its own: the same parts, the same id."""
    joined = "\x1f".join(str(p) for p in parts)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


def in_window(probe: SentProbe, moment: datetime) -> bool:
    """Whether a record stamped ``moment`` can be the probe's message."""
    return probe.sent_at - SENT_BEFORE <= moment <= probe.sent_at + SENT_AFTER


def window(probes: Iterable[SentProbe]) -> tuple[datetime, datetime]:
    """The span of time every one of ``probes`` can have been stamped in."""
    times = [p.sent_at for p in probes]
    return min(times) - SENT_BEFORE, max(times) + SENT_AFTER


def reference_for(ids: Sequence[int], limit: int) -> str:
    """Our message ids for a request's one reference field (OutId, SessionContext).

    All of them comma-separated when that fits in ``limit`` characters (``"7,8,9"``); else as
    ranges (``"7-120,122-300"``), which a campaign's consecutive ids make short; else the
    lowest id and a ``+`` (``"7+"``: "7 and others"), and the provider's records then match a
    message by number and time.
    """
    joined = ",".join(str(i) for i in ids)
    if len(joined) <= limit:
        return joined
    ordered = sorted(set(ids))
    runs: list[list[int]] = []
    for i in ordered:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    ranged = ",".join(f"{a}-{b}" if b > a else str(a) for a, b in runs)
    return ranged if len(ranged) <= limit else f"{ordered[0]}+"


def reference_ids(reference: str) -> list[int]:
    """Our message ids in a reference field written by :func:`reference_for`."""
    found: list[int] = []
    for part in reference.removesuffix("+").split(","):
        low, dash, high = part.strip().partition("-")
        if low.isdigit() and not dash:
            found.append(int(low))
        elif low.isdigit() and high.isdigit() and int(high) - int(low) < 100_000:
            found.extend(range(int(low), int(high) + 1))
    return found


def reference_matches(reference: str, message_id: int) -> bool | None:
    """True: the reference names the message.  None: it cannot tell (empty, or only the lowest
    id of a large request, ``"7+"``, below the message's).  False: it names other messages."""
    ids = reference_ids(reference)
    if message_id in ids:
        return True
    if not ids or (reference.endswith("+") and ids[0] < message_id):
        return None
    return False


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def iso(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime | None:
    try:
        return utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return None


def encode_cursor(state: Mapping[str, Any]) -> str:
    """A cursor the caller keeps verbatim: compact JSON."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def decode_cursor(cursor: str) -> dict[str, Any]:
    """The state in a cursor; an empty, foreign or damaged cursor reads as a fresh start."""
    if not cursor:
        return {}
    try:
        value = json.loads(cursor)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
