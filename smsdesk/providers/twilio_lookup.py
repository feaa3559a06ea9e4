"""Reading Twilio's message list: customers' replies, and the messages sent to one number.

Both are the account's Messages list filtered by ``To``: replies are the ``inbound`` messages
to our own numbers, messages in doubt are the outbound ones to the customer.  The list comes
newest first, a page at a time, each page naming the next by ``next_page_uri``.

The reply cursor is time-based: one "walk" reads every page, for each of our numbers, of what
was sent on or after ``since``; when it is done the next walk starts from when this one started,
less :data:`OVERLAP`, so a reply Twilio lists a little late is still seen (and one seen twice is
dropped by its SID).  ``DateSent`` filters by whole days, so replies before ``since`` within the
same day are dropped here.

A message in doubt is recognised by sender, body and creation time: smsdesk sets no
``StatusCallback`` (a desktop cannot receive one), so Twilio holds no tag of ours to match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from smsdesk.core.provider_api import (
    DeliveryReport,
    InboundReply,
    ReportState,
    SentMatch,
    SentProbe,
)
from smsdesk.providers.lookup import decode_cursor, encode_cursor, in_window, iso, parse_iso, utc

OVERLAP = timedelta(minutes=10)
FIRST_LOOK_BACK = timedelta(days=1)
PAGE_SIZE = 100
FIND_PAGES_MAX = 20
"""Pages of one customer's messages read to find messages in doubt before giving up."""
FINAL_STATES = {
    "delivered": ReportState.DELIVERED,
    "read": ReportState.DELIVERED,
    "undelivered": ReportState.FAILED,
    "failed": ReportState.FAILED,
    "canceled": ReportState.FAILED,
}


def rfc2822(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return utc(parsedate_to_datetime(value))
    except (TypeError, ValueError):
        return None


def resources(page: Mapping[str, Any]) -> list[dict[str, Any]]:
    items = page.get("messages")
    return [m for m in items if isinstance(m, dict)] if isinstance(items, list) else []


def next_uri(page: Mapping[str, Any]) -> str:
    value = page.get("next_page_uri")
    return value if isinstance(value, str) else ""


# -- replies ---------------------------------------------------------------------------------


@dataclass
class ReplyWalk:
    """Where a walk over our numbers' inbound messages stands; kept in the cursor."""

    since: datetime
    started: datetime
    todo: list[str] = field(default_factory=list)
    """Our numbers still to read, the current one first (``""``: the whole account)."""
    next: str = ""
    """The next page of the current number, when it has more."""

    @classmethod
    def resume(cls, cursor: str, numbers: Sequence[str], now: datetime) -> ReplyWalk:
        state = decode_cursor(cursor)
        since = parse_iso(str(state.get("since", ""))) or now - FIRST_LOOK_BACK
        started = parse_iso(str(state.get("started", "")))
        todo = state.get("todo")
        if started is None or not isinstance(todo, list) or not todo:
            return cls(since, now, list(numbers))
        next_page = state.get("next")
        return cls(since, started, [str(n) for n in todo], next_page if isinstance(next_page, str) else "")

    def advance(self, next_page: str) -> bool:
        """Move past the page just read; True when the walk has more to read now."""
        if next_page:
            self.next = next_page
            return True
        self.next = ""
        self.todo.pop(0)
        return bool(self.todo)

    def cursor(self, numbers: Sequence[str]) -> str:
        if self.todo:
            return encode_cursor(
                {"since": iso(self.since), "started": iso(self.started), "todo": self.todo, "next": self.next}
            )
        return encode_cursor({"since": iso(max(self.since, self.started - OVERLAP))})


def reply_from(resource: Mapping[str, Any], since: datetime) -> InboundReply | None:
    if not str(resource.get("direction", "")).startswith("inbound"):
        return None
    sid = str(resource.get("sid") or "")
    received = rfc2822(resource.get("date_sent")) or rfc2822(resource.get("date_created"))
    if not sid or received is None or received < since:
        return None
    return InboundReply(
        reply_id=sid,
        phone=str(resource.get("from") or ""),
        text=str(resource.get("body") or ""),
        received_at=received,
        to=str(resource.get("to") or ""),
    )


# -- messages in doubt ---------------------------------------------------------------------------


def sent_by(resource: Mapping[str, Any], sender: str) -> bool:
    if not str(resource.get("direction", "")).startswith("outbound"):
        return False
    return sender in (resource.get("from"), resource.get("messaging_service_sid"))


def report_of(resource: Mapping[str, Any], message_id: int) -> DeliveryReport | None:
    state = FINAL_STATES.get(str(resource.get("status", "")))
    if state is None:
        return None
    code = resource.get("error_code")
    return DeliveryReport(
        provider_id=str(resource["sid"]),
        state=state,
        code="" if code is None else str(code),
        description=str(resource.get("error_message") or ""),
        at=rfc2822(resource.get("date_updated")),
        message_id=message_id,
    )


def match_messages(
    probes: Sequence[SentProbe], listed: Sequence[Mapping[str, Any]], sender: str, *, complete: bool
) -> list[SentMatch]:
    """Pair the probes of one customer with what Twilio lists as sent to them: same sender, same
    body, created within the probe's window, each listed message used once."""
    claimed: set[str] = set()
    matches: list[SentMatch] = []
    for probe in sorted(probes, key=lambda p: p.sent_at):
        best: tuple[float, Mapping[str, Any]] | None = None
        for resource in listed:
            sid = str(resource.get("sid") or "")
            created = rfc2822(resource.get("date_created"))
            if (
                not sid
                or sid in claimed
                or created is None
                or not sent_by(resource, sender)
                or resource.get("body") != probe.text
                or not in_window(probe, created)
            ):
                continue
            distance = abs((created - probe.sent_at).total_seconds())
            if best is None or distance < best[0]:
                best = (distance, resource)
        if best is not None:
            resource = best[1]
            claimed.add(str(resource["sid"]))
            matches.append(
                SentMatch(
                    probe.message_id,
                    True,
                    provider_id=str(resource["sid"]),
                    report=report_of(resource, probe.message_id),
                )
            )
        elif complete:
            matches.append(SentMatch(probe.message_id, False))
    return matches
