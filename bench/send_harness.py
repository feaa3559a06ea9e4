"""What the send benchmark, the crash test and the fault profile share: accounts pointed at the
loopback emulator, customers, campaigns, and an emulator in a process of its own.

Everything here talks to 127.0.0.1 only.  ``python -m bench.send_harness serve --latency 0.1``
runs an emulator with the demo accounts until its standard input closes, printing its address
first and then answering one JSON line per command line (:class:`EmulatorProcess` speaks this);
measurements use it so that the emulator's threads do not share a GIL with smsdesk's, and the
crash test so that the emulator outlives the sending processes it kills.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, astuple, dataclass, replace
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qs

from smsdesk.core.provider_api import Provider
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.emulator.http_server import Hold, Outcome, Reply, Request
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.lists import Recipient

ROOT = Path(__file__).resolve().parent.parent
DEMO = DemoAccounts()
KINDS = ("aliyun", "tencent", "twilio")


def account_settings(kind: str, url: str, demo: DemoAccounts = DEMO) -> tuple[dict[str, str], dict[str, str]]:
    """Settings and secrets of a ``kind`` account on the emulator at ``url``."""
    if kind == "aliyun":
        return (
            {"access_key_id": demo.aliyun_key_id, "endpoint": url + "/", "signature": demo.aliyun_signature,
             "template_id": demo.aliyun_template, "template_params": "content=_text"},
            {"access_key_secret": demo.aliyun_secret},
        )
    if kind == "tencent":
        return (
            {"secret_id": demo.tencent_secret_id, "sdk_app_id": demo.tencent_app_id, "endpoint": url + "/",
             "signature": demo.tencent_signature, "template_id": demo.tencent_template, "template_params": "1=_text"},
            {"secret_key": demo.tencent_secret_key},
        )
    if kind == "twilio":
        return (
            {"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": url},
            {"auth_token": demo.twilio_auth_token},
        )
    raise ValueError(kind)


def add_account(
    store: Store, kind: str, url: str, *, rate: float, concurrency: int = 0, name: str | None = None
) -> Account:
    settings, _secrets = account_settings(kind, url)
    settings = {**settings, "quiet_hours": "off", "recipient_cap": "0"}
    if concurrency:
        settings["concurrency"] = str(concurrency)
    return store.accounts.add(
        Account(name=name or f"{kind} emulator", provider=kind, settings=settings, rate_per_second=rate)
    )


def make_provider(kind: str, url: str, **options: Any) -> Provider:
    from smsdesk.providers.registry import create_provider

    settings, secrets = account_settings(kind, url)
    return create_provider(kind, settings, secrets, **options)


def customers(n: int, *, first: int = 0, personalised: bool = True) -> list[Recipient]:
    """``n`` customers with distinct mainland numbers ``+86139`` + 8 digits from ``first``."""
    people = []
    for i in range(first, first + n):
        fields = {"name": f"顾客{i}", "积分": str(i % 997)} if personalised else {"name": "会员", "积分": "100"}
        people.append(Recipient(id=i + 1, row_no=i + 1, phone=f"+86139{i:08d}", name=fields["name"], fields=fields))
    return people


BODY = "{name}您好，您有{积分}积分，本周六会员日全场八折。"


def new_campaign(store: Store, account: Account, people: Sequence[Recipient], name: str = "bench") -> int:
    from smsdesk.engine.campaigns import create_campaign, plan_for_recipients

    plan = plan_for_recipients(store, account, BODY, people)
    return create_campaign(store, plan, name)


# -- an emulator that notes when every request came and what it was told -----------------------

SEND_ACTIONS = frozenset({"SendSms", "SendBatchSms"})
HTTP_DATE_AHEAD = "http-date+"
"""A fault's ``retry_after`` of ``"http-date+2.5"`` becomes an HTTP date 2.5 s after the answer."""


@dataclass(frozen=True)
class Arrival:
    """One request as the emulator saw it; times on the emulator's monotonic clock."""

    at: float
    """When the request had been read."""
    api: str
    sends: bool
    """It asked for messages to be sent (not a report or reply query)."""
    answer: str
    """The HTTP status, or ``drop`` / ``hold`` for no answer."""
    answered: float
    retry_until: float | None = None
    """For a 429 with ``Retry-After``: the deadline it set, on the same clock."""
    retry_after: str = ""
    """That ``Retry-After`` as sent."""


def retry_deadline(value: str, answered: float, wall: float) -> float | None:
    """``Retry-After`` (seconds or an HTTP date) as a moment on the clock ``answered`` is on."""
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return answered + float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return answered + (when.timestamp() - wall)


class RecordingEmulator(Emulator):
    """The emulator with the demo accounts, a random latency per request, and a request log.

    The latency is drawn between ``low`` and ``high`` for each request, so answers come back
    out of order as they do from a real service under load.
    """

    def __init__(self, *, workers: int = 64, seed: int = 0) -> None:
        super().__init__("127.0.0.1", 0, workers=workers, seed=seed)
        self.latency_range = (0.0, 0.0)
        self.arrivals: list[Arrival] = []
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    @staticmethod
    def _sends(api: str, request: Request) -> bool:
        if api == "aliyun":
            action = request.header("x-acs-action") or parse_qs(request.body.decode("latin-1")).get("Action", [""])[0]
            return action in SEND_ACTIONS
        if api == "tencent":
            return request.header("x-tc-action") in SEND_ACTIONS
        if api == "twilio":
            return request.method == "POST" and request.path.endswith("/Messages.json")
        return request.path.startswith("/gateway/send")

    def _application(self, request: Request) -> Outcome:
        arrived = time.monotonic()
        api = self._route(request).name
        low, high = self.latency_range
        if high > 0 and self._server is not None:
            with self._lock:
                delay = self._rng.uniform(low, high)
            self._server.stopping.wait(delay)
        outcome = super()._application(request)
        answered, wall = time.monotonic(), time.time()
        retry_until, value = None, ""
        if isinstance(outcome, Reply):
            answer = str(outcome.status)
            value = dict(outcome.headers).get("Retry-After", "")
            if outcome.status == 429 and value:
                retry_until = retry_deadline(value, answered, wall)
        else:
            answer = "hold" if isinstance(outcome, Hold) else "drop"
        arrival = Arrival(arrived, api, self._sends(api, request), answer, answered, retry_until, value)
        with self._lock:
            self.arrivals.append(arrival)
        return outcome

    def _misbehave(self, api: Any, fault: Fault) -> Outcome:
        if fault.kind is FaultKind.RATE_LIMIT and (fault.retry_after or "").startswith(HTTP_DATE_AHEAD):
            ahead = float(fault.retry_after[len(HTTP_DATE_AHEAD):])  # type: ignore[index]
            fault = replace(fault, retry_after=formatdate(time.time() + ahead, usegmt=True))
        return super()._misbehave(api, fault)


# -- an emulator in its own process ---------------------------------------------------------------


def _serve_commands(emu: RecordingEmulator, commands: TextIO, out: TextIO) -> None:
    """Answer one JSON line on ``out`` for each command line until ``commands`` closes."""
    for line in commands:
        if not line.strip():
            continue
        command = json.loads(line)
        do = command.pop("do")
        answer: dict[str, Any] = {"ok": True}
        if do == "latency":
            emu.latency_range = (float(command["low"]), float(command["high"]))
        elif do == "inject":
            times, after = int(command.pop("times", 1)), int(command.pop("after", 0))
            command["kind"] = FaultKind(command["kind"])
            emu.inject(Fault(**command), times, after=after)
        elif do == "refuse":
            emu.refuse_number(command["phone"], code=command.get("code", ""), api=command.get("api"),
                              times=command.get("times"))
        elif do == "accepted":
            since = int(command.get("since", 0))
            answer["accepted"] = [
                [m.e164, m.reference, m.provider_id, m.api] for m in emu.accepted[since:]
            ]
        elif do == "arrivals":
            answer["arrivals"] = [list(astuple(a)) for a in emu.arrivals]
        elif do == "errors":
            answer["errors"] = emu.errors
        else:
            answer = {"ok": False, "error": f"unknown command {do!r}"}
        out.write(json.dumps(answer, ensure_ascii=False) + "\n")
        out.flush()


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.send_harness serve")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--latency-high", type=float, default=None,
                        help="draw each request's latency between --latency and this")
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.nice and hasattr(os, "nice"):
        os.nice(args.nice)
    emu = RecordingEmulator(workers=args.workers, seed=args.seed)
    with emu:
        emu.load_demo()
        high = args.latency if args.latency_high is None else args.latency_high
        emu.latency_range = (args.latency, high)
        print(json.dumps({"url": emu.url}), flush=True)
        _serve_commands(emu, sys.stdin, sys.stdout)
    return 0


class EmulatorProcess:
    """A :class:`RecordingEmulator` in a child process, driven through its standard input.

    It runs in a process of its own so that its threads share no interpreter lock with the
    sender being measured, and so that it lives on when a sending process is killed.
    """

    def __init__(self, latency: float | tuple[float, float] = 0.0, *, workers: int = 64, nice: int = 0,
                 seed: int = 0) -> None:
        low, high = latency if isinstance(latency, tuple) else (latency, latency)
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self._child = subprocess.Popen(
            [sys.executable, "-m", "bench.send_harness", "serve", "--latency", str(low), "--latency-high", str(high),
             "--workers", str(workers), "--nice", str(nice), "--seed", str(seed)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env, encoding="utf-8",
        )
        assert self._child.stdout is not None
        line = self._child.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the emulator process did not start")
        self.url: str = json.loads(line)["url"]
        self._accepted_seen = 0

    def command(self, do: str, **args: Any) -> dict[str, Any]:
        assert self._child.stdin is not None and self._child.stdout is not None
        self._child.stdin.write(json.dumps({"do": do, **args}) + "\n")
        self._child.stdin.flush()
        answer: dict[str, Any] = json.loads(self._child.stdout.readline())
        if not answer.get("ok"):
            raise RuntimeError(answer.get("error", "the emulator refused the command"))
        return answer

    def inject(self, fault: Fault, times: int = 1, *, after: int = 0) -> None:
        self.command("inject", **{**asdict(fault), "kind": str(fault.kind)}, times=times, after=after)

    def refuse_number(self, phone: str, *, code: str = "", api: str | None = None, times: int | None = None) -> None:
        self.command("refuse", phone=phone, code=code, api=api, times=times)

    def accepted(self, since: int = 0) -> list[tuple[str, str, str, str]]:
        """``(e164, reference, provider id, api)`` of every message accepted from the ``since``-th on."""
        return [(m[0], m[1], m[2], m[3]) for m in self.command("accepted", since=since)["accepted"]]

    def arrivals(self) -> list[Arrival]:
        return [Arrival(*a) for a in self.command("arrivals")["arrivals"]]

    def errors(self) -> list[str]:
        return list(self.command("errors")["errors"])

    def close(self) -> None:
        if self._child.stdin is not None:
            self._child.stdin.close()
        try:
            self._child.wait(10)
        except subprocess.TimeoutExpired:
            self._child.kill()
            self._child.wait()
        if self._child.stdout is not None:
            self._child.stdout.close()

    def __enter__(self) -> EmulatorProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


@contextmanager
def emulator_process(latency: float = 0.0, workers: int = 64, nice: int = 0) -> Iterator[str]:
    """An emulator with the demo accounts in a child process; yields its ``http://127.0.0.1:port``.

    ``nice`` lowers its priority, for measurements of the window that should not count the CPU a
    provider elsewhere on the network would use.
    """
    with EmulatorProcess(latency, workers=workers, nice=nice) as emu:
        yield emu.url


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(serve(sys.argv[2:]))
    sys.exit("usage: python -m bench.send_harness serve [--latency SECONDS]")
