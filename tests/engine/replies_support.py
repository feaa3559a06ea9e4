"""Playing the customer in reply tests: answering right after our message, and the check that
nothing went to them after their answer was recorded."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from smsdesk.core.provider_api import OutgoingMessage, SendOutcome, SendSpec
from smsdesk.storage import Store


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


class CustomerAnswers:
    """The real provider, plus the customer at ``phone``: right after the first message to them
    leaves, they answer ``text``; the send waits until smsdesk has recorded that answer, so what
    follows is decided by the engine alone."""

    def __init__(self, inner: Any, phone: str, text: str, answer: Callable[[str, str], object],
                 database: Any) -> None:
        self.inner = inner
        self.phone, self.text = phone, text
        self.answer = answer
        self.database = database
        self.answered = False

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        outcomes = self.inner.send(batch, spec)
        if not self.answered and any(m.phone == self.phone for m in batch):
            self.answered = True
            self.answer(self.phone, self.text)
            with Store.open(self.database) as look:
                wait_until(lambda: bool(look.replies.rows(phone=self.phone)))
        return outcomes

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def assert_nothing_claimed_after_the_reply(store: Store, cid: int, phone: str) -> None:
    """The acceptance check: 0 messages to ``phone`` left after its opt-out reply was fetched."""
    [reply] = store.replies.rows(phone=phone)
    fetched = store.conn.execute("SELECT fetched_at FROM replies WHERE id = ?", (reply.id,)).fetchone()[0]
    rows = store.conn.execute(
        "SELECT state, claimed_at, error_kind FROM messages WHERE campaign_id = ? AND phone = ? ORDER BY id",
        (cid, phone),
    ).fetchall()
    after = [r for r in rows if r["claimed_at"] is not None and r["claimed_at"] > fetched]
    assert after == []
    skipped = [r for r in rows if r["state"] == "skipped"]
    assert skipped and all(r["error_kind"] == "opted_out" for r in skipped)
    assert all(r["state"] in ("sent", "delivered") for r in rows if r["claimed_at"] is not None)
