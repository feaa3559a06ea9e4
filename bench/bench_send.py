"""Sending: throughput, pacing under latency, and the window's responsiveness, in one run.

Every figure is measured against the loopback emulator running in a process of its own, next to
a baseline measured in the same run:

1. zero latency, 10,000 personalised messages, end to end (planning, writing the journal,
   sending, recording every answer): messages per second, and the ratio to a plain
   ``requests.post`` loop sending one message per request, as the seed examples do.  Aliyun
   sends them as SendBatchSms requests of 100; Twilio needs one request per message.
2. 100 ms latency, an account limited to 100 requests per second: the rate achieved (goal:
   within 5 % of the limit), against the same ``requests.post`` loop at that latency.
3. the longest stall of the GUI thread while the window sends 10,000 messages (goal: under
   50 ms), against the same window idle.  The window sends from a process of its own; the
   emulator runs at a lower priority, as a provider on another machine takes no CPU from it.

``python -m bench send`` (needs the ``bench`` extra for ``requests``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.send_harness import (
    DEMO,
    add_account,
    customers,
    emulator_process,
    make_provider,
    new_campaign,
)

MESSAGES = 10_000
BASELINE_POSTS = 1_500
PACED_MESSAGES = 1_500
PACED_RATE = 100.0


def _requests_loop(url: str, n: int) -> float:
    """Messages per second of a plain ``requests.post`` loop, one message per request."""
    import requests

    people = customers(n)
    started = time.perf_counter()
    for person in people:
        answer = requests.post(
            url + "/gateway/send",
            json={"mobile": person.phone, "content": f"{person.name}您好，本周六会员日全场八折。"},
            headers={"Authorization": f"Bearer {DEMO.gateway_token}"},
            timeout=10,
        )
        answer.raise_for_status()
    return n / (time.perf_counter() - started)


def _send_end_to_end(url: str, kind: str, n: int, *, rate: float, concurrency: int) -> tuple[float, int]:
    """Messages per second from planning to the last answer recorded; and the requests made."""
    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.storage import Store

    with tempfile.TemporaryDirectory(prefix="smsdesk-bench-send-") as tmp, Store.open(
        Path(tmp) / "history.sqlite3", durable=True
    ) as store:
        account = add_account(store, kind, url, rate=rate, concurrency=concurrency)
        provider = make_provider(kind, url)
        people = customers(n)
        started = time.perf_counter()
        campaign = new_campaign(store, account, people)
        outcome = send_campaign(store, provider, account, campaign)
        elapsed = time.perf_counter() - started
        provider.close()
        counts = store.journal.campaign_counts(campaign)
        requests = store.conn.execute(
            "SELECT COUNT(DISTINCT batch_no) FROM messages WHERE campaign_id = ?", (campaign,)
        ).fetchone()[0]
    assert outcome.state == "sent" and counts == {"sent": n}, (outcome, counts)
    return n / elapsed, int(requests)


def _paced(url: str, n: int, rate: float) -> tuple[float, float]:
    """Rate of request starts (first to last) and end to end, for a Twilio account limited to ``rate``."""
    from bench.fault_profile import TimedProvider
    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.storage import Store

    with tempfile.TemporaryDirectory(prefix="smsdesk-bench-paced-") as tmp, Store.open(
        Path(tmp) / "history.sqlite3", durable=True
    ) as store:
        account = add_account(store, "twilio", url, rate=rate, concurrency=32)
        provider = TimedProvider(make_provider("twilio", url))
        campaign = new_campaign(store, account, customers(n))
        started = time.perf_counter()
        send_campaign(store, provider, account, campaign)  # type: ignore[arg-type]
        elapsed = time.perf_counter() - started
        provider.close()
    starts = sorted(h.start for h in provider.handovers)
    return (len(starts) - 1) / (starts[-1] - starts[0]), n / elapsed


def _gui_stall(url: str, n: int, kind: str = "aliyun", poll_reports: bool = True) -> tuple[float, float, float, float]:
    """Longest GUI-thread stall (ms) while the window sends ``n`` messages; idle; the time it took;
    and the stall of the first campaign of the session, which also builds the send log pane and
    loads the send engine."""
    import keyring

    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    # The window sends from a process of its own, which must find the account's secret: a
    # keyring file in the benchmark's data folder, named for both processes by environment.
    home = Path(os.environ["SMSDESK_HOME"])
    os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
    os.environ["XDG_DATA_HOME"] = str(home / "xdg")
    from keyrings.alt.file import PlaintextKeyring

    backend = PlaintextKeyring()
    backend.file_path = str(home / "xdg" / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    import smsdesk.gui.send_progress as send_progress

    send_progress.show_error = lambda _parent, message: print("error:", message, file=sys.stderr)  # type: ignore[assignment]
    if not poll_reports:
        import smsdesk.gui.sendlog_pane as sendlog_pane

        sendlog_pane.SendLogPane.ensure_polling = lambda self, **_kw: None  # type: ignore[method-assign]
    from smsdesk.engine.first_run import ensure_first_run
    from smsdesk.gui.app import create_application
    from smsdesk.gui.main_window import MainWindow
    from smsdesk.storage import Store
    from smsdesk.storage.secrets import SecretStore

    create_application()
    store = Store.open()
    ensure_first_run(store)
    account = add_account(store, kind, url, rate=5000, concurrency=8)
    from bench.send_harness import account_settings

    SecretStore().save(account.secret_ref, account_settings(kind, url)[1])
    window = MainWindow(store)
    window.show()

    def longest_gap(seconds: float | None, until: Callable[[], bool] | None = None) -> float:
        """The longest time between two beats of a 1 ms timer on the GUI thread, in ms.

        The event loop runs with ``QEventLoop.exec``: calling ``processEvents`` from Python in
        a loop loses a reference to ``None`` per call in PySide6 6.12 and crashes the process.
        """
        clock = QElapsedTimer()
        clock.start()
        last = [clock.elapsed()]
        worst = [0]
        loop = QEventLoop()

        def beat() -> None:
            now = clock.elapsed()
            worst[0] = max(worst[0], now - last[0])
            last[0] = now
            if until is not None and until():
                loop.quit()

        tick = QTimer()
        tick.setInterval(1)
        tick.timeout.connect(beat)
        tick.start()
        QTimer.singleShot(int((seconds or 600) * 1000), loop.quit)
        loop.exec()
        tick.stop()
        return float(worst[0])

    def send_through_window(people: int) -> tuple[float, float]:
        campaign = new_campaign(store, account, customers(people, first=len(done_sending) * n))
        started = time.perf_counter()
        window._campaign_started(campaign, account.name)
        panel = window.send_log.sending
        assert panel.worker is not None
        sent: list[str] = []
        trouble: list[str] = []
        panel.worker.sent.connect(lambda state, _note: sent.append(state))
        panel.worker.failed.connect(trouble.append)
        panel.worker.crashed.connect(trouble.append)
        stall = longest_gap(None, until=lambda: bool(sent or trouble))
        done_sending.append(time.perf_counter() - started)
        panel.stop()
        if trouble or sent != ["sent"]:
            raise RuntimeError(f"the window's sender did not finish: {sent} {' '.join(trouble)}")
        return stall, done_sending[-1]

    done_sending: list[float] = []
    idle = longest_gap(2.0)
    first, _ = send_through_window(20)
    busy, elapsed = send_through_window(n)
    window.close()
    store.close()
    return busy, idle, elapsed, first


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("SMSDESK_HOME", tempfile.mkdtemp(prefix="smsdesk-bench-home-"))
    try:
        import requests  # noqa: F401
    except ImportError:
        print("bench send needs requests: pip install -e '.[bench]'", file=sys.stderr)
        return

    with emulator_process(latency=0.0) as url:
        loop = statistics.median(_requests_loop(url, BASELINE_POSTS) for _ in range(3))
        aliyun, aliyun_requests = _send_end_to_end(url, "aliyun", MESSAGES, rate=5000, concurrency=4)
        twilio, twilio_requests = _send_end_to_end(url, "twilio", MESSAGES, rate=5000, concurrency=8)
    print(f"1. zero latency, {MESSAGES:,} personalised messages, end to end")
    print(f"   requests.post loop, one message per request:  {loop:8.0f} msg/s")
    print(f"   smsdesk, Aliyun ({aliyun_requests} SendBatchSms requests):  {aliyun:8.0f} msg/s  "
          f"{aliyun / loop:5.1f}x the loop  (goal >= 1,000 msg/s and 5x)")
    print(f"   smsdesk, Twilio ({twilio_requests:,} requests):           {twilio:8.0f} msg/s  {twilio / loop:5.1f}x the loop")

    with emulator_process(latency=0.1) as url:
        slow_loop = _requests_loop(url, 30)
        starts, end_to_end = _paced(url, PACED_MESSAGES, PACED_RATE)
    print(f"2. 100 ms latency, account limited to {PACED_RATE:g} requests/s, {PACED_MESSAGES:,} messages (Twilio)")
    print(f"   requests.post loop:  {slow_loop:6.1f} msg/s")
    print(f"   smsdesk: {starts:6.1f} requests/s started ({starts / PACED_RATE:.1%} of the limit), "
          f"{end_to_end:6.1f} msg/s end to end ({end_to_end / PACED_RATE:.1%}); {starts / slow_loop:.1f}x the loop "
          f"(goal within 5% of the limit)")

    # The emulator runs at a lower priority here: it stands in for a provider on another machine,
    # whose CPU would not be taken from the window.
    with emulator_process(latency=0.0, nice=10) as url:
        busy, idle, elapsed, first = _gui_stall(url, MESSAGES)
    print(f"3. longest GUI-thread stall while the window sends {MESSAGES:,} personalised messages (Aliyun, {elapsed:.1f} s)")
    print(f"   idle window: {idle:.0f} ms;  sending: {busy:.0f} ms  (goal < 50 ms);  first campaign of the session, "
          f"which also builds the send log and loads the send engine: {first:.0f} ms")
    for poll in (True, False):
        with emulator_process(latency=0.0, nice=10) as url:
            busy, idle, elapsed, first = _stall_in_child(url, poll)
        what = "with" if poll else "without"
        print(f"   Twilio, one request per message ({elapsed:.1f} s), {what} the send log's delivery-report poller: "
              f"{busy:.0f} ms (idle {idle:.0f} ms)")


def _stall_in_child(url: str, poll_reports: bool) -> tuple[float, float, float, float]:
    """The same measurement in a fresh process (a window per process)."""
    import json
    import subprocess

    from bench.send_harness import ROOT

    code = (
        "import json, sys; from bench.bench_send import _gui_stall; "
        f"print(json.dumps(_gui_stall({url!r}, {MESSAGES}, 'twilio', {poll_reports!r})))"
    )
    env = {**os.environ, "SMSDESK_HOME": tempfile.mkdtemp(prefix="smsdesk-bench-home-")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    busy, idle, elapsed, first = json.loads(out.stdout.strip().splitlines()[-1])
    return busy, idle, elapsed, first

if __name__ == "__main__":
    main()
