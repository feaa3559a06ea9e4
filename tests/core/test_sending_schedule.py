"""Quiet hours: promotions wait, across midnight, and bad settings say so."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from smsdesk.core.schedule import QuietHours
from smsdesk.errors import UserFacingError

SHANGHAI = timezone(timedelta(hours=8))


def at(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=SHANGHAI)


def test_the_default_crosses_midnight() -> None:
    quiet = QuietHours.parse("21:00-08:00")
    assert quiet == QuietHours(time(21), time(8))
    assert str(quiet) == "21:00-08:00"
    assert [quiet.contains(at(h)) for h in (20, 21, 23, 0, 7)] == [False, True, True, True, True]
    assert not quiet.contains(at(8))
    assert quiet.ends_after(at(22, 30)) == at(8, day=2)
    assert quiet.ends_after(at(3)) == at(8)
    assert quiet.ends_after(at(12)) == at(12)


def test_a_daytime_range_and_other_spellings() -> None:
    quiet = QuietHours.parse(" 12:30 ~ 14:00 ")
    assert quiet is not None
    assert quiet.contains(at(13)) and not quiet.contains(at(14))
    assert QuietHours.parse("off") is None
    assert QuietHours.parse("") is None
    assert QuietHours.parse("08:00-08:00") is None


@pytest.mark.parametrize("text", ["21-8", "25:00-08:00", "21:00 to 08:00", "9pm-8am"])
def test_bad_quiet_hours_are_refused_in_words(text: str) -> None:
    with pytest.raises(UserFacingError, match="21:00-08:00"):
        QuietHours.parse(text)
