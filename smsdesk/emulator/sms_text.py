"""Numbers and message lengths as the emulated services judge them."""

from __future__ import annotations

import math
import re

import phonenumbers

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("\f^{}\\[~]|€")
_TEMPLATE_VARIABLE = re.compile(r"\$\{(\w+)\}")
_TENCENT_VARIABLE = re.compile(r"\{(\d+)\}")


def e164(raw: str, *, bare_is_mainland: bool = True) -> str | None:
    """The number in E.164 when it is a valid one, else None.

    Chinese services accept ``+86``, ``0086``, ``86`` and bare 11-digit mainland numbers; other
    countries come as country code and number, with or without ``+``.
    """
    text = raw.strip()
    if not text:
        return None
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit():
        return None
    if digits.startswith("00"):
        digits = digits[2:]
    elif bare_is_mainland and not text.startswith("+") and len(digits) == 11 and digits[0] == "1":
        digits = "86" + digits
    try:
        parsed = phonenumbers.parse("+" + digits, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_mainland(number: str) -> bool:
    return number.startswith("+86")


def mainland_billed_parts(text: str) -> int:
    """Chinese domestic billing: 70 characters for one SMS, 67 per part beyond."""
    length = len(text)
    return 1 if length <= 70 else math.ceil(length / 67)


def gsm_segments(text: str) -> int:
    """Segments under GSM 03.38 (160/153 septets, escapes never split) or UCS-2 (70/67)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        sizes = [2 if ch in GSM_EXTENSION else 1 for ch in text]
        single, part = 160, 153
    else:
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part = 70, 67
    if sum(sizes) <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts += 1
            used = 0
        used += size
    return parts


def render_aliyun(template: str, params: dict[str, str]) -> tuple[str, list[str]]:
    """The template with ``${name}`` filled, and the names it lacked."""
    missing = [n for n in _TEMPLATE_VARIABLE.findall(template) if n not in params]
    return _TEMPLATE_VARIABLE.sub(lambda m: params.get(m.group(1), ""), template), missing


def tencent_variable_count(template: str) -> int:
    return len(set(_TENCENT_VARIABLE.findall(template)))


def render_tencent(template: str, values: list[str]) -> str:
    def fill(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        return values[index] if 0 <= index < len(values) else match.group(0)

    return _TENCENT_VARIABLE.sub(fill, template)
