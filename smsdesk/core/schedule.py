"""Time rules for sending: quiet hours for promotions, a campaign's start time and its expiry.

Quiet hours are read on the computer's local clock: the shop and its customers are in the same
town.  A promotion due during quiet hours is not dropped; it waits until they end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

DEFAULT_QUIET_HOURS = "21:00-08:00"
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")
OFF_WORDS = frozenset({"", "off", "none", "no", "0", "关", "无"})


@dataclass(frozen=True)
class QuietHours:
    """``start`` to ``end`` on the local clock; it crosses midnight when ``end <= start``."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours | None:
        """``"21:00-08:00"``; ``"off"`` or an empty text means no quiet hours."""
        if text.strip().lower() in OFF_WORDS:
            return None
        match = _RANGE.match(text)
        if match is None:
            raise UserFacingError(
                tr("Write quiet hours as start-end, e.g. 21:00-08:00, not “{value}”.", value=text)
            )
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise UserFacingError(
                tr("Write quiet hours as start-end, e.g. 21:00-08:00, not “{value}”.", value=text)
            )
        if (h1, m1) == (h2, m2):
            return None
        return cls(time(h1, m1), time(h2, m2))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    def contains(self, moment: datetime) -> bool:
        now = moment.timetz().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """The first moment at or after ``moment`` that is outside quiet hours."""
        if not self.contains(moment):
            return moment
        end = moment.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= moment:
            end += timedelta(days=1)
        return end


def local_now() -> datetime:
    """Now on the computer's clock, with its time zone."""
    return datetime.now().astimezone()
