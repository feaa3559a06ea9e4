"""Templates as the engine uses them: what each customer gets and what the whole list costs
(the provider's approved templates are in :mod:`smsdesk.engine.approved`).

The editor, the dry run and the send plan all render with :func:`smsdesk.core.template.render`
and count with :func:`smsdesk.core.segments.count_for_provider` through the functions here, so
the figures the owner sees before sending are the ones the send uses.
"""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from smsdesk.core.segments import (
    CountTally,
    CountTotals,
    MessageCount,
    count_for_provider,
    shown_text,
)
from smsdesk.core.template import (
    ParsedTemplate,
    empty_variables,
    parse_template,
    render,
    sending_source,
)
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient
from smsdesk.storage.templates import Template

Progress = Callable[[int, int], None]
CHECK_CANCEL_EVERY = 25
"""Rows between looks at ``cancel``: a stale count stops within a fraction of a millisecond."""
REPORT_PROGRESS_EVERY = 5000


def is_domestic(phone: str) -> bool:
    """A Chinese mainland number, billed by the domestic character rule."""
    return phone.startswith("+86")


def template_source(template: Template) -> str:
    """The template source of what is sent: the body plus a marketing template's opt-out line."""
    return sending_source(template.body, template.kind, template.opt_out)


# -- one customer ---------------------------------------------------------------------------


class MessagePreview(NamedTuple):
    """One customer's message: as sent, as the phone shows it, and how it is billed."""

    text: str
    """The personalised text without the signature: what the provider is given."""
    shown: str
    """What the phone shows: the signature where the provider puts it, then the text."""
    billing: MessageCount
    empty: tuple[str, ...]
    """Variables that came out empty for this customer (no value and no default)."""


def preview_message(
    parsed: ParsedTemplate, values: Mapping[str, str], *, phone: str, provider: str, signature: str
) -> MessagePreview:
    text = render(parsed, values)
    domestic = is_domestic(phone)
    return MessagePreview(
        text=text,
        shown=shown_text(text, provider=provider, signature=signature, domestic=domestic),
        billing=count_for_provider(text, provider=provider, signature=signature, domestic=domestic),
        empty=tuple(dict.fromkeys(empty_variables(parsed, values))),
    )


def count_message(text: str, *, phone: str, provider: str, signature: str) -> MessageCount:
    return count_for_provider(
        text, provider=provider, signature=signature, domestic=is_domestic(phone)
    )


# -- the whole list -------------------------------------------------------------------------


class ListTotals(NamedTuple):
    """What sending to a whole list costs; opted-out customers are skipped, not counted."""

    counts: CountTotals
    skipped: int
    price_per_segment: float
    currency: str

    @property
    def estimated_cost(self) -> float:
        return self.counts.segments * self.price_per_segment

    def as_dict(self) -> dict[str, object]:
        return {
            "messages": self.counts.messages,
            "skipped": self.skipped,
            "segments": self.counts.segments,
            "over_limit": self.counts.over_limit,
            "forced_ucs2": self.counts.forced_ucs2,
            "max_segments": self.counts.max_segments,
            "estimated_cost": round(self.estimated_cost, 4),
            "currency": self.currency,
        }


class ListSurvey(NamedTuple):
    """Totals for a list, and the rows worth a look before sending (0-based, in list order)."""

    source: str
    totals: ListTotals
    rows: int
    first_segments: int
    """SMS per message for the first customer who will be sent to; 0 when nobody will."""
    longest_row: int | None
    empty_rows: Sequence[int]
    """Customers for whom some variable comes out empty."""
    more_segment_rows: Sequence[int]
    """Customers whose message needs more SMS than the first customer's."""


def next_row(rows: Sequence[int], after: int) -> int | None:
    """The first of ``rows`` (ascending) after ``after``, wrapping round to the first."""
    from bisect import bisect_right

    if not rows:
        return None
    i = bisect_right(rows, after)
    return rows[i] if i < len(rows) else rows[0]


def survey(
    recipients: Iterable[Recipient],
    source: str,
    *,
    provider: str,
    signature: str,
    opted_out: frozenset[str] | set[str],
    price_per_segment: float = 0.0,
    currency: str = "CNY",
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    total: int = 0,
) -> ListSurvey | None:
    """Render and count every customer's message once; None when ``cancel`` was set."""
    parsed = parse_template(source)
    tally = CountTally()
    skipped = 0
    first = 0
    longest: tuple[int, int, int] | None = None
    empty_rows: array[int] = array("l")
    more_rows: array[int] = array("l")
    row = -1
    for row, person in enumerate(recipients):
        if row % CHECK_CANCEL_EVERY == 0 and row:
            if cancel is not None and cancel.is_set():
                return None
            time.sleep(0)  # let a waiting GUI thread have the interpreter now, not in 5 ms
            if progress is not None and row % REPORT_PROGRESS_EVERY == 0:
                progress(row, total)
        if person.phone in opted_out:
            skipped += 1
            continue
        values = person.variables()
        text = render(parsed, values)
        result = count_message(text, phone=person.phone, provider=provider, signature=signature)
        tally.add(result)
        segments = result.split.segments
        if not first:
            first = segments
        elif segments > first:
            more_rows.append(row)
        key = (segments, result.length, -row)
        if longest is None or key > longest:
            longest = key
        if parsed.placeholders and empty_variables(parsed, values):
            empty_rows.append(row)
    totals = ListTotals(tally.totals, skipped, price_per_segment, currency)
    return ListSurvey(
        source=source,
        totals=totals,
        rows=row + 1,
        first_segments=first,
        longest_row=-longest[2] if longest is not None else None,
        empty_rows=empty_rows,
        more_segment_rows=more_rows,
    )


def survey_list(
    store: Store,
    account: Account,
    source: str,
    list_id: int,
    *,
    signature: str,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> ListSurvey | None:
    """:func:`survey` over a saved list, skipping the customers on the opt-out list."""
    return survey(
        store.lists.iter_recipients(list_id),
        source,
        provider=account.provider,
        signature=signature,
        opted_out=store.optouts.phones(),
        price_per_segment=account.price_per_segment,
        currency=account.currency,
        cancel=cancel,
        progress=progress,
        total=store.lists.get_by_id(list_id).size,
    )


def plan_counts(
    messages: Iterable[tuple[str, str, bool]], *, account: Account, signature: str
) -> tuple[list[MessageCount], ListTotals]:
    """Counts of ``(phone, text, skipped)`` messages, and totals over those not skipped."""
    tally = CountTally()
    counts: list[MessageCount] = []
    skipped = 0
    for phone, text, is_skipped in messages:
        result = count_message(text, phone=phone, provider=account.provider, signature=signature)
        counts.append(result)
        if is_skipped:
            skipped += 1
        else:
            tally.add(result)
    return counts, ListTotals(tally.totals, skipped, account.price_per_segment, account.currency)


def count_details(result: MessageCount) -> dict[str, object]:
    """One message's count as the dry run reports it."""
    return {
        "encoding": str(result.split.encoding),
        "segments": result.segments,
        "length": result.length,
        "limit": result.limit,
        "over_limit": result.over_limit,
        "rule": str(result.rule),
    }
