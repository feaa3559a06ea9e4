"""Find the header row and tell which column holds the phone numbers and which the names.

Real lists start with a merged title ("2024 年会员名单") or a blank line or two, and name their
columns in Chinese or English, or not at all.  Header names decide first; the content of the
first rows confirms them, and stands in for them when they say nothing.  When the two do not
agree clearly the mapping is marked unsure, and the GUI asks the owner.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from smsdesk.core.phones import normalize_phone
from smsdesk.i18n import tr
from smsdesk.importers.cells import Cell, cell_text, column_letter, is_blank

# Rows searched for a header, and data rows sampled to judge the columns.
HEADER_SCAN_ROWS = 30
CONTENT_SAMPLE_ROWS = 200

# Share of a column's filled cells that must be phone numbers.
_PHONE_SHARE_WITH_HEADER = 0.5
_PHONE_SHARE_WITHOUT_HEADER = 0.8

# Phone header words by how surely the column holds mobiles (higher is surer).
_PHONE_WORDS_ZH: tuple[tuple[str, int], ...] = (
    ("手机", 3),
    ("移动电话", 3),
    ("手机号", 3),
    ("联系电话", 2),
    ("联系方式", 2),
    ("电话", 2),
    ("号码", 1),
    ("座机", 0),
    ("固话", 0),
    ("固定电话", 0),
)
_PHONE_WORDS_EN: dict[str, int] = {
    "mobile": 3,
    "mobilephone": 3,
    "mobileno": 3,
    "mobilenumber": 3,
    "cell": 3,
    "cellphone": 3,
    "handphone": 3,
    "msisdn": 3,
    "phone": 2,
    "phoneno": 2,
    "phonenumber": 2,
    "telephone": 2,
    "tel": 2,
    "contact": 1,
    "number": 1,
    "landline": 0,
}
_NOT_PHONE_WORDS = ("传真", "fax", "qq", "微信", "wechat", "邮编", "身份证", "email", "邮箱")

_NAME_WORDS_ZH: tuple[tuple[str, int], ...] = (
    ("姓名", 3),
    ("名字", 3),
    ("称呼", 3),
    ("客户名", 3),
    ("联系人", 2),
    ("收件人", 2),
    ("收货人", 2),
    ("顾客", 2),
    ("会员", 1),
    ("客户", 1),
    ("名称", 1),
)
_NAME_WORDS_EN: dict[str, int] = {
    "name": 3,
    "fullname": 3,
    "customername": 3,
    "contactname": 3,
    "firstname": 2,
    "customer": 1,
    "client": 1,
    "member": 1,
}

_SQUEEZE = re.compile(r"[\s_\-:：()（）\[\]【】/.#*]+")
_WORDS = re.compile(r"[a-z]+")
_NUMERIC_TEXT = re.compile(r"[+-]?[\d,]*\.?\d+%?")


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which columns hold the phone number and the name, by index into the column list."""

    phone_index: int | None
    name_index: int | None
    confident: bool


def find_header_row(rows: list[list[Cell]]) -> int | None:
    """Index in ``rows`` of the header row, or None when the sheet starts with data."""
    sample = rows[:HEADER_SCAN_ROWS]
    widest = max((_filled(row) for row in sample), default=0)
    # A header labels most columns; a title ("会员手机名单", "制表日期") fills one or two.
    needed = 1 if widest <= 1 else max(2, (widest + 1) // 2)
    needed_with_words = 1 if widest <= 1 else max(2, widest // 2)
    for index, row in enumerate(sample):
        if _filled(row) < needed_with_words or not _all_labels(row):
            continue
        if any(phone_tier(cell) is not None or name_tier(cell) is not None for cell in row):
            return index
    for index, row in enumerate(sample):
        if _filled(row) < needed or not _all_labels(row):
            continue
        following = next((r for r in rows[index + 1 :] if _filled(r)), None)
        if following is not None and not _all_labels(following):
            return index
    return None


def column_names(header: list[Cell] | None, width: int, first_column: int) -> list[str]:
    """Unique, readable names for ``width`` columns; unnamed ones are called by their letter."""
    names: list[str] = []
    seen: set[str] = set()
    for index in range(width):
        value = header[index] if header is not None and index < len(header) else None
        text = " ".join(cell_text(value).split())
        if not text:
            text = tr("Column {letter}", letter=column_letter(first_column + index))
        unique, counter = text, 2
        while unique in seen:
            unique = f"{text} ({counter})"
            counter += 1
        seen.add(unique)
        names.append(unique)
    return names


def guess_mapping(columns: list[str], data: list[list[Cell]], region: str) -> Mapping:
    """Pick the phone and name columns from their names, checked against the first data rows."""
    sample = data[:CONTENT_SAMPLE_ROWS]
    shares = [_phone_share(sample, index, region) for index in range(len(columns))]
    named = [
        (tier, shares[index], index)
        for index, column in enumerate(columns)
        if (tier := phone_tier(column)) is not None
    ]
    phone_index: int | None = None
    confident = False
    usable = [entry for entry in named if entry[1] >= _PHONE_SHARE_WITH_HEADER]
    if usable:
        best = max(usable, key=lambda entry: (entry[0], entry[1], -entry[2]))
        phone_index = best[2]
        rivals = [e for e in usable if e is not best and e[0] == best[0]]
        confident = best[0] > 0 and not rivals
    else:
        by_content = [
            (share, index)
            for index, share in enumerate(shares)
            if share >= _PHONE_SHARE_WITHOUT_HEADER
        ]
        if by_content:
            _, phone_index = max(by_content, key=lambda entry: (entry[0], -entry[1]))
            confident = len(by_content) == 1 and not named
        elif named:
            # Named like a phone column but holding something else: offer it, unsure.
            phone_index = max(named, key=lambda entry: (entry[0], entry[1], -entry[2]))[2]
    return Mapping(phone_index, guess_name_column(columns, phone_index), confident)


def guess_name_column(columns: list[str], phone_index: int | None) -> int | None:
    ranked = [
        (tier, -index)
        for index, column in enumerate(columns)
        if index != phone_index and (tier := name_tier(column)) is not None
    ]
    return -max(ranked)[1] if ranked else None


def phone_tier(value: object) -> int | None:
    """How surely a header names a phone column (3 mobile ... 0 landline), None if it does not."""
    words = _header_words(value)
    if words is None:
        return None
    squeezed, english = words
    if any(word in squeezed for word in _NOT_PHONE_WORDS):
        return None
    tiers = [tier for word, tier in _PHONE_WORDS_ZH if word in squeezed]
    tiers += [_PHONE_WORDS_EN[word] for word in english if word in _PHONE_WORDS_EN]
    joined = "".join(english)
    if joined in _PHONE_WORDS_EN:
        tiers.append(_PHONE_WORDS_EN[joined])
    if not tiers:
        return None
    # "手机/座机" or "mobile or landline": the surest word counts.
    return max(tiers)


def name_tier(value: object) -> int | None:
    """How surely a header names the customer's name, None if it does not."""
    if phone_tier(value) is not None:
        return None
    words = _header_words(value)
    if words is None:
        return None
    squeezed, english = words
    if any(word in squeezed for word in ("公司", "company", "单位")) and "联系人" not in squeezed:
        return None
    tiers = [tier for word, tier in _NAME_WORDS_ZH if word in squeezed]
    tiers += [_NAME_WORDS_EN[word] for word in english if word in _NAME_WORDS_EN]
    joined = "".join(english)
    if joined in _NAME_WORDS_EN:
        tiers.append(_NAME_WORDS_EN[joined])
    return max(tiers) if tiers else None


def _header_words(value: object) -> tuple[str, list[str]] | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 40:
        return None
    text = unicodedata.normalize("NFKC", value).lower()
    return _SQUEEZE.sub("", text), _WORDS.findall(text)


def _filled(row: list[Cell]) -> int:
    return sum(1 for cell in row if not is_blank(cell))


def _all_labels(row: list[Cell]) -> bool:
    """Every filled cell is text that reads as a label, not as a value."""
    for cell in row:
        if is_blank(cell):
            continue
        if not isinstance(cell, str):
            return False
        text = cell.strip()
        if _NUMERIC_TEXT.fullmatch(text) or normalize_phone(text).ok:
            return False
    return True


def _phone_share(rows: list[list[Cell]], index: int, region: str) -> float:
    filled = valid = 0
    for row in rows:
        if index >= len(row) or is_blank(row[index]):
            continue
        filled += 1
        if normalize_phone(row[index], region).ok:
            valid += 1
    return valid / filled if filled else 0.0
