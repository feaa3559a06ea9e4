"""Approved templates in the Templates pane: fetched from the emulated Aliyun and Tencent Cloud,
linked with a variable mapping, and checked against the text being written."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from PySide6.QtCore import Qt

from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.gui.confirm_send import ConfirmSendDialog
from smsdesk.storage.accounts import Account
from smsdesk.storage.secrets import SecretStore

PICKUP = "{name}，您的订单已到店，请凭取货码{取货码}领取。"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0) as server:
        yield server


def _prepare(window: Any, emu: Emulator, provider: str) -> tuple[Any, DemoAccounts]:
    demo = emu.load_demo()
    store = window.store
    if provider == "aliyun":
        settings = {
            "access_key_id": demo.aliyun_key_id,
            "endpoint": emu.url + "/",
            "signature": "smsdesk",
        }
        secrets = {"access_key_secret": demo.aliyun_secret}
    else:
        settings = {
            "secret_id": demo.tencent_secret_id,
            "sdk_app_id": demo.tencent_app_id,
            "endpoint": emu.url + "/",
            "signature": "smsdesk",
        }
        secrets = {"secret_key": demo.tencent_secret_key}
    account = store.accounts.add(
        Account(name=f"My {provider}", provider=provider, settings=settings)
    )
    SecretStore().save(account.secret_ref, secrets)
    saved = store.lists.save(
        "Pickups",
        region="CN",
        columns=["取货码"],
        source_file="t",
        recipients=[
            (2, "+8613900000001", "张伟", {"取货码": "8831"}),
            (3, "+8613900000002", "李娜", {"取货码": "2046"}),
        ],
    )
    pane = window.templates
    pane.reload_accounts()
    pane.reload_lists()
    pane.account_combo.setCurrentIndex(pane.account_combo.findData(account.name))
    pane.list_combo.setCurrentIndex(pane.list_combo.findData(saved.id))
    pane.new_template()
    pane.editor.setPlainText(PICKUP)
    return pane, demo


def _fetch(pane: Any, qtbot: Any) -> None:
    box = pane.provider_box
    qtbot.mouseClick(box.fetch_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: box.fetch_button.isEnabled() and box.template_combo.count() > 1, timeout=15000
    )


def _choose(pane: Any, template_id: str) -> None:
    combo = pane.provider_box.template_combo
    combo.setCurrentIndex(combo.findData(template_id))


def test_aliyun_templates_are_fetched_linked_and_checked(
    window: Any, qtbot: Any, emu: Emulator, monkeypatch: pytest.MonkeyPatch, no_dialogs: list[str]
) -> None:
    pane, demo = _prepare(window, emu, "aliyun")
    box = pane.provider_box
    assert box.isVisible() and not box.sign_ids.isVisible()
    assert not pane.send_button.isEnabled()  # no approved template chosen yet
    assert "Choose the approved template" in box.problems.text()
    _fetch(pane, qtbot)
    assert no_dialogs == []
    labels = [box.template_combo.itemText(i) for i in range(box.template_combo.count())]
    assert "SMS_900002 · 取货通知 (approved)" in labels
    assert "SMS_900003 · 会员日 (under review)" in labels

    _choose(pane, demo.aliyun_pickup_template)
    assert "approved" in box.approved_text.text() and "${code}" in box.approved_text.text()
    # ${name} is filled by the column of that name, ${code} by the text's variable in its place.
    assert {p: c.currentData() for p, c in box._param_combos.items()} == {
        "name": "name",
        "code": "取货码",
    }
    assert box.problems.text() == "" and not box.problems.isVisible()
    assert pane.send_button.isEnabled()
    # Filled with the whole message instead, the template cannot give the text on screen.
    code = box._param_combos["code"]
    code.setCurrentIndex(code.findData("_text"))
    assert "The approved text reads" in box.problems.text()
    code.setCurrentIndex(code.findData("取货码"))
    assert box.problems.text() == ""

    # Changing the wording breaks the match; the box says what the customer would really get.
    pane.editor.setPlainText(PICKUP.replace("已到店", "到了"))
    assert "已到店" in box.problems.text()
    assert (
        box.sent_as.text() == "The customer would get: 张伟，您的订单已到店，请凭取货码8831领取。"
    )
    pane.editor.setPlainText(PICKUP)

    # A template still under review is reported as such.
    _choose(pane, demo.aliyun_pending_template)
    assert "under review" in box.problems.text()
    _choose(pane, demo.aliyun_pickup_template)
    assert box.problems.text() == ""

    pane.name.setText("取货")
    pane.save()
    saved = pane.store.templates.get("取货")
    assert (saved.provider_template_id, saved.param_names) == (
        "SMS_900002",
        ("name=name", "code=取货码"),
    )

    asked: list[Any] = []
    monkeypatch.setattr(
        ConfirmSendDialog, "ask", classmethod(lambda cls, parent, plan: asked.append(plan) or False)
    )
    qtbot.mouseClick(pane.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: asked != [], timeout=15000)
    plan = asked[0]
    assert (plan.provider_template_id, plan.param_names) == ("SMS_900002", ("name", "code"))
    assert plan.messages[0].params == {"name": "张伟", "code": "8831"}


def test_tencent_signatures_are_asked_by_id_and_parameters_fill_by_position(
    window: Any, qtbot: Any, emu: Emulator, no_dialogs: list[str]
) -> None:
    pane, demo = _prepare(window, emu, "tencent")
    box = pane.provider_box
    assert box.sign_ids.isVisible()
    box.sign_ids.setText(str(demo.tencent_signature_id))
    _fetch(pane, qtbot)
    assert no_dialogs == []
    account = pane.current_account()
    assert [s.name for s in pane.store.templates.approved_signatures(account.id)] == ["smsdesk"]
    _choose(pane, demo.tencent_pickup_template)
    assert list(box._param_combos) == ["1", "2"]
    assert box.problems.text() == ""
    assert box.param_map() == "1=name, 2=取货码"
    # The whole-message template takes the personalised text as its one value.
    _choose(pane, demo.tencent_template)
    assert box.param_map() == "1=_text" and box.problems.text() == ""
    _choose(pane, demo.tencent_pickup_template)

    # A signature Tencent does not know is named, in words.
    pane.editor.setPlainText(PICKUP)
    account = account._replace(settings={**account.settings, "signature": "别的店"})
    pane.store.accounts.update(account)
    pane.reload_accounts()
    assert "别的店" in box.problems.text()


def test_a_bad_signature_id_is_refused_before_asking(
    window: Any, qtbot: Any, emu: Emulator, no_dialogs: list[str]
) -> None:
    pane, _demo = _prepare(window, emu, "tencent")
    pane.provider_box.sign_ids.setText("5001, abc")
    qtbot.mouseClick(pane.provider_box.fetch_button, Qt.MouseButton.LeftButton)
    assert len(no_dialogs) == 1 and "abc" in no_dialogs[0]
    assert [r for r in emu.requests if r.action.startswith("Describe")] == []
