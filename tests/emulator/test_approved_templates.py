"""Fetching approved templates and signatures over loopback: the adapters against the emulator,
and the engine keeping what it fetched."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smsdesk.core.approved import ApprovalState
from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, ProviderError, SendSpec
from smsdesk.core.template import TemplateKind
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.engine.approved import fetch_approved
from smsdesk.errors import UserFacingError
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.secrets import SecretStore


@pytest.mark.parametrize("signing", ["v3", "v1"])
def test_aliyun_lists_every_template_with_its_review_state(
    make_aliyun: Callable[..., AliyunProvider], demo: DemoAccounts, signing: str
) -> None:
    templates = {t.template_id: t for t in make_aliyun(signing).list_templates()}
    assert set(templates) == {
        demo.aliyun_template,
        demo.aliyun_pickup_template,
        demo.aliyun_pending_template,
    }
    pickup = templates[demo.aliyun_pickup_template]
    assert pickup.text == "${name}，您的订单已到店，请凭取货码${code}领取。"
    assert (pickup.name, pickup.state, pickup.kind) == (
        "取货通知",
        ApprovalState.APPROVED,
        TemplateKind.NOTIFICATION,
    )
    pending = templates[demo.aliyun_pending_template]
    assert (pending.state, pending.kind) == (ApprovalState.PENDING, TemplateKind.MARKETING)


def test_aliyun_lists_signatures_and_says_why_one_was_rejected(
    emu: Emulator, make_aliyun: Callable[..., AliyunProvider], demo: DemoAccounts
) -> None:
    emu.add_aliyun_signature("坏名字", status="rejected", reason="签名与企业名称不符")
    signatures = {s.name: s for s in make_aliyun().list_signatures()}
    assert signatures[demo.aliyun_signature].state is ApprovalState.APPROVED
    assert signatures["smsdesk店铺"].state is ApprovalState.PENDING
    assert signatures["smsdesk店铺"].reason == ""
    assert (signatures["坏名字"].state, signatures["坏名字"].reason) == (
        ApprovalState.REJECTED,
        "签名与企业名称不符",
    )


def test_aliyun_pages_through_a_long_list(
    emu: Emulator, make_aliyun: Callable[..., AliyunProvider]
) -> None:
    for n in range(120):
        emu.add_aliyun_template(f"SMS_{100000 + n}", f"模板{n} ${{code}}")
    found = make_aliyun().list_templates()
    assert len(found) == 123 and len({t.template_id for t in found}) == 123
    pages = [r for r in emu.requests if r.action == "QuerySmsTemplateList"]
    assert len(pages) == 3 and all(r.code == "OK" for r in pages)


def test_a_template_under_review_cannot_be_sent_until_approved(
    emu: Emulator, make_aliyun: Callable[..., AliyunProvider], demo: DemoAccounts
) -> None:
    provider = make_aliyun()
    message = OutgoingMessage(
        1, "+8613800138000", "张伟，会员日全场八折！回T退订", {"name": "张伟"}
    )
    spec = SendSpec(demo.aliyun_signature, demo.aliyun_pending_template, ("name",))
    with pytest.raises(ProviderError) as refused:
        provider.send([message], spec)
    assert refused.value.fault.kind is ErrorKind.NOT_APPROVED
    emu.add_aliyun_template(
        demo.aliyun_pending_template, "${name}，会员日全场八折！回T退订", kind="marketing"
    )
    assert provider.send([message], spec)[0].accepted
    assert emu.accepted[-1].text == "【smsdesk】张伟，会员日全场八折！回T退订"


def test_tencent_lists_mainland_and_international_templates(
    make_tencent: Callable[..., TencentProvider], demo: DemoAccounts
) -> None:
    templates = {t.template_id: t for t in make_tencent().list_templates()}
    assert set(templates) == {
        demo.tencent_template,
        demo.tencent_international_template,
        demo.tencent_pickup_template,
        demo.tencent_rejected_template,
    }
    assert templates[demo.tencent_international_template].international
    assert (
        templates[demo.tencent_pickup_template].text == "{1}，您的订单已到店，请凭取货码{2}领取。"
    )
    rejected = templates[demo.tencent_rejected_template]
    assert (rejected.state, rejected.reason) == (ApprovalState.REJECTED, "营销短信须带退订方式")


def test_tencent_lists_signatures_by_id_only(
    emu: Emulator, make_tencent: Callable[..., TencentProvider], demo: DemoAccounts
) -> None:
    pending_id = emu.add_tencent_signature("新店", status="pending")
    signatures = make_tencent().list_signatures([demo.tencent_signature_id, pending_id, 999999])
    assert [(s.name, s.state, s.sign_id) for s in signatures] == [
        (demo.tencent_signature, ApprovalState.APPROVED, str(demo.tencent_signature_id)),
        ("新店", ApprovalState.PENDING, str(pending_id)),
    ]
    asked = len(emu.requests)
    assert make_tencent().list_signatures([]) == []  # no id, nothing to ask Tencent
    assert len(emu.requests) == asked
    # A signature still under review is not usable for sending.
    spec = SendSpec("新店", demo.tencent_template, ("1",))
    with pytest.raises(ProviderError) as refused:
        make_tencent().send([OutgoingMessage(1, "+8613800138000", "hi", {"1": "hi"})], spec)
    assert refused.value.fault.kind is ErrorKind.NOT_APPROVED


def _account(store: Store, emu: Emulator, demo: DemoAccounts, provider: str) -> Account:
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
    account = store.accounts.add(Account(name=provider, provider=provider, settings=settings))
    SecretStore().save(account.secret_ref, secrets)
    return account


def test_the_engine_keeps_what_it_fetched_per_account(
    store: Store, emu: Emulator, demo: DemoAccounts
) -> None:
    aliyun = _account(store, emu, demo, "aliyun")
    tencent = _account(store, emu, demo, "tencent")
    fetched = fetch_approved(store, aliyun)
    assert fetched.signatures is not None and len(fetched.templates) == 3
    assert aliyun.id is not None and tencent.id is not None
    kept = {t.template_id: t for t in store.templates.approved_templates(aliyun.id)}
    assert kept[demo.aliyun_pending_template].state is ApprovalState.PENDING
    assert {s.name for s in store.templates.approved_signatures(aliyun.id)} == {
        "smsdesk",
        "smsdesk店铺",
    }

    fetch_approved(store, tencent, sign_ids=[demo.tencent_signature_id])
    assert len(store.templates.approved_templates(tencent.id)) == 4
    assert [s.name for s in store.templates.approved_signatures(tencent.id)] == ["smsdesk"]
    # Fetching again without ids keeps the signatures known; an unknown id is reported.
    again = fetch_approved(store, tencent, sign_ids=[424242])
    assert again.unknown_sign_ids == [424242]
    fetch_approved(store, tencent)
    assert [s.name for s in store.templates.approved_signatures(tencent.id)] == []
    assert len(store.templates.approved_templates(aliyun.id)) == 3  # other accounts untouched


def test_a_wrong_secret_is_one_sentence(store: Store, emu: Emulator, demo: DemoAccounts) -> None:
    account = _account(store, emu, demo, "aliyun")
    SecretStore().save(account.secret_ref, {"access_key_secret": "wrong"})
    with pytest.raises(UserFacingError) as info:
        fetch_approved(store, account)
    assert "SignatureDoesNotMatch" in str(info.value) and "\n" not in str(info.value)
    sandbox = store.accounts.ensure_sandbox()
    with pytest.raises(UserFacingError):
        fetch_approved(store, sandbox)
