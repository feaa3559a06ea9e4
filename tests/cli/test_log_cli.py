"""``smsdesk log`` and ``smsdesk history`` in a child process, on a history written here."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from tests_cli_support import smsdesk

from smsdesk.core.provider_api import DeliveryReport, ReportState
from smsdesk.engine.first_run import ensure_first_run
from smsdesk.providers.sandbox import SandboxProvider
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage


def _history() -> dict[str, int]:
    with Store.open() as store:
        ensure_first_run(store)
        account = store.accounts.add(Account(name="Shop", provider="sandbox"))
        assert account.id is not None
        old = store.journal.create_campaign(
            name="Old", account_id=account.id, body="hi",
            messages=[NewMessage(f"+861380013800{i}", f"N{i}", f"old {i}", {}, 1) for i in range(3)],
        )
        new = store.journal.create_campaign(
            name="New", account_id=account.id, body="hi",
            messages=[NewMessage("+8613912345678", "王芳", "=1+1 新品", {}, 1)],
        )
        store.conn.execute("UPDATE messages SET state = 'sent', provider_id = 'P' || id, sent_at = created_at")
        store.journal.apply_reports(account.id, [
            DeliveryReport("P1", ReportState.DELIVERED), DeliveryReport("P2", ReportState.FAILED, "MK:0001"),
            DeliveryReport("P3", ReportState.DELIVERED), DeliveryReport("P4", ReportState.DELIVERED),
        ])
        for cid, day in ((old, "2025-01-10"), (new, "2025-03-10")):
            store.conn.execute("UPDATE campaigns SET created_at = ? WHERE id = ?", (f"{day}T12:00:00Z", cid))
            store.conn.execute("UPDATE messages SET created_at = ? WHERE campaign_id = ?", (f"{day}T12:00:00.000000Z", cid))
    return {"old": old, "new": new}


def test_log_filters_print_json_and_export(tmp_path: Path) -> None:
    ids = _history()
    out = smsdesk("log", "--no-refresh", "--json", "--state", "failed")
    assert out.returncode == 0, out.stderr
    assert [(m["phone"], m["error_code"]) for m in json.loads(out.stdout)] == [("+8613800138001", "MK:0001")]
    out = smsdesk("log", "--no-refresh", "--json", "--since", "2025-03-01", "--until", "2025-03-10", "--search", "5678")
    assert [m["campaign"] for m in json.loads(out.stdout)] == ["New"]
    out = smsdesk("log", "--no-refresh", "--json", "--until", "2025-03-09", "--error-kind", "undelivered")
    assert [m["name"] for m in json.loads(out.stdout)] == ["N1"]
    target = tmp_path / "old.xlsx"
    out = smsdesk("log", "--no-refresh", "--campaign", str(ids["old"]), "--export", str(target), "--limit", "1", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"exported": 3, "file": str(target)}  # --limit is for printing only
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"Old"}
    out = smsdesk("log", "--no-refresh", "--since", "March")
    assert out.returncode == 1 and "YYYY-MM-DD" in out.stderr


def test_history_backup_archive_read_the_archive_and_restore(tmp_path: Path) -> None:
    _history()
    backup = tmp_path / "backup.sqlite3"
    out = smsdesk("history", "backup", str(backup), "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["messages"] == 4
    archive = tmp_path / "archive.sqlite3"
    out = smsdesk("history", "archive", "--before", "2025-02-01", "--to", str(archive), "--yes", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"file": str(archive), "campaigns": 1, "messages": 3}
    out = smsdesk("log", "--from", str(archive), "--json")
    assert sorted(m["text"] for m in json.loads(out.stdout)) == ["old 0", "old 1", "old 2"]
    out = smsdesk("log", "--no-refresh", "--json")
    assert [m["campaign"] for m in json.loads(out.stdout)] == ["New"]
    out = smsdesk("history", "restore", str(backup))
    assert out.returncode == 1 and "--yes" in out.stderr  # no terminal to confirm on
    out = smsdesk("history", "restore", str(backup), "--yes", "--json")
    assert out.returncode == 0, out.stderr
    assert Path(json.loads(out.stdout)["previous"]).exists()
    out = smsdesk("history", "check", "--json")
    assert out.returncode == 0, out.stderr
    checked = json.loads(out.stdout)
    assert checked["messages"] == 4 and checked["warning"] is None


def test_log_fetches_reports_first() -> None:
    with Store.open() as store:
        ensure_first_run(store)
        sandbox = next(a for a in store.accounts.all() if a.provider == "sandbox")
        sandbox = sandbox._replace(settings={**sandbox.settings, "delay_seconds": "0.01"})
        store.accounts.update(sandbox)
        assert sandbox.id is not None
        cid = store.journal.create_campaign(name="Now", account_id=sandbox.id, body="hi",
                                            messages=[NewMessage("+8613800138000", "", "hi", {}, 1)])
        batch = store.journal.claim_batch(cid, 1)
        provider = SandboxProvider(sandbox.settings)
        try:
            store.journal.record_outcomes(provider.send(batch, store.journal.campaign_spec(cid)))
        finally:
            provider.close()
    out = smsdesk("log", "--json")
    assert out.returncode == 0, out.stderr
    assert [m["state"] for m in json.loads(out.stdout)] == ["delivered"]
