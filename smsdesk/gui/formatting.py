"""Numbers, money, dates and times as the owner's locale writes them.

The locale follows the language the window speaks: the system's own locale when it is in that
language (so an owner in Hong Kong or the UK keeps their conventions), otherwise the language's
usual one (``zh_CN`` or ``en_US``). Qt's date and time classes are loaded with the first date
shown; the window's first paint shows none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale

if TYPE_CHECKING:
    from datetime import date, datetime

    from PySide6.QtCore import QDateTime

CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "HKD": "HK$", "EUR": "€", "GBP": "£", "JPY": "¥"}
"""Symbols for the currencies accounts are billed in; other ISO codes are written as the code."""


def locale_for(language: str, system: QLocale | None = None) -> QLocale:
    """The locale for a window speaking ``language`` (``"en"`` or ``"zh_CN"``)."""
    system = system or QLocale.system()
    wanted = QLocale.Language.Chinese if language.startswith("zh") else QLocale.Language.English
    if system.language() == wanted:
        return system
    return QLocale("zh_CN" if wanted == QLocale.Language.Chinese else "en_US")


def use_language(language: str) -> None:
    """Make the locale of ``language`` the default for every widget and for this module."""
    QLocale.setDefault(locale_for(language))


def number(value: int | float, decimals: int | None = None) -> str:
    """``12345`` -> ``12,345`` (or the locale's grouping)."""
    if decimals is None and isinstance(value, int):
        return QLocale().toString(value)
    return QLocale().toString(float(value), "f", 0 if decimals is None else decimals)


def money(amount: float, currency: str) -> str:
    """``12.5, "CNY"`` -> ``¥12.50``; an unknown code is kept: ``12.50 SGD``."""
    locale = QLocale()
    code = currency.strip().upper()
    symbol = CURRENCY_SYMBOLS.get(code)
    if symbol is None:
        return f"{locale.toString(float(amount), 'f', 2)} {code}".strip()
    return locale.toCurrencyString(float(amount), symbol, 2)


def _qt(moment: datetime) -> QDateTime:
    from PySide6.QtCore import QDateTime

    local = moment.astimezone() if moment.tzinfo else moment
    return QDateTime(local.year, local.month, local.day, local.hour, local.minute, local.second)


def date_time(moment: datetime) -> str:
    """A moment in the computer's time zone, short form: ``2026/11/22 14:30`` or ``11/22/26 2:30 PM``."""
    locale = QLocale()
    fmt = locale.dateTimeFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy", 1)  # a two-digit year reads like a day or a month
    return locale.toString(_qt(moment), fmt)


def time_of_day(moment: datetime, seconds: bool = False) -> str:
    """The clock time of a moment in the computer's time zone: ``14:30`` or ``2:30 PM``."""
    locale = QLocale()
    local = moment.astimezone() if moment.tzinfo else moment
    fmt = locale.timeFormat(QLocale.FormatType.ShortFormat)
    if seconds and "s" not in fmt:
        fmt = fmt.replace("mm", "mm:ss", 1)
    from PySide6.QtCore import QTime

    return locale.toString(QTime(local.hour, local.minute, local.second), fmt)


def day(value: date) -> str:
    """A calendar day, short form with a four-digit year: ``2026/11/22`` or ``11/22/2026``."""
    locale = QLocale()
    fmt = locale.dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy", 1)
    from PySide6.QtCore import QDate

    return locale.toString(QDate(value.year, value.month, value.day), fmt)
