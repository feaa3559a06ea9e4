"""SMS segment counting against the published reference cases and an independent slow model."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smsdesk.core.segments import (
    GSM_BASIC_ALPHABET,
    GSM_CHARS,
    GSM_EXTENSION_CHARS,
    PROVIDER_KINDS,
    CountRule,
    CountTally,
    CountTotals,
    Encoding,
    count_cn_domestic,
    count_for_provider,
    count_many,
    count_segments,
    count_warnings,
    domestic_signature,
    encode_gsm7,
    international_signature,
    utf16_units,
)

# The alphabet and extension table exactly as written in 3GPP 23.038 / smsutil, spelled out here
# so the module's tables are checked against a copy they do not share.
REFERENCE_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
REFERENCE_EXTENSION = "\f^{}\\[~]|€"
REFERENCE_BASIC_SET = frozenset(REFERENCE_BASIC) - {"\x1b"}
REFERENCE_GSM = REFERENCE_BASIC_SET | frozenset(REFERENCE_EXTENSION)


def reference_split(text: str) -> tuple[Encoding, int, tuple[str, ...]]:
    """A deliberately plain, character-by-character model of the GSM / UCS-2 rule."""
    if all(char in REFERENCE_GSM for char in text):
        encoding = Encoding.GSM7
        weights = [2 if char in REFERENCE_EXTENSION else 1 for char in text]
        single, part = 160, 153
    else:
        encoding = Encoding.UCS2
        weights = [2 if ord(char) > 0xFFFF else 1 for char in text]
        single, part = 70, 67
    total = sum(weights)
    if total <= single:
        return encoding, total, (text,)
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char, weight in zip(text, weights, strict=True):
        if used + weight > part:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += weight
    parts.append("".join(current))
    return encoding, total, tuple(parts)


def septets(text: str) -> int:
    return len(encode_gsm7(text))


# ---------------------------------------------------------------- alphabet


def test_alphabet_matches_the_reference_table() -> None:
    assert len(GSM_BASIC_ALPHABET) == 128
    assert GSM_BASIC_ALPHABET == REFERENCE_BASIC
    assert frozenset(REFERENCE_EXTENSION) == GSM_EXTENSION_CHARS
    assert GSM_CHARS == REFERENCE_GSM
    assert "\x1b" not in GSM_CHARS


def test_encode_gsm7_matches_smsutil() -> None:
    assert encode_gsm7("{@}") == b"\x1b\x28\x00\x1b\x29"
    assert encode_gsm7("à€") == b"\x7f\x1b\x65"
    with pytest.raises(UnicodeEncodeError):
        encode_gsm7("ちは")


def test_ucs2_units_match_smsutil_bytes() -> None:
    assert "ちは".encode("utf-16-be") == b"\x30\x61\x30\x6f"
    assert utf16_units("ちは") == 2
    assert utf16_units("😜") == 2
    assert utf16_units("a\ud800") == 2


@pytest.mark.parametrize("char", sorted(REFERENCE_BASIC_SET))
def test_every_basic_character_is_one_septet(char: str) -> None:
    result = count_segments(char)
    assert (result.encoding, result.units, result.non_gsm_chars) == (Encoding.GSM7, 1, ())


@pytest.mark.parametrize("char", list(REFERENCE_EXTENSION))
def test_every_extension_character_is_two_septets(char: str) -> None:
    result = count_segments(char * 80)
    assert (result.encoding, result.units, result.segments) == (Encoding.GSM7, 160, 1)
    assert count_segments(char * 81).segments == 2


@pytest.mark.parametrize("char", ["`", "\t", "\x00", "\x1b", "ç", "’", "“", "\u0301", "😜", "中"])
def test_characters_outside_both_tables_force_ucs2(char: str) -> None:
    result = count_segments("Hello " + char)
    assert result.encoding is Encoding.UCS2
    assert result.non_gsm_chars == (char,)


def test_non_gsm_chars_are_distinct_in_order_of_appearance() -> None:
    result = count_segments("It’s “great” 😜 ’ 😜 é")
    assert result.non_gsm_chars == ("’", "“", "”", "😜")


# ---------------------------------------------------------------- TwilioDevEd/message-segment-calculator

TWILIO_GSM_ONE = (
    "{23456789012345678901234567890123456789012345678901234567890123456789012345678901"
    "234567890123456789012345678901234567890123456789012345678901234567890123456789"
)
TWILIO_UCS2_ONE = "😜23456789012345678901234567890123456789012345678901234567890123456789"


@pytest.mark.parametrize(
    ("body", "chars", "encoding", "segments", "message_bits", "total_bits"),
    [
        (TWILIO_GSM_ONE, 159, Encoding.GSM7, 1, 1120, 1120),
        (TWILIO_GSM_ONE + "0", 160, Encoding.GSM7, 2, 1127, 1223),
        (TWILIO_UCS2_ONE, 69, Encoding.UCS2, 1, 1120, 1120),
        (TWILIO_UCS2_ONE + "0", 70, Encoding.UCS2, 2, 1136, 1232),
    ],
)
def test_twilio_calculator_cases(
    body: str, chars: int, encoding: Encoding, segments: int, message_bits: int, total_bits: int
) -> None:
    result = count_segments(body)
    assert len(body) == chars
    assert result.encoding is encoding
    assert result.segments == segments == len(result.parts)
    bits_per_unit = 7 if encoding is Encoding.GSM7 else 16
    assert result.units * bits_per_unit == message_bits
    udh_bits = 48 * segments if segments > 1 else 0
    assert result.units * bits_per_unit + udh_bits == total_bits
    assert "".join(result.parts) == body


def test_twilio_gsm_three_segments_last_holds_one_char() -> None:
    result = count_segments("1234567890" * 30 + "1234567")
    assert result.encoding is Encoding.GSM7
    assert result.segments == 3
    assert result.per_segment == 153
    assert [len(part) for part in result.parts] == [153, 153, 1]
    assert result.parts[-1] == "7"


def test_twilio_ucs2_three_segments_last_holds_one_char() -> None:
    body = "😜" + "".join(str(i % 10) for i in range(2, 135))
    assert body.endswith("01234")
    assert utf16_units(body) == 135
    result = count_segments(body)
    assert result.encoding is Encoding.UCS2
    assert (result.units, result.segments, result.per_segment) == (135, 3, 67)
    assert [utf16_units(part) for part in result.parts] == [67, 67, 1]
    assert result.parts[-1] == "4"


# ---------------------------------------------------------------- jezeniel/smsutil


def test_smsutil_one_part() -> None:
    result = count_segments("1" * 160)
    assert result.parts == ("1" * 160,)
    assert (result.units, result.per_segment) == (160, 160)


def test_smsutil_two_parts() -> None:
    text = "1" * 160 + "2" * 10
    result = count_segments(text)
    assert result.parts == (text[:153], text[153:])
    assert [septets(part) for part in result.parts] == [153, 17]


def test_smsutil_basic_and_extension() -> None:
    text = "1" * 145 + "{" * 15
    result = count_segments(text)
    assert [len(part) for part in result.parts] == [149, 11]
    assert [septets(part) for part in result.parts] == [153, 22]
    assert result.parts == (text[:149], text[149:])


def test_smsutil_escape_pair_pushed_to_next_part() -> None:
    text = "1" * 152 + "{" + "1" * 12
    result = count_segments(text)
    assert [len(part) for part in result.parts] == [152, 13]
    assert [septets(part) for part in result.parts] == [152, 14]
    assert result.parts[1].startswith("{")


def test_surrogate_pair_pushed_to_next_part() -> None:
    text = "中" * 66 + "😜" + "中" * 10
    result = count_segments(text)
    assert [utf16_units(part) for part in result.parts] == [66, 12]
    assert result.parts[1].startswith("😜")


# ---------------------------------------------------------------- Chinese mainland rule


def test_aliyun_doc_example_160_chars_is_three() -> None:
    result = count_cn_domestic("短" * 160)
    assert (result.units, result.segments, result.per_segment) == (160, 3, 67)
    assert [len(part) for part in result.parts] == [67, 67, 26]


def test_tencent_signature_counts_five_leaving_65() -> None:
    assert count_cn_domestic("", "腾讯云").units == 5
    assert count_cn_domestic("", "【腾讯云】").units == 5
    fits = count_cn_domestic("好" * 65, "腾讯云")
    assert (fits.units, fits.segments, fits.per_segment) == (70, 1, 70)
    assert fits.parts == ("【腾讯云】" + "好" * 65,)
    over = count_cn_domestic("好" * 66, "腾讯云")
    assert (over.units, over.segments) == (71, 2)


def test_domestic_counts_letters_digits_and_punctuation_as_one() -> None:
    text = "Ab1,，。!？ 中"
    assert count_cn_domestic(text).units == len(text) == 10


def test_domestic_counts_an_emoji_as_two() -> None:
    assert count_cn_domestic("好😜").units == 3
    assert count_cn_domestic("😜" * 35).segments == 1
    assert count_cn_domestic("😜" * 35 + "a").segments == 2


def test_domestic_straddling_emoji_keeps_the_formula() -> None:
    text = "中" * 66 + "😜" + "中" * 66
    result = count_cn_domestic(text)
    assert result.units == 134
    assert result.segments == 2 == math.ceil(134 / 67)
    assert "".join(result.parts) == text
    assert [utf16_units(part) for part in result.parts] == [66, 68]


def test_domestic_does_not_use_gsm_rules() -> None:
    result = count_cn_domestic("{" * 70)
    assert (result.units, result.segments, result.non_gsm_chars) == (70, 1, ())


def test_signature_bracketing() -> None:
    assert domestic_signature("  小店 ") == "【小店】"
    assert domestic_signature("【小店】") == "【小店】"
    assert domestic_signature("[Shop]") == "[Shop]"
    assert domestic_signature("") == ""
    assert international_signature("Shop") == "[Shop]"
    assert international_signature("小店") == "【小店】"
    assert international_signature("【Shop】") == "【Shop】"
    assert international_signature(" ") == ""


# ---------------------------------------------------------------- empty text


def test_empty_text_bills_as_one_segment_of_zero_units() -> None:
    result = count_segments("")
    assert (result.encoding, result.units, result.segments, result.parts) == (
        Encoding.GSM7,
        0,
        1,
        ("",),
    )
    domestic = count_cn_domestic("")
    assert (domestic.units, domestic.segments, domestic.parts) == (0, 1, ("",))


# ---------------------------------------------------------------- providers


def test_aliyun_domestic_counts_signature_and_limits_at_500() -> None:
    at_limit = count_for_provider("好" * 496, provider="aliyun", signature="小店", domestic=True)
    assert at_limit.rule is CountRule.CN_DOMESTIC
    assert (at_limit.length, at_limit.limit, at_limit.over_limit) == (500, 500, False)
    assert at_limit.segments == math.ceil(500 / 67)
    over = count_for_provider("好" * 497, provider="aliyun", signature="小店", domestic=True)
    assert (over.length, over.over_limit) == (501, True)


def test_aliyun_international_adds_signature_to_the_text() -> None:
    # "[" and "]" are extension characters, so "[Shop]" costs 8 septets.
    english = count_for_provider("x" * 152, provider="aliyun", signature="Shop", domestic=False)
    assert english.rule is CountRule.INTERNATIONAL
    assert english.split.parts == ("[Shop]" + "x" * 152,)
    assert (english.split.encoding, english.length, english.segments) == (Encoding.GSM7, 160, 1)
    longer = count_for_provider("x" * 153, provider="aliyun", signature="Shop", domestic=False)
    assert longer.segments == 2
    chinese_sig = count_for_provider("Hello", provider="aliyun", signature="小店", domestic=False)
    assert chinese_sig.split.encoding is Encoding.UCS2
    assert chinese_sig.split.non_gsm_chars == ("【", "小", "店", "】")


def test_aliyun_international_limit_counts_escape_septets() -> None:
    result = count_for_provider("{" * 246, provider="aliyun", signature="Shop", domestic=False)
    assert result.length == 8 + 2 * 246
    assert not result.over_limit
    over = count_for_provider("{" * 247, provider="aliyun", signature="Shop", domestic=False)
    assert (over.length, over.over_limit) == (502, True)


def test_tencent_domestic_and_international() -> None:
    domestic = count_for_provider("好" * 65, provider="tencent", signature="腾讯云", domestic=True)
    assert (domestic.length, domestic.segments, domestic.limit) == (70, 1, 500)
    international = count_for_provider("Hi", provider="tencent", signature="腾讯云", domestic=False)
    assert international.split.parts == ("Hi",)
    assert international.split.encoding is Encoding.GSM7


def test_sandbox_counts_like_aliyun() -> None:
    for domestic in (True, False):
        sandbox = count_for_provider("Hi 好", provider="sandbox", signature="S", domestic=domestic)
        aliyun = count_for_provider("Hi 好", provider="aliyun", signature="S", domestic=domestic)
        assert sandbox == aliyun


def test_twilio_uses_gsm_rules_without_signature_and_limits_body_at_1600() -> None:
    text = "中文" * 10
    result = count_for_provider(text, provider="Twilio", signature="Shop", domestic=True)
    assert result.rule is CountRule.INTERNATIONAL
    assert result.split.parts == (text,)
    assert result.split == count_segments(text)
    escapes = count_for_provider("{" * 1600, provider="twilio", domestic=False)
    assert (escapes.length, escapes.over_limit) == (1600, False)
    assert count_for_provider("a" * 1601, provider="twilio", domestic=False).over_limit
    emoji = count_for_provider("😜" * 800, provider="twilio", domestic=False)
    assert (emoji.length, emoji.over_limit) == (1600, False)
    assert count_for_provider("😜" * 800 + "a", provider="twilio", domestic=False).over_limit


def test_unknown_provider_is_refused() -> None:
    from smsdesk.providers import KINDS

    assert set(PROVIDER_KINDS) == set(KINDS)
    with pytest.raises(ValueError, match="nexmo"):
        count_for_provider("Hi", provider="nexmo", domestic=False)


def test_count_many_totals_and_one_tally_over_both_kinds() -> None:
    domestic = count_many(
        ["好" * 10, "好" * 100, "好" * 600], provider="aliyun", signature="小店", domestic=True
    )
    assert domestic == CountTotals(
        messages=3,
        segments=1 + math.ceil(104 / 67) + math.ceil(604 / 67),
        over_limit=1,
        forced_ucs2=0,
        max_segments=math.ceil(604 / 67),
    )
    international = count_many(["Hi", "Hi 😜", "x" * 161], provider="twilio", domestic=False)
    assert international == CountTotals(3, 1 + 1 + 2, 0, 1, 2)
    # Recipients of both kinds in one list add up in one tally, as the list survey counts them.
    tally = CountTally()
    for text in ["好" * 10, "好" * 100, "好" * 600]:
        tally.add(count_for_provider(text, provider="aliyun", signature="小店", domestic=True))
    for text in ["Hi", "Hi 😜", "x" * 161]:
        tally.add(count_for_provider(text, provider="twilio", domestic=False))
    assert tally.totals == CountTotals(6, domestic.segments + 4, 1, 1, domestic.max_segments)
    assert count_many([], provider="aliyun", domestic=True) == CountTotals()


def test_count_warnings() -> None:
    plain = count_for_provider("Hello", provider="twilio", domestic=False)
    assert count_warnings(plain) == ()
    quoted = count_for_provider("“Hi”\t😜", provider="twilio", domestic=False)
    assert count_warnings(quoted) == (
        "Sent as Unicode because of “ ” U+0009 😜: an SMS holds 70 characters instead of 160.",
    )
    long = count_for_provider("好" * 600, provider="aliyun", signature="小店", domestic=True)
    assert count_warnings(long) == (
        "The message is 604 characters long; the provider accepts at most 500.",
    )


# ---------------------------------------------------------------- properties

GSM_LIST = sorted(REFERENCE_GSM)
OTHER_CHARS = ["中", "文", "’", "“", "`", "\t", "ç", "😜", "👍", "\U0001f3fd", "𠀀", "é"]
gsm_text = st.text(alphabet=st.sampled_from(GSM_LIST), max_size=480)
escape_heavy_text = st.text(alphabet=st.sampled_from(["a", "{", "€", "1"]), max_size=480)
any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(GSM_LIST),
        st.sampled_from(OTHER_CHARS),
        st.characters(exclude_categories=["Cs"]),
    ),
    max_size=400,
)
unicode_heavy_text = st.text(alphabet=st.sampled_from(["中", "😜", "a", "{"]), max_size=300)
texts = st.one_of(gsm_text, escape_heavy_text, any_text, unicode_heavy_text)


@settings(max_examples=400)
@given(texts)
def test_matches_the_character_by_character_model(text: str) -> None:
    result = count_segments(text)
    assert (result.encoding, result.units, result.parts) == reference_split(text)
    assert result.segments == len(result.parts)


@settings(max_examples=300)
@given(texts)
def test_parts_rejoin_and_each_part_fits_on_its_own(text: str) -> None:
    result = count_segments(text)
    assert "".join(result.parts) == text
    assert result.segments >= 1
    if text:
        assert all(result.parts)
    for part in result.parts:
        if result.encoding is Encoding.GSM7:
            assert septets(part) <= result.per_segment
        else:
            encoded = part.encode("utf-16-be")
            assert len(encoded) // 2 <= result.per_segment
            assert encoded.decode("utf-16-be") == part
    limit = result.per_segment
    weigh = septets if result.encoding is Encoding.GSM7 else utf16_units
    for part, following in pairwise(result.parts):
        assert weigh(part) + weigh(following[0]) > limit


@given(gsm_text)
def test_gsm_text_never_reports_ucs2(text: str) -> None:
    result = count_segments(text)
    assert result.encoding is Encoding.GSM7
    assert result.non_gsm_chars == ()
    assert result.per_segment == (160 if result.units <= 160 else 153)


@given(texts, texts)
def test_appending_never_lowers_the_count(text: str, suffix: str) -> None:
    assert count_segments(text + suffix).segments >= count_segments(text).segments
    assert count_cn_domestic(text + suffix).segments >= count_cn_domestic(text).segments


@given(any_text)
def test_non_gsm_chars_are_exactly_the_offenders(text: str) -> None:
    result = count_segments(text)
    offenders = tuple(dict.fromkeys(char for char in text if char not in REFERENCE_GSM))
    assert result.non_gsm_chars == offenders
    assert (result.encoding is Encoding.UCS2) == bool(offenders)


@given(texts, st.sampled_from(["", "小店", "Shop", "【腾讯云】"]))
def test_domestic_rule_is_the_ceiling_formula(text: str, signature: str) -> None:
    result = count_cn_domestic(text, signature)
    counted = domestic_signature(signature) + text
    units = sum(2 if ord(char) > 0xFFFF else 1 for char in counted)
    assert result.units == units
    assert result.segments == (1 if units <= 70 else math.ceil(units / 67))
    assert result.segments == len(result.parts)
    assert "".join(result.parts) == counted
    if result.segments > 1:
        assert all(0 < utf16_units(part) <= 68 for part in result.parts)
