"""Every broken file ends in one clear sentence: no traceback, no hang, no runaway memory."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from spreadsheet_writers import DATA, SheetSpec, write_ods, write_openpyxl

from smsdesk import i18n
from smsdesk.errors import UserFacingError
from smsdesk.importers import import_file, limits, preview_file, sheet_names


def good_workbook(path: Path) -> Path:
    return write_openpyxl(path, SheetSpec(rows=[["手机"], [13800138000], [13900139000]]))


def refused(path: Path, text: str, *, pattern: str | None = None) -> UserFacingError:
    """Every entry point refuses ``path`` with the same sentence (containing ``text``)."""
    match = pattern or re.escape(text)
    with pytest.raises(UserFacingError, match=match) as caught:
        import_file(path)
    with pytest.raises(UserFacingError, match=match):
        preview_file(path)
    with pytest.raises(UserFacingError, match=match):
        sheet_names(path)
    return caught.value


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "gone.xlsx", "The file gone.xlsx was not found")


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "list.xlsx"
    folder.mkdir()
    refused(folder, "list.xlsx is a folder")


@pytest.mark.parametrize("name", ["empty.xlsx", "empty.csv"])
def test_zero_bytes(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    refused(path, f"The file {name} is empty")


def test_truncated_workbook(tmp_path: Path) -> None:
    source = good_workbook(tmp_path / "full.xlsx").read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(source[: len(source) // 2])
    refused(path, "half.xlsx is damaged or incomplete")


def test_corrupted_member(tmp_path: Path) -> None:
    path = good_workbook(tmp_path / "list.xlsx")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename)
    for offset in range(start + 10, start + min(info.compress_size, 60)):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    refused(path, "list.xlsx is damaged or incomplete")


def test_password_protected_workbook() -> None:
    error = refused(DATA / "encrypted.xlsx", "encrypted.xlsx is protected by a password")
    i18n.set_language("zh_CN")
    with pytest.raises(UserFacingError, match="设置了密码保护"):
        import_file(DATA / "encrypted.xlsx")
    assert "\n" not in str(error)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
        ("random.xls", bytes(range(256)) * 40),
        ("program.csv", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)),
    ],
)
def test_binary_with_a_spreadsheet_name(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    refused(path, f"{name} is not a spreadsheet smsdesk can read")


def test_word_document_renamed(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    refused(path, "letter.xlsx is not a spreadsheet")


def test_web_page_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "export.xls"
    path.write_text(
        "<html><body><table><tr><td>手机</td></tr><tr><td>13800138000</td></tr></table>",
        encoding="utf-8",
    )
    refused(path, "export.xls is a web page")


def test_excel_2003_xml_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "<Worksheet><Table><Row><Cell><Data>13800138000</Data></Cell></Row></Table></Worksheet>"
        "</Workbook>",
        encoding="utf-8",
    )
    refused(path, "old.xls is an XML file")


def test_tab_separated_text_saved_as_xls_is_read(tmp_path: Path) -> None:
    # Web shops export "xls" files that are tab-separated text.
    path = tmp_path / "orders.xls"
    path.write_bytes("收货人\t手机\n张三\t13800138000\n".encode("gbk"))
    result = import_file(path)
    assert [(r.name, r.phone) for r in result.recipients] == [("张三", "+8613800138000")]


def test_workbooks_with_the_wrong_extension(tmp_path: Path) -> None:
    """Content decides: an .xlsx saved as .xls, a legacy .xls saved as .xlsx, a WPS .et."""
    xlsx_as_xls = tmp_path / "list.xls"
    xlsx_as_xls.write_bytes(good_workbook(tmp_path / "list.xlsx").read_bytes())
    xls_as_xlsx = tmp_path / "legacy.xlsx"
    xls_as_xlsx.write_bytes((DATA / "legacy.xls").read_bytes())
    xls_as_et = tmp_path / "legacy.et"
    xls_as_et.write_bytes((DATA / "legacy.xls").read_bytes())
    assert len(import_file(xlsx_as_xls).recipients) == 2
    assert preview_file(xlsx_as_xls).kind == "xlsx"
    for path in (xls_as_xlsx, xls_as_et):
        assert sheet_names(path) == ["会员", "空白"]
        assert len(import_file(path).recipients) == 3
        assert preview_file(path).kind == "xls"


def test_empty_sheet(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Sheet1"
    workbook.save(path)
    with pytest.raises(UserFacingError, match=re.escape('The sheet "Sheet1" is empty')):
        import_file(path)
    assert sheet_names(path) == ["Sheet1"]


def test_every_sheet_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.xlsx"
    workbook = openpyxl.Workbook()
    workbook.create_sheet("Sheet2")
    workbook.save(path)
    with pytest.raises(UserFacingError, match=re.escape("Every sheet in blank.xlsx is empty")):
        preview_file(path)


def test_no_phone_column(tmp_path: Path) -> None:
    path = write_openpyxl(tmp_path / "names.xlsx", SheetSpec(rows=[["Name"], ["Ann"], ["Bob"]]))
    with pytest.raises(UserFacingError, match="could not find a column of phone numbers"):
        import_file(path)
    assert preview_file(path).phone_column is None


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = good_workbook(tmp_path / "list.xlsx")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024)
    refused(path, "", pattern=r"list\.xlsx is \d+ MB, more than the 1 MB smsdesk can import")


def _bomb(path: Path, member_size: int) -> Path:
    """A workbook whose sheet is megabytes of spaces squeezed into a few kilobytes."""
    good = good_workbook(path.with_name("good.xlsx"))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * member_size, 1)
            target.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    return path


def test_zip_bomb_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "RATIO_CHECK_MIN_BYTES", 1024 * 1024)
    path = _bomb(tmp_path / "bomb.xlsx", 8 * 1024 * 1024)
    refused(path, "bomb.xlsx unpacks to far more data than a customer list holds")


def test_zip_bomb_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    path = _bomb(tmp_path / "bomb.xlsx", 2 * 1024 * 1024)
    refused(path, "unpacks to far more data")


def test_zip_directory_that_understates_sizes(tmp_path: Path) -> None:
    """The directory claims a small sheet; the data inflates to far more."""
    path = _bomb(tmp_path / "liar.xlsx", 4 * 1024 * 1024)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name.decode())
    struct.pack_into("<I", data, info.header_offset + 22, 2000)
    central = data.rfind(name) - 46
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 2000)
    path.write_bytes(bytes(data))
    refused(path, "liar.xlsx is damaged or incomplete")


def test_stray_cell_far_away(tmp_path: Path) -> None:
    """A value in XFD1048576 would make the reader allocate a 17-billion-cell grid."""
    path = tmp_path / "stray.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["手机"])
    workbook.active.append([13800138000])
    workbook.active["XFD1048576"] = "x"
    workbook.save(path)
    with pytest.raises(UserFacingError, match=r"spans 1048576 rows by 16384 columns"):
        import_file(path)
    assert sheet_names(path) == ["Sheet"]


def test_stray_cell_only_blocks_its_own_sheet(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "good"
    workbook.active.append(["手机"])
    workbook.active.append([13800138000])
    workbook.create_sheet("bad")["ZZ200000"] = 1
    workbook.save(path)
    assert [r.phone for r in import_file(path, sheet="good").recipients] == ["+8613800138000"]
    with pytest.raises(
        UserFacingError, match=re.escape('The sheet "bad" spans 200000 rows by 702 columns')
    ):
        import_file(path, sheet="bad")


def test_ods_with_repeated_cells(tmp_path: Path) -> None:
    """A few bytes of OpenDocument can ask for a billion cells through repeat counts."""
    path = write_ods(tmp_path / "repeat.ods", {"S": [["手机"], ["13800138000"]]})
    with zipfile.ZipFile(path) as archive:
        content = archive.read("content.xml")
    content = content.replace(
        b"</table:table>",
        b'<table:table-row table:number-rows-repeated="100000">'
        b'<table:table-cell office:value-type="string" table:number-columns-repeated="1000">'
        b"<text:p>x</text:p></table:table-cell></table:table-row></table:table>",
        1,
    )
    bomb = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            data = content if info.filename == "content.xml" else source.read(info)
            target.writestr(info, data)
    refused(bomb, "bomb.ods unpacks to far more data")


def test_refusals_do_not_kill_the_process(tmp_path: Path) -> None:
    """The guards hold in a fresh interpreter with its memory capped (the reader would abort)."""
    path = tmp_path / "stray.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "手机"
    workbook.active["XFD1048576"] = 1
    workbook.save(path)
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))\n"
        "from smsdesk.errors import UserFacingError\n"
        "from smsdesk.importers import import_file\n"
        "try:\n"
        f"    import_file({str(path)!r})\n"
        "except UserFacingError as err:\n"
        "    print('refused:', err)\n"
    )
    if sys.platform != "linux":
        pytest.skip("RLIMIT_AS is Linux-only")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("refused: The sheet")
