"""The shape of a sheet as the importers see it: header row, column names, first rows."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain, islice

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.importers.cells import Cell
from smsdesk.importers.headers import (
    CONTENT_SAMPLE_ROWS,
    HEADER_SCAN_ROWS,
    column_names,
    find_header_row,
)
from smsdesk.importers.readers import OpenedSheet


class SheetLayout:
    """Where the header is, what the columns are called, and the first rows already read."""

    def __init__(self, opened: OpenedSheet, header_row: int | None) -> None:
        if header_row is not None and header_row < 0:
            raise ValueError(f"header_row must be 0 or a row number, not {header_row}")
        head = list(islice(opened.rows, HEADER_SCAN_ROWS + CONTENT_SAMPLE_ROWS))
        if header_row is None:
            header_index = find_header_row(head)
        elif header_row == 0:
            header_index = None
        else:
            header_index = header_row - 1
            if header_index >= len(head):
                head += list(islice(opened.rows, header_index + CONTENT_SAMPLE_ROWS))
            if header_index >= len(head):
                raise UserFacingError(tr("Row {row} is not in the sheet.", row=header_row))
        self.header_row = 0 if header_index is None else header_index + 1
        header = head[header_index] if header_index is not None else None
        self.first_data_row = self.header_row + 1
        self.buffered = head[self.header_row :]
        width = max((len(row) for row in head), default=0)
        self.columns = column_names(header, width, opened.first_column)
        self.first_column = opened.first_column

    def remaining(self, opened: OpenedSheet) -> Iterator[list[Cell]]:
        return chain(self.buffered, opened.rows)
