"""Spreadsheets written the way real programs write them, for the importer tests.

A test describes a sheet once (:class:`SheetSpec`) and has it written by openpyxl and by
xlsxwriter; LibreOffice conversions are made when ``soffice`` is installed.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
import xlsxwriter

DATA = Path(__file__).parent / "data"
SOFFICE = shutil.which("soffice")


@dataclass
class SheetSpec:
    """One worksheet: rows of values (None for an empty cell) and how it is formatted."""

    rows: list[list[object]]
    name: str = "客户"
    merge: list[str] = field(default_factory=list)
    # Column index -> Excel number format applied to every cell of the column.
    formats: dict[int, str] = field(default_factory=dict)
    extra_sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    hidden_first: list[list[object]] | None = None


def write_openpyxl(path: Path, spec: SheetSpec) -> Path:
    workbook = openpyxl.Workbook()
    first = workbook.active
    if spec.hidden_first is not None:
        first.title = "hidden"
        first.sheet_state = "hidden"
        for row in spec.hidden_first:
            first.append(row)
        sheet = workbook.create_sheet(spec.name)
    else:
        sheet = first
        sheet.title = spec.name
    for row_index, row in enumerate(spec.rows, start=1):
        for column_index, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_index, column=column_index, value=value)
            if column_index - 1 in spec.formats:
                cell.number_format = spec.formats[column_index - 1]
            elif isinstance(value, datetime.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, datetime.date):
                cell.number_format = "yyyy-mm-dd"
    for cells in spec.merge:
        sheet.merge_cells(cells)
    for name, rows in spec.extra_sheets.items():
        extra = workbook.create_sheet(name)
        for row in rows:
            extra.append(row)
    workbook.save(path)
    return path


def write_xlsxwriter(path: Path, spec: SheetSpec) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    column_formats = {
        index: workbook.add_format({"num_format": text}) for index, text in spec.formats.items()
    }
    if spec.hidden_first is not None:
        hidden = workbook.add_worksheet("hidden")
        for row_index, row in enumerate(spec.hidden_first):
            hidden.write_row(row_index, 0, row)
        hidden.hide()
    sheet = workbook.add_worksheet(spec.name)
    if spec.hidden_first is not None:
        sheet.activate()
    for row_index, row in enumerate(spec.rows):
        for column_index, value in enumerate(row):
            if value is None:
                continue
            style = column_formats.get(column_index)
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(row_index, column_index, value, style or datetime_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, column_index, value, style or date_format)
            elif isinstance(value, str):
                # write_string: xlsxwriter would otherwise keep "0123" as text anyway, but be
                # explicit that text cells stay text.
                sheet.write_string(row_index, column_index, value, style)
            else:
                sheet.write(row_index, column_index, value, style)
    for cells in spec.merge:
        first, last = cells.split(":")
        (first_row, first_col), (last_row, last_col) = _cell_index(first), _cell_index(last)
        value = spec.rows[first_row][first_col] if spec.rows[first_row] else ""
        sheet.merge_range(first_row, first_col, last_row, last_col, value)
    for name, rows in spec.extra_sheets.items():
        extra = workbook.add_worksheet(name)
        for row_index, row in enumerate(rows):
            extra.write_row(row_index, 0, row)
    workbook.close()
    return path


def _cell_index(reference: str) -> tuple[int, int]:
    letters = "".join(ch for ch in reference if ch.isalpha())
    digits = "".join(ch for ch in reference if ch.isdigit())
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - 64
    return int(digits) - 1, column - 1


WRITERS: dict[str, Callable[[Path, SheetSpec], Path]] = {
    "openpyxl": write_openpyxl,
    "xlsxwriter": write_xlsxwriter,
}


def write_ods(path: Path, tables: dict[str, list[list[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet, laid out as LibreOffice lays it out."""
    body = []
    for name, rows in tables.items():
        body.append(f'<table:table table:name="{escape(name)}">')
        for row in rows:
            body.append("<table:table-row>")
            for value in row:
                body.append(_ods_cell(value))
            body.append('<table:table-cell table:number-columns-repeated="1000"/>')
            body.append("</table:table-row>")
        body.append(
            '<table:table-row table:number-rows-repeated="1048000">'
            '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        )
        body.append("</table:table>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>" + "".join(body) + "</office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype",
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(value: object) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{value.isoformat()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def soffice_convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Have LibreOffice open ``source`` and save it as ``target_format`` (skip if absent)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = out_dir / "lo-profile"
    env = dict(os.environ, HOME=str(out_dir))
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out_dir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
        env=env,
    )
    extension = target_format.split(":")[0]
    converted = out_dir / f"{source.stem}.{extension}"
    assert converted.exists(), f"LibreOffice did not write {converted}"
    return converted
