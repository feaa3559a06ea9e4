"""How the emulator counts segments and reads numbers."""

from __future__ import annotations

import pytest

from smsdesk.emulator.sms_text import (
    e164,
    gsm_segments,
    mainland_billed_parts,
    render_aliyun,
    render_tencent,
    tencent_variable_count,
)

CYCLE = "1234567890" * 20
DIGITS = CYCLE[1:159]
"""``2345…456789``: 158 digits, the body of the TwilioDevEd one-segment GSM vector."""


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("{" + DIGITS, 1),
        ("{" + DIGITS + "0", 2),
        ("😜" + CYCLE[1:69], 1),
        ("😜" + CYCLE[1:70], 2),
        ("1234567890" * 30 + "1234567", 3),
        ("😜" + CYCLE[1:134], 3),
        ("1" * 160, 1),
        ("1" * 160 + "2" * 10, 2),
        ("1" * 145 + "{" * 15, 2),
        ("1" * 152 + "{" + "1" * 12, 2),
        ("", 1),
    ],
)
def test_segment_vectors(text: str, segments: int) -> None:
    assert gsm_segments(text) == segments


def test_the_segment_vector_strings_have_the_documented_sizes() -> None:
    assert len("{" + DIGITS) == 159 and DIGITS.endswith("456789")
    assert (
        "😜" + CYCLE[1:69]
        == "😜23456789012345678901234567890123456789012345678901234567890123456789"
    )
    assert len(("😜" + CYCLE[1:134]).encode("utf-16-le")) // 2 == 135


@pytest.mark.parametrize(("length", "parts"), [(70, 1), (71, 2), (134, 2), (135, 3), (160, 3)])
def test_mainland_billing(length: int, parts: int) -> None:
    assert mainland_billed_parts("字" * length) == parts


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("008613800138000", "+8613800138000"),
        ("8613800138000", "+8613800138000"),
        ("85291234567", "+85291234567"),
        ("+447911123456", "+447911123456"),
        ("12345", None),
        ("1380013800a", None),
        ("", None),
    ],
)
def test_numbers(raw: str, expected: str | None) -> None:
    assert e164(raw) == expected


def test_templates() -> None:
    assert render_aliyun("您好${name}，验证码${code}", {"name": "张", "code": "1"}) == (
        "您好张，验证码1",
        [],
    )
    assert render_aliyun("${a}${b}", {"a": "x"}) == ("x", ["b"])
    assert tencent_variable_count("{1}与{2}及{1}") == 2
    assert render_tencent("{1}与{2}", ["甲", "乙"]) == "甲与乙"
