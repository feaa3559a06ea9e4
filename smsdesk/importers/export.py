"""Write the rejected rows to a workbook the owner can fix and import again."""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.importers.models import ImportResult
from smsdesk.importers.readers import PathLike

_TEXT_FORMAT = "@"


def export_rejected(result: ImportResult, path: PathLike) -> None:
    """Save ``result.rejected`` as .xlsx: row number, every original column, then the reason.

    The phone column keeps its original header and is stored as text, so the file can be
    corrected and imported again as it is.
    """
    target = Path(path)
    workbook = Workbook(write_only=True)
    sheet: WriteOnlyWorksheet = workbook.create_sheet(_sheet_title(tr("Rejected rows")))
    row_header = tr("Row in original file")
    reason_header = tr("Reason")
    columns = result.columns or [result.phone_column or tr("Phone")]
    bold = Font(bold=True)
    sheet.append([_cell(sheet, text, font=bold) for text in [row_header, *columns, reason_header]])
    phone_column = result.phone_column or columns[0]
    for rejected in result.rejected:
        values: list[WriteOnlyCell] = [WriteOnlyCell(sheet, rejected.row_no)]
        for column in columns:
            if column == phone_column:
                values.append(_cell(sheet, rejected.raw_value, text_format=True))
            else:
                values.append(_cell(sheet, rejected.fields.get(column, "")))
        values.append(_cell(sheet, rejected.reason))
        sheet.append(values)
    sheet.freeze_panes = "A2"
    # Built in memory first: a failed save must not leave the writer half-closed.
    buffer = io.BytesIO()
    workbook.save(buffer)
    try:
        target.write_bytes(buffer.getvalue())
    except PermissionError as err:
        raise UserFacingError(
            tr(
                "smsdesk cannot save {name}: the file is open in another program or the folder "
                "is read-only.",
                name=target.name,
            )
        ) from err
    except OSError as err:
        raise UserFacingError(
            tr(
                "smsdesk could not save {name}. Check that the disk has free space and the "
                "folder exists.",
                name=target.name,
            )
        ) from err


def _cell(
    sheet: WriteOnlyWorksheet, text: str, *, font: Font | None = None, text_format: bool = False
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    # Text that starts with "=" stays text: a value from a customer list is never a formula.
    cell.data_type = "s"
    if text_format:
        cell.number_format = _TEXT_FORMAT
    if font is not None:
        cell.font = font
    return cell


def _sheet_title(title: str) -> str:
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    return title[:31] or "Sheet1"
