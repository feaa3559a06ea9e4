"""The command line as a script would use it: a real process, a real database, real exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests_cli_support import smsdesk


def test_help_lists_the_subcommands() -> None:
    out = smsdesk("--help")
    assert out.returncode == 0
    for command in ("accounts", "import", "templates", "send", "log"):
        assert command in out.stdout


def test_send_to_a_number_through_the_sandbox_and_see_it_in_the_log(smsdesk_home: Path) -> None:
    out = smsdesk("send", "--account", "Sandbox", "--to", "+8613800138000", "--text", "hi", "--json")
    assert out.returncode == 0, out.stderr
    sent = json.loads(out.stdout)
    assert sent["per_message"][0]["phone"] == "+8613800138000"
    assert sent["per_message"][0]["state"] == "delivered"
    log = smsdesk("log", "--json")
    assert log.returncode == 0, log.stderr
    rows = json.loads(log.stdout)
    assert [(r["phone"], r["text"], r["state"]) for r in rows] == [("+8613800138000", "hi", "delivered")]
    inbox = json.loads(smsdesk("sandbox", "inbox", "--json").stdout)
    assert inbox[0]["text"] == "【smsdesk】hi"


def test_dry_run_sends_nothing_and_counts(smsdesk_home: Path) -> None:
    out = smsdesk("send", "--to", "13800138000", "--text", "{name|顾客}您好" * 20, "--dry-run", "--json")
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["dry_run"] is True
    assert plan["per_message"][0]["text"].startswith("顾客您好")
    assert plan["per_message"][0]["segments"] == 2  # 【smsdesk】 (9) + 80 characters = 89 > 70
    assert json.loads(smsdesk("log", "--json").stdout) == []


def test_errors_are_one_line_with_a_failing_status(smsdesk_home: Path) -> None:
    out = smsdesk("send", "--account", "Nope", "--to", "+8613800138000", "--text", "hi")
    assert out.returncode == 1
    assert out.stderr.strip().count("\n") == 0
    assert "Nope" in out.stderr and "Traceback" not in out.stderr
    bad = smsdesk("send", "--to", "12345", "--text", "hi")
    assert bad.returncode == 1 and "12345" in bad.stderr and "Traceback" not in bad.stderr


def test_errors_speak_chinese_when_asked(smsdesk_home: Path) -> None:
    out = smsdesk("send", "--account", "Nope", "--to", "+8613800138000", "--text", "hi", env={"SMSDESK_LANG": "zh_CN"})
    assert out.returncode == 1
    assert "没有名为“Nope”的账户" in out.stderr


def test_templates_and_lists_round_trip(smsdesk_home: Path) -> None:
    assert smsdesk("templates", "add", "T", "--text", "{name}您好").returncode == 0
    names = [t["name"] for t in json.loads(smsdesk("templates", "list", "--json").stdout)]
    assert "T" in names
    bad = smsdesk("templates", "add", "B", "--text", "{name")
    assert bad.returncode == 1 and "never closed" in bad.stderr


@pytest.mark.parametrize("lang", ["en"])
def test_a_newer_database_is_refused_from_the_cli(smsdesk_home: Path, lang: str) -> None:
    import sqlite3

    db = smsdesk_home / "smsdesk.sqlite3"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    out = smsdesk("log")
    assert out.returncode == 1
    assert "newer version of smsdesk" in out.stderr
    assert db.read_bytes() == before
