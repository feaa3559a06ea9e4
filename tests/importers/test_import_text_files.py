"""CSV as Chinese Excel, WPS and web shops save it: GBK, UTF-8 with or without BOM, UTF-16."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from smsdesk.errors import UserFacingError
from smsdesk.importers import import_file, preview_file, sheet_names

ROWS = [
    ["姓名", "联系电话", "城市", "生日"],
    ["张三", "13800138000", "北京", "1990-05-01"],
    ["李四", "010-12345678", "上海", "1985/12/31"],
    ["王五", "１３９００１３９０００", "广州", ""],
]


def write_text(path: Path, rows: list[list[str]], encoding: str, delimiter: str = ",") -> Path:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def check_rows(path: Path, expected_encoding: str, encoding: str | None = None) -> None:
    preview = preview_file(path, encoding=encoding)
    assert preview.encoding == expected_encoding
    assert preview.kind == "csv"
    assert preview.header_row == 1
    assert preview.columns == ROWS[0]
    assert preview.phone_column == "联系电话"
    assert preview.name_column == "姓名"
    assert preview.confident is True
    assert preview.rows[0] == ROWS[1]
    result = import_file(path, encoding=encoding)
    assert [(r.row_no, r.phone, r.name) for r in result.recipients] == [
        (2, "+8613800138000", "张三"),
        (3, "+861012345678", "李四"),
        (4, "+8613900139000", "王五"),
    ]
    assert result.recipients[1].fields == {"姓名": "李四", "城市": "上海", "生日": "1985/12/31"}
    assert result.encoding == expected_encoding
    assert result.sheet == path.stem


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_encodings_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    check_rows(write_text(tmp_path / "list.csv", ROWS, encoding), detected)


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    # Excel's "Unicode Text (*.txt)": UTF-16 with a BOM, tab separated.
    path = tmp_path / "list.txt"
    text = "\r\n".join("\t".join(row) for row in ROWS)
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    check_rows(path, "utf-16")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters_sniffed(tmp_path: Path, delimiter: str) -> None:
    check_rows(write_text(tmp_path / "list.csv", ROWS, "utf-8", delimiter), "utf-8")


def test_excel_sep_line(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("sep=;\n姓名;手机\n张三;13800138000\n", encoding="utf-8")
    result = import_file(path)
    assert result.header_row == 2
    assert [(r.row_no, r.phone) for r in result.recipients] == [(3, "+8613800138000")]


def test_quoted_fields_and_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text(
        '姓名,手机,备注\n"Zhang, San",13800138000,"line one\nline two"\nLi,13900139000\n\n',
        encoding="utf-8",
    )
    result = import_file(path)
    assert [(r.row_no, r.name, r.fields["备注"]) for r in result.recipients] == [
        (2, "Zhang, San", "line one\nline two"),
        (3, "Li", ""),
    ]
    assert result.blank_rows == 1
    assert result.rows_read == 3


def test_rows_longer_than_the_header_get_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("手机,姓名\n13800138000,Ann\n13900139000,Bob,VIP\n", encoding="utf-8")
    result = import_file(path)
    assert result.columns == ["手机", "姓名", "Column C"]
    assert [r.fields for r in result.recipients] == [
        {"姓名": "Ann", "Column C": ""},
        {"姓名": "Bob", "Column C": "VIP"},
    ]


def test_scientific_notation_saved_by_excel_is_refused(tmp_path: Path) -> None:
    # Excel saves a long number in a General column as 1.38001E+10: the digits are gone.
    path = write_text(tmp_path / "list.csv", [["手机"], ["1.38001E+10"], ["13800138000"]], "utf-8")
    result = import_file(path)
    assert [r.row_no for r in result.recipients] == [3]
    assert result.rejected[0].row_no == 2
    assert "scientific notation" in result.rejected[0].reason


def test_encoding_override(tmp_path: Path) -> None:
    path = write_text(tmp_path / "list.csv", ROWS, "gbk")
    check_rows(path, "gb18030", encoding="gbk")
    with pytest.raises(UserFacingError, match="not valid UTF-8 text"):
        preview_file(path, encoding="utf-8")
    with pytest.raises(UserFacingError, match='Unknown text encoding "klingon"'):
        import_file(path, encoding="klingon")


def test_big5_by_override(tmp_path: Path) -> None:
    path = write_text(tmp_path / "list.csv", [["姓名", "電話"], ["陳大文", "13800138000"]], "big5")
    result = import_file(path, encoding="big5")
    assert result.columns == ["姓名", "電話"]
    assert [(r.phone, r.name) for r in result.recipients] == [("+8613800138000", "陳大文")]


def test_undecodable_text_asks_for_an_encoding(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    # Valid as neither UTF-8 nor GB18030 (0x80 and 0xFF are not GB18030 lead bytes).
    path.write_bytes("手机\n13800138000\n".encode() + b"\x80\xff\x80\xff\n")
    with pytest.raises(UserFacingError, match="could not tell the text encoding"):
        import_file(path)


def test_sheet_names_of_text_file(tmp_path: Path) -> None:
    path = write_text(tmp_path / "客户.csv", ROWS, "utf-8")
    assert sheet_names(path) == ["客户"]


def test_header_only_file_imports_nothing(tmp_path: Path) -> None:
    path = write_text(tmp_path / "list.csv", [["姓名", "手机"]], "utf-8")
    result = import_file(path)
    assert result.recipients == []
    assert result.rows_read == 0


def test_single_column_without_header(tmp_path: Path) -> None:
    path = tmp_path / "numbers.txt"
    path.write_text("13800138000\n13900139000\n13800138000\n", encoding="utf-8")
    preview = preview_file(path)
    assert preview.header_row == 0
    assert preview.confident is True
    result = import_file(path)
    assert [r.phone for r in result.recipients] == ["+8613800138000", "+8613900139000"]
    assert result.duplicates == 1
    assert result.rejected[0].reason == "Duplicate of row 1"
