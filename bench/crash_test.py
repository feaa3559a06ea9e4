"""Crash test: the sending process is killed with SIGKILL at random points, restarted, resumed.

Each trial writes a campaign to a fresh database, starts ``smsdesk``'s send engine in a child
process against the loopback emulator (which lives in this process and so survives the kills),
kills the child when its progress passes random points, checks the database, and starts it
again until the campaign is done.  Then every message is compared with what the emulator
really accepted:

* lost: a message still queued or inflight, or one the journal calls sent that the provider
  never got — must be 0;
* sent twice: a message the provider accepted more than once — must be 0 (for those not in
  doubt, and in fact for all: smsdesk never resends a message in doubt on its own);
* in doubt per kill: at most the messages of the requests in flight, and the requests in
  flight at most the account's concurrency;
* ``PRAGMA integrity_check`` is ``ok`` after every kill and at the end.

``python -m bench.crash_test`` runs the full test (5,000 messages, 20 trials); the test suite
runs it small.  Exit status 0 when every check held.  Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.send_harness import KINDS, ROOT, add_account, customers, make_provider, new_campaign

RATE = 1000.0


@dataclass
class Kill:
    at_done: int
    requests_in_flight: int
    in_doubt: int
    integrity: str


@dataclass
class Trial:
    kind: str
    messages: int
    concurrency: int
    largest_request: int
    kills: list[Kill] = field(default_factory=list)
    runs: int = 0
    states: dict[str, int] = field(default_factory=dict)
    lost: int = 0
    sent_twice: int = 0
    sent_twice_not_in_doubt: int = 0
    accepted_in_doubt: int = 0
    integrity: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        bound = self.concurrency * self.largest_request
        return (
            self.lost == 0
            and self.sent_twice == 0
            and self.integrity == "ok"
            and all(k.integrity == "ok" for k in self.kills)
            and all(k.requests_in_flight <= self.concurrency and k.in_doubt <= bound for k in self.kills)
            and sum(self.states.get(s, 0) for s in ("queued", "inflight")) == 0
        )


# -- the child: one sending process ------------------------------------------------------------


def child(argv: Sequence[str]) -> int:
    import httpx

    from smsdesk.engine.campaign_control import send_campaign
    from smsdesk.storage import Store

    parser = argparse.ArgumentParser(prog="python -m bench.crash_test child")
    parser.add_argument("--db", required=True)
    parser.add_argument("--kind", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--campaign", type=int, required=True)
    args = parser.parse_args(argv)
    with Store.open(Path(args.db), durable=True) as store:
        account = store.accounts.get_by_id(store.journal.campaign(args.campaign).account_id)
        provider = make_provider(args.kind, args.url, timeout=httpx.Timeout(10.0, connect=2.0))
        print("start", flush=True)
        try:
            outcome = send_campaign(
                store, provider, account, args.campaign, max_wait=0,
                on_progress=lambda p: print(p.done, flush=True),
            )
        finally:
            provider.close()
        print("end", outcome.state, flush=True)
    return 0


# -- the parent: kills, checks, counts ---------------------------------------------------------


def _run_child(db: Path, kind: str, url: str, campaign: int, kill_at: int | None, rng: random.Random) -> int | None:
    """Run the sender; kill it once its progress reaches ``kill_at``. Returns the progress at the kill."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.crash_test", "child", "--db", str(db), "--kind", kind, "--url", url,
         "--campaign", str(campaign)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )
    assert proc.stdout is not None
    killed_at: int | None = None
    for line in proc.stdout:
        word = line.split()[0] if line.split() else ""
        if kill_at is None:
            continue
        done = int(word) if word.isdigit() else (0 if word == "start" else None)
        if done is not None and done >= kill_at:
            time.sleep(rng.uniform(0.0, 0.03))  # land anywhere in the next requests
            proc.send_signal(signal.SIGKILL)
            killed_at = done
            break
    proc.wait(120)
    if killed_at is None and proc.returncode != 0:
        raise RuntimeError(f"sender failed ({proc.returncode}): {proc.stderr.read() if proc.stderr else ''}")
    if proc.stderr is not None:
        proc.stderr.close()
    proc.stdout.close()
    return killed_at


def _look(db: Path, campaign: int) -> tuple[int, int, str]:
    """Requests and messages left inflight by a kill (they become in doubt), and the integrity check."""
    conn = sqlite3.connect(db)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        row = conn.execute(
            "SELECT COUNT(DISTINCT batch_no), COUNT(*) FROM messages WHERE campaign_id = ? AND state = 'inflight'",
            (campaign,),
        ).fetchone()
        return int(row[0]), int(row[1]), str(integrity)
    finally:
        conn.close()


def run_trial(number: int, kind: str, url: str, emu_accepted: callable, args: argparse.Namespace, folder: Path) -> Trial:  # type: ignore[valid-type]
    from smsdesk.engine.send_rules import DEFAULT_CONCURRENCY, batch_rules
    from smsdesk.storage import Store

    rng = random.Random(args.seed * 1000 + number)
    db = folder / f"trial-{number}.sqlite3"
    people = customers(args.messages, first=number * args.messages)
    phones = {p.phone for p in people}
    with Store.open(db) as store:
        account = add_account(store, kind, url, rate=RATE, concurrency=DEFAULT_CONCURRENCY[kind])
        campaign = new_campaign(store, account, people)
        largest = store.conn.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM messages WHERE campaign_id = ? GROUP BY batch_no)",
            (campaign,),
        ).fetchone()[0]
    rules = batch_rules(kind)
    trial = Trial(kind, args.messages, DEFAULT_CONCURRENCY[kind], max(int(largest), 1))
    assert trial.largest_request <= max(rules.same_text_max, rules.personal_max)
    started = time.monotonic()
    points = sorted(rng.randrange(0, args.messages) for _ in range(args.kills))
    for point in points:
        trial.runs += 1
        at = _run_child(db, kind, url, campaign, point, rng)
        if at is None:
            break  # it finished before reaching the point
        requests, in_doubt, integrity = _look(db, campaign)
        trial.kills.append(Kill(at, requests, in_doubt, integrity))
    trial.runs += 1
    _run_child(db, kind, url, campaign, None, rng)
    trial.seconds = time.monotonic() - started

    accepted = Counter(m.e164 for m in emu_accepted() if m.e164 in phones)
    conn = sqlite3.connect(db)
    try:
        trial.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        rows = conn.execute("SELECT phone, state FROM messages WHERE campaign_id = ?", (campaign,)).fetchall()
    finally:
        conn.close()
    trial.states = dict(Counter(state for _phone, state in rows))
    for phone, state in rows:
        times = accepted.get(phone, 0)
        if state in ("queued", "inflight") or (state in ("sent", "delivered") and times == 0):
            trial.lost += 1
        if state in ("failed", "skipped") and times:
            trial.lost += 1  # the provider has it but the journal says it was not sent
        if times > 1:
            trial.sent_twice += 1
            if state != "in_doubt":
                trial.sent_twice_not_in_doubt += 1
        if state == "in_doubt" and times:
            trial.accepted_in_doubt += 1
    return trial


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(prog="python -m bench.crash_test", description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--kills", type=int, default=3, help="kills per trial")
    parser.add_argument("--latency", type=float, default=0.02, help="emulator latency per request, seconds")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    kinds = [k for k in args.kinds.split(",") if k]

    from smsdesk.emulator import Emulator

    os.environ.setdefault("SMSDESK_HOME", tempfile.mkdtemp(prefix="smsdesk-crash-home-"))
    trials: list[Trial] = []
    with tempfile.TemporaryDirectory(prefix="smsdesk-crash-") as tmp, Emulator("127.0.0.1", 0) as emu:
        emu.load_demo()
        emu.latency = args.latency
        for number in range(args.trials):
            trial = run_trial(number, kinds[number % len(kinds)], emu.url, lambda: emu.accepted, args, Path(tmp))
            trials.append(trial)
            if not args.json:
                doubts = [k.in_doubt for k in trial.kills]
                flights = [k.requests_in_flight for k in trial.kills]
                print(
                    f"trial {number + 1:2}  {trial.kind:8} kills {len(trial.kills)}  in flight at kills {flights}"
                    f"  in doubt per kill {doubts} (bound {trial.concurrency}x{trial.largest_request})"
                    f"  lost {trial.lost}  sent twice {trial.sent_twice}  integrity {trial.integrity}"
                    f"  {trial.seconds:.1f} s  {'ok' if trial.ok else 'FAILED'}",
                    flush=True,
                )
        errors = emu.errors
    kills = [k for t in trials for k in t.kills]
    summary = {
        "trials": len(trials),
        "messages_per_trial": args.messages,
        "kills": len(kills),
        "lost": sum(t.lost for t in trials),
        "sent_twice": sum(t.sent_twice for t in trials),
        "sent_twice_not_in_doubt": sum(t.sent_twice_not_in_doubt for t in trials),
        "in_doubt_total": sum(t.states.get("in_doubt", 0) for t in trials),
        "in_doubt_accepted_by_provider": sum(t.accepted_in_doubt for t in trials),
        "max_in_doubt_per_kill": max((k.in_doubt for k in kills), default=0),
        "max_requests_in_flight_at_kill": max((k.requests_in_flight for k in kills), default=0),
        "integrity_ok": all(t.integrity == "ok" for t in trials) and all(k.integrity == "ok" for k in kills),
        "emulator_errors": len(errors),
        "ok": all(t.ok for t in trials) and not errors,
        "per_trial": [asdict(t) | {"ok": t.ok} for t in trials],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"\n{summary['trials']} trials x {args.messages} messages, {summary['kills']} kills: "
            f"lost {summary['lost']}, sent twice {summary['sent_twice']} "
            f"(not in doubt: {summary['sent_twice_not_in_doubt']}), "
            f"in doubt {summary['in_doubt_total']} (of which the provider had {summary['in_doubt_accepted_by_provider']}), "
            f"most in doubt after one kill {summary['max_in_doubt_per_kill']}, "
            f"most requests in flight at a kill {summary['max_requests_in_flight_at_kill']}, "
            f"integrity {'ok' if summary['integrity_ok'] else 'FAILED'} -> {'PASS' if summary['ok'] else 'FAIL'}"
        )
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
