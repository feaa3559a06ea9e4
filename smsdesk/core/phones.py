"""Turn whatever a customer list holds in its phone column into an E.164 number, or a reason.

Spreadsheet cells arrive as floats (``13800138000.0``), ints, or text typed every way people
type numbers (full-width digits, spaces, dashes, brackets, ``+86``/``0086``/``86`` prefixes).
``phonenumbers`` decides what is valid; a fast path answers the overwhelmingly common case, an
11-digit Chinese mobile, with a pattern taken from the same ``phonenumbers`` metadata, so a
100,000-row import does not spend most of its time in the validator.  A property test checks
that the fast path and ``phonenumbers`` agree.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from smsdesk.i18n import tr

__all__ = [
    "PHONE_SEPARATORS",
    "PhoneResult",
    "cn_mobile_fullmatch",
    "fast_cn_mobile",
    "normalize_phone",
    "phone_cell_text",
]


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """The outcome of reading one phone cell.

    Exactly one of ``e164`` and ``reason`` is set.  ``reason`` is already translated.
    ``is_mobile`` is true when the number can receive SMS for certain (a mobile, or a number
    whose plan does not tell mobiles from landlines); a valid landline is kept but flagged.
    """

    e164: str | None
    reason: str | None = None
    is_mobile: bool = False

    @property
    def ok(self) -> bool:
        return self.e164 is not None


def _cn_mobile_pattern() -> re.Pattern[str]:
    """The mobile pattern of the Chinese numbering plan, from the ``phonenumbers`` metadata."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    mobile = metadata.mobile if metadata is not None else None
    if mobile is None or mobile.national_number_pattern is None:
        raise RuntimeError("phonenumbers has no mobile pattern for CN")
    # ASCII: "\d" must not accept full-width or other Unicode digits.
    return re.compile(mobile.national_number_pattern, re.ASCII)


_CN_MOBILE = _cn_mobile_pattern()
# The fast path's test: an 11-character string matching this is a valid Chinese mobile.
cn_mobile_fullmatch = _CN_MOBILE.fullmatch

# Characters people put between digits; removed before parsing.
PHONE_SEPARATORS = dict.fromkeys(
    map(ord, " \t-.()[]_~\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
)
# Characters that separate two numbers typed into one cell.
_LIST_SPLIT = re.compile(r"[,;、|/\\\n]+")
_PLAIN = re.compile(r"\+?\d+", re.ASCII)
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d*)?[eE][+-]?\d+")
_WHOLE_DECIMAL = re.compile(r"(\d+)\.0+")

_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})


def fast_cn_mobile(digits: str) -> str | None:
    """``+86`` + ``digits`` when ``digits`` is a valid Chinese mobile, else None (undecided).

    The pattern is the mobile pattern of ``phonenumbers``' own metadata for China, so a match
    is a number ``phonenumbers`` accepts too (a property test checks it).
    """
    if len(digits) == 11 and cn_mobile_fullmatch(digits):
        return "+86" + digits
    return None


def phone_cell_text(raw: object) -> str:
    """The text of a phone cell as the owner sees it (floats from number cells made whole)."""
    if raw is None:
        return ""
    if isinstance(raw, float):
        if math.isfinite(raw) and raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, date | time):
        return raw.isoformat()
    return str(raw).strip()


def normalize_phone(raw: object, region: str = "CN") -> PhoneResult:
    """Read one phone cell: a valid number in E.164, or a translated reason it is not one.

    ``region`` is the ISO country whose numbering plan applies to numbers written without a
    country code.
    """
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer() or raw < 0:
            return PhoneResult(None, _reason_not_a_number())
        text = str(int(raw))
    elif isinstance(raw, str):
        text = raw.strip()
    elif raw is None:
        return PhoneResult(None, _reason_empty())
    elif isinstance(raw, bool | date | time | timedelta):
        return PhoneResult(None, _reason_not_a_number())
    elif isinstance(raw, int):
        if raw < 0:
            return PhoneResult(None, _reason_not_a_number())
        text = str(raw)
    else:
        text = str(raw).strip()

    if region == "CN" and len(text) == 11:
        e164 = fast_cn_mobile(text)
        if e164 is not None:
            return PhoneResult(e164, None, True)
    return _normalize_text(text, region)


def _normalize_text(text: str, region: str) -> PhoneResult:
    if not text.isascii():
        # Full-width digits, plus sign, brackets and spaces become their ASCII forms.
        text = unicodedata.normalize("NFKC", text).strip()
    # Exports keep Excel from turning numbers into 1.38E+10 with '13800138000 or ="13800138000".
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()
    text = text.lstrip("'`").strip()
    if "." in text:
        whole = _WHOLE_DECIMAL.fullmatch(text)
        if whole:
            text = whole.group(1)
    if not text:
        return PhoneResult(None, _reason_empty())
    compact = text.translate(PHONE_SEPARATORS)
    if not _PLAIN.fullmatch(compact):
        # Not digits between separators: scientific notation, several numbers, words.
        if _SCIENTIFIC.fullmatch(text):
            return PhoneResult(None, _reason_scientific())
        parts = [p for p in _LIST_SPLIT.split(text) if sum(ch.isdigit() for ch in p) >= 5]
        if len(parts) > 1:
            return PhoneResult(None, _reason_several())
        compact = compact.replace("/", "").replace("\n", "").replace("\r", "")
        if not compact:
            return PhoneResult(None, _reason_empty())
        if not _PLAIN.fullmatch(compact):
            return PhoneResult(None, _reason_not_a_number())

    fast = _fast_path(compact, region)
    if fast is not None:
        return PhoneResult(fast, None, True)
    return _parse_with_phonenumbers(compact, region)


def _fast_path(compact: str, region: str) -> str | None:
    if compact.startswith("+86"):
        return fast_cn_mobile(compact[3:])
    if region != "CN":
        return None
    if len(compact) == 15 and compact.startswith("0086"):
        return fast_cn_mobile(compact[4:])
    if len(compact) == 13 and compact.startswith("86"):
        return fast_cn_mobile(compact[2:])
    return fast_cn_mobile(compact)


def _parse_with_phonenumbers(compact: str, region: str) -> PhoneResult:
    try:
        number = phonenumbers.parse(compact, region)
    except NumberParseException as err:
        if err.error_type == NumberParseException.INVALID_COUNTRY_CODE:
            # Without a "+", the digits only looked like a carrier or international prefix.
            if compact.startswith(("+", "00")):
                return PhoneResult(None, _reason_country())
            return PhoneResult(None, _reason_invalid())
        if err.error_type in (
            NumberParseException.TOO_SHORT_NSN,
            NumberParseException.TOO_SHORT_AFTER_IDD,
        ):
            return PhoneResult(None, _reason_too_short())
        if err.error_type == NumberParseException.TOO_LONG:
            return PhoneResult(None, _reason_too_long())
        # Only digits reach the parser, so "not a number" here means too few of them.
        return PhoneResult(None, _reason_too_short())
    if not phonenumbers.is_valid_number(number):
        possible = phonenumbers.is_possible_number_with_reason(number)
        if possible == phonenumbers.ValidationResult.TOO_SHORT:
            return PhoneResult(None, _reason_too_short())
        if possible == phonenumbers.ValidationResult.TOO_LONG:
            return PhoneResult(None, _reason_too_long())
        if possible == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
            return PhoneResult(None, _reason_country())
        return PhoneResult(None, _reason_invalid())
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return PhoneResult(e164, None, phonenumbers.number_type(number) in _MOBILE_TYPES)


@lru_cache(maxsize=256)
def is_supported_region(region: str) -> bool:
    """Whether ``region`` is an ISO country code ``phonenumbers`` knows."""
    return region in phonenumbers.SUPPORTED_REGIONS


def _reason_empty() -> str:
    return tr("No phone number")


def _reason_not_a_number() -> str:
    return tr("Not a phone number")


def _reason_scientific() -> str:
    return tr(
        "The number was saved in scientific notation (like 1.38E+10) and its last digits may be "
        "lost; format the column as text and type the number again"
    )


def _reason_several() -> str:
    return tr("More than one phone number in the cell; put one number per row")


def _reason_too_short() -> str:
    return tr("Too few digits for a phone number")


def _reason_too_long() -> str:
    return tr("Too many digits for a phone number")


def _reason_country() -> str:
    return tr("Unknown country code")


def _reason_invalid() -> str:
    return tr("Not a valid phone number")
