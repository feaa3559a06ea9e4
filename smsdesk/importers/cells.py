"""Cell values as text a person would recognise: dates stay dates, whole numbers stay whole."""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

Cell = str | float | int | bool | date | datetime | time | timedelta | None

# Beyond this a float has no exact integer reading; it is shown the way Excel would.
_EXACT_INT_LIMIT = 1e15


def cell_text(value: Cell) -> str:
    """The text of one cell.  Called for every cell of an import, so the common types go first."""
    if type(value) is str:
        return value.strip()
    if type(value) is float:
        if value.is_integer() and abs(value) < _EXACT_INT_LIMIT:
            return str(int(value))
        if not math.isfinite(value):
            return ""
        return format(value, ".15g")
    if value is None:
        return ""
    if type(value) is bool:
        return "TRUE" if value else "FALSE"
    if type(value) is int:
        return str(value)
    if type(value) is datetime:
        if value.hour == value.minute == value.second == value.microsecond == 0:
            return value.date().isoformat()
        spec = "minutes" if value.second == value.microsecond == 0 else "seconds"
        return value.replace(tzinfo=None).isoformat(sep=" ", timespec=spec)
    if type(value) is date:
        return value.isoformat()
    if type(value) is time:
        spec = "minutes" if value.second == value.microsecond == 0 else "seconds"
        return value.replace(tzinfo=None).isoformat(timespec=spec)
    if type(value) is timedelta:
        seconds = int(value.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return str(value).strip()


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(row: list[Cell]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
