"""A "T" honoured by campaigns sent from other processes: the window's sending process, and
``smsdesk send`` in a terminal with no window open.

These campaigns run at a few messages a second, so the customer's answer arrives while the
campaign is still going; what is asserted does not depend on the timing: no message to that
number was handed out after its reply was recorded, and its message still queued then was
skipped as opted out.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable

from smsdesk.engine.replies import ReplyPoller
from smsdesk.engine.send_process import sender_command
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage

X = "+8613900000099"
OTHERS = [f"+86139{i:08d}" for i in range(1, 40)]


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _sandbox(store: Store, rate: float = 8) -> Account:
    return store.accounts.add(
        Account(name="Box", provider="sandbox", settings={"delay_seconds": "0"}, rate_per_second=rate)
    )


def _sent_to(store: Store, phone: str) -> int:
    row = store.conn.execute(
        "SELECT COUNT(*) FROM messages WHERE phone = ? AND state IN ('sent', 'delivered')", (phone,)
    ).fetchone()
    return int(row[0])


def _check(store: Store, cid: int) -> None:
    [reply] = store.replies.rows(phone=X)
    assert (reply.keyword, reply.action) == ("T", "opted_out")
    fetched = store.conn.execute("SELECT fetched_at FROM replies WHERE id = ?", (reply.id,)).fetchone()[0]
    rows = store.conn.execute(
        "SELECT state, claimed_at, error_kind FROM messages WHERE campaign_id = ? AND phone = ? ORDER BY id",
        (cid, X),
    ).fetchall()
    assert [r for r in rows if r["claimed_at"] is not None and r["claimed_at"] > fetched] == []
    assert rows[-1]["state"] == "skipped" and rows[-1]["error_kind"] == "opted_out"
    entry = store.optouts.entry(X)
    assert entry is not None and (entry.keyword, entry.reason) == ("T", "T")


def test_the_windows_sending_process_skips_a_number_that_replied_t(store: Store) -> None:
    account = _sandbox(store)
    assert account.id is not None
    phones = [OTHERS[0], X, *OTHERS[1:], X]
    cid = store.journal.create_campaign(
        name="spring", account_id=account.id, body="会员日八折，回T退订",
        messages=[NewMessage(p, "", "会员日八折，回T退订", {}, 1) for p in phones],
    )
    database = store.journal.database_path()
    child = subprocess.Popen(sender_command(cid, database), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    events: list[str] = []
    try:
        wait_until(lambda: _sent_to(store, X) == 1)
        customer = SandboxProvider(account.settings)
        customer.add_reply(X, "T")
        customer.close()
        # The window's poller, as it runs while a campaign sends.
        with ReplyPoller(store) as poller:
            poller.ask_everything_now()
            wait_until(lambda: poller.run_round() is not None and bool(store.replies.rows(phone=X)))
        # The window keeps the sending process's input open until it is done (closing it pauses).
        for line in child.stdout:
            events.append(json.loads(line)["event"])
            if events[-1] in ("finished", "failed", "crashed"):
                break
        child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert events[-1] == "finished"
    _check(store, cid)
    counts = store.journal.campaign_counts(cid)
    assert counts.pop("skipped") == 1 and set(counts) <= {"sent", "delivered", "failed"}
    assert sum(counts.values()) == 40  # everyone else got theirs (a few Sandbox numbers fail delivery)


def test_smsdesk_send_in_a_terminal_honours_a_t_while_it_sends(store: Store) -> None:
    # A thousand numbers go in ten Sandbox requests of a hundred, two a second; X is in the last.
    account = _sandbox(store, rate=2)
    numbers = [f"+86138{i:08d}" for i in range(999)]
    command = [sys.executable, "-m", "smsdesk", "send", "--account", "Box", "--to", *numbers, X,
               "--text", "会员日八折，回T退订", "--wait", "0", "--json"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def first_request_sent() -> bool:
        if child.poll() is not None:
            return True  # it ended before: what it said is shown below
        return store.conn.execute("SELECT COUNT(*) FROM messages WHERE state = 'sent'").fetchone()[0] >= 100

    try:
        try:
            wait_until(first_request_sent)
        except AssertionError:
            child.kill()
            raise AssertionError(f"100 messages not sent in time; smsdesk send said: {child.communicate()[1][-2000:]}") from None
        assert child.poll() is None, f"smsdesk send ended early: {child.communicate()[1][-2000:]}"
        customer = SandboxProvider(account.settings)
        customer.add_reply(X, "T")
        customer.close()
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    result = json.loads(out)
    assert result["states"] == {"sent": 999, "skipped": 1}
    [x] = [m for m in result["per_message"] if m["phone"] == X]
    assert (x["state"], x["error_kind"]) == ("skipped", "opted_out")
    _check(store, result["campaign_id"])
