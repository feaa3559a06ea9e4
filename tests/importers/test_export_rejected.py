"""Rejected rows saved to a workbook the owner can fix and import again."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from smsdesk import i18n
from smsdesk.errors import UserFacingError
from smsdesk.importers import export_rejected, import_file


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "messy.csv"
    path.write_text(
        "姓名,手机,备注\n"
        "Ann,13800138000,ok\n"
        'Bob,12345,=HYPERLINK("http://x")\n'
        "Cy,13800138000,dup\n"
        "Di,,no phone\n"
        "Ed,0086 139 0013 9000,opted\n",
        encoding="utf-8",
    )
    return path


def test_export_and_reimport(messy: Path, tmp_path: Path) -> None:
    result = import_file(messy, opt_outs={"+8613900139000"})
    assert len(result.rejected) == 4
    out = tmp_path / "rejected.xlsx"
    export_rejected(result, out)

    workbook = openpyxl.load_workbook(out)
    sheet = workbook.active
    assert sheet.title == "Rejected rows"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Row in original file", "姓名", "手机", "备注", "Reason"]
    assert rows[1] == [3, "Bob", "12345", '=HYPERLINK("http://x")', "Not a valid phone number"]
    assert sheet["D2"].data_type == "s"  # stays text, never becomes a formula
    assert rows[2] == [4, "Cy", "13800138000", "dup", "Duplicate of row 2"]
    assert rows[3] == [5, "Di", None, "no phone", "No phone number"]
    assert rows[4] == [6, "Ed", "0086 139 0013 9000", "opted", "On the opt-out list"]
    assert sheet["C3"].number_format == "@"

    # The owner fixes Bob's number and imports the file again.
    sheet["C2"] = "13700137000"
    workbook.save(out)
    again = import_file(out)
    assert again.phone_column == "手机"
    assert [(r.phone, r.name) for r in again.recipients] == [
        ("+8613700137000", "Bob"),
        ("+8613800138000", "Cy"),
        ("+8613900139000", "Ed"),
    ]


def test_export_in_chinese(messy: Path, tmp_path: Path) -> None:
    result = import_file(messy)
    i18n.set_language("zh_CN")
    out = tmp_path / "未导入.xlsx"
    export_rejected(result, out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet.title == "未导入的行"
    assert sheet["A1"].value == "原文件行号"


def test_export_to_an_unwritable_place(messy: Path, tmp_path: Path) -> None:
    result = import_file(messy)
    with pytest.raises(UserFacingError, match=r"could not save rejected\.xlsx"):
        export_rejected(result, tmp_path / "missing-folder" / "rejected.xlsx")
