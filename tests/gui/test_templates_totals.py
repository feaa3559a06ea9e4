"""``send --dry-run --json`` reports, message by message and in total, what the editor shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

CUSTOMERS = [
    (2, "+8613900000001", "张伟", {"积分": "1280"}),
    (3, "+8613900000002", "李娜", {"积分": ""}),
    (4, "+8613900000003", "王" * 50, {"积分": "5"}),
    (5, "+14155550100", "Smith", {"积分": "12"}),
    (6, "+8613900000005", "赵敏", {"积分": "99"}),
    (7, "+447700900123", "Jones", {"积分": "€5"}),
]
TEXT = "{name}您好，您有{积分|0}积分，周六会员日全场八折！"


def smsdesk(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, on the same data folder as the window."""
    return subprocess.run(
        [sys.executable, "-m", "smsdesk", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def test_dry_run_counts_and_totals_are_the_editors(window: Any, qtbot: Any) -> None:
    store = window.store
    account = store.accounts.get("Sandbox")._replace(price_per_segment=0.045)
    store.accounts.update(account)
    saved = store.lists.save(
        "Members", region="CN", columns=["积分"], source_file="t", recipients=CUSTOMERS
    )
    store.optouts.add("+8613900000005", "asked")
    from smsdesk.storage.templates import Template

    store.templates.save(
        Template(name="Members' day", body=TEXT, kind="marketing", opt_out="回T退订")
    )

    pane = window.templates
    pane.reload_accounts()
    pane.reload_lists()
    pane.list_combo.setCurrentIndex(pane.list_combo.findData(saved.id))
    pane.reload_templates(select="Members' day")
    qtbot.waitUntil(lambda: pane.survey_is_current() and not pane.surveyor.busy, timeout=15000)

    out = smsdesk(
        "send",
        "--account",
        "Sandbox",
        "--list",
        "Members",
        "--template",
        "Members' day",
        "--dry-run",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    dry = json.loads(out.stdout)
    assert dry["totals"] == pane.survey.totals.as_dict()
    assert dry["totals"]["skipped"] == 1 and dry["totals"]["messages"] == 5
    assert dry["segments"] == dry["totals"]["segments"]

    for row, sent in enumerate(dry["per_message"]):
        pane.go_to_row(row)
        shown = pane.panel.counts.text()
        assert shown.startswith(f"{sent['length']} "), (row, shown, sent)
        assert f" · {sent['segments']} SMS" in shown, (row, shown, sent)
        assert pane.panel.counts.toolTip().startswith(f"Sent as {sent['encoding']};")
        assert pane.preview.text().endswith(sent["text"])
        assert sent["text"].endswith("回T退订")
    by_phone = {m["phone"]: m for m in dry["per_message"]}
    assert by_phone["+8613900000005"]["skipped"]
    assert by_phone["+447700900123"]["encoding"] == "UCS-2"  # the Chinese text decides, not the €
    assert by_phone["+8613900000003"]["segments"] == 2
