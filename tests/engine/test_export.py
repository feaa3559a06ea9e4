"""Exports to .xlsx and .csv: text that looks like a formula stays text, and no secret leaks."""

from __future__ import annotations

import csv
import threading
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from smsdesk.core.provider_api import DeliveryReport, ReportState, SendOutcome
from smsdesk.emulator import Emulator
from smsdesk.engine import export as export_module
from smsdesk.engine.export import ExportCancelled, export_log, neutralize_csv
from smsdesk.engine.providers import open_provider
from smsdesk.errors import UserFacingError
from smsdesk.storage import Store
from smsdesk.storage.accounts import Account
from smsdesk.storage.journal import NewMessage
from smsdesk.storage.log import LogFilter
from smsdesk.storage.secrets import SecretStore

DANGEROUS = [
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tleading tab",
    "\r=1+1",
]


def _history_with(store: Store, names: list[str]) -> int:
    account = store.accounts.add(Account(name="Shop", provider="sandbox"))
    assert account.id is not None
    cid = store.journal.create_campaign(
        name="=Spring", account_id=account.id, body="hi",
        messages=[NewMessage(f"+86138001380{i:02d}", name, f"{name} 您好", {}, 1) for i, name in enumerate(names)],
    )
    batch = store.journal.claim_batch(cid, 100)
    store.journal.record_outcomes([SendOutcome(m.message_id, provider_id=f"P{i}") for i, m in enumerate(batch)])
    store.journal.apply_reports(account.id, [
        DeliveryReport("P0", ReportState.FAILED, "=MK:0001", "@bad carrier"),
        *(DeliveryReport(f"P{i}", ReportState.DELIVERED, "DELIVRD") for i in range(1, len(batch))),
    ])
    return cid


def test_xlsx_keeps_formula_like_text_as_text(store: Store, tmp_path: Path) -> None:
    _history_with(store, DANGEROUS)
    target = tmp_path / "log.xlsx"
    assert export_log(store.log, LogFilter(), target) == len(DANGEROUS)
    with zipfile.ZipFile(target) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet  # no formula anywhere in the file
    workbook = load_workbook(target)
    rows = list(workbook.active.iter_rows(values_only=False))
    header = [c.value for c in rows[0]]
    assert header[:6] == ["Time", "Campaign", "Account", "Phone", "Name", "Text"]
    names = {r[4].value for r in rows[1:]}
    assert names == {n.replace("\r", "\n") for n in DANGEROUS}  # XML turns a carriage return into a newline
    for row in rows[1:]:
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r\n" and cell.value:
                assert cell.data_type == "s"
                assert cell.quotePrefix or cell.value.startswith("\n")
    assert {r[1].value for r in rows[1:]} == {"=Spring"}
    assert isinstance(rows[1][0].value, datetime)  # times are real dates Excel can sort
    failed = next(r for r in rows[1:] if r[7].value == "Failed")
    assert (failed[9].value, failed[10].value, failed[11].value) == ("Not delivered", "=MK:0001", "@bad carrier")


def test_csv_is_utf8_with_bom_and_neutralises_formula_like_cells(store: Store, tmp_path: Path) -> None:
    _history_with(store, DANGEROUS)
    target = tmp_path / "log.csv"
    export_log(store.log, LogFilter(), target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(target, encoding="utf-8-sig", newline="") as source:
        rows = list(csv.reader(source))
    assert rows[0][:4] == ["Time", "Campaign", "Account", "Phone"]
    for row in rows[1:]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert {r[4] for r in rows[1:]} == {"'" + n for n in DANGEROUS}
    assert {r[3] for r in rows[1:]} == {f"'+86138001380{i:02d}" for i in range(len(DANGEROUS))}
    assert "您好" in raw.decode("utf-8-sig")
    assert neutralize_csv("plain") == "plain" and neutralize_csv("=1") == "'=1"


def test_an_export_of_a_campaign_sent_with_a_canary_secret_holds_no_trace_of_it(
    store: Store, tmp_path: Path
) -> None:
    canary = "canary-SECRET-e5b1f07d"
    with Emulator() as emu:
        demo = emu.load_demo()
        emu.add_twilio_account(demo.twilio_account_sid, canary, [demo.twilio_sender])
        account = store.accounts.add(Account(
            name="Twilio", provider="twilio",
            settings={"account_sid": demo.twilio_account_sid, "sender": demo.twilio_sender, "endpoint": emu.url},
        ))
        SecretStore().save(account.secret_ref, {"auth_token": canary})
        assert account.id is not None
        cid = store.journal.create_campaign(
            name="Canary", account_id=account.id, body="hi",
            messages=[NewMessage("+14155550100", "Ann", "Your order is ready", {}, 1)],
        )
        batch = store.journal.claim_batch(cid, 10)
        provider = open_provider(account)
        try:
            store.journal.record_outcomes(provider.send(batch, store.journal.campaign_spec(cid)))
        finally:
            provider.close()
    assert store.log.count(LogFilter(campaign_id=cid, state="sent")) == 1
    for suffix in (".xlsx", ".csv"):
        target = tmp_path / f"campaign{suffix}"
        export_log(store.log, LogFilter(campaign_id=cid), target)
        data = target.read_bytes()
        assert canary.encode() not in data
        if suffix == ".xlsx":
            with zipfile.ZipFile(target) as package:
                for name in package.namelist():
                    assert canary.encode() not in package.read(name), name
        else:
            assert "Your order is ready" in data.decode("utf-8-sig")


def test_failures_only_and_progress(store: Store, tmp_path: Path) -> None:
    cid = _history_with(store, ["a", "b", "c"])
    seen: list[tuple[int, int]] = []
    target = tmp_path / "failures.csv"
    count = export_log(store.log, LogFilter(campaign_id=cid, state="failed"), target,
                       progress=lambda d, t: seen.append((d, t)))
    assert count == 1
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)


def test_big_exports_span_sheets_and_can_be_cancelled(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history_with(store, [f"n{i}" for i in range(7)])
    monkeypatch.setattr(export_module, "SHEET_ROWS", 3)
    target = tmp_path / "log.xlsx"
    export_log(store.log, LogFilter(), target)
    workbook = load_workbook(target)
    assert [ws.max_row for ws in workbook.worksheets] == [4, 4, 2]  # a header on each sheet
    assert workbook.sheetnames == ["Send log", "Send log 2", "Send log 3"]
    monkeypatch.setattr(export_module, "PROGRESS_EVERY", 2)
    cancel = threading.Event()
    cancel.set()
    cancelled = tmp_path / "cancelled.csv"
    with pytest.raises(ExportCancelled):
        export_log(store.log, LogFilter(), cancelled, cancel=cancel)
    assert not cancelled.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_only_xlsx_and_csv(store: Store, tmp_path: Path) -> None:
    with pytest.raises(UserFacingError, match=r"\.xlsx or \.csv"):
        export_log(store.log, LogFilter(), tmp_path / "log.pdf")
