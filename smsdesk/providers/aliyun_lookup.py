"""Finding messages in doubt in Aliyun's records (QuerySendDetails by number and day).

QuerySendDetails lists what was sent to one number on one day (Beijing time, at most 30 days
back), 50 a page.  A record names its request by ``OutId`` (our message ids, see
:func:`smsdesk.providers.lookup.reference_for`) and carries the text as the handset shows it,
signature included; it does not carry the request's BizId.  A message found this way therefore
gets a provider id of its own making, ``@<send time>#<message id>:<number>``, which
:meth:`AliyunProvider.fetch_reports` knows to look up by number, day and time instead of BizId.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from smsdesk.core.provider_api import DeliveryReport, ReportState, SentMatch, SentProbe
from smsdesk.providers.lookup import CHINA_TIME, in_window, reference_matches

DELIVERY_STATES = {"3": ReportState.DELIVERED, "2": ReportState.FAILED}
"""``SendStatus``: 1 waiting for the receipt, 2 failed, 3 delivered."""
SEARCH_DAYS = 29
"""QuerySendDetails reaches 30 days back; a day is kept spare for the time zones."""
PAGE_SIZE = 50
PAGES_MAX = 20
FOUND_PREFIX = "@"


def china_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
    except ValueError:
        return None


def days_between(begin: datetime, end: datetime) -> list[date]:
    """The Beijing-time days from ``begin`` to ``end``, both included."""
    first, last = begin.astimezone(CHINA_TIME).date(), end.astimezone(CHINA_TIME).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def found_id(sent: datetime, message_id: int, number: str) -> str:
    return f"{FOUND_PREFIX}{sent.astimezone(CHINA_TIME):%Y%m%d%H%M%S}#{message_id}:{number}"


def parse_found_id(biz_part: str) -> tuple[datetime, int] | None:
    """``(send time, message id)`` of an id made by :func:`found_id` (its part before ``:``)."""
    if not biz_part.startswith(FOUND_PREFIX):
        return None
    stamp, _, message = biz_part[1:].partition("#")
    try:
        return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=CHINA_TIME), int(message)
    except ValueError:
        return None


def detail_report(detail: Mapping[str, Any], provider_id: str, message_id: int) -> DeliveryReport | None:
    state = DELIVERY_STATES.get(str(detail.get("SendStatus", "")))
    if state is None:
        return None
    return DeliveryReport(
        provider_id=provider_id,
        state=state,
        code=str(detail.get("ErrCode", "")),
        at=china_time(str(detail.get("ReceiveDate", ""))),
        message_id=message_id,
    )


def details_of(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    container = data.get("SmsSendDetailDTOs") or {}
    items = container.get("SmsSendDetailDTO", []) if isinstance(container, dict) else []
    return [d for d in items if isinstance(d, dict)] if isinstance(items, list) else []


def match_details(
    probes: Sequence[SentProbe], details: Sequence[Mapping[str, Any]], number: str, *, complete: bool
) -> list[SentMatch]:
    """Pair the probes of one number with the records of its days.

    A record whose ``OutId`` names the probe is it; one whose ``OutId`` cannot tell (empty, or
    the first id only) is it when its text ends with the probe's and it was sent within the
    probe's window, the nearest in time winning.  Each record is used once.
    """
    claimed: set[int] = set()
    matches: list[SentMatch] = []
    for probe in sorted(probes, key=lambda p: p.sent_at):
        sure: int | None = None
        maybe: list[tuple[float, int]] = []
        for index, detail in enumerate(details):
            sent = china_time(str(detail.get("SendDate", "")))
            if index in claimed or sent is None or not in_window(probe, sent):
                continue
            verdict = reference_matches(str(detail.get("OutId") or ""), probe.message_id)
            if verdict is True:
                sure = index
                break
            if verdict is None and str(detail.get("Content", "")).endswith(probe.text):
                maybe.append((abs((sent - probe.sent_at).total_seconds()), index))
        chosen = sure if sure is not None else (min(maybe)[1] if maybe else None)
        if chosen is None:
            if complete:
                matches.append(SentMatch(probe.message_id, False))
            continue
        claimed.add(chosen)
        detail = details[chosen]
        sent_at = china_time(str(detail["SendDate"]))
        assert sent_at is not None
        provider_id = found_id(sent_at, probe.message_id, number)
        matches.append(
            SentMatch(
                probe.message_id,
                True,
                provider_id=provider_id,
                report=detail_report(detail, provider_id, probe.message_id),
            )
        )
    return matches


def pick_found(details: Sequence[Mapping[str, Any]], sent: datetime, message_id: int) -> Mapping[str, Any] | None:
    """The record a :func:`found_id` stands for among a day's records."""
    stamp = sent.strftime("%Y-%m-%d %H:%M:%S")
    for detail in details:
        if str(detail.get("SendDate", "")) == stamp and reference_matches(
            str(detail.get("OutId") or ""), message_id
        ) is not False:
            return detail
    return None
