"""Rebuild the binary fixtures in this folder.

They come from writers the project does not depend on, so they are committed rather than built
during the tests:

* ``legacy.xls``: written by xlwt (BIFF8, the Excel 97-2003 format WPS still offers);
* ``encrypted.xlsx``: an openpyxl workbook encrypted by msoffcrypto-tool with the password
  ``secret`` (Excel's "Encrypt with password", an OLE file holding ``EncryptedPackage``).

Run with an interpreter that has xlwt, msoffcrypto-tool and openpyxl installed:
``python tests/importers/data/make_fixtures.py``.
"""

from __future__ import annotations

import datetime
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent


def make_legacy_xls() -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("会员")
    sheet.write_merge(0, 0, 0, 4, "2024 年会员名单")
    for column, title in enumerate(["姓名", "手机号码", "生日", "积分", "备注"]):
        sheet.write(2, column, title)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    sci_style = xlwt.easyxf(num_format_str="0.00E+00")
    rows = [
        ("张三", 13800138000, datetime.date(1990, 5, 1), 12, "number cell"),
        ("李四", "010-12345678", datetime.date(1985, 12, 31), 7, "landline"),
        ("王五", "+86 139 0013 9000", datetime.date(2000, 1, 2), 0, "prefix"),
        ("赵六", 13800138000, datetime.date(1999, 9, 9), 3, "duplicate"),
        None,
        ("钱七", "12345", datetime.date(1970, 1, 1), 1, "invalid"),
    ]
    for offset, row in enumerate(rows):
        if row is None:
            continue
        line = 3 + offset
        name, phone, birthday, points, note = row
        sheet.write(line, 0, name)
        if isinstance(phone, int):
            sheet.write(line, 1, float(phone), sci_style)
        else:
            sheet.write(line, 1, phone)
        sheet.write(line, 2, birthday, date_style)
        sheet.write(line, 3, points)
        sheet.write(line, 4, note)
    book.add_sheet("空白")
    book.save(str(HERE / "legacy.xls"))


def make_encrypted_xlsx() -> None:
    import openpyxl
    from msoffcrypto.format.ooxml import OOXMLFile

    workbook = openpyxl.Workbook()
    workbook.active.append(["手机"])
    workbook.active.append(["13800138000"])
    plain = io.BytesIO()
    workbook.save(plain)
    plain.seek(0)
    encrypted = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", encrypted)
    (HERE / "encrypted.xlsx").write_bytes(encrypted.getvalue())


if __name__ == "__main__":
    make_legacy_xls()
    make_encrypted_xlsx()
