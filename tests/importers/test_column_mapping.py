"""Header row detection and the phone/name column guess, on rows as the readers return them."""

from __future__ import annotations

import datetime

import pytest

from smsdesk.importers.cells import Cell
from smsdesk.importers.headers import (
    column_names,
    find_header_row,
    guess_mapping,
    name_tier,
    phone_tier,
)


@pytest.mark.parametrize(
    "header",
    [
        "手机",
        "手机号",
        "手机号码",
        "电话",
        "联系电话",
        "联系方式",
        "移动电话",
        "Mobile",
        "mobile phone",
        "Phone",
        "Phone Number",
        "TEL.",
        "Tel",
        "Cell",
        "cellphone",
        "手机 (必填)",
        "客户手机号",
        "＿手机＿",
    ],
)
def test_phone_headers(header: str) -> None:
    assert phone_tier(header) is not None


@pytest.mark.parametrize(
    "header",
    [
        "姓名",
        "传真",
        "Fax",
        "QQ",
        "微信号",
        "Email",
        "Hotel",
        "Excellent",
        "城市",
        "",
        "13800138000",
        "Telegram",
    ],
)
def test_not_phone_headers(header: str) -> None:
    assert phone_tier(header) is None


def test_mobile_words_rank_above_landline_words() -> None:
    assert phone_tier("手机") > phone_tier("电话") > phone_tier("座机")  # type: ignore[operator]
    assert phone_tier("Mobile") > phone_tier("Phone")  # type: ignore[operator]


@pytest.mark.parametrize(
    "header",
    ["姓名", "名字", "客户名称", "称呼", "联系人", "Name", "Customer", "Full name", "收货人"],
)
def test_name_headers(header: str) -> None:
    assert name_tier(header) is not None


@pytest.mark.parametrize("header", ["客户电话", "公司名称", "城市", "Phone", "Company"])
def test_not_name_headers(header: str) -> None:
    assert name_tier(header) is None


def test_header_under_title_and_blank_rows() -> None:
    rows: list[list[Cell]] = [
        ["会员名单（含手机）", "", ""],
        ["", "", ""],
        ["导出时间", datetime.datetime(2024, 5, 1, 9, 0), ""],
        ["会员", "手机", "等级"],
        ["Ann", 13800138000.0, "金卡"],
    ]
    assert find_header_row(rows) == 3


def test_two_cell_title_naming_phones_is_not_the_header() -> None:
    rows: list[list[Cell]] = [
        ["会员手机名单", "", "", "制表人：王", "", ""],
        ["姓名", "手机", "城市", "生日", "积分", "备注"],
        ["Ann", "13800138000", "北京", "1990-01-01", "1", ""],
    ]
    assert find_header_row(rows) == 1


def test_header_without_known_words() -> None:
    rows: list[list[Cell]] = [["甲", "乙"], ["张三", "13800138000"]]
    assert find_header_row(rows) == 0


def test_no_header() -> None:
    rows: list[list[Cell]] = [["张三", "13800138000"], ["李四", 13900139000.0]]
    assert find_header_row(rows) is None
    assert find_header_row([]) is None


def test_column_names_unique_and_lettered() -> None:
    assert column_names(["手机", None, "手机", " 备\n注 "], 5, 2) == [
        "手机",
        "Column D",
        "手机 (2)",
        "备 注",
        "Column G",
    ]


def data(*rows: list[Cell]) -> list[list[Cell]]:
    return list(rows)


def test_named_column_confirmed_by_content() -> None:
    mapping = guess_mapping(
        ["姓名", "电话", "座机"],
        data(["Ann", "13800138000", "010-12345678"], ["Bob", "13900139000", "010-87654321"]),
        "CN",
    )
    assert (mapping.phone_index, mapping.name_index, mapping.confident) == (1, 0, True)


def test_mobile_column_preferred_over_phone_column() -> None:
    mapping = guess_mapping(
        ["电话", "手机"],
        data(["010-12345678", "13800138000"], ["010-87654321", "13900139000"]),
        "CN",
    )
    assert (mapping.phone_index, mapping.confident) == (1, True)


def test_named_column_with_wrong_content_is_unsure() -> None:
    mapping = guess_mapping(
        ["手机", "备注"], data(["见备注", "13800138000"], ["无", "13900139000"]), "CN"
    )
    assert (mapping.phone_index, mapping.confident) == (1, False)


def test_two_unnamed_phone_columns_are_unsure() -> None:
    mapping = guess_mapping(
        ["A", "B"], data(["13800138000", "13700137000"], ["13900139000", "13600136000"]), "CN"
    )
    assert mapping.phone_index == 0
    assert mapping.confident is False


def test_two_columns_named_alike_are_unsure() -> None:
    mapping = guess_mapping(
        ["手机1", "手机2"], data(["13800138000", "13700137000"], ["13900139000", ""]), "CN"
    )
    assert mapping.phone_index == 0
    assert mapping.confident is False


def test_nothing_like_a_phone() -> None:
    mapping = guess_mapping(["Name", "City"], data(["Ann", "Paris"]), "CN")
    assert mapping.phone_index is None
    assert mapping.confident is False


def test_content_decides_for_a_region() -> None:
    mapping = guess_mapping(
        ["who", "number"], data(["Ann", "(650) 253-0000"], ["Bob", "650-253-0001"]), "US"
    )
    assert (mapping.phone_index, mapping.name_index) == (1, None)
