"""The send loop against a real SQLite journal.

The happy path uses the real Sandbox provider; the failure paths use a provider that replays a
script of answers, since they are about how the loop reacts, not about any one service's wire.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import ClassVar

from smsdesk.core.provider_api import (
    DeliveryReport,
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    RequestNotSent,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.core.sending import RetryPolicy, run_campaign
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage


class ScriptedProvider:
    """Answers each request with the next item of ``script``: an exception or 'ok'."""

    kind: ClassVar[str] = "scripted"

    def __init__(self, script: list[object], max_batch: int = 2) -> None:
        self.script = script
        self.max_batch = max_batch
        self.requests: list[list[int]] = []

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        self.requests.append([m.message_id for m in batch])
        step = self.script.pop(0) if self.script else "ok"
        if isinstance(step, BaseException):
            raise step
        if step == "partial":
            first, *rest = batch
            return [SendOutcome(first.message_id, provider_id=f"P{first.message_id}")] + [
                SendOutcome(m.message_id, fault=ProviderFault(ErrorKind.INVALID_NUMBER, "bad", "bad number")) for m in rest
            ]
        if step == "drop-one":
            return [SendOutcome(m.message_id, provider_id=f"P{m.message_id}") for m in batch[1:]]
        return [SendOutcome(m.message_id, provider_id=f"P{m.message_id}") for m in batch]

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        return []

    def test_connection(self) -> str:
        return "ok"

    def close(self) -> None:
        pass


def _campaign(store: Store, n: int) -> int:
    account = store.accounts.add(Account(name="A", provider="sandbox"))
    assert account.id is not None
    messages = [NewMessage(f"+8613900139{i:03d}", "", f"m{i}", {}, 1) for i in range(n)]
    return store.journal.create_campaign(name="C", account_id=account.id, body="x", messages=messages)


NO_WAIT = RetryPolicy(max_attempts=3, base_delay=0.0)


def test_sandbox_accepts_every_plausible_number(store: Store) -> None:
    cid = _campaign(store, 7)
    provider = SandboxProvider({"delay_seconds": "0"})
    result = run_campaign(store.journal, provider, SendSpec("shop"), cid, total=7, sleep=lambda s: None)
    assert (result.progress.done, result.progress.accepted, result.paused_reason) == (7, 7, "")
    assert store.journal.campaign_counts(cid) == {"sent": 7}
    provider.close()


def test_not_sent_is_retried_and_unknown_outcome_goes_in_doubt_never_resent(store: Store) -> None:
    cid = _campaign(store, 6)
    provider = ScriptedProvider([RequestNotSent("refused"), OutcomeUnknown("read timeout"), "ok", "ok"])
    result = run_campaign(store.journal, provider, SendSpec(), cid, total=6, retry=NO_WAIT, sleep=lambda s: None)
    assert result.paused_reason == ""
    assert store.journal.campaign_counts(cid) == {"sent": 4, "in_doubt": 2}
    sent_ids = [mid for request in provider.requests for mid in request]
    # The not-sent request was repeated with the same messages; the in-doubt one never was.
    assert provider.requests[0] == provider.requests[1]
    assert sent_ids.count(provider.requests[1][0]) == 2
    assert len(set(sent_ids)) == 6


def test_partial_answers_and_missing_answers(store: Store) -> None:
    cid = _campaign(store, 4)
    provider = ScriptedProvider(["partial", "drop-one"])
    run_campaign(store.journal, provider, SendSpec(), cid, total=4, retry=NO_WAIT, sleep=lambda s: None)
    assert store.journal.campaign_counts(cid) == {"sent": 2, "failed": 1, "in_doubt": 1}


def test_a_refusal_that_will_not_go_away_pauses_and_keeps_the_rest_queued(store: Store) -> None:
    cid = _campaign(store, 5)
    fault = ProviderFault(ErrorKind.AUTH_FAILED, "SignatureDoesNotMatch", "signature mismatch")
    provider = ScriptedProvider(["ok", ProviderError(fault)])
    result = run_campaign(store.journal, provider, SendSpec(), cid, total=5, retry=NO_WAIT, sleep=lambda s: None)
    assert "SignatureDoesNotMatch" in result.paused_reason
    assert store.journal.campaign_counts(cid) == {"sent": 2, "queued": 3}


def test_rate_limits_wait_at_least_the_retry_after(store: Store) -> None:
    cid = _campaign(store, 2)
    fault = ProviderFault(ErrorKind.RATE_LIMITED, "Throttling.User", "slow down", retry_after=7.0)
    provider = ScriptedProvider([ProviderError(fault), "ok"])
    waits: list[float] = []
    run_campaign(store.journal, provider, SendSpec(), cid, total=2, retry=NO_WAIT, sleep=waits.append)
    assert waits and max(waits) >= 7.0
    assert store.journal.campaign_counts(cid) == {"sent": 2}


def test_cancel_stops_before_the_next_request(store: Store) -> None:
    cid = _campaign(store, 6)
    cancel = threading.Event()
    provider = ScriptedProvider([])
    seen: list[int] = []

    def progress(p: object) -> None:
        seen.append(1)
        cancel.set()

    result = run_campaign(store.journal, provider, SendSpec(), cid, total=6, cancel=cancel, on_progress=progress, retry=NO_WAIT)
    assert result.cancelled
    assert len(provider.requests) == 1
    assert store.journal.campaign_counts(cid) == {"sent": 2, "queued": 4}
