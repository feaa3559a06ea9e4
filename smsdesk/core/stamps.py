"""Journal timestamps (UTC, ISO 8601) as the owner's clock shows them."""

from __future__ import annotations

from datetime import UTC, datetime


def local_time(utc_stamp: str) -> str:
    """``2026-11-22T06:30:00.000000Z`` -> ``2026-11-22 14:30:00`` in the machine's time zone, to
    the second; text that is not a timestamp comes back as it is."""
    try:
        moment = datetime.fromisoformat(utc_stamp[:19]).replace(tzinfo=UTC)
    except ValueError:
        return utc_stamp
    return moment.astimezone().isoformat(" ", "seconds")[:19]
