"""In Chinese, nothing the window shows is left in English."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QWidget,
)

from smsdesk import i18n
from smsdesk.engine.first_run import ensure_first_run
from smsdesk.storage import Store

ROOT = Path(__file__).resolve().parents[2]


def _english_sources() -> set[str]:
    spec = importlib.util.spec_from_file_location("translations", ROOT / "packaging" / "translations.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    messages = module.messages(module.ts_path("zh_CN"))
    return {source for (_ctx, source), text in messages.items() if text and text != source}


def _visible_texts(root: QWidget) -> list[str]:
    texts: list[str] = [root.windowTitle()]
    for w in root.findChildren(QWidget):
        if isinstance(w, QLabel | QAbstractButton):
            texts.append(w.text())
        if isinstance(w, QLineEdit):
            texts.append(w.placeholderText())
        if isinstance(w, QComboBox):
            texts.extend(w.itemText(i) for i in range(w.count()))
        if isinstance(w, QMenu):
            texts.extend(a.text() for a in w.actions())
        if isinstance(w, QTableView) and w.model() is not None:
            model = w.model()
            texts.extend(str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(model.columnCount()))
        texts.append(w.toolTip())
    return [t for t in texts if t]


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMSDESK_LANG", "zh_CN")
    i18n.set_language("zh_CN")


def test_every_visible_string_is_translated(qtbot, chinese: None, smsdesk_home: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from smsdesk.gui.app import install_translators
    from smsdesk.gui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translators = install_translators(app, "zh_CN")
    assert translators, "the Chinese .qm must load"
    try:
        store = Store.open()
        ensure_first_run(store)
        window = MainWindow(store)
        qtbot.addWidget(window)
        window.show()  # the menus are filled just after the first paint
        qtbot.waitUntil(lambda: window.started_up, timeout=10_000)
        for pane in (window.templates, window.recipients, window.send_log, window.accounts):
            window.show_pane(pane)
        window.menuBar()
        texts = _visible_texts(window) + [a.text() for a in window.menuBar().actions()]
        english = _english_sources()
        left_in_english = sorted({t for t in texts if t in english})
        assert left_in_english == []
        assert "短信模板" in texts and "发送记录" in texts
        # The sample data a Chinese user starts with is Chinese too.
        assert window.templates.current_list().name == "示例客户"
        store.close()
    finally:
        for t in translators:
            app.removeTranslator(t)
