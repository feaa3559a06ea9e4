"""The fault profile: 10,000 messages to an emulator that misbehaves in every way a provider does.

``bench/fault_profile.py`` runs in a process of its own with the emulator in another, prints
its figures as JSON and exits 0 only when every check held: every message ends in a definite
state or in doubt, no request reaches the emulator before a Retry-After deadline it gave, the
emulator's arrival times keep to the account's token bucket, and nothing is accepted twice or
lost between the emulator and the journal.
"""

from __future__ import annotations

from acceptance_scripts import run_script


def test_a_misbehaving_provider_never_gets_a_request_too_early_or_too_fast() -> None:
    figures = run_script("bench.fault_profile", "--kind", "aliyun,tencent", "--messages", "10000", "--rate", "60")
    assert [p["kind"] for p in figures["profiles"]] == ["aliyun", "tencent"]
    for p in figures["profiles"]:
        assert p["not_final"] == 0 and sum(p["states"].values()) == 10_000
        assert p["retry_after_answers"] >= 4 and p["retry_after_dates"] >= 1
        assert p["early_requests"] == 0 and p["early_handovers"] == 0
        assert p["rate_violations"] == 0 and p["start_violations"] == 0
        assert (p["accepted_twice"], p["accepted_not_recorded"], p["recorded_not_accepted"]) == (0, 0, 0)
        # The faults really hit: every kind of answer came, some messages in doubt, some refused.
        assert {"429", "500", "502", "503", "drop", "hold"} <= set(p["answers"])
        assert p["states"]["in_doubt"] > 0 and p["states"]["failed"] > 0 and p["states"]["sent"] > 5000
        assert p["ok"]
    assert figures["ok"]
