"""Writes resources/sample_customers.xlsx, the list a new user sends their first message to.

Phone numbers are stored as Excel numbers on purpose, as most real lists have them; one customer
(13800138019) is a number the Sandbox reports as undelivered, so the first send shows a failure
and its reason too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

ROWS = [
    ("张伟", 13800138000, "金卡", 1280, dt.date(1985, 3, 12)),
    ("李娜", 13912345678, "银卡", 460, dt.date(1990, 7, 1)),
    ("Emily Chen", 13698765432, "金卡", 2210, dt.date(1988, 11, 23)),
    ("王芳", 15800001111, "普通", 90, dt.date(1979, 1, 30)),
    ("刘洋", 18612345678, "银卡", 730, dt.date(1995, 5, 5)),
    ("David Wong", 13700001234, "普通", 150, dt.date(1982, 9, 17)),
    ("陈静", 15912340000, "金卡", 3120, dt.date(1991, 12, 8)),
    ("赵磊", 18800002222, "普通", 60, dt.date(1987, 4, 21)),
    ("孙丽", 13512345678, "银卡", 505, dt.date(1993, 2, 14)),
    ("Michael Zhang", 17712345678, "普通", 0, dt.date(1980, 6, 30)),
    ("周杰", 15012345678, "金卡", 1890, dt.date(1989, 8, 9)),
    ("吴敏", 13800138019, "普通", 35, dt.date(1996, 10, 2)),
]


def main() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "客户"
    ws.append(["姓名", "手机号", "会员等级", "积分", "生日"])
    for name, phone, level, points, birthday in ROWS:
        ws.append([name, phone, level, points, birthday])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].number_format = "yyyy-mm-dd"
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["E"].width = 12
    out = Path(__file__).resolve().parent.parent / "resources" / "sample_customers.xlsx"
    wb.save(out)
    print(out)


if __name__ == "__main__":
    main()
