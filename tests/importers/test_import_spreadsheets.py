"""Importing workbooks as Excel, WPS, openpyxl, xlsxwriter and LibreOffice write them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from spreadsheet_writers import DATA, SheetSpec, soffice_convert, write_ods, write_openpyxl

from smsdesk.importers import ImportResult, import_file, preview_file, sheet_names

SCIENTIFIC = "0.00E+00"

# The list a shop really has: a merged title, a blank line, the header on row 3, phone numbers
# typed every way people type them, dates and whole numbers in other columns.
PITFALLS = SheetSpec(
    name="会员",
    merge=["A1:F1"],
    formats={1: SCIENTIFIC},
    rows=[
        ["2024 年会员名单", None, None, None, None, None],
        [],
        ["姓名", "手机号码", "生日", "积分", "余额", "最近到店"],
        [
            "张三",
            13800138000,
            datetime.date(1990, 5, 1),
            12,
            12.5,
            datetime.datetime(2024, 5, 1, 14, 30),
        ],
        [
            "李四",
            "010-12345678",
            datetime.date(1985, 12, 31),
            7,
            0.1,
            datetime.datetime(2024, 5, 1),
        ],
        ["王五", "１３９００１３９０００", datetime.date(2000, 1, 2), 0, 3, None],
        ["赵六", "+86 137 0013 7000", None, 100000, -2.25, None],
        ["孙七", "008613600136000", None, None, None, None],
        ["周八", "86 135-0013-5000", None, None, None, None],
        [],
        ["吴九", 13800138000, None, None, None, None],
        ["郑十", "+8613800138000", None, None, None, None],
        ["冯一", "13912345678", None, None, None, None],
        ["陈二", "12345", None, None, None, None],
        ["褚三", None, datetime.date(2001, 2, 3), None, None, None],
        ["卫四", 1.3812345678e10, None, None, None, None],
        ["蒋五", "13711112222", None, None, None, "late"],
    ],
)
OPT_OUTS = frozenset({"+8613912345678"})


def _by_row(result: ImportResult) -> dict[int, str]:
    return {r.row_no: r.phone for r in result.recipients}


def _reasons(result: ImportResult) -> dict[int, tuple[str, str]]:
    return {r.row_no: (r.raw_value, r.reason) for r in result.rejected}


def check_pitfalls(result: ImportResult) -> None:
    assert result.sheet == "会员"
    assert result.header_row == 3
    assert result.columns == ["姓名", "手机号码", "生日", "积分", "余额", "最近到店"]
    assert result.phone_column == "手机号码"
    assert result.name_column == "姓名"
    assert _by_row(result) == {
        4: "+8613800138000",
        5: "+861012345678",
        6: "+8613900139000",
        7: "+8613700137000",
        8: "+8613600136000",
        9: "+8613500135000",
        16: "+8613812345678",
        17: "+8613711112222",
    }
    reasons = _reasons(result)
    assert reasons[11] == ("13800138000", "Duplicate of row 4")
    assert reasons[12] == ("+8613800138000", "Duplicate of row 4")
    assert reasons[13] == ("13912345678", "On the opt-out list")
    assert reasons[14] == ("12345", "Not a valid phone number")
    assert reasons[15] == ("", "No phone number")
    assert set(reasons) == {11, 12, 13, 14, 15}
    assert result.duplicates == 2
    assert result.opted_out == 1
    assert result.invalid == 2
    assert result.blank_rows == 1
    assert result.rows_read == 14
    assert result.rows_read == len(result.recipients) + len(result.rejected) + result.blank_rows

    first = result.recipients[0]
    assert first.name == "张三"
    assert first.fields == {
        "姓名": "张三",
        "生日": "1990-05-01",
        "积分": "12",
        "余额": "12.5",
        "最近到店": "2024-05-01 14:30",
    }
    second = result.recipients[1]
    assert second.is_mobile is False  # a Beijing landline, kept with its leading zero
    assert second.fields["最近到店"] == "2024-05-01"
    assert second.fields["余额"] == "0.1"
    fourth = result.recipients[3]
    assert fourth.fields["积分"] == "100000"
    assert fourth.fields["余额"] == "-2.25"
    assert fourth.fields["生日"] == ""
    assert result.rejected[-1].fields["生日"] == "2001-02-03"


def test_pitfalls_from_each_writer(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    check_pitfalls(import_file(write_xlsx(PITFALLS), opt_outs=OPT_OUTS))


def test_preview_finds_header_under_merged_title(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    preview = preview_file(write_xlsx(PITFALLS), max_rows=3)
    assert preview.sheet == "会员"
    assert preview.sheets == ["会员"]
    assert preview.header_row == 3
    assert preview.phone_column == "手机号码"
    assert preview.name_column == "姓名"
    assert preview.confident is True
    assert preview.encoding is None
    assert preview.kind == "xlsx"
    assert preview.rows == [
        ["张三", "13800138000", "1990-05-01", "12", "12.5", "2024-05-01 14:30"],
        ["李四", "010-12345678", "1985-12-31", "7", "0.1", "2024-05-01"],
        ["王五", "１３９００１３９０００", "2000-01-02", "0", "3", ""],
    ]


def test_libreoffice_written_workbooks(tmp_path: Path) -> None:
    source = write_openpyxl(tmp_path / "source.xlsx", PITFALLS)
    for target in ("xlsx:Calc MS Excel 2007 XML", "ods", "xls:MS Excel 97"):
        out_dir = tmp_path / target.split(":")[0]
        out_dir.mkdir()
        converted = soffice_convert(source, target, out_dir)
        check_pitfalls(import_file(converted, opt_outs=OPT_OUTS))


def test_legacy_xls_from_xlwt() -> None:
    path = DATA / "legacy.xls"
    assert sheet_names(path) == ["会员", "空白"]
    result = import_file(path)
    assert result.header_row == 3
    assert _by_row(result) == {4: "+8613800138000", 5: "+861012345678", 6: "+8613900139000"}
    assert _reasons(result) == {
        7: ("13800138000", "Duplicate of row 4"),
        9: ("12345", "Not a valid phone number"),
    }
    assert result.blank_rows == 1
    assert result.recipients[0].fields == {
        "姓名": "张三",
        "生日": "1990-05-01",
        "积分": "12",
        "备注": "number cell",
    }
    with pytest.raises(Exception, match='The sheet "空白" is empty'):
        import_file(path, sheet="空白")


def test_ods(tmp_path: Path) -> None:
    path = write_ods(
        tmp_path / "list.ods",
        {
            "Sheet1": [
                ["Name", "Mobile", "Joined"],
                ["Ann", 13800138000, datetime.date(2024, 1, 31)],
                ["Bob", "+44 7911 123456", None],
            ]
        },
    )
    result = import_file(path)
    assert result.columns == ["Name", "Mobile", "Joined"]
    assert [(r.row_no, r.phone, r.name) for r in result.recipients] == [
        (2, "+8613800138000", "Ann"),
        (3, "+447911123456", "Bob"),
    ]
    assert result.recipients[0].fields["Joined"] == "2024-01-31"
    assert preview_file(path).kind == "ods"


def test_sheet_choice(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    spec = SheetSpec(
        name="list",
        rows=[["phone"], ["13800138000"]],
        hidden_first=[["手机"], ["13900139000"]],
        extra_sheets={"second": [["tel", "name"], ["13700137000", "Ann"]], "empty": []},
    )
    path = write_xlsx(spec)
    assert sheet_names(path) == ["hidden", "list", "second", "empty"]
    # The hidden sheet is skipped when no sheet is named.
    assert [r.phone for r in import_file(path).recipients] == ["+8613800138000"]
    second = import_file(path, sheet="second")
    assert second.sheet == "second"
    assert [(r.phone, r.name) for r in second.recipients] == [("+8613700137000", "Ann")]
    assert preview_file(path, sheet="hidden").phone_column == "手机"
    with pytest.raises(Exception, match='has no sheet named "missing"'):
        import_file(path, sheet="missing")
    with pytest.raises(Exception, match='The sheet "empty" is empty'):
        preview_file(path, sheet="empty")


def test_data_starting_away_from_a1(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    spec = SheetSpec(rows=[[], [], [None, None, "客户", "电话"], [None, None, "Ann", 13800138000]])
    result = import_file(write_xlsx(spec))
    assert result.header_row == 3
    assert result.columns == ["客户", "电话"]
    assert [(r.row_no, r.phone, r.name) for r in result.recipients] == [
        (4, "+8613800138000", "Ann")
    ]


def test_sheet_without_header(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    spec = SheetSpec(rows=[[13800138000, "Ann"], [13900139000, "Bob"], ["13700137000", "Cy"]])
    path = write_xlsx(spec)
    preview = preview_file(path)
    assert preview.header_row == 0
    assert preview.columns == ["Column A", "Column B"]
    assert preview.phone_column == "Column A"
    assert preview.confident is True
    result = import_file(path)
    assert [r.row_no for r in result.recipients] == [1, 2, 3]
    assert result.recipients[0].fields == {"Column B": "Ann"}
    assert result.name_column is None


def test_explicit_columns_and_header_row(write_xlsx: Callable[[SheetSpec], Path]) -> None:
    spec = SheetSpec(
        rows=[
            ["编号", "甲", "乙"],
            ["1", "13800138000", "13900139000"],
            ["2", "13700137000", "13600136000"],
        ]
    )
    path = write_xlsx(spec)
    preview = preview_file(path)
    assert preview.confident is False  # two columns of phones, neither named
    result = import_file(path, phone_column="乙", name_column="甲")
    assert [(r.phone, r.name) for r in result.recipients] == [
        ("+8613900139000", "13800138000"),
        ("+8613600136000", "13700137000"),
    ]
    headerless = import_file(path, phone_column="Column B", header_row=0)
    assert headerless.rows_read == 3
    assert [r.reason for r in headerless.rejected] == ["Not a phone number"]
    with pytest.raises(Exception, match='no column named "手机"'):
        import_file(path, phone_column="手机")
    with pytest.raises(Exception, match="Row 9 is not in the sheet"):
        import_file(path, header_row=9)
