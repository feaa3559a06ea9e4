"""The inbox in the real window, offscreen: replies threaded by customer, unread state, search,
answering, the opt-out list with the keyword behind each entry, and the Sandbox phone."""

from __future__ import annotations

from typing import Any

import pytest

from PySide6.QtCore import Qt

from smsdesk.engine.campaign_control import send_campaign
from smsdesk.engine.replies import fetch_now
from smsdesk.gui.inbox_models import PHONE_ROLE, UNREAD_ROLE, ConversationModel, OptOutModel
from smsdesk.gui.inbox_pane import InboxPane
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import SANDBOX_PROVIDER, Account
from smsdesk.storage.journal import NewMessage

WANG, LI, ZHANG = "+8613800138000", "+8613800138001", "+8613800138002"
TEXT = "本周六会员日全场八折，回T退订"


def _sandbox(store: Store) -> Account:
    account = next(a for a in store.accounts.all() if a.provider == SANDBOX_PROVIDER)
    account = account._replace(settings={**account.settings, "delay_seconds": "0"})
    store.accounts.update(account)
    return account


def _campaign_with_replies(store: Store, replies: list[tuple[str, str]]) -> int:
    account = _sandbox(store)
    assert account.id is not None
    cid = store.journal.create_campaign(
        name="会员日", account_id=account.id, body=TEXT,
        messages=[NewMessage(p, n, f"{n}您好，{TEXT}", {}, 1) for p, n in ((WANG, "王芳"), (LI, "李雷"), (ZHANG, "张伟"))],
    )
    box = SandboxProvider(account.settings)
    send_campaign(store, box, account, cid)
    for phone, text in replies:
        box.add_reply(phone, text)
    box.close()
    fetch_now(store)
    return cid


@pytest.fixture
def shown(window: Any, qtbot: Any) -> Any:
    """The window once painted: the work it leaves until then (the reply poller, the offer of
    unfinished campaigns) has happened, so a campaign written by a test is never offered."""
    qtbot.waitUntil(lambda: window._inbox_watch is not None and window._inbox_watch.worker is not None)
    return window


@pytest.fixture
def filled(shown: Any) -> Any:
    _campaign_with_replies(shown.store, [(WANG, " 退订。"), (LI, "周六几点开门？"), (ZHANG, "好的")])
    return shown


def test_replies_are_threaded_by_customer_with_what_we_sent(filled: Any, qtbot: Any) -> None:
    filled.show_pane(filled.inbox)
    pane: InboxPane = filled.inbox
    model = pane.model
    assert model.rowCount() == 3 and pane.count.text() == "Customers: 3"
    phones = [model.index(r, 0).data(PHONE_ROLE) for r in range(3)]
    assert set(phones) == {WANG, LI, ZHANG}
    assert pane.select_phone(LI)
    html = pane.thread_view.toPlainText()
    assert html.index("李雷您好，本周六会员日") < html.index("周六几点开门？")  # what we sent, then the reply
    assert pane.header.text() == f"李雷 · {LI}"
    assert not pane.opted_note.isVisible()
    # Opening the thread read it: no longer bold, and the window's badge counts one fewer.
    row = model.row_of(LI)
    assert model.index(row, 0).data(UNREAD_ROLE) == 0 and model.index(row, 0).data(Qt.ItemDataRole.FontRole) is None
    unread = filled.store.replies.unread_count()
    filled.inbox_watch.recount()
    assert filled.nav.item(4).text() == f"Inbox ({unread})" and filled.nav.item(4).font().bold()
    # The newest reply (张伟's) was opened first; 王芳's has not been opened: bold, with its count.
    assert model.index(0, 0).data(PHONE_ROLE) == ZHANG and model.index(0, 0).data(UNREAD_ROLE) == 0
    wang = model.index(model.row_of(WANG), 0)
    assert wang.data(UNREAD_ROLE) == 1 and wang.data(Qt.ItemDataRole.FontRole).bold()
    assert wang.data().startswith(f"王芳 · {WANG}  (1)\n")
    assert unread == 1


def test_an_opt_out_reply_shows_its_keyword_in_the_thread_and_the_opt_out_list(filled: Any) -> None:
    pane: InboxPane = filled.inbox
    assert pane.select_phone(WANG)
    assert pane.opted_note.isVisibleTo(pane)
    assert "the customer replied “退订。”" in pane.opted_note.text()
    assert "Keyword 退订 · Added to the opt-out list" in pane.thread_view.toPlainText()
    table = pane.optouts.model
    assert table.rowCount() == 1
    assert [table.index(0, c).data() for c in range(4)] == [WANG, "退订", "退订。", "Replied"]
    assert table.headers()[:3] == ("Phone", "Keyword", "Reason")


def test_search_and_unread_only_filter_the_customers(filled: Any, qtbot: Any) -> None:
    pane: InboxPane = filled.inbox
    pane.search.setText("几点")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1)
    assert pane.model.index(0, 0).data(PHONE_ROLE) == LI
    pane.search.setText("王芳")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and pane.model.index(0, 0).data(PHONE_ROLE) == WANG)
    pane.search.setText("nobody here")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0)
    assert pane.empty.isVisibleTo(pane) and pane.empty.text() == "No reply matches."
    pane.search.clear()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 3)
    filled.store.replies.mark_all_read()
    pane.unread_only.setChecked(True)
    assert pane.model.rowCount() == 0


def test_answering_a_reply_is_one_send_through_the_engine(filled: Any, qtbot: Any) -> None:
    pane: InboxPane = filled.inbox
    assert pane.select_phone(LI)
    pane.answer.setPlainText("上午九点开门，欢迎带朋友来")
    qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.answer_task is None, timeout=20_000)
    assert pane.answer_status.text() == f"Answer sent to {LI}."
    assert pane.answer.toPlainText() == ""
    [campaign] = [c for c in filled.store.journal.recent_campaigns() if c.name == f"Answer to {LI}"]
    assert campaign.counts == {"sent": 1}
    assert "上午九点开门" in pane.thread_view.toPlainText()
    # To a number that opted out, nothing goes; the owner is told why, in one line.
    assert pane.select_phone(WANG)
    pane.answer.setPlainText("再见")
    pane.send_answer()
    qtbot.waitUntil(lambda: pane.answer_task is None, timeout=20_000)
    assert pane.answer_status.text() == f"The answer to {WANG} was not sent: On the opt-out list"


def test_an_opt_in_request_waits_for_the_owner(shown: Any) -> None:
    window = shown
    _campaign_with_replies(window.store, [(WANG, "T"), (WANG, "订阅")])
    pane: InboxPane = window.inbox
    assert pane.select_phone(WANG)
    assert "asking to receive messages again" in pane.opted_note.text()
    assert window.store.optouts.contains(WANG)
    pane.resubscribe_button.click()
    assert not window.store.optouts.contains(WANG)
    assert not pane.opted_note.isVisibleTo(pane) and pane.optouts.model.rowCount() == 0


def test_the_opt_out_list_adds_removes_and_edits_keywords(shown: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    window = shown
    import smsdesk.gui.optout_list as optout_list

    pane: InboxPane = window.inbox
    lst = pane.optouts
    lst.new_number.setText("138 0013 8009")
    lst.add_number()
    assert window.store.optouts.contains("+8613800138009")
    assert [lst.model.index(0, c).data() for c in (0, 3)] == ["+8613800138009", "Added by you"]
    lst.new_number.setText("12")
    lst.add_number()
    assert lst.message.text().startswith("“12” is not a valid phone number")
    asked: list[int] = []
    monkeypatch.setattr(optout_list, "confirm_remove", lambda _parent, n: asked.append(n) or True)
    lst.table.selectRow(0)
    lst.remove_selected()
    assert asked == [1] and not window.store.optouts.contains("+8613800138009")

    keywords = lst.keywords
    keywords.opt_out.setText("")
    assert not keywords.save() and "at least one opt-out keyword" in keywords.status.text()
    keywords.opt_out.setText("T，退订、取消")
    keywords.allow_opt_in.setChecked(True)
    assert keywords.save() and keywords.opt_out.text() == "T, 退订, 取消"
    saved = window.store.replies.keywords()
    assert saved.opt_out == ("T", "退订", "取消") and saved.opt_in_allowed


def test_a_reply_typed_on_the_sandbox_phone_reaches_the_inbox(shown: Any, qtbot: Any) -> None:
    window = shown
    from smsdesk.gui.sandbox_phone import SandboxPhoneDialog

    account = _sandbox(window.store)
    assert account.id is not None
    cid = window.store.journal.create_campaign(
        name="c", account_id=account.id, body=TEXT, messages=[NewMessage(ZHANG, "张伟", TEXT, {}, 1)],
    )
    box = SandboxProvider(account.settings)
    send_campaign(window.store, box, account, cid)
    qtbot.waitUntil(lambda: bool(box.inbox(ZHANG)))
    phone = SandboxPhoneDialog(window, box.inbox(), ZHANG, box)
    qtbot.addWidget(phone)
    phone.reply.setText("Ｓｔｏｐ！")
    phone.send_reply()
    assert [r.text for r in box.sent_replies(ZHANG)] == ["Ｓｔｏｐ！"]
    qtbot.waitUntil(lambda: window.nav.item(4).text() == "Inbox (1)", timeout=20_000)
    assert window.store.optouts.contains(ZHANG)
    assert window.statusBar().currentMessage().startswith("New replies: 1.")
    window.show_pane(window.inbox)
    assert window.inbox.model.rowCount() == 1
    box.close()


def test_the_inbox_models_pass_qt_model_tests(filled: Any, qtmodeltester: Any) -> None:
    store = filled.store
    conversations = ConversationModel(store)
    conversations.reload()
    qtmodeltester.check(conversations)
    optouts = OptOutModel(store)
    optouts.reload()
    qtmodeltester.check(optouts)
