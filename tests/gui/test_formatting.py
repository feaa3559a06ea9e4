"""Numbers, money and dates follow the window's language and the system's conventions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from PySide6.QtCore import QLocale

from smsdesk.gui import formatting


@pytest.fixture
def language(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    yield
    formatting.use_language("en")


def test_english_window_uses_the_english_conventions(language: None) -> None:
    formatting.use_language("en")
    assert formatting.number(1234567) == "1,234,567"
    assert formatting.money(1234.5, "CNY") == "¥1,234.50"
    assert formatting.money(7.9, "usd") == "$7.90"
    assert formatting.money(3, "SGD") == "3.00 SGD"
    assert formatting.day(date(2026, 11, 2)) == "11/2/2026"


def test_chinese_window_uses_the_chinese_conventions(language: None) -> None:
    formatting.use_language("zh_CN")
    assert QLocale().language() == QLocale.Language.Chinese
    assert formatting.money(0.25, "CNY") == "¥0.25"
    assert formatting.day(date(2026, 11, 2)) == "2026/11/2"
    moment = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)
    local = moment.astimezone()
    assert formatting.date_time(moment) == f"{local.year}/{local.month}/{local.day} {local:%H:%M}"
    assert formatting.time_of_day(moment) == f"{local:%H:%M}"


def test_a_system_locale_in_the_same_language_is_kept() -> None:
    british = QLocale("en_GB")
    assert formatting.locale_for("en", british).name() == "en_GB"
    assert formatting.locale_for("zh_CN", british).name() == "zh_CN"
    assert formatting.locale_for("en", QLocale("zh_TW")).name() == "en_US"
    assert formatting.locale_for("zh_CN", QLocale("zh_HK")).name() == "zh_HK"
