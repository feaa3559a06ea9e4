"""Exporting the send log (or one campaign, or its failures) to .xlsx or .csv.

A message's text, a customer's name, a provider's error message: none of it is ours, and a cell
starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is what spreadsheet programs
take for a formula. In a workbook such cells are stored as text with Excel's quote prefix (no
formula is ever written); in a CSV file they get a leading apostrophe, the usual way to make
Excel and WPS show text as it is. CSV files start with a UTF-8 byte order mark so Excel reads
Chinese correctly.

Only the journal's columns are exported; accounts appear by name. Secrets live in the keyring,
never in the database, so no export can contain one.
"""

from __future__ import annotations

import csv
import os
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from smsdesk.core.provider_api import kind_label
from smsdesk.core.states import state_label
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.log import LogFilter, LogRow, SendLog

Progress = Callable[[int, int], None]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_ROWS = 1_000_000
"""Rows per sheet; Excel shows at most 1,048,576 rows on one."""
PROGRESS_EVERY = 2000
FORMATS = (".xlsx", ".csv")


class ExportCancelled(Exception):
    """The owner cancelled; no file was left behind."""


def neutralize_csv(value: str) -> str:
    """``value`` as a CSV cell that no spreadsheet program evaluates."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _headers() -> list[str]:
    return [
        tr("Time"), tr("Campaign"), tr("Account"), tr("Phone"), tr("Name"), tr("Text"), tr("SMS parts"),
        tr("State"), tr("Provider id"), tr("Error"), tr("Provider code"), tr("Provider message"),
        tr("Outcome time"),
    ]


def _local(stamp: str | None) -> datetime | None:
    """A journal timestamp (UTC) as the owner's clock shows it, without a zone (for Excel)."""
    if not stamp:
        return None
    try:
        moment = datetime.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None
    return moment.astimezone().replace(tzinfo=None)


def _values(row: LogRow) -> list[object]:
    return [
        _local(row.created_at),
        row.campaign,
        row.account,
        row.phone,
        row.name,
        row.text,
        row.segments,
        state_label(row.state),
        row.provider_id or "",
        kind_label(row.error_kind) if row.error_kind else "",
        row.error_code or "",
        row.error_message or "",
        _local(row.final_at),
    ]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _write_csv(target: Path, rows: Iterable[LogRow], tick: Callable[[int], None]) -> None:
    with open(target, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(_headers())
        for n, row in enumerate(rows, 1):
            writer.writerow([neutralize_csv(_text(v)) for v in _values(row)])
            tick(n)


_ILLEGAL_IN_XML = {c: None for c in range(32) if c not in (9, 10, 13)}


def _write_xlsx(target: Path, rows: Iterable[LogRow], tick: Callable[[int], None]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    widths = (20, 18, 14, 18, 12, 50, 8, 10, 24, 16, 16, 30, 20)
    sheet: WriteOnlyWorksheet | None = None

    def new_sheet(number: int) -> WriteOnlyWorksheet:
        title = tr("Send log") if number == 1 else f"{tr('Send log')} {number}"
        made: WriteOnlyWorksheet = workbook.create_sheet(title[:31])
        for column, width in enumerate(widths):
            made.column_dimensions[chr(ord("A") + column)].width = width
        made.freeze_panes = "A2"
        header_cells = []
        for text in _headers():
            cell = WriteOnlyCell(made, text)
            cell.font = bold
            header_cells.append(cell)
        made.append(header_cells)
        return made

    def cell_for(ws: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
        if isinstance(value, str):
            clean = value.translate(_ILLEGAL_IN_XML)
            cell = WriteOnlyCell(ws, clean)
            # Always a string cell: openpyxl would otherwise write "=..." as a formula.
            cell.data_type = "s"
            if clean.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
            return cell
        cell = WriteOnlyCell(ws, value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell

    for count, row in enumerate(rows):
        if count % SHEET_ROWS == 0:
            sheet = new_sheet(count // SHEET_ROWS + 1)
        assert sheet is not None
        sheet.append([cell_for(sheet, v) for v in _values(row)])
        tick(count + 1)
    if sheet is None:
        new_sheet(1)
    workbook.save(target)


def export_log(
    log: SendLog,
    f: LogFilter,
    target: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> int:
    """Write every message matching ``f`` to ``target`` (.xlsx or .csv); returns how many."""
    suffix = target.suffix.lower()
    if suffix not in FORMATS:
        raise UserFacingError(tr("Export to a file ending in .xlsx or .csv, not “{name}”.", name=target.name))
    total = log.count(f)
    if progress is not None:
        progress(0, total)

    def tick(done: int) -> None:
        if done % PROGRESS_EVERY == 0:
            if cancel is not None and cancel.is_set():
                raise ExportCancelled
            if progress is not None:
                progress(done, total)

    partial = target.with_name(f".{target.name}.part")
    written = 0

    def counted() -> Iterable[LogRow]:
        nonlocal written
        for row in log.iter_rows(f):
            written += 1
            yield row

    try:
        if suffix == ".csv":
            _write_csv(partial, counted(), tick)
        else:
            _write_xlsx(partial, counted(), tick)
        os.replace(partial, target)
    except ExportCancelled:
        partial.unlink(missing_ok=True)
        raise
    except PermissionError as exc:
        partial.unlink(missing_ok=True)
        raise UserFacingError(
            tr("smsdesk cannot save {name}: the file is open in another program or the folder is read-only.",
               name=target.name)
        ) from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise UserFacingError(
            tr("smsdesk could not save {name}. Check that the disk has free space and the folder exists.",
               name=target.name)
        ) from exc
    if progress is not None:
        progress(written, max(total, written))
    return written

