"""The first-use path through the real window: import the sample list, write {name}, send, see the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtCore import Qt

from smsdesk import paths
from smsdesk.gui.confirm_send import ConfirmSendDialog
from smsdesk.providers.sandbox import will_fail
from smsdesk.storage.log import LogFilter


def test_window_has_the_five_panes_and_the_sandbox_ready(window) -> None:  # type: ignore[no-untyped-def]
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Templates", "Recipients", "Send log", "Accounts", "Inbox"]
    assert [a.name for a in window.accounts.accounts] == ["Sandbox"]
    assert window.templates.current_account().name == "Sandbox"
    assert window.templates.current_list() is not None  # the sample list is one click away


def test_import_sample_list_write_name_template_send_and_see_personalised_log(
    window, qtbot, monkeypatch: pytest.MonkeyPatch, no_dialogs: list[str]  # type: ignore[no-untyped-def]
) -> None:
    # Import the sample list again through the Recipients pane, as the owner would.
    from smsdesk.gui.import_dialog import ImportDialog

    shown: list[object] = []

    def accept_detected(cls, parent, preview, suggested):  # type: ignore[no-untyped-def]
        shown.append(preview)
        dialog = cls(parent, preview, suggested)
        dialog.name.setText("My customers")
        return dialog.choice()

    monkeypatch.setattr(ImportDialog, "ask", classmethod(accept_detected))
    window.show_pane(window.recipients)
    window.recipients.import_path(paths.sample_list_path())
    qtbot.waitUntil(lambda: window.recipients._task is None and shown != [], timeout=15000)
    qtbot.waitUntil(lambda: window.recipients._task is None, timeout=15000)
    assert shown[0].phone_column == "手机号" and shown[0].confident  # type: ignore[attr-defined]
    assert no_dialogs == []
    saved = window.store.lists.get("My customers")
    assert saved.size == 12

    # Compose a {name} message to that list in the Templates pane.
    window.show_pane(window.templates)
    pane = window.templates
    pane.list_combo.setCurrentIndex(pane.list_combo.findData(saved.id))
    pane.new_template()
    qtbot.keyClicks(pane.editor, "{name}, your order is ready")
    assert pane.preview.text() == "【smsdesk】张伟, your order is ready"
    assert pane.issues.text() == ""
    assert "1 SMS" in pane.counts.text()

    monkeypatch.setattr(ConfirmSendDialog, "ask", classmethod(lambda cls, parent, plan: True))
    qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.send_log.sending.worker is not None, timeout=10000)
    assert window.stack.currentWidget() is window.send_log
    qtbot.waitUntil(lambda: window.send_log.sending.worker is None, timeout=60000)
    assert no_dialogs == []

    campaign_rows = window.store.log.rows(LogFilter(search="your order is ready"), limit=100)
    people = {r.phone: r for r in campaign_rows}
    assert len(campaign_rows) == 12 == len(people)
    recipients = list(window.store.lists.iter_recipients(saved.id))
    for person in recipients:
        row = people[person.phone]
        assert row.text == f"{person.name}, your order is ready"
        assert row.state == ("failed" if will_fail(person.phone) else "delivered")
    # The log pane shows the campaign's rows.
    assert window.send_log.model.total >= 12
    assert "delivered" in window.send_log.sending.status.text()


def test_unknown_variable_is_flagged_and_send_disabled(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = window.templates
    pane.new_template()
    qtbot.keyClicks(pane.editor, "Hi {nmae}")
    assert "nmae" in pane.issues.text()
    assert not pane.send_button.isEnabled()


def test_a_broken_file_gets_one_sentence_and_saved_lists_stay(window, qtbot, tmp_path: Path, no_dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    before = [x.name for x in window.store.lists.all()]
    broken = tmp_path / "customers.xlsx"
    broken.write_bytes(b"\x00\x01 not a spreadsheet at all" * 50)
    window.recipients.import_path(broken)
    qtbot.waitUntil(lambda: window.recipients._task is None, timeout=15000)
    assert len(no_dialogs) == 1 and "\n" not in no_dialogs[0] and not no_dialogs[0].startswith("CRASH")
    assert [x.name for x in window.store.lists.all()] == before
