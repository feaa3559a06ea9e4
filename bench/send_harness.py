"""What the send benchmark, the crash test and the fault profile share: accounts pointed at the
loopback emulator, customers, campaigns, and an emulator in a process of its own.

Everything here talks to 127.0.0.1 only.  ``python -m bench.send_harness serve --latency 0.1``
runs an emulator with the demo accounts until its standard input closes, printing its address
first; measurements use it so that the emulator's threads do not share a GIL with smsdesk's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from smsdesk.core.provider_api import Provider
from smsdesk.emulator import DemoAccounts, Emulator
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


# -- an emulator in its own process ---------------------------------------------------------------


@contextmanager
def emulator_process(latency: float = 0.0, workers: int = 64, nice: int = 0) -> Iterator[str]:
    """An emulator with the demo accounts in a child process; yields its ``http://127.0.0.1:port``.

    ``nice`` lowers its priority, for measurements of the window that should not count the CPU a
    provider elsewhere on the network would use.
    """
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.send_harness", "serve", "--latency", str(latency), "--workers", str(workers),
         "--nice", str(nice)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        yield json.loads(line)["url"]
    finally:
        if child.stdin is not None:
            child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def serve(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.send_harness serve")
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--nice", type=int, default=0)
    args = parser.parse_args(argv)
    if args.nice and hasattr(os, "nice"):
        os.nice(args.nice)
    with Emulator("127.0.0.1", 0, workers=args.workers) as emu:
        emu.load_demo()
        emu.latency = args.latency
        print(json.dumps({"url": emu.url}), flush=True)
        done = threading.Event()
        threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
        done.wait()
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        sys.exit(serve(sys.argv[2:]))
    sys.exit("usage: python -m bench.send_harness serve [--latency SECONDS]")
