"""Import a customer list: every row ends up accepted, rejected with a reason, or counted blank.

The row loop runs once per customer, so what can be done per column is done per column, and
the overwhelmingly common phone cell (an 11-digit Chinese mobile) is recognised inline with the
same pattern :mod:`smsdesk.core.phones` uses; everything else goes through ``normalize_phone``.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice, repeat
from pathlib import Path

from smsdesk.core.phones import (
    PHONE_SEPARATORS,
    cn_mobile_fullmatch,
    is_supported_region,
    normalize_phone,
    phone_cell_text,
)
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.importers import limits
from smsdesk.importers.cells import Cell, cell_text, column_letter, row_is_blank
from smsdesk.importers.headers import guess_mapping, guess_name_column
from smsdesk.importers.layout import SheetLayout
from smsdesk.importers.models import ImportCancelled, ImportedRecipient, ImportResult, RejectedRow
from smsdesk.importers.readers import PathLike, open_sheet

# Rows handled per block; after each, progress is reported and the cancel flag checked.
REPORT_EVERY = 2000

ProgressCallback = Callable[[int, int], None]


def import_file(
    path: PathLike,
    *,
    sheet: str | None = None,
    phone_column: str | None = None,
    name_column: str | None = None,
    region: str = "CN",
    encoding: str | None = None,
    opt_outs: Container[str] = frozenset(),
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    header_row: int | None = None,
) -> ImportResult:
    """Read a customer list and sort every row into recipients, rejected rows and blank rows.

    ``phone_column``/``name_column`` name columns as :func:`preview_file` reports them; left
    out, they are detected (``name_column=""`` means the list has no name column).
    ``header_row`` is 1-based, 0 for a sheet without a header; left out, it is detected.
    ``opt_outs`` holds E.164 numbers that must not be imported.  ``progress(done, total)`` is
    called every few thousand rows (``total`` is an estimate for CSV); setting ``cancel``
    stops the import with :class:`ImportCancelled`.
    """
    if not is_supported_region(region):
        raise ValueError(f"unknown region {region!r}")
    _check_cancel(cancel)
    with open_sheet(path, sheet, encoding) as opened:
        _check_cancel(cancel)
        layout = SheetLayout(opened, header_row)
        columns = layout.columns
        phone_index, name_index = _resolve_columns(layout, phone_column, name_column, region, path)
        total = max(opened.total_rows - layout.header_row, 0)
        result = ImportResult(
            columns=columns,
            recipients=[],
            rejected=[],
            rows_read=0,
            duplicates=0,
            opted_out=0,
            sheet=opened.name,
            header_row=layout.header_row,
            region=region,
            phone_column=columns[phone_index],
            name_column=columns[name_index] if name_index is not None else None,
            encoding=opened.encoding,
        )
        with _collector_paused():
            _import_rows(
                layout.remaining(opened),
                result,
                first_row_no=layout.first_data_row,
                phone_index=phone_index,
                name_index=name_index,
                first_column=layout.first_column,
                opt_outs=opt_outs,
                total=total,
                progress=progress,
                cancel=cancel,
            )
    return result


def _resolve_columns(
    layout: SheetLayout,
    phone_column: str | None,
    name_column: str | None,
    region: str,
    path: PathLike,
) -> tuple[int, int | None]:
    columns = layout.columns
    if phone_column is not None:
        phone_index = _column_index(columns, phone_column)
    else:
        mapping = guess_mapping(columns, layout.buffered, region)
        if mapping.phone_index is None:
            raise UserFacingError(
                tr(
                    "smsdesk could not find a column of phone numbers in {name}. Choose the "
                    "phone column yourself.",
                    name=Path(path).name,
                )
            )
        phone_index = mapping.phone_index
    if name_column is None:
        name_index = guess_name_column(columns, phone_index)
    elif name_column == "":
        name_index = None
    else:
        name_index = _column_index(columns, name_column)
        if name_index == phone_index:
            name_index = None
    return phone_index, name_index


def _column_index(columns: list[str], wanted: str) -> int:
    if wanted in columns:
        return columns.index(wanted)
    raise UserFacingError(tr('There is no column named "{column}" in the sheet.', column=wanted))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while the rows are turned into objects.

    An import creates hundreds of thousands of dicts and records, none in a reference cycle;
    each burst of allocations would otherwise trigger full collections that walk every one of
    them again (a third of the import time on a 100,000-row sheet).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise ImportCancelled()


def _import_rows(
    rows: Iterator[list[Cell]],
    result: ImportResult,
    *,
    first_row_no: int,
    phone_index: int,
    name_index: int | None,
    first_column: int,
    opt_outs: Container[str],
    total: int,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
) -> None:
    """Sort the rows a block at a time.

    Cells become text a column at a time (cheaper than cell by cell), and each block ends with
    a progress report; the cancel flag is checked before each block.
    """
    columns = result.columns
    width = len(columns)
    phone_name = columns[phone_index]
    field_indexes = [index for index in range(width) if index != phone_index]
    field_names = [columns[index] for index in field_indexes]
    name_key = columns[name_index] if name_index is not None else None
    recipients = result.recipients
    rejected = result.rejected
    region = result.region
    chinese_plan = region == "CN"
    mobile_match = cn_mobile_fullmatch
    separators = PHONE_SEPARATORS
    first_seen: dict[str, int] = {}
    blank = duplicates = opted_out = invalid = 0
    extended = False
    row_no = first_row_no - 1

    while block := list(islice(rows, REPORT_EVERY)):
        _check_cancel(cancel)
        if row_no - first_row_no + 1 + len(block) > limits.MAX_ROWS:
            raise UserFacingError(
                tr(
                    "The list has more than {limit} rows, more than smsdesk imports at once. "
                    "Split it into smaller files.",
                    limit=f"{limits.MAX_ROWS:,}",
                )
            )
        if any(len(row) != width for row in block):
            new_width = _fit_rows(block, width)
            if new_width > width:
                width = _add_columns(result, width, new_width, first_column, field_indexes)
                field_names = [columns[index] for index in field_indexes]
                extended = True
        cells_by_column = list(zip(*block, strict=True))
        field_texts: Iterable[tuple[str, ...]] = (
            zip(*[_column_texts(cells_by_column[i]) for i in field_indexes], strict=True)
            if field_indexes
            else repeat((), len(block))
        )
        for row, raw, texts in zip(block, cells_by_column[phone_index], field_texts, strict=True):
            row_no += 1
            # The common case inline: an 11-digit Chinese mobile in a number or a text cell,
            # or written "+86 138 0013 8000".
            e164: str | None = None
            if chinese_plan:
                if raw.__class__ is float:
                    if 1e10 <= raw < 2e10 and raw.is_integer():
                        digits = str(int(raw))
                        if mobile_match(digits):
                            e164 = "+86" + digits
                elif raw.__class__ is str:
                    if len(raw) == 11:
                        if mobile_match(raw):
                            e164 = "+86" + raw
                    elif raw.startswith("+86"):
                        compact = raw.translate(separators)
                        if len(compact) == 14 and mobile_match(compact, 3):
                            e164 = compact
            is_mobile = True
            reason: str | None = None
            if e164 is None:
                if (raw is None or (type(raw) is str and not raw.strip())) and row_is_blank(row):
                    blank += 1
                    continue
                phone = normalize_phone(raw, region)
                e164, reason, is_mobile = phone.e164, phone.reason, phone.is_mobile

            # zip without keywords: "strict=False" sends zip down a slower path, 0.6 µs a row.
            fields = dict(zip(field_names, texts))  # noqa: B905 (texts is as wide as field_names)
            if e164 is None:
                invalid += 1
            elif e164 in opt_outs:
                opted_out += 1
                reason = tr("On the opt-out list")
            elif (first := first_seen.setdefault(e164, row_no)) != row_no:
                duplicates += 1
                reason = tr("Duplicate of row {row}", row=first)
            else:
                name = fields[name_key] if name_key is not None else ""
                recipients.append(ImportedRecipient(row_no, e164, name, fields, is_mobile))
                continue
            raw_text = phone_cell_text(raw)
            fields[phone_name] = raw_text
            rejected.append(RejectedRow(row_no, raw_text, reason or "", fields))
        if progress is not None:
            done = row_no - first_row_no + 1
            progress(done, max(total, done))

    rows_read = row_no - first_row_no + 1
    result.rows_read = rows_read
    result.blank_rows = blank
    result.duplicates = duplicates
    result.opted_out = opted_out
    result.invalid = invalid
    if extended:
        _fill_missing_fields(result)
    if progress is not None:
        progress(rows_read, rows_read)


def _column_texts(cells: tuple[Cell, ...]) -> list[str]:
    """cell_text over a column, with the three kinds that fill real lists inlined."""
    text_of = cell_text
    return [
        v.strip()
        if v.__class__ is str
        else str(int(v))
        if v.__class__ is float and v.is_integer() and -1e15 < v < 1e15
        else v.isoformat()
        if v.__class__ is date
        else text_of(v)
        for v in cells
    ]


def _fit_rows(block: list[list[Cell]], width: int) -> int:
    """Pad short rows (CSV) to ``width``; return the width the block needs (wider when a row
    has filled cells beyond the last column)."""
    needed = width
    for row in block:
        if len(row) > width and not row_is_blank(row[width:]):
            needed = max(needed, len(row))
    for index, row in enumerate(block):
        if len(row) < needed:
            row.extend([""] * (needed - len(row)))
        elif len(row) > needed:
            block[index] = row[:needed]
    return needed


def _add_columns(
    result: ImportResult, width: int, new_width: int, first_column: int, field_indexes: list[int]
) -> int:
    """A text row longer than the header: name the extra columns by their letters."""
    for index in range(width, new_width):
        name = tr("Column {letter}", letter=column_letter(first_column + index))
        while name in result.columns:
            name += "+"
        result.columns.append(name)
        field_indexes.append(index)
    return new_width


def _fill_missing_fields(result: ImportResult) -> None:
    """Rows read before extra columns appeared get those columns, empty."""
    variables = result.variables
    for recipient in result.recipients:
        if len(recipient.fields) != len(variables):
            for name in variables:
                recipient.fields.setdefault(name, "")
    for rejected in result.rejected:
        for name in result.columns:
            rejected.fields.setdefault(name, "")
