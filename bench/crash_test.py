"""Crash test: the sending process is killed with SIGKILL at random points, restarted, resumed.

Each trial writes a campaign to a fresh database and sends it with the very command the window
uses, ``smsdesk campaigns run ID --driven``, in a child process, to the emulator, which runs
in a process of its own (so it outlives the kills) with a random latency per request.  The
child is killed when its progress passes random points or at random moments (during start-up
and recovery too), the database is checked, and the command is run again until the campaign is
done.  Then every journal row is compared with what the emulator really accepted, matched by
the journal id the request carried (Aliyun ``OutId``, Tencent ``SessionContext``) and the number:

* lost: a message still queued or inflight, one the journal calls sent that the provider never
  got, one the provider got that the journal calls failed or skipped, or one the provider got
  that matches no journal row — must be 0;
* sent twice: a message the provider accepted more than once — must be 0 among messages not in
  doubt (and in fact 0 for all: smsdesk never resends a message in doubt on its own);
* a message the journal calls sent carries the provider's id for it;
* in doubt per kill: at most the messages of the requests in flight (the account's concurrency
  times the largest request), and the requests in flight at most the concurrency;
* ``PRAGMA integrity_check`` is ``ok`` after every kill and at the end.

``python -m bench crash`` (or ``python -m bench.crash_test``) runs the full test: 5,000 messages,
20 trials, 3 kills each.  The test suite runs it small.  Exit status 0 when every check held.
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.send_harness import (
    KINDS,
    ROOT,
    EmulatorProcess,
    account_settings,
    add_account,
    customers,
    new_campaign,
)

RATE = 1000.0
"""Requests per second allowed on the account: high enough that latency, not the rate, sets the pace."""
LATENCY = (0.02, 0.05)
TIMED_KILL_SHARE = 0.25
"""Of the kills, the share made at a random moment after start rather than after some progress."""
RUN_TIMEOUT = 900.0


@dataclass
class Kill:
    at_done: int
    """Messages answered (or in doubt) as the sender last reported before it was killed."""
    after_seconds: float
    requests_in_flight: int
    in_doubt: int
    """Messages it left inflight: the next sender puts them in doubt."""
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
    accepted_by_provider: int = 0
    lost: int = 0
    sent_twice: int = 0
    sent_twice_not_in_doubt: int = 0
    accepted_in_doubt: int = 0
    wrong_provider_id: int = 0
    unmatched: int = 0
    """Messages the provider accepted whose reference names no message of the campaign."""
    integrity: str = ""
    seconds: float = 0.0

    @property
    def in_doubt_bound(self) -> int:
        return self.concurrency * self.largest_request

    @property
    def ok(self) -> bool:
        return (
            self.lost == 0
            and self.sent_twice == 0
            and self.sent_twice_not_in_doubt == 0
            and self.wrong_provider_id == 0
            and self.unmatched == 0
            and self.integrity == "ok"
            and all(k.integrity == "ok" for k in self.kills)
            and all(k.requests_in_flight <= self.concurrency and k.in_doubt <= self.in_doubt_bound for k in self.kills)
            and self.states.get("in_doubt", 0) <= sum(k.in_doubt for k in self.kills)
            and sum(self.states.get(s, 0) for s in ("queued", "inflight")) == 0
        )


# -- one sending process ----------------------------------------------------------------------


@dataclass(frozen=True)
class KillPlan:
    at_done: int | None = None
    """Kill once the sender reports this many messages done..."""
    after_seconds: float | None = None
    """...or this long after it was started."""
    jitter: float = 0.0
    """Then wait this long more, so that the kill lands anywhere among the next requests."""


@dataclass
class Run:
    killed: bool
    done: int
    seconds: float
    last_state: str = ""


def run_sender(db: Path, campaign: int, env: dict[str, str], plan: KillPlan | None, log: Path) -> Run:
    """``smsdesk campaigns run CAMPAIGN --driven``, killed as ``plan`` says."""
    from smsdesk.engine.send_process import sender_command

    command = [*sender_command(campaign, db), "--report-wait", "0"]
    started = time.monotonic()
    with open(log, "a", encoding="utf-8") as errors:
        proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True, encoding="utf-8",
            cwd=ROOT, env=env,
        )
    assert proc.stdout is not None
    timer: threading.Timer | None = None
    if plan is not None and plan.after_seconds is not None:
        timer = threading.Timer(plan.after_seconds, proc.kill)
        timer.start()
    run = Run(killed=False, done=0, seconds=0.0)
    try:
        for line in proc.stdout:
            event = json.loads(line)
            if event["event"] == "progress":
                run.done = int(event["done"])
            elif event["event"] == "sent":
                run.last_state = str(event["state"])
            elif event["event"] in ("failed", "crashed"):
                raise RuntimeError(f"the sender {event['event']}: {event.get('message') or event.get('details')}")
            if plan is not None and plan.at_done is not None and run.done >= plan.at_done:
                time.sleep(plan.jitter)
                proc.kill()
                break
        proc.wait(RUN_TIMEOUT)
    finally:
        if timer is not None:
            timer.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        if proc.stdin is not None:
            proc.stdin.close()
    run.seconds = time.monotonic() - started
    run.killed = proc.returncode != 0 and proc.returncode < 0
    if not run.killed and proc.returncode != 0:
        raise RuntimeError(f"the sender exited with status {proc.returncode}; see {log}")
    return run


def _look(db: Path, campaign: int) -> tuple[int, int, str]:
    """Requests and messages a kill left inflight (they become in doubt), and the integrity check."""
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


def _done(db: Path, campaign: int) -> int:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE campaign_id = ? AND state NOT IN ('queued', 'inflight')", (campaign,)
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


# -- a trial ------------------------------------------------------------------------------------


def _kill_plans(rng: random.Random, kills: int, messages: int) -> list[KillPlan]:
    plans = []
    for point in sorted(rng.randrange(0, messages) for _ in range(kills)):
        if rng.random() < TIMED_KILL_SHARE:
            plans.append(KillPlan(after_seconds=rng.uniform(0.2, 2.5)))
        else:
            plans.append(KillPlan(at_done=point, jitter=rng.uniform(0.0, 2 * LATENCY[1])))
    return plans


def judge(trial: Trial, rows: Sequence[sqlite3.Row], accepted: Sequence[tuple[str, str, str, str]]) -> None:
    """Compare the journal's rows with what the provider accepted; fills in the trial's counts."""
    by_phone = {r["phone"]: r["id"] for r in rows}
    ids = set(by_phone.values())
    times: Counter[int] = Counter()
    provider_ids: dict[int, list[str]] = defaultdict(list)
    for phone, reference, provider_id, _api in accepted:
        message_id = by_phone.get(phone)
        named = {int(x) for x in reference.split(",") if x.strip().isdigit()}
        if message_id is None or (named and not named <= ids) or (len(named) > 1 and message_id not in named):
            trial.unmatched += 1
            continue
        times[message_id] += 1
        provider_ids[message_id].append(provider_id)
    trial.accepted_by_provider = sum(times.values())
    trial.states = dict(Counter(r["state"] for r in rows))
    for r in rows:
        state, n = r["state"], times.get(r["id"], 0)
        if state in ("queued", "inflight") or (state in ("sent", "delivered") and n == 0):
            trial.lost += 1
        if state in ("failed", "skipped") and n:
            trial.lost += 1
        if n > 1:
            trial.sent_twice += 1
            trial.sent_twice_not_in_doubt += state != "in_doubt"
        if state == "in_doubt" and n:
            trial.accepted_in_doubt += 1
        if state in ("sent", "delivered") and n:
            mine = r["provider_id"] or ""
            if not any(mine == p or mine.startswith(p + ":") for p in provider_ids[r["id"]]):
                trial.wrong_provider_id += 1


def run_trial(
    number: int, kind: str, emu: EmulatorProcess, seen: int, args: argparse.Namespace, folder: Path,
    env: dict[str, str],
) -> tuple[Trial, int]:
    """One campaign, killed ``args.kills`` times; returns it and how many acceptances the emulator had then."""
    from smsdesk.engine.send_rules import DEFAULT_CONCURRENCY
    from smsdesk.storage import Store
    from smsdesk.storage.secrets import SecretStore

    rng = random.Random(args.seed * 1000 + number)
    db = folder / f"trial-{number}.sqlite3"
    log = folder / f"trial-{number}.log"
    with Store.open(db) as store:
        account = add_account(store, kind, emu.url, rate=RATE, concurrency=DEFAULT_CONCURRENCY[kind])
        SecretStore().save(account.secret_ref, account_settings(kind, emu.url)[1])
        campaign = new_campaign(store, account, customers(args.messages, first=number * args.messages))
        largest = store.conn.execute(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM messages WHERE campaign_id = ? GROUP BY batch_no)",
            (campaign,),
        ).fetchone()[0]
    trial = Trial(kind, args.messages, DEFAULT_CONCURRENCY[kind], max(int(largest or 1), 1))
    started = time.monotonic()
    for plan in _kill_plans(rng, args.kills, args.messages):
        if plan.at_done is not None and plan.at_done < _done(db, campaign):
            plan = KillPlan(at_done=_done(db, campaign), jitter=plan.jitter)
        trial.runs += 1
        run = run_sender(db, campaign, env, plan, log)
        if not run.killed:
            break  # it finished before the point
        requests, in_doubt, integrity = _look(db, campaign)
        trial.kills.append(Kill(run.done, round(run.seconds, 3), requests, in_doubt, integrity))
    trial.runs += 1
    final = run_sender(db, campaign, env, None, log)
    if final.last_state != "sent":
        raise RuntimeError(f"the last run of trial {number + 1} ended {final.last_state!r}, not 'sent'; see {log}")
    trial.seconds = time.monotonic() - started

    accepted = emu.accepted(since=seen)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        trial.integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        rows = conn.execute(
            "SELECT id, phone, state, provider_id FROM messages WHERE campaign_id = ?", (campaign,)
        ).fetchall()
    finally:
        conn.close()
    judge(trial, rows, accepted)
    return trial, seen + len(accepted)


def _sender_environment(home: Path) -> dict[str, str]:
    """For the sending processes: their own data folder and a keyring file the parent fills."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    xdg = home / "xdg"
    env = {
        **os.environ,
        "SMSDESK_HOME": str(home),
        "SMSDESK_LANG": "en",
        "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
        "XDG_DATA_HOME": str(xdg),
        "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    }
    os.environ.update({k: env[k] for k in ("SMSDESK_HOME", "PYTHON_KEYRING_BACKEND", "XDG_DATA_HOME")})
    backend = PlaintextKeyring()
    backend.file_path = str(xdg / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(backend)
    return env


def _print_trial(number: int, trial: Trial) -> None:
    doubts = [k.in_doubt for k in trial.kills]
    flights = [k.requests_in_flight for k in trial.kills]
    print(
        f"trial {number + 1:2}  {trial.kind:8} {trial.messages} messages, {len(trial.kills)} kills at done "
        f"{[k.at_done for k in trial.kills]}: requests in flight {flights} (most {trial.concurrency}), "
        f"in doubt {doubts} (bound {trial.concurrency}x{trial.largest_request}={trial.in_doubt_bound}); "
        f"lost {trial.lost}, sent twice {trial.sent_twice} (not in doubt {trial.sent_twice_not_in_doubt}), "
        f"wrong id {trial.wrong_provider_id}, unmatched {trial.unmatched}, integrity {trial.integrity}; "
        f"{trial.seconds:.1f} s  {'ok' if trial.ok else 'FAILED'}",
        flush=True,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench crash", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--kills", type=int, default=3, help="kills per trial")
    parser.add_argument("--kinds", default=",".join(KINDS), help="providers, taken in turn by the trials")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    kinds = [k for k in args.kinds.split(",") if k]

    trials: list[Trial] = []
    with tempfile.TemporaryDirectory(prefix="smsdesk-crash-") as tmp, EmulatorProcess(LATENCY, seed=args.seed) as emu:
        env = _sender_environment(Path(tmp) / "home")
        seen = 0
        for number in range(args.trials):
            trial, seen = run_trial(number, kinds[number % len(kinds)], emu, seen, args, Path(tmp), env)
            trials.append(trial)
            if not args.json:
                _print_trial(number, trial)
        errors = emu.errors()
    kills = [k for t in trials for k in t.kills]
    summary = {
        "trials": len(trials),
        "messages_per_trial": args.messages,
        "kills": len(kills),
        "runs": sum(t.runs for t in trials),
        "accepted_by_provider": sum(t.accepted_by_provider for t in trials),
        "lost": sum(t.lost for t in trials),
        "sent_twice": sum(t.sent_twice for t in trials),
        "sent_twice_not_in_doubt": sum(t.sent_twice_not_in_doubt for t in trials),
        "wrong_provider_id": sum(t.wrong_provider_id for t in trials),
        "unmatched": sum(t.unmatched for t in trials),
        "in_doubt_total": sum(t.states.get("in_doubt", 0) for t in trials),
        "in_doubt_accepted_by_provider": sum(t.accepted_in_doubt for t in trials),
        "max_in_doubt_per_kill": max((k.in_doubt for k in kills), default=0),
        "max_requests_in_flight_at_kill": max((k.requests_in_flight for k in kills), default=0),
        "kills_over_bound": sum(
            1 for t in trials for k in t.kills if k.in_doubt > t.in_doubt_bound or k.requests_in_flight > t.concurrency
        ),
        "integrity_ok": all(t.integrity == "ok" for t in trials) and all(k.integrity == "ok" for k in kills),
        "emulator_errors": len(errors),
        "ok": bool(trials) and all(t.ok for t in trials) and not errors,
        "per_trial": [asdict(t) | {"ok": t.ok, "in_doubt_bound": t.in_doubt_bound} for t in trials],
    }
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"\n{summary['trials']} trials x {args.messages} messages, {summary['kills']} kills, "
            f"{summary['runs']} sender runs: lost {summary['lost']}, sent twice {summary['sent_twice']} "
            f"(not in doubt: {summary['sent_twice_not_in_doubt']}), wrong provider id {summary['wrong_provider_id']}, "
            f"unmatched {summary['unmatched']}; in doubt {summary['in_doubt_total']} "
            f"(of which the provider had {summary['in_doubt_accepted_by_provider']}); "
            f"most in doubt after one kill {summary['max_in_doubt_per_kill']}, most requests in flight at a kill "
            f"{summary['max_requests_in_flight_at_kill']}, kills over the bound {summary['kills_over_bound']}; "
            f"integrity {'ok' if summary['integrity_ok'] else 'FAILED'}; emulator errors {summary['emulator_errors']}"
            f" -> {'PASS' if summary['ok'] else 'FAIL'}"
        )
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
