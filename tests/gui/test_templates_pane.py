"""The Templates pane through the real window: typing, the preview, jumps, kinds and sending."""

from __future__ import annotations

from typing import Any

import pytest

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from smsdesk.gui.confirm_send import ConfirmSendDialog
from smsdesk.storage import Store

LONG_ROW = 17
EMPTY_ROWS = (4, 9)
MORE_ROWS = (6, LONG_ROW, 22)


def _customers() -> list[tuple[int, str, str, dict[str, str]]]:
    rows = []
    for i in range(30):
        name = f"客户{i:02d}"
        if i in MORE_ROWS:
            name = "长" * (60 if i == LONG_ROW else 55)
        points = "" if i in EMPTY_ROWS else str(100 + i)
        rows.append((i + 2, f"+86139{i:08d}", name, {"积分": points}))
    return rows


@pytest.fixture
def pane(window: Any, qtbot: Any) -> Any:
    """The Templates pane with a 30-customer list chosen and a new, empty template."""
    saved = window.store.lists.save(
        "Thirty", region="CN", columns=["积分"], source_file="t", recipients=_customers()
    )
    pane = window.templates
    pane.reload_lists()
    pane.list_combo.setCurrentIndex(pane.list_combo.findData(saved.id))
    pane.new_template()
    return pane


def _settled(pane: Any, qtbot: Any) -> None:
    qtbot.waitUntil(lambda: pane.survey_is_current() and not pane.surveyor.busy, timeout=15000)


def test_typing_updates_the_preview_and_the_counts(pane: Any, qtbot: Any) -> None:
    qtbot.keyClicks(pane.editor, "{name}, hello")
    assert pane.preview.text() == "【smsdesk】客户00, hello"
    assert pane.counts.text() == "20 of 70 characters · 1 SMS · Unicode"  # 【smsdesk】 counts too
    qtbot.keyClicks(pane.editor, " and welcome" * 6)
    assert pane.preview.text().endswith("welcome")
    assert "2 SMS" in pane.counts.text()
    _settled(pane, qtbot)
    # 27 customers need 2 SMS, the three with long names 3 each.
    assert pane.totals.text() == "30 messages · 63 SMS · about ¥0.00"
    for _ in range(len(" and welcome" * 6)):
        qtbot.keyClick(pane.editor, Qt.Key.Key_Backspace)
    assert pane.preview.text() == "【smsdesk】客户00, hello"
    assert "1 SMS" in pane.counts.text()


def test_insert_variable_offers_the_chosen_lists_columns(pane: Any, qtbot: Any) -> None:
    pane.insert_menu.aboutToShow.emit()  # what opening the menu does
    offered = [action.text() for action in pane.insert_menu.actions()]
    assert offered == ["name", "phone", "积分"]
    qtbot.keyClicks(pane.editor, "Hi ")
    pane.insert_menu.actions()[2].trigger()
    assert pane.editor.toPlainText() == "Hi {积分}"
    assert pane.preview.text() == "【smsdesk】Hi 100"
    # Another list, other columns; opening the menu again does not repeat them.
    other = pane.store.lists.save(
        "Other", region="CN", columns=["店铺"], source_file="t", recipients=[(2, "+8613900000001", "王", {"店铺": "东门"})]
    )
    pane.reload_lists()
    pane.list_combo.setCurrentIndex(pane.list_combo.findData(other.id))
    pane.insert_menu.aboutToShow.emit()
    pane.insert_menu.aboutToShow.emit()
    assert [action.text() for action in pane.insert_menu.actions()] == ["name", "phone", "店铺"]


def test_an_unknown_variable_is_underlined_and_named(pane: Any, qtbot: Any) -> None:
    qtbot.keyClicks(pane.editor, "Hi {nmae}, you have ")
    pane.editor.insertPlainText("{积分}")  # QTest types ASCII only
    qtbot.keyClicks(pane.editor, " points")
    assert "nmae" in pane.issues.text() and pane.issues.isVisible()
    assert not pane.send_button.isEnabled()
    ranges = pane.editor.document().firstBlock().layout().formats()
    underlined = [
        (r.start, r.length)
        for r in ranges
        if r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    ]
    assert underlined == [(3, len("{nmae}"))]
    known = [
        (r.start, r.length)
        for r in ranges
        if r.format.fontWeight() == 600 and (r.start, r.length) not in underlined
    ]
    assert (20, len("{积分}")) in known

    # A brace left open is flagged where it is, as the owner types it.
    qtbot.keyClicks(pane.editor, " {see you")
    assert "never closed" in pane.issues.text()
    ranges = pane.editor.document().firstBlock().layout().formats()
    assert any(
        r.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline and r.start == 32
        for r in ranges
    )


def test_longest_message_lands_on_the_right_row(pane: Any, qtbot: Any) -> None:
    pane.editor.insertPlainText("{name}您好，积分{积分}")
    # Asked for before the list was counted: the jump happens once the count is in.
    qtbot.mouseClick(pane.panel.longest_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.current_row() == LONG_ROW, timeout=15000)
    assert pane.preview.text().startswith("【smsdesk】" + "长" * 60)
    assert "Customer 18 of 30" in pane.panel.title.text()
    pane.go_to_row(0)
    qtbot.mouseClick(pane.panel.longest_button, Qt.MouseButton.LeftButton)
    assert pane.current_row() == LONG_ROW  # counted already: at once


def test_jumps_to_empty_values_and_to_more_sms_than_the_first(pane: Any, qtbot: Any) -> None:
    pane.editor.insertPlainText("{name}您好，积分{积分}")
    _settled(pane, qtbot)
    assert pane.panel.empty_button.text() == "Empty values (2)"
    assert pane.panel.more_button.text() == "More SMS than the first (3)"
    visited = []
    for _ in range(3):
        qtbot.mouseClick(pane.panel.empty_button, Qt.MouseButton.LeftButton)
        visited.append(pane.current_row())
    assert visited == [4, 9, 4]
    assert "Empty for this customer: {积分}" in pane.panel.warnings.text()
    visited = []
    for _ in range(4):
        qtbot.mouseClick(pane.panel.more_button, Qt.MouseButton.LeftButton)
        visited.append(pane.current_row())
    assert visited == [6, 17, 22, 6]
    assert "2 SMS" in pane.counts.text()

    # A default fills the empty cells: nobody is left with an empty value.
    pane.editor.setPlainText("{name}您好，积分{积分|0}")
    _settled(pane, qtbot)
    assert pane.panel.empty_button.text() == "Empty values (0)"
    assert not pane.panel.empty_button.isEnabled()


def test_marketing_messages_carry_the_opt_out_line_counted_saved_and_sent(
    pane: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, no_dialogs: list[str]
) -> None:
    text = "{name}您好，本周六会员日全场八折，欢迎光临" + "！" * 36
    pane.editor.insertPlainText(text)
    assert pane.counts.text().startswith("67 of 70 characters · 1 SMS")  # 【smsdesk】客户00您好…！
    assert not pane.opt_out.isVisible()
    pane.kind.setCurrentIndex(pane.kind.findData("marketing"))
    assert pane.opt_out.isVisible() and pane.opt_out.placeholderText() == "回T退订"
    assert pane.preview.text().endswith("！回T退订")
    assert pane.counts.text().startswith("71 characters · 2 SMS")  # the line tips it over 70
    pane.opt_out.setFocus()
    pane.opt_out.insert("拒收请回复")
    qtbot.keyClicks(pane.opt_out, "R")
    assert pane.preview.text().endswith("！拒收请回复R")
    _settled(pane, qtbot)
    assert pane.totals.text().startswith("30 messages · ")

    pane.name.setText("会员日")
    pane.save()
    assert no_dialogs == []
    saved = pane.store.templates.get("会员日")
    assert (saved.kind, saved.opt_out, saved.body) == ("marketing", "拒收请回复R", text)
    pane.new_template()
    assert pane.kind.currentData() == "notification" and pane.opt_out.text() == ""
    pane.reload_templates(select="会员日")
    assert pane.opt_out.text() == "拒收请回复R" and pane.preview.text().endswith("拒收请回复R")

    asked: list[Any] = []

    def look_and_cancel(cls: Any, parent: Any, plan: Any) -> bool:
        asked.append(plan)
        return False

    monkeypatch.setattr(ConfirmSendDialog, "ask", classmethod(look_and_cancel))
    qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: asked != [], timeout=15000)
    plan = asked[0]
    assert len(plan.messages) == 30
    assert all(m.text.endswith("！拒收请回复R") for m in plan.messages)
    assert plan.messages[0].segments == 2
    assert plan.kind == "marketing"  # so the send waits out quiet hours
    assert plan.segments == pane.survey.totals.counts.segments


def test_a_pane_told_to_count_later_counts_the_list_only_once_resumed(
    qtbot: Any, store: Store, no_dialogs: list[str]
) -> None:
    # The window builds its Templates pane this way: the whole-list count, a background thread,
    # must not start before the first paint, however long the start takes.
    from smsdesk.engine.first_run import ensure_first_run
    from smsdesk.gui.template_survey import DEBOUNCE_MS
    from smsdesk.gui.templates_pane import TemplatesPane

    ensure_first_run(store)
    pane = TemplatesPane(store, count_later=True)
    qtbot.addWidget(pane)
    assert pane.current_list() is not None and pane.surveyor.busy  # a count is wanted...
    qtbot.wait(DEBOUNCE_MS * 2)
    assert pane.survey is None  # ...but none ran
    assert "Counting" not in pane.totals.text()

    pane.surveyor.resume()
    qtbot.waitUntil(lambda: pane.survey_is_current() and not pane.surveyor.busy, timeout=15000)
    assert pane.survey is not None and pane.survey.totals.counts.messages == 12
