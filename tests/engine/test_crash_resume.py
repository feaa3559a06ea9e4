"""The crash test, small: the real sending process killed with SIGKILL at random points.

``bench/crash_test.py`` runs as the owner would run it, in a process of its own, with the
emulator in another and ``smsdesk campaigns run --driven`` (what the window runs) as the sender;
it prints its figures as JSON and exits 0 only when every check held.  Here it sends 300
messages through each of Aliyun, Tencent and Twilio, killing the sender twice per campaign.
"""

from __future__ import annotations

import sys

import pytest
from acceptance_scripts import run_script

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the crash test kills with SIGKILL")


def test_killing_the_sender_at_random_points_loses_nothing_and_sends_nothing_twice() -> None:
    figures = run_script("bench.crash_test", "--messages", "300", "--trials", "3", "--kills", "2", "--seed", "5")
    assert figures["kills"] >= 3
    assert [t["kind"] for t in figures["per_trial"]] == ["aliyun", "tencent", "twilio"]
    assert (figures["lost"], figures["sent_twice"], figures["sent_twice_not_in_doubt"]) == (0, 0, 0)
    assert (figures["wrong_provider_id"], figures["unmatched"], figures["emulator_errors"]) == (0, 0, 0)
    assert figures["integrity_ok"]
    assert figures["accepted_by_provider"] >= 3 * 300 - figures["in_doubt_total"]
    for trial in figures["per_trial"]:
        assert all(
            k["in_doubt"] <= trial["in_doubt_bound"] and k["requests_in_flight"] <= trial["concurrency"]
            for k in trial["kills"]
        )
        assert trial["states"].get("queued", 0) == trial["states"].get("inflight", 0) == 0
        assert sum(trial["states"].values()) == 300
    assert figures["kills_over_bound"] == 0
    assert figures["ok"]
