"""normalize_phone: every way a number reaches a spreadsheet cell, and the fast path's honesty."""

from __future__ import annotations

import datetime

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsdesk import i18n
from smsdesk.core.phones import PhoneResult, fast_cn_mobile, normalize_phone, phone_cell_text


def reference(text: str, region: str = "CN") -> str | None:
    """What phonenumbers alone says: the E.164 form of a valid number, else None."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


cn_mobile_shaped = st.builds(
    "1{}{:09d}".format, st.sampled_from("3456789"), st.integers(0, 999_999_999)
)


@settings(max_examples=3000, deadline=None)
@given(cn_mobile_shaped)
def test_fast_path_agrees_with_phonenumbers(digits: str) -> None:
    fast = fast_cn_mobile(digits)
    expected = reference(digits)
    if fast is not None:
        assert fast == expected
    assert normalize_phone(digits).e164 == expected


def test_fast_path_on_every_five_digit_prefix() -> None:
    """The Chinese plan tells mobiles apart by at most their first five digits; try them all."""
    for prefix in range(13000, 20000):
        for suffix in ("000000", "999999", "505050"):
            digits = f"{prefix}{suffix}"
            fast = fast_cn_mobile(digits)
            expected = reference(digits)
            if fast is not None:
                assert fast == expected, digits
            else:
                # Not a shortcut that misses the common case: no valid mobile is left to the
                # slow path.
                assert expected is None, digits


@settings(max_examples=1500, deadline=None)
@given(
    cn_mobile_shaped,
    st.sampled_from(["", "+86", "+86 ", "0086", "86", "86-", "(+86) "]),
    st.sampled_from(["", " ", "-", "."]),
    st.booleans(),
)
def test_decorated_numbers_agree_with_phonenumbers(
    digits: str, prefix: str, separator: str, full_width: bool
) -> None:
    body = separator.join([digits[:3], digits[3:7], digits[7:]])
    text = prefix + body
    expected = reference(text.replace("(", "").replace(")", ""))
    if full_width:
        text = text.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789+"})
    result = normalize_phone(text)
    assert result.e164 == expected
    assert (result.reason is None) == (expected is not None)


@settings(max_examples=1000, deadline=None)
@given(st.integers(min_value=13_000_000_000, max_value=19_999_999_999))
def test_number_cells_agree_with_phonenumbers(value: int) -> None:
    expected = reference(str(value))
    assert normalize_phone(float(value)).e164 == expected
    assert normalize_phone(value).e164 == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (13800138000.0, "+8613800138000"),
        (1.38e10, "+8613800000000"),
        (13800138000, "+8613800138000"),
        (8613800138000.0, "+8613800138000"),
        ("13800138000", "+8613800138000"),
        (" 138 0013 8000 ", "+8613800138000"),
        ("138-0013-8000", "+8613800138000"),
        ("138.0013.8000", "+8613800138000"),
        ("138 0013\n8000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("＋８６ １３８ ００１３ ８０００", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+86(138)00138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("13800138000.0", "+8613800138000"),
        ("'13800138000", "+8613800138000"),
        ('="13800138000"', "+8613800138000"),
        ("\t13800138000", "+8613800138000"),
        ("010-12345678", "+861012345678"),
        ("(010)12345678", "+861012345678"),
        ("（０１０）１２３４５６７８", "+861012345678"),
        ("0755-12345678", "+8675512345678"),
        (1012345678.0, "+861012345678"),
        ("+1 650 253 0000", "+16502530000"),
        ("+44 7911 123456", "+447911123456"),
        ("+852 6123 4567", "+85261234567"),
    ],
)
def test_valid(raw: object, expected: str) -> None:
    result = normalize_phone(raw)
    assert result == PhoneResult(expected, None, result.is_mobile)
    assert result.ok


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (None, "No phone number"),
        ("", "No phone number"),
        ("   ", "No phone number"),
        ("-", "No phone number"),
        ("abc", "Not a phone number"),
        ("13800138000 张三", "Not a phone number"),
        (13800.5, "Not a phone number"),
        (float("nan"), "Not a phone number"),
        (-13800138000, "Not a phone number"),
        (True, "Not a phone number"),
        (datetime.date(2024, 5, 1), "Not a phone number"),
        ("12345", "Not a valid phone number"),
        ("23800138000", "Not a valid phone number"),
        ("17965008748", "Not a valid phone number"),
        ("1", "Too few digits for a phone number"),
        ("+86 1", "Too few digits for a phone number"),
        ("+1 650 253 0000 0000 0000", "Too many digits for a phone number"),
        ("+999 1234 5678", "Unknown country code"),
        ("1.38001E+10", normalize_phone("1.38E+10").reason),
        (
            "13800138000/13900139000",
            "More than one phone number in the cell; put one number per row",
        ),
        (
            "13800138000\n13900139000",
            "More than one phone number in the cell; put one number per row",
        ),
        (
            "13800138000、13900139000",
            "More than one phone number in the cell; put one number per row",
        ),
    ],
)
def test_invalid(raw: object, reason: str | None) -> None:
    result = normalize_phone(raw)
    assert result.e164 is None
    assert result.reason == reason
    assert not result.ok


def test_mixed_width_digits_become_ascii() -> None:
    assert normalize_phone("1３８００１３８０００").e164 == "+8613800138000"
    assert fast_cn_mobile("1３８００１３８０００") is None


def test_scientific_text_is_refused_with_advice() -> None:
    reason = normalize_phone("1.38001E+10").reason
    assert reason is not None and "scientific notation" in reason


def test_mobile_flag() -> None:
    assert normalize_phone("13800138000").is_mobile is True
    assert normalize_phone("010-12345678").is_mobile is False
    assert normalize_phone("+44 7911 123456").is_mobile is True


def test_other_region() -> None:
    assert normalize_phone("(650) 253-0000", region="US").e164 == "+16502530000"
    assert normalize_phone("+86 138 0013 8000", region="US").e164 == "+8613800138000"
    # Without a country code the region's plan applies: this is not a US number.
    assert normalize_phone("13800138000", region="US").e164 is None


def test_reasons_are_translated() -> None:
    i18n.set_language("zh_CN")
    assert normalize_phone("").reason == "没有手机号码"
    assert normalize_phone("12345").reason == "号码无效"


def test_phone_cell_text() -> None:
    assert phone_cell_text(13800138000.0) == "13800138000"
    assert phone_cell_text(1.5) == "1.5"
    assert phone_cell_text(None) == ""
    assert phone_cell_text(" 010-1234 ") == "010-1234"
    assert phone_cell_text(datetime.date(2024, 5, 1)) == "2024-05-01"
