"""Fixtures shared by every test: an isolated SMSDESK_HOME, English messages, a file keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def smsdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder; nothing touches the real profile."""
    home = tmp_path / "smsdesk-home"
    home.mkdir()
    monkeypatch.setenv("SMSDESK_HOME", str(home))
    monkeypatch.setenv("SMSDESK_LANG", "en")
    from smsdesk import i18n

    i18n.set_language("en")
    yield home
    i18n.set_language("en")
