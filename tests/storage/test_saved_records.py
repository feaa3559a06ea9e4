"""Accounts and templates are values: the stores hand back what they saved, ids included."""

from __future__ import annotations

import json

import pytest

from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.templates import Template


def test_an_added_account_comes_back_with_its_id_and_secret_reference(store: Store) -> None:
    new = Account(name="门店", provider="sandbox", price_per_segment=0.05)
    with pytest.raises(TypeError):
        new.settings["endpoint"] = "x"  # type: ignore[index]  # the default is shared, so read-only

    saved = store.accounts.add(new)

    assert new.id is None and dict(new.settings) == {}  # what was handed in is unchanged
    assert saved.id is not None and len(saved.secret_ref) == 32
    assert store.accounts.get("门店") == saved


def test_a_changed_account_is_a_copy_handed_to_update(store: Store) -> None:
    saved = store.accounts.add(Account(name="A", provider="sandbox"))

    changed = saved._replace(name="B", settings={**saved.settings, "delay_seconds": "0"}, price_per_segment=0.1)
    store.accounts.update(changed)

    again = store.accounts.get("B")
    assert again == changed and again.id == saved.id
    assert json.loads(json.dumps(dict(again.settings)))["delay_seconds"] == "0"


def test_a_saved_template_comes_back_with_its_id_and_keeps_it_when_changed(store: Store) -> None:
    first = store.templates.save(
        Template(name="取货", body="{name} 您好", provider_template_id="SMS_1", param_names=("name=name",))
    )
    assert first.id is not None
    assert store.templates.get("取货") == first
    assert store.templates.get("取货").param_names == ("name=name",)

    renamed = store.templates.save(first._replace(name="取件", body="{name}，请取件"))

    assert renamed.id == first.id
    assert [t.name for t in store.templates.all()] == ["取件"]
