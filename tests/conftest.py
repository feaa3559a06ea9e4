"""Fixtures shared by every test: an isolated SMSDESK_HOME, English messages, a file keyring."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyrings.alt.file import PlaintextKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

KEYRING_BACKEND = "keyrings.alt.file.PlaintextKeyring"


@pytest.fixture(autouse=True)
def smsdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own data folder and its own keyring file; nothing touches the real profile."""
    home = tmp_path / "smsdesk-home"
    home.mkdir()
    xdg = tmp_path / "xdg-data"
    xdg.mkdir()
    monkeypatch.setenv("SMSDESK_HOME", str(home))
    monkeypatch.setenv("SMSDESK_LANG", "en")
    # For child processes (CLI tests): the same file-backed keyring, inside tmp_path.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", KEYRING_BACKEND)
    monkeypatch.setenv("XDG_DATA_HOME", str(xdg))
    backend = PlaintextKeyring()
    backend.file_path = str(xdg / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    from smsdesk import i18n

    i18n.set_language("en")
    yield home
    i18n.set_language("en")
    keyring.set_keyring(previous)


@pytest.fixture
def store(smsdesk_home: Path) -> Iterator[object]:
    from smsdesk.storage import Store

    s = Store.open()
    yield s
    s.close()
