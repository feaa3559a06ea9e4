"""Reading Tencent Cloud's records: customers' replies, and the messages sent to one number.

Replies come from PullSmsReplyStatus, a queue like PullSmsSendStatus: each reply is handed out
once.  Field names and time formats follow API 2021-01-11 (``SignName``, ``ReplyTime`` in Unix
seconds); the older names (``Sign``, ``ReplyUnixTime``, Beijing-time strings) are read too.  Tencent gives a reply no id, so its id is a digest of number, time, text, signature and
extension, the same however it is fetched.

Messages in doubt are looked up with PullSmsSendStatusByPhoneNumber, which lists the delivery
reports of one number over a span of time (at most seven days back, at most 100 at a time,
``Offset`` fixed at 0).  A message shows there once its carrier's report is in, so "not there"
proves nothing until reports have had time to come: :data:`REPORT_GRACE`.  A report carries the
request's ``SessionContext`` only where Tencent has enabled that for the account; without it a
report is matched by number and time alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from smsdesk.core.provider_api import (
    DeliveryReport,
    InboundReply,
    ReportState,
    SentMatch,
    SentProbe,
)
from smsdesk.providers.lookup import CHINA_TIME, SENT_BEFORE, reference_matches, reply_digest

REPORT_STATES = {"SUCCESS": ReportState.DELIVERED, "FAIL": ReportState.FAILED}
SEARCH_BACK = timedelta(days=7) - timedelta(hours=1)
"""PullSmsSendStatusByPhoneNumber reaches seven days back; an hour is kept spare."""
REPORT_GRACE = timedelta(minutes=30)
"""A message younger than this may simply have no report yet: it is never called "not found"."""


def e164_from(item: Mapping[str, Any]) -> str:
    """The number as E.164, whichever of Tencent's fields carries it."""
    raw = str(item.get("PhoneNumber") or "")
    if not raw:
        code = str(item.get("CountryCode") or item.get("NationCode") or "")
        raw = f"+{code}{item.get('SubscriberNumber') or ''}" if code else ""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if not digits:
        return ""
    if not raw.startswith("+") and len(digits) == 11 and digits.startswith("1"):
        digits = "86" + digits
    return "+" + digits


def tencent_time(value: object) -> datetime | None:
    """A time as Tencent writes it: Unix seconds (API 2021-01-11) or ``2021-05-11 19:56:28``
    in Beijing time (older versions)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    text = str(value or "")
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
    except ValueError:
        return None


def reply_from(item: Mapping[str, Any]) -> InboundReply | None:
    phone = e164_from(item)
    text = str(item.get("ReplyContent") or "")
    received = tencent_time(item.get("ReplyUnixTime") or item.get("ReplyTime"))
    if not phone or received is None:
        return None
    sign = str(item.get("SignName") or item.get("Sign") or "")
    extend = str(item.get("ExtendCode") or "")
    stamp = int(received.timestamp())
    return InboundReply(
        reply_id=reply_digest("tencent", phone, stamp, text, sign, extend),
        phone=phone,
        text=text,
        received_at=received.astimezone(UTC),
        to=" ".join(p for p in (sign, extend) if p),
    )


def _report(item: Mapping[str, Any], message_id: int) -> DeliveryReport | None:
    state = REPORT_STATES.get(str(item.get("ReportStatus", "")))
    serial = str(item.get("SerialNo") or "")
    if state is None or not serial:
        return None
    at = tencent_time(item.get("UserReceiveTime"))
    return DeliveryReport(
        provider_id=serial,
        state=state,
        code=str(item.get("Description") or ""),
        at=at,
        message_id=message_id,
    )


def match_statuses(
    probes: Sequence[SentProbe],
    items: Sequence[Mapping[str, Any]],
    *,
    complete: bool,
    settled_before: datetime,
) -> list[SentMatch]:
    """Pair the probes of one number with its delivery reports.

    A report names its message by ``SessionContext``, which holds our ids (or, for a request too
    large for all of them, the first id only; then the report's time decides).  A probe is
    called not found only when the search was ``complete`` and it was sent before
    ``settled_before``.
    """
    claimed: set[int] = set()
    matches: list[SentMatch] = []
    for probe in sorted(probes, key=lambda p: p.sent_at):
        chosen: int | None = None
        maybe: list[tuple[float, int]] = []
        for index, item in enumerate(items):
            if index in claimed or not item.get("SerialNo"):
                continue
            verdict = reference_matches(str(item.get("SessionContext") or ""), probe.message_id)
            if verdict is True:
                chosen = index
                break
            if verdict is None:
                at = tencent_time(item.get("UserReceiveTime"))
                if at is None or at >= probe.sent_at - SENT_BEFORE:
                    distance = abs((at - probe.sent_at).total_seconds()) if at else 0.0
                    maybe.append((distance, index))
        if chosen is None and maybe:
            chosen = min(maybe)[1]
        if chosen is not None:
            claimed.add(chosen)
            item = items[chosen]
            matches.append(
                SentMatch(
                    probe.message_id,
                    True,
                    provider_id=str(item["SerialNo"]),
                    report=_report(item, probe.message_id),
                )
            )
        elif complete and probe.sent_at <= settled_before:
            matches.append(SentMatch(probe.message_id, False))
    return matches
