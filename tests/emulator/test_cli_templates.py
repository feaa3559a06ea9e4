"""``smsdesk templates fetch`` and ``templates check`` against the emulator, in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from smsdesk.emulator import DemoAccounts, Emulator


def smsdesk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "smsdesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def _add_aliyun(emu: Emulator, demo: DemoAccounts) -> None:
    out = smsdesk(
        "accounts",
        "add",
        "Shop",
        "--provider",
        "aliyun",
        "--endpoint",
        emu.url,
        "--set",
        f"access_key_id={demo.aliyun_key_id}",
        "--set",
        f"signature={demo.aliyun_signature}",
        stdin=demo.aliyun_secret + "\n",
    )
    assert out.returncode == 0, out.stderr


def test_fetch_lists_templates_and_signatures_with_their_state(
    emu: Emulator, demo: DemoAccounts
) -> None:
    _add_aliyun(emu, demo)
    out = smsdesk("templates", "fetch", "--account", "Shop", "--json")
    assert out.returncode == 0, out.stderr
    fetched = json.loads(out.stdout)
    states = {t["id"]: t["state"] for t in fetched["templates"]}
    assert states == {"SMS_900001": "approved", "SMS_900002": "approved", "SMS_900003": "pending"}
    assert {s["name"]: s["state"] for s in fetched["signatures"]} == {
        "smsdesk": "approved",
        "smsdesk店铺": "pending",
    }
    text = smsdesk("templates", "fetch", "--account", "Shop")
    assert text.returncode == 0 and "取货通知" in text.stdout and "under review" in text.stdout


def test_check_says_whether_a_template_produces_the_approved_text(
    emu: Emulator, demo: DemoAccounts
) -> None:
    _add_aliyun(emu, demo)
    assert smsdesk("templates", "fetch", "--account", "Shop").returncode == 0
    good = smsdesk(
        "templates",
        "add",
        "Pickup",
        "--text",
        "{name}，您的订单已到店，请凭取货码{取货码}领取。",
        "--provider-template-id",
        "SMS_900002",
        "--template-params",
        "name=name, code=取货码",
    )
    assert good.returncode == 0, good.stderr
    checked = smsdesk("templates", "check", "Pickup", "--account", "Shop", "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["problems"] == []

    assert (
        smsdesk(
            "templates",
            "add",
            "Pickup",
            "--text",
            "{name}，到货了，取货码{取货码}。",
            "--provider-template-id",
            "SMS_900002",
            "--template-params",
            "name=name",
        ).returncode
        == 0
    )
    bad = smsdesk("templates", "check", "Pickup", "--account", "Shop")
    assert bad.returncode == 1
    assert "code" in bad.stdout  # the parameter nothing fills is named


def test_a_marketing_templates_opt_out_line_goes_into_the_dry_run(emu: Emulator) -> None:
    assert (
        smsdesk(
            "templates", "add", "Sale", "--text", "周六全场八折", "--kind", "marketing"
        ).returncode
        == 0
    )
    out = smsdesk("send", "--to", "+8613800138000", "--template", "Sale", "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    (message,) = json.loads(out.stdout)["per_message"]
    assert message["text"] == "周六全场八折回T退订"
    assert (message["length"], message["segments"], message["encoding"]) == (19, 1, "UCS-2")
    listed = json.loads(smsdesk("templates", "list", "--json").stdout)
    assert next(t for t in listed if t["name"] == "Sale")["sent_text"] == "周六全场八折回T退订"
