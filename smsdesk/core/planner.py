"""Grouping a campaign's messages into as few provider requests as the provider allows.

Providers differ in what one request may carry:

* Aliyun: SendSms takes up to 1000 numbers that all get the same text; SendBatchSms takes up to
  100 numbers, each with its own parameters.
* Tencent: up to 200 numbers sharing one set of parameters, all mainland or all international.
* Twilio and plain HTTP gateways: one number per request.

:func:`group_messages` gives each message a request number ("batch") so that the messages of a
batch always fit in one request of the provider; the send loop then sends one batch per
request.  Identical texts are gathered from anywhere in the list, so a campaign where most
customers get the same text costs a handful of requests instead of one per customer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BatchRules:
    """What one request of a provider may carry."""

    same_text_max: int = 1
    """Most numbers in one request when every number gets the same parameters."""
    personal_max: int = 1
    """Most numbers in one request when each number has its own parameters."""
    split_regions: bool = False
    """Mainland China and international numbers never share a request."""
    same_text_call: str = "send"
    """The provider's name for a request of identical messages (e.g. ``SendSms``)."""
    personal_call: str = "send"
    """The provider's name for a request of personalised messages (e.g. ``SendBatchSms``)."""


@dataclass(frozen=True)
class PlannedMessage:
    phone: str
    params: Mapping[str, str]


@dataclass(frozen=True)
class RequestKind:
    """One line of the plan: ``requests`` calls of ``call`` carrying ``messages`` messages."""

    call: str
    same_text: bool
    requests: int
    messages: int
    most_per_request: int


@dataclass
class GroupPlan:
    batches: list[int] = field(default_factory=list)
    """The batch number of each message, in the order the messages were given."""
    kinds: list[RequestKind] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(k.requests for k in self.kinds)


def is_mainland(phone: str) -> bool:
    return phone.startswith("+86")


Key = tuple[bool | None, tuple[tuple[str, str], ...]]


def _key(message: PlannedMessage, rules: BatchRules) -> Key:
    region = is_mainland(message.phone) if rules.split_regions else None
    return region, tuple(sorted(message.params.items()))


def group_messages(messages: Sequence[PlannedMessage], rules: BatchRules, first: int = 1) -> GroupPlan:
    """Batch numbers (starting at ``first``) for ``messages``, and what the requests will be.

    Batches are numbered in the order of their first message, so sending goes down the list.
    """
    by_key: dict[Key, list[int]] = {}
    for index, message in enumerate(messages):
        by_key.setdefault(_key(message, rules), []).append(index)

    same_max = max(1, rules.same_text_max)
    personal_max = max(1, rules.personal_max)
    # A request of identical texts is worth it when it carries at least as many messages as a
    # personalised request could; the rest of those texts ride along in personalised requests.
    threshold = 1 if personal_max == 1 else personal_max
    chunks: list[tuple[list[int], bool]] = []
    pool: dict[bool | None, list[int]] = {}
    for (region, _params), indexes in by_key.items():
        used = 0
        while len(indexes) - used >= threshold:
            size = min(same_max, len(indexes) - used)
            chunks.append((indexes[used : used + size], True))
            used += size
        pool.setdefault(region, []).extend(indexes[used:])
    for indexes in pool.values():
        indexes.sort()
        for start in range(0, len(indexes), personal_max):
            chunks.append((indexes[start : start + personal_max], False))

    chunks.sort(key=lambda chunk: chunk[0][0])
    plan = GroupPlan(batches=[0] * len(messages))
    tally: dict[tuple[str, bool], list[int]] = {}
    for number, (indexes, same) in enumerate(chunks, start=first):
        for i in indexes:
            plan.batches[i] = number
        identical = same or len({_key(messages[i], rules) for i in indexes}) == 1
        call = rules.same_text_call if identical else rules.personal_call
        most = same_max if identical else personal_max
        entry = tally.setdefault((call, identical), [0, 0, most])
        entry[0] += 1
        entry[1] += len(indexes)
    plan.kinds = [
        RequestKind(call, same, requests, count, most)
        for (call, same), (requests, count, most) in tally.items()
    ]
    return plan
