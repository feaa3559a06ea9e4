"""A first look at a file: its sheets, where the header is, and which column looks like phones."""

from __future__ import annotations

from smsdesk.importers.cells import cell_text, row_is_blank
from smsdesk.importers.headers import guess_mapping
from smsdesk.importers.layout import SheetLayout
from smsdesk.importers.models import FilePreview
from smsdesk.importers.readers import PathLike, open_sheet


def preview_file(
    path: PathLike,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    max_rows: int = 20,
    region: str = "CN",
    header_row: int | None = None,
) -> FilePreview:
    """The first ``max_rows`` non-blank data rows of a sheet, as text, with the guessed mapping.

    ``sheet=None`` picks the first visible sheet that has data; ``encoding`` overrides the
    detected encoding of a CSV file; ``header_row`` (1-based, 0 for none) overrides detection.
    """
    with open_sheet(path, sheet, encoding) as opened:
        layout = SheetLayout(opened, header_row)
        columns = layout.columns
        mapping = guess_mapping(columns, layout.buffered, region)
        rows: list[list[str]] = []
        for row in layout.remaining(opened):
            if len(rows) >= max_rows:
                break
            if row_is_blank(row):
                continue
            texts = [cell_text(value) for value in row[: len(columns)]]
            rows.append(texts + [""] * (len(columns) - len(texts)))
        return FilePreview(
            sheet=opened.name,
            sheets=opened.sheets,
            header_row=layout.header_row,
            columns=columns,
            rows=rows,
            phone_column=columns[mapping.phone_index] if mapping.phone_index is not None else None,
            name_column=columns[mapping.name_index] if mapping.name_index is not None else None,
            confident=mapping.confident,
            encoding=opened.encoding,
            kind=opened.kind.value,
            row_count=max(opened.total_rows - layout.header_row, 0),
        )
