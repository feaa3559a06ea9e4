"""Backing up, restoring and archiving the history from the File menu."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtGui import QAction

from smsdesk.gui import log_history
from smsdesk.gui.log_history import HistoryActions
from smsdesk.storage import Store
from smsdesk.storage.journal import NewMessage


def _campaign(store: Store, name: str, created: str | None = None) -> int:
    sandbox = next(a for a in store.accounts.all() if a.provider == "sandbox")
    assert sandbox.id is not None
    cid = store.journal.create_campaign(
        name=name, account_id=sandbox.id, body="hi",
        messages=[NewMessage("+8613800138000", "张伟", f"{name} hi", {}, 1, skip_reason="On the opt-out list")],
    )
    if created:
        store.conn.execute("UPDATE campaigns SET created_at = ? WHERE id = ?", (created, cid))
    return cid


def _menu_action(window: Any, text: str) -> QAction:
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        for action in menu.actions():
            if action.text().replace("&", "") == text:
                return action
    raise AssertionError(f"no menu item {text!r}")


def test_back_up_then_restore_from_the_file_menu(
    window: Any, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _campaign(window.store, "Kept")
    target = tmp_path / "backup.sqlite3"
    monkeypatch.setattr(HistoryActions, "choose_backup_target", classmethod(lambda cls, parent, suggested: target))
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    _menu_action(window, "Back up history…").trigger()
    history = window.send_log.history
    qtbot.waitUntil(lambda: not history.is_busy(), timeout=10000)
    assert target.exists()
    assert any("History backed up" in m for m in messages)

    _campaign(window.store, "Later")
    window.send_log.refresh_now()
    assert window.send_log.model.total == 2
    questions: list[str] = []
    monkeypatch.setattr(HistoryActions, "choose_backup_source", classmethod(lambda cls, parent, folder: target))
    monkeypatch.setattr(HistoryActions, "ask", classmethod(lambda cls, parent, title, text: questions.append(text) or True))
    _menu_action(window, "Restore history…").trigger()
    qtbot.waitUntil(lambda: not history.is_busy() and questions != [], timeout=10000)
    qtbot.waitUntil(lambda: window.send_log.model.total == 1, timeout=10000)
    assert "1 messages in 1 campaigns" in questions[0]
    assert [window.send_log.filters.campaign.itemText(i).split(" · ")[0]
            for i in range(window.send_log.filters.campaign.count())] == ["All campaigns", "Kept"]
    assert any("History restored" in m for m in messages)


def test_restore_is_refused_while_sending(window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    said: list[str] = []
    chosen: list[Path] = []
    with monkeypatch.context() as patch:
        patch.setattr(log_history, "show_error", lambda _parent, message: said.append(message))
        patch.setattr(window.send_log, "is_sending", lambda: True)  # undone before the window closes
        patch.setattr(HistoryActions, "choose_backup_source", classmethod(lambda cls, parent, folder: chosen.append(folder)))
        window.send_log.history.restore()
    assert said and "being sent" in said[0]
    assert chosen == []


def test_archive_old_history_from_the_file_menu(
    window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(log_history, "show_error", lambda _parent, message: said.append(message))
    monkeypatch.setattr(log_history, "show_crash", lambda _parent, details: said.append(details))
    _campaign(window.store, "Ancient", "2024-01-01T00:00:00Z")
    _campaign(window.store, "Recent")
    window.send_log.refresh_now()
    monkeypatch.setattr(HistoryActions, "choose_archive_date", classmethod(lambda cls, parent, suggested: date(2025, 1, 1)))
    questions: list[str] = []
    monkeypatch.setattr(HistoryActions, "ask", classmethod(lambda cls, parent, title, text: questions.append(text) or True))
    _menu_action(window, "Archive old history…").trigger()
    history = window.send_log.history
    qtbot.waitUntil(lambda: not history.is_busy(), timeout=10000)
    assert said == []
    assert "1 finished campaigns (1 messages)" in questions[0]
    qtbot.waitUntil(lambda: window.send_log.model.total == 1, timeout=10000)
    archives = sorted((_home(window) / "archives").glob("*.sqlite3"))
    assert [p.name for p in archives] == ["smsdesk-archive-before-2025-01-01.sqlite3"]


def _home(window: Any) -> Path:
    from smsdesk.storage.backup import database_file

    return database_file(window.store.conn).parent
