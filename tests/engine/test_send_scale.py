"""The acceptance scripts, run by CI: the crash test (small) and the fault profile (10,000 messages).

Both run as the owner would run them, as ``python -m bench.<script>`` in a process of their
own, against the loopback emulator; they print their figures as JSON and exit 0 only when every
check held.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _script(module: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-m", module, *args, "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=240,
    )
    assert out.stdout.strip(), out.stderr
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == (0 if figures["ok"] else 1), out.stderr
    return figures


def test_killing_the_sender_at_random_points_loses_nothing_and_sends_nothing_twice() -> None:
    figures = _script("bench.crash_test", "--messages", "240", "--trials", "3", "--kills", "2", "--seed", "5")
    assert figures["kills"] >= 3
    assert (figures["lost"], figures["sent_twice"], figures["sent_twice_not_in_doubt"]) == (0, 0, 0)
    assert figures["integrity_ok"]
    for trial in figures["per_trial"]:
        bound = trial["concurrency"] * trial["largest_request"]
        assert all(k["in_doubt"] <= bound and k["requests_in_flight"] <= trial["concurrency"] for k in trial["kills"])
        assert trial["states"].get("queued", 0) == trial["states"].get("inflight", 0) == 0
    assert figures["ok"]


def test_a_misbehaving_provider_never_gets_a_request_too_early_or_too_fast() -> None:
    figures = _script("bench.fault_profile", "--messages", "10000", "--rate", "60")
    assert figures["not_final"] == 0
    assert sum(figures["states"].values()) == 10_000
    assert figures["retry_after_answers"] >= 2 and figures["early_requests"] == 0
    assert figures["most_in_window"] <= 60
    assert (figures["accepted_twice"], figures["accepted_not_recorded"], figures["recorded_not_accepted"]) == (0, 0, 0)
    assert figures["states"]["in_doubt"] > 0 and figures["states"]["failed"] > 0  # the faults really hit
    assert figures["ok"]
