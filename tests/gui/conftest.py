"""GUI fixtures: modal dialogs answered without blocking, a main window on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from smsdesk.engine.first_run import ensure_first_run
from smsdesk.storage import Store


@pytest.fixture
def no_dialogs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every message box is recorded instead of shown; a test asserts on what was said."""
    said: list[str] = []
    import smsdesk.gui.accounts_pane as accounts_pane
    import smsdesk.gui.recipients_pane as recipients_pane
    import smsdesk.gui.sendlog_pane as sendlog_pane
    import smsdesk.gui.templates_pane as templates_pane

    for module in (accounts_pane, recipients_pane, sendlog_pane, templates_pane):
        monkeypatch.setattr(module, "show_error", lambda _parent, message: said.append(message), raising=False)
        monkeypatch.setattr(module, "show_crash", lambda _parent, details: said.append("CRASH " + details), raising=False)
    return said


@pytest.fixture
def window(qtbot, smsdesk_home: Path, no_dialogs: list[str]) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from smsdesk.gui.app import create_application
    from smsdesk.gui.main_window import MainWindow

    create_application()
    store = Store.open()
    ensure_first_run(store)
    w = MainWindow(store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.started_up, timeout=10_000)  # what follows the first paint is done
    yield w
    if w._send_log is not None:
        w._send_log.stop()
    w.close()  # stops the reply poller; a last paint must not find the database closed
    store.close()
