"""``smsdesk campaigns reconcile`` and the evidence ``in-doubt`` shows, in a child process."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from tests_cli_support import smsdesk

from smsdesk.emulator import Emulator, Fault, FaultKind
from smsdesk.engine.campaign_control import send_campaign
from smsdesk.engine.campaigns import create_campaign, plan_for_numbers
from smsdesk.engine.providers import open_provider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.secrets import SecretStore


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def test_reconcile_then_resend_only_what_the_provider_does_not_have(store: Store, emu: Emulator) -> None:
    demo = emu.load_demo()
    account = store.accounts.add(Account(
        name="Twilio", provider="twilio",
        settings={"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url},
    ))
    SecretStore().save(account.secret_ref, {"auth_token": demo.twilio_auth_token})
    cid = create_campaign(store, plan_for_numbers(store, account, "Table ready", ["+14155550100", "+14155550101"]), "c")
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage"))  # never arrives
    emu.inject(Fault(FaultKind.DROP, api="twilio", action="CreateMessage", after_processing=True))  # arrives, unanswered
    provider = open_provider(account)
    send_campaign(store, provider, account, cid)
    provider.close()
    assert store.journal.campaign_counts(cid) == {"in_doubt": 2}

    done = smsdesk("campaigns", "reconcile", str(cid), "--json")
    assert done.returncode == 0, done.stderr
    assert {k: v for k, v in json.loads(done.stdout).items() if k != "problems"} == {
        "campaign_id": cid, "found": 1, "not_found": 1, "unanswered": 0, "unsupported": 0, "in_doubt": 1,
    }
    listed = smsdesk("campaigns", "in-doubt", str(cid), "--json")
    rows = json.loads(listed.stdout)
    assert len(rows) == 1 and rows[0]["not_found_at_provider"]
    table = smsdesk("campaigns", "in-doubt", str(cid))
    assert "not found (" in table.stdout

    again = smsdesk("campaigns", "in-doubt", str(cid), "--send-again", "--not-found-only")
    assert again.returncode == 0 and "1 messages are queued again" in again.stdout
    assert store.journal.campaign_counts(cid) == {"queued": 1, "delivered": 1}
    assert len(emu.accepted) == 1
