"""The issue's acceptance, against the emulator over loopback HTTP, for each provider that can
be asked for replies: a "T" mid-campaign stops every later message to that number, with its
reason on the opt-out list; a normal reply is threaded with the message it answers; duplicate
and out-of-order replies are recorded once.

Each provider is asked as often as it allows (``reply_poll_interval``, up to 30 seconds); here
that pace is shortened so the test does not wait for it, everything else is as shipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from replies_support import CustomerAnswers, assert_nothing_claimed_after_the_reply

from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.engine.campaign_control import send_campaign
from smsdesk.engine.providers import open_provider
from smsdesk.engine.replies import fetch_now, supports_replies
from smsdesk.providers import provider_class
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.secrets import SecretStore

GATEWAY = {
    "method": "POST",
    "body_format": "json",
    "field_map": "mobile=phone, content=text, timestamp=timestamp, ref=message_id",
    "static_fields": "account=demo",
    "auth": "signature",
    "signature_recipe": "md5(account+secret+mobile+content+timestamp)",
    "signature_field": "sign",
    "success_path": "code",
    "success_value": "0",
    "id_path": "msgid",
    "error_code_path": "code",
    "error_message_path": "msg",
    "replies_signature_recipe": "md5(account+secret+timestamp)",
}
KINDS = ("tencent", "twilio", "generic_http", "aliyun")
TEXT = "会员日八折，回T退订"


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator
    assert emulator.errors == []


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


def _settings(kind: str, emu: Emulator, demo: DemoAccounts) -> tuple[dict[str, str], dict[str, str]]:
    if kind == "tencent":
        return ({"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id, "endpoint": emu.url + "/",
                 "signature": demo.tencent_signature, "template_id": demo.tencent_template},
                {"secret_key": demo.tencent_secret_key})
    if kind == "twilio":
        return ({"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url},
                {"auth_token": demo.twilio_auth_token})
    if kind == "generic_http":
        return ({**GATEWAY, "endpoint": emu.url + "/gateway/send", "replies_endpoint": emu.url + "/gateway/replies"},
                {"secret": demo.gateway_password})
    return ({"access_key_id": demo.aliyun_key_id, "endpoint": emu.url + "/", "signature": demo.aliyun_signature,
             "template_id": demo.aliyun_template, "account_uid": demo.aliyun_uid,
             "replies_token_endpoint": emu.url + "/", "replies_queue_endpoint": emu.url},
            {"access_key_secret": demo.aliyun_secret})


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    name: str = request.param
    cls = provider_class(name)
    if not callable(getattr(cls, "fetch_replies", None)):
        pytest.skip(f"{name} cannot fetch replies yet")
    monkeypatch.setattr(cls, "reply_poll_interval", 0.3)
    return name


def _account(store: Store, kind: str, emu: Emulator, demo: DemoAccounts) -> Account:
    own, secrets = _settings(kind, emu, demo)
    account = store.accounts.add(
        Account(name=kind, provider=kind, settings={**own, "concurrency": "1"}, rate_per_second=50)
    )
    SecretStore().save(account.secret_ref, secrets)
    assert supports_replies(account)
    return account


def _numbers(kind: str) -> tuple[str, list[str]]:
    if kind == "twilio":
        return "+14155550100", [f"+1415555{n:04d}" for n in range(101, 112)]
    return "+8613800138000", [f"+86139{n:08d}" for n in range(1, 12)]


def _campaign(store: Store, account: Account, phones: list[str]) -> int:
    assert account.id is not None
    template = account.settings.get("template_id", "")
    names = ("1",) if account.provider == "tencent" else ("content",) if account.provider == "aliyun" else ()
    return store.journal.create_campaign(
        name="spring", account_id=account.id, body=TEXT, signature=account.settings.get("signature", ""),
        provider_template_id=template, param_names=names,
        messages=[NewMessage(p, "", TEXT, {n: TEXT for n in names}, 1) for p in phones],
    )


def test_a_t_mid_campaign_stops_later_messages_with_the_reason_recorded(
    store: Store, emu: Emulator, demo: DemoAccounts, kind: str
) -> None:
    account = _account(store, kind, emu, demo)
    x, others = _numbers(kind)
    cid = _campaign(store, account, [x, *others[:5], x, *others[5:], x])
    real = open_provider(account)
    provider = CustomerAnswers(real, x, "T", lambda phone, text: emu.add_reply(phone, text),
                               store.journal.database_path())
    try:
        outcome = send_campaign(store, provider, account, cid)  # type: ignore[arg-type]
    finally:
        real.close()
    assert outcome.state == "sent"
    assert_nothing_claimed_after_the_reply(store, cid, x)
    states = dict(store.conn.execute(
        "SELECT state, COUNT(*) FROM messages WHERE campaign_id = ? AND phone = ? GROUP BY state", (cid, x)
    ).fetchall())
    assert states == {"sent": 1, "skipped": 2}
    assert [m.e164 for m in emu.accepted].count(x) == 1  # the provider saw exactly one
    entry = store.optouts.entry(x)
    assert entry is not None and (entry.keyword, entry.reason, entry.source) == ("T", "T", "reply")


def test_a_normal_reply_is_threaded_and_repeats_are_recorded_once(
    store: Store, emu: Emulator, demo: DemoAccounts, kind: str
) -> None:
    account = _account(store, kind, emu, demo)
    x, others = _numbers(kind)
    cid = _campaign(store, account, [x, others[0]])
    provider = open_provider(account)
    try:
        assert send_campaign(store, provider, account, cid).state == "sent"
    finally:
        provider.close()
    now = datetime.now(UTC).replace(microsecond=0)
    emu.add_reply(x, "What time do you open?", at=now, duplicate=True)
    emu.add_reply(others[0], "好的", at=now - timedelta(seconds=1))  # listed after, received before
    outcomes, problems = fetch_now(store, account)
    assert problems == []
    more, _ = fetch_now(store, account)  # a second poll, as the next round would make
    recorded = [r for o in outcomes + more for r in o.recorded]
    assert sorted(r.text for r in recorded) == ["What time do you open?", "好的"]
    assert store.conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0] == 2
    sent_id = store.conn.execute("SELECT id FROM messages WHERE campaign_id = ? AND phone = ?", (cid, x)).fetchone()[0]
    row = store.conn.execute("SELECT message_id, campaign_id FROM replies WHERE phone = ?", (x,)).fetchone()
    assert tuple(row) == (sent_id, cid)
    assert [(i.outgoing, i.text) for i in store.replies.thread(x)] == [(True, TEXT), (False, "What time do you open?")]
    assert store.optouts.page() == []


def test_a_refused_fetch_is_one_sentence_for_the_owner(store: Store, emu: Emulator, demo: DemoAccounts) -> None:
    account = _account(store, "tencent", emu, demo)
    SecretStore().save(account.secret_ref, {"secret_key": "not the key"})
    outcomes, problems = fetch_now(store, account)
    assert outcomes == [] and len(problems) == 1
    assert problems[0].startswith("tencent: replies could not be fetched. Authentication failed.")
    assert "\n" not in problems[0] and "Traceback" not in problems[0]
