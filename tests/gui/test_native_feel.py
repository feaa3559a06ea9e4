"""Window-level behaviour: dropping a file imports it, language choice, the guided start, About."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from smsdesk import i18n, paths, settings
from smsdesk.gui.main_window import bundled_libraries


def test_dropping_a_spreadsheet_on_the_window_imports_it(window, qtbot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from smsdesk.gui.import_dialog import ImportDialog

    def accept(cls, parent, preview, suggested):  # type: ignore[no-untyped-def]
        dialog = cls(parent, preview, suggested)
        dialog.name.setText("Dropped")
        return dialog.choice()

    monkeypatch.setattr(ImportDialog, "ask", classmethod(accept))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(paths.sample_list_path()))])
    event = QDropEvent(QPointF(QPoint(20, 20)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.stack.currentWidget() is window.recipients
    qtbot.waitUntil(lambda: any(x.name == "Dropped" for x in window.store.lists.all()), timeout=15000)
    assert window.store.lists.get("Dropped").size == 12


def test_a_dropped_file_that_is_not_a_spreadsheet_is_ignored(window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    event = QDropEvent(QPointF(QPoint(20, 20)), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert window.stack.currentWidget() is window.templates


def test_the_language_choice_is_remembered_and_wins_over_the_system(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMSDESK_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.detect_language() == "en"
    settings.save(language="zh_CN")
    assert i18n.detect_language() == "zh_CN"
    settings.save(language="auto")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.detect_language() == "zh_CN"


def test_the_guided_start_leads_to_the_sample_message(window, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from smsdesk.gui.welcome import WelcomeDialog

    window.show_pane(window.accounts)
    monkeypatch.setattr(WelcomeDialog, "ask", classmethod(lambda cls, parent: True))
    window.welcome()
    assert window.stack.currentWidget() is window.templates
    assert window.templates.current_list() is not None


def test_about_names_every_bundled_library_with_its_version() -> None:
    libraries = bundled_libraries()
    assert {name for name, _v, _l in libraries} >= {"PySide6-Essentials", "httpx", "keyring", "openpyxl"}
    assert all(version != "?" for _n, version, _l in libraries)
