"""The command line against the provider emulator over real loopback HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests_cli_support import smsdesk

from smsdesk.emulator import DemoAccounts, Emulator


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(port=0) as server:
        server.report_delay = 0.2
        yield server


@pytest.fixture
def demo(emu: Emulator) -> DemoAccounts:
    return emu.load_demo()


def _add_aliyun(emu: Emulator, demo: DemoAccounts, secret: str, name: str = "Shop Aliyun") -> None:
    out = smsdesk(
        "accounts", "add", name, "--provider", "aliyun", "--endpoint", emu.url,
        "--set", f"access_key_id={demo.aliyun_key_id}", "--set", f"signature={demo.aliyun_signature}",
        "--set", f"template_id={demo.aliyun_template}", "--set", "template_params=content=_text",
        stdin=secret + "\n",
    )
    assert out.returncode == 0, out.stderr


def test_send_through_an_aliyun_account_pointing_at_the_emulator(emu: Emulator, demo: DemoAccounts) -> None:
    _add_aliyun(emu, demo, demo.aliyun_secret)
    out = smsdesk("send", "--account", "Shop Aliyun", "--to", "+8613800138000", "13912345678",
                  "--text", "您的订单已到店", "--yes", "--json", "--wait", "20")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert [m["state"] for m in result["per_message"]] == ["delivered", "delivered"]
    assert sorted(m.e164 for m in emu.accepted) == ["+8613800138000", "+8613912345678"]
    assert {m.text for m in emu.accepted} == {"【smsdesk】您的订单已到店"}
    assert {m.template for m in emu.accepted} == {demo.aliyun_template}


def test_a_wrong_secret_is_reported_as_authentication_failed_and_nothing_is_lost(
    emu: Emulator, demo: DemoAccounts
) -> None:
    _add_aliyun(emu, demo, "not-the-secret")
    out = smsdesk("send", "--account", "Shop Aliyun", "--to", "+8613800138000", "--text", "hi", "--yes", "--json")
    assert out.returncode == 1
    result = json.loads(out.stdout)
    assert "Authentication failed" in result["paused_reason"]
    assert result["states"] == {"queued": 1}  # kept for a later retry, not lost, not sent
    assert emu.accepted == []


def test_a_real_account_refuses_to_send_without_a_terminal_or_yes(emu: Emulator, demo: DemoAccounts) -> None:
    _add_aliyun(emu, demo, demo.aliyun_secret)
    out = smsdesk("send", "--account", "Shop Aliyun", "--to", "+8613800138000", "--text", "hi")
    assert out.returncode == 1
    assert "--yes" in out.stderr
    assert emu.accepted == []


def test_secrets_never_reach_the_database_the_log_or_the_output(
    emu: Emulator, demo: DemoAccounts, smsdesk_home: Path
) -> None:
    canary = "canary-SECRET-7f3a9c"
    _add_aliyun(emu, demo, canary, name="Canary")
    smsdesk("send", "--account", "Canary", "--to", "+8613800138000", "--text", "hi", "--yes", "--json")
    outputs = [smsdesk("accounts", "list", "--json").stdout, smsdesk("log", "--json").stdout]
    assert all(canary not in text for text in outputs)
    for path in smsdesk_home.rglob("*"):
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path


def test_secrets_are_never_accepted_as_arguments(emu: Emulator) -> None:
    out = smsdesk("accounts", "add", "X", "--provider", "aliyun", "--set", "access_key_secret=oops", stdin="")
    assert out.returncode == 1
    assert "standard input" in out.stderr


def test_the_emulator_command_is_wired(emu: Emulator) -> None:
    out = smsdesk("emulator", "--help")
    assert out.returncode == 0
    assert "--port" in out.stdout
