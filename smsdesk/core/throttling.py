"""What a rate-limit refusal is about, because each kind needs a different answer.

* ``NUMBER``: this customer got too many messages lately (Aliyun's per-number flow control,
  Tencent's 30-second/hour/day limits).  Only that number waits; the campaign goes on.
* ``ACCOUNT_QUOTA``: the account's daily or monthly cap is reached.  Nothing more will go out
  today, so the campaign pauses with a message saying so.
* ``REQUESTS``: too many requests per second.  Everything slows down.

Which provider code means which scope is provider knowledge; the engine supplies a classifier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from smsdesk.core.provider_api import ProviderFault


class ThrottleScope(StrEnum):
    NUMBER = "number"
    ACCOUNT_QUOTA = "account_quota"
    REQUESTS = "requests"


@dataclass(frozen=True)
class Throttle:
    scope: ThrottleScope
    defer: float = 0.0
    """For ``NUMBER``: how long that number waits before it is tried again, in seconds."""


ThrottleClassifier = Callable[[ProviderFault], Throttle]


def requests_scope(fault: ProviderFault) -> Throttle:
    """The classifier used when nothing better is known: a limit on requests per second."""
    return Throttle(ThrottleScope.REQUESTS)
