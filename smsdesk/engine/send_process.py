"""Sending in a process of its own, so the window never waits for the send engine.

Python runs one thread at a time: a campaign sent at full speed keeps its threads busy enough
to make a window sharing the process stutter.  The window therefore runs
``smsdesk campaigns run ID --driven`` and reads what it says, one JSON object per line:

* ``{"event": "progress", "done": .., "total": .., "accepted": .., "failed": .., "in_doubt": ..,
  "skipped": .., "rate": .., "eta": .., "waiting_until": ISO time or null}``
* ``{"event": "sent", "state": .., "note": ..}`` when sending stopped (``sent``, ``paused``,
  ``waiting`` or ``cancelled``)
* ``{"event": "reports"}`` when delivery reports moved messages
* ``{"event": "failed", "message": ..}``, ``{"event": "crashed", "details": ..}``
* ``{"event": "finished"}`` last, unless it failed or crashed.

It takes commands on its standard input, one a line: ``pause`` or ``cancel``.  When its input
closes (the window went away) it pauses.  Being killed mid-request is survivable: the next
sender puts what was inflight in doubt, as after any crash.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from smsdesk.core.sending import SendProgress
from smsdesk.errors import UserFacingError

log = logging.getLogger("smsdesk.engine.send_process")

BACKGROUND_NICENESS = 5
"""How much lower than the window the sending process runs (on Windows: below normal priority)."""
PROGRESS_INTERVAL = 0.1
"""Seconds between progress lines: often enough to look live, rarely enough to cost nothing."""


def run_in_background() -> None:
    """Lower this process's priority: the window the owner is looking at comes first."""
    if hasattr(os, "nice"):
        os.nice(BACKGROUND_NICENESS)


def sender_command(campaign_id: int, database: Path) -> list[str]:
    """The command that sends ``campaign_id``, from source or from the frozen app."""
    args = ["campaigns", "run", str(campaign_id), "--driven", "--database", str(database)]
    if getattr(sys, "frozen", False):
        executable = Path(sys.executable)
        if sys.platform == "win32":
            # The windowed app has no standard output; its console twin has.
            twin = executable.with_name("smsdesk-cli.exe")
            if twin.exists():
                executable = twin
        return [str(executable), *args]
    return [sys.executable, "-m", "smsdesk.cli.main", *args]


def progress_event(p: SendProgress) -> dict[str, Any]:
    return {
        "event": "progress", "done": p.done, "total": p.total, "accepted": p.accepted, "failed": p.failed,
        "in_doubt": p.in_doubt, "skipped": p.skipped, "rate": p.rate, "eta": p.eta_seconds,
        "waiting_until": p.waiting_until.isoformat() if p.waiting_until else None,
    }


class _Lines:
    """JSON lines on ``out``, from any thread."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._lock = threading.Lock()

    def __call__(self, event: dict[str, Any]) -> None:
        line = json.dumps(event, ensure_ascii=False)
        with self._lock:
            try:
                self._out.write(line + "\n")
                self._out.flush()
            except (BrokenPipeError, OSError, ValueError):
                pass  # the window went away; the campaign still ends cleanly


def _listen(commands: TextIO, cancel: threading.Event, discard: list[bool]) -> None:
    try:
        for line in commands:
            word = line.strip()
            if word == "cancel":
                discard[0] = True
                cancel.set()
            elif word == "pause":
                cancel.set()
    except (OSError, ValueError):
        pass  # the window closed its end
    cancel.set()


def drive(campaign_id: int, database: Path, commands: TextIO, out: TextIO, *, report_wait: float = 60.0) -> int:
    """The sending process: send ``campaign_id`` as told on ``commands``, saying how it goes on ``out``."""
    from smsdesk.engine.campaign_control import (
        cancel_campaign,
        send_campaign,
        wait_for_campaign_reports,
    )
    from smsdesk.engine.providers import open_provider
    from smsdesk.storage import Store

    say = _Lines(out)
    cancel = threading.Event()
    discard = [False]
    threading.Thread(target=_listen, args=(commands, cancel, discard), name="send-commands", daemon=True).start()
    last = [0.0]

    def progress(p: SendProgress) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_INTERVAL or p.done >= p.total or p.waiting_until is not None:
            last[0] = now
            say(progress_event(p))

    status = 0
    try:
        with Store.open(database, durable=True) as store:
            account = store.accounts.get_by_id(store.journal.campaign(campaign_id).account_id)
            provider = open_provider(account)
            try:
                outcome = send_campaign(
                    store, provider, account, campaign_id, on_progress=progress, cancel=cancel,
                    max_wait=float("inf"),
                )
                say(progress_event(outcome.result.progress))
                state = outcome.state
                if discard[0]:
                    cancel_campaign(store, campaign_id)
                    state = "cancelled"
                say({"event": "reports"})
                say({"event": "sent", "state": state, "note": outcome.note})
                if state == "sent" and not cancel.is_set() and report_wait > 0:
                    wait_for_campaign_reports(
                        store, provider, account, campaign_id, timeout=report_wait, cancel=cancel,
                        on_change=lambda _n: say({"event": "reports"}),
                    )
            finally:
                provider.close()
    except UserFacingError as exc:
        say({"event": "failed", "message": str(exc)})
        status = 1
    except Exception:
        log.exception("sending campaign %s failed", campaign_id)
        say({"event": "crashed", "details": traceback.format_exc()})
        status = 70
    if status == 0:
        say({"event": "finished"})
    return status
