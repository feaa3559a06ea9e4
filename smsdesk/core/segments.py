"""How many SMS a message costs, counted the way the carriers bill it.

Two rules exist.  International SMS, and every Twilio message, follow GSM 03.38: text that fits
the GSM alphabet travels as 7-bit septets, 160 to an SMS or 153 to each part of a long message
(the concatenation header takes the other 7); one character outside the alphabet sends the whole
message as UCS-2, 70 UTF-16 units to an SMS or 67 to a part.  Chinese mainland carriers bill
Aliyun and Tencent domestic messages by characters instead: the bracketed signature plus the
content, up to 70 in one SMS, otherwise ``ceil(n / 67)``.

The GUI recounts on every keystroke and over whole recipient lists, so the common cases stay in
C: GSM text goes through a charmap codec, UTF-16 length comes from the UTF-16 codec, and the text
is only walked character by character when an escape pair or a surrogate pair could straddle a
part boundary.

An empty message counts as one segment of zero units: a carrier that accepts it bills it as one.
"""

from __future__ import annotations

import codecs
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import lru_cache
from itertools import accumulate, filterfalse, pairwise
from typing import NamedTuple

from smsdesk.i18n import tr

GSM_BASIC_ALPHABET = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""The 128 code points of the GSM 03.38 default alphabet, in code order; 0x1B is the escape."""

GSM_EXTENSION_CODES: dict[str, int] = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}
"""Characters reached through the escape: each is sent as ESC + code, two septets."""

_ESC = "\x1b"
GSM_BASIC_CHARS = frozenset(GSM_BASIC_ALPHABET) - {_ESC}
GSM_EXTENSION_CHARS = frozenset(GSM_EXTENSION_CODES)
GSM_CHARS = GSM_BASIC_CHARS | GSM_EXTENSION_CHARS

GSM_SINGLE = 160
GSM_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67
CN_SINGLE = 70
CN_PART = 67

# Counting codec: byte 0 stands for NUL (not GSM; CPython only builds its fast EncodingMap when
# byte 0 decodes to NUL), bytes 1-127 for the basic characters, 128-137 for the extension ones,
# and U+FFFE marks the unused bytes.  An extension character therefore shows as a byte >= 128.
_COUNT_TABLE = "".join(
    [
        "\x00",
        GSM_BASIC_ALPHABET.replace(_ESC, ""),
        "".join(GSM_EXTENSION_CODES),
    ]
).ljust(256, "\ufffe")
_COUNT_MAP = codecs.charmap_build(_COUNT_TABLE)
_BASIC_BYTES = bytes(range(128))
_SEPTET_WEIGHTS = bytes([1] * 128 + [2] * 128)

_ENCODE_MAP: dict[int, bytes] = {
    ord(char): bytes([code]) for code, char in enumerate(GSM_BASIC_ALPHABET) if char != _ESC
}
_ENCODE_MAP.update({ord(char): bytes([0x1B, code]) for char, code in GSM_EXTENSION_CODES.items()})

_is_gsm = GSM_CHARS.__contains__


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


class CountRule(StrEnum):
    """Which billing rule produced a count."""

    INTERNATIONAL = "international"
    """GSM 03.38 / UCS-2 segments: international numbers and Twilio."""
    CN_DOMESTIC = "cn-domestic"
    """Chinese mainland characters, signature included: domestic Aliyun and Tencent."""


class SegmentCount(NamedTuple):
    """How one message splits into billed SMS."""

    encoding: Encoding
    units: int
    """Septets for GSM-7, UTF-16 code units for UCS-2, billed characters for the domestic rule."""
    segments: int
    parts: tuple[str, ...]
    """The text of each SMS; they join back to the counted text (signature included if counted)."""
    per_segment: int
    """The capacity that applied: 160 or 153 septets, 70 or 67 units."""
    non_gsm_chars: tuple[str, ...] = ()
    """Distinct characters, in order of appearance, that forced UCS-2 under the GSM rule."""


class MessageCount(NamedTuple):
    """A count under the rule a provider applies to one recipient, checked against its maximum."""

    split: SegmentCount
    """How the message splits into SMS under ``rule``."""
    rule: CountRule
    length: int
    """The message's length as the provider measures it for ``limit``."""
    limit: int

    @property
    def over_limit(self) -> bool:
        return self.length > self.limit

    @property
    def segments(self) -> int:
        return self.split.segments


class CountTotals(NamedTuple):
    """Sums over many messages (see :class:`CountTally`)."""

    messages: int = 0
    segments: int = 0
    over_limit: int = 0
    """How many messages exceed the provider's maximum length."""
    forced_ucs2: int = 0
    """How many messages the GSM rule sends as UCS-2 because of some character."""
    max_segments: int = 0


def utf16_units(text: str) -> int:
    """UTF-16 code units: 1 per BMP character, 2 per astral one (an emoji); lone surrogates 1."""
    # The codec function itself: no look-up by name on each call (a message is counted on every
    # keystroke and for every customer of a list).
    return len(codecs.utf_16_le_encode(text, "surrogatepass")[0]) >> 1


def encode_gsm7(text: str) -> bytes:
    """One unpacked septet per byte, extension characters as ESC + code.

    Raises :class:`UnicodeEncodeError` for a character outside the GSM alphabet.
    """
    return codecs.charmap_encode(text, "strict", _ENCODE_MAP)[0]


def count_segments(text: str) -> SegmentCount:
    """Segments under the GSM 03.38 / UCS-2 rule used for international SMS."""
    try:
        packed = codecs.charmap_encode(text, "strict", _COUNT_MAP)[0]
    except UnicodeEncodeError:
        return _count_ucs2(text)
    if b"\x00" in packed:
        return _count_ucs2(text)
    septets = len(packed) + len(packed.translate(None, _BASIC_BYTES))
    if septets <= GSM_SINGLE:
        return SegmentCount(Encoding.GSM7, septets, 1, (text,), GSM_SINGLE)
    if septets == len(packed):
        parts = _slices(text, GSM_PART)
    else:
        parts = _greedy_parts(text, accumulate(packed.translate(_SEPTET_WEIGHTS)), GSM_PART)
    return SegmentCount(Encoding.GSM7, septets, len(parts), parts, GSM_PART)


def _count_ucs2(text: str) -> SegmentCount:
    units = utf16_units(text)
    non_gsm = tuple(filterfalse(_is_gsm, dict.fromkeys(text)))
    if units <= UCS2_SINGLE:
        return SegmentCount(Encoding.UCS2, units, 1, (text,), UCS2_SINGLE, non_gsm)
    if units == len(text):
        parts = _slices(text, UCS2_PART)
    else:
        parts = _greedy_parts(text, accumulate(_unit_weights(text)), UCS2_PART)
    return SegmentCount(Encoding.UCS2, units, len(parts), parts, UCS2_PART, non_gsm)


def count_cn_domestic(text: str, signature: str = "") -> SegmentCount:
    """Billed SMS for a Chinese mainland number: ``【signature】`` plus content, by characters.

    Every character counts 1 except one outside the BMP (an emoji), which counts 2.  The
    handset shows one message; ``parts`` only shows where the 67-character billing units
    fall, and one of them may hold 68 when an emoji straddles a boundary, because the rule
    bills ``ceil(n / 67)`` whatever the characters are.  The encoding is reported as UCS-2,
    which is how the carriers deliver Chinese text.
    """
    full = domestic_signature(signature) + text
    units = utf16_units(full)
    if units <= CN_SINGLE:
        return SegmentCount(Encoding.UCS2, units, 1, (full,), CN_SINGLE)
    if units == len(full):
        parts = _slices(full, CN_PART)
    else:
        cumulative = list(accumulate(_unit_weights(full)))
        segments = -(-units // CN_PART)
        cuts = [0, *(bisect_right(cumulative, CN_PART * k) for k in range(1, segments)), len(full)]
        parts = tuple(full[a:b] for a, b in pairwise(cuts))
    return SegmentCount(Encoding.UCS2, units, len(parts), parts, CN_PART)


@lru_cache(maxsize=64)
def domestic_signature(signature: str) -> str:
    """The signature as Chinese carriers show it: wrapped in 【】 unless already bracketed."""
    name = signature.strip()
    if not name or _is_bracketed(name):
        return name
    return f"【{name}】"


@lru_cache(maxsize=64)
def international_signature(signature: str) -> str:
    """Aliyun's international signature: ``[name]`` for an ASCII name, otherwise ``【name】``."""
    name = signature.strip()
    if not name or _is_bracketed(name):
        return name
    return f"[{name}]" if name.isascii() else f"【{name}】"


def _is_bracketed(name: str) -> bool:
    return len(name) >= 2 and (name[0], name[-1]) in (("【", "】"), ("[", "]"))


class _ProviderRules(NamedTuple):
    limit: int
    domestic_rule: bool
    """Chinese mainland numbers are billed by characters, signature included."""
    international_signature: bool
    """The provider adds the signature to the text of international messages."""
    limit_by_units: bool
    """The limit counts the billed units (with signature); otherwise UTF-16 units of the body."""


# Sandbox sends nowhere; it counts like Aliyun so that a rehearsal shows realistic figures.
_PROVIDERS: dict[str, _ProviderRules] = {
    "aliyun": _ProviderRules(500, True, True, True),
    "tencent": _ProviderRules(500, True, False, True),
    "sandbox": _ProviderRules(500, True, True, True),
    "twilio": _ProviderRules(1600, False, False, False),
    # Smaller gateways are mostly Chinese and bill like the big two; the text is sent as is.
    "generic_http": _ProviderRules(500, True, False, True),
}
PROVIDER_KINDS = tuple(_PROVIDERS)


def _rules(provider: str) -> _ProviderRules:
    rules = _PROVIDERS.get(provider.lower())
    if rules is None:
        raise ValueError(f"unknown provider kind {provider!r}; expected one of {PROVIDER_KINDS}")
    return rules


def count_for_provider(
    text: str, *, provider: str, signature: str = "", domestic: bool
) -> MessageCount:
    """Count ``text`` the way ``provider`` bills a recipient, and check its maximum length.

    ``domestic`` means a Chinese mainland number.  Aliyun, Tencent and the sandbox bill those by
    the domestic character rule, signature included.  International numbers, and any number on
    Twilio, use GSM/UCS-2 segments; Aliyun adds its ``[name]`` / ``【name】`` signature in front
    of international text, Tencent and Twilio send the text alone.  Aliyun and Tencent allow
    500 billed characters including the signature; Twilio allows a body of 1600 characters,
    counted here in UTF-16 units so that an emoji-heavy body is flagged before Twilio refuses it.
    """
    rules = _rules(provider)
    if domestic and rules.domestic_rule:
        count = count_cn_domestic(text, signature)
        return MessageCount(count, CountRule.CN_DOMESTIC, count.units, rules.limit)
    if rules.international_signature:
        text = international_signature(signature) + text
    count = count_segments(text)
    length = count.units if rules.limit_by_units else utf16_units(text)
    return MessageCount(count, CountRule.INTERNATIONAL, length, rules.limit)


def shown_text(text: str, *, provider: str, signature: str = "", domestic: bool) -> str:
    """The message as the recipient's phone shows it: the signature where the provider puts it.

    This is the text :func:`count_for_provider` counts (minus nothing, plus nothing), so a
    preview built from it can never disagree with the counts beside it.
    """
    rules = _rules(provider)
    if domestic and rules.domestic_rule:
        return domestic_signature(signature) + text
    if rules.international_signature:
        return international_signature(signature) + text
    return text


class CountTally:
    """Running totals over messages counted one by one; :attr:`totals` sums what was added.

    The editor, the dry run and :func:`count_many` all add up through this one class, so the
    figures they show cannot drift apart.
    """

    __slots__ = ("forced_ucs2", "max_segments", "messages", "over_limit", "segments")

    def __init__(self) -> None:
        self.messages = self.segments = self.over_limit = self.forced_ucs2 = self.max_segments = 0

    def add(self, result: MessageCount) -> None:
        count = result.split
        self.messages += 1
        self.segments += count.segments
        if count.segments > self.max_segments:
            self.max_segments = count.segments
        if result.over_limit:
            self.over_limit += 1
        if count.non_gsm_chars:
            self.forced_ucs2 += 1

    @property
    def totals(self) -> CountTotals:
        return CountTotals(
            self.messages, self.segments, self.over_limit, self.forced_ucs2, self.max_segments
        )


def count_many(
    texts: Iterable[str], *, provider: str, signature: str = "", domestic: bool
) -> CountTotals:
    """Totals for many messages sent to recipients of one kind (domestic or international)."""
    tally = CountTally()
    for text in texts:
        tally.add(count_for_provider(text, provider=provider, signature=signature, domestic=domestic))
    return tally.totals


def count_warnings(result: MessageCount) -> tuple[str, ...]:
    """Sentences for the owner about a count: over the provider's limit, forced to Unicode."""
    warnings: list[str] = []
    if result.over_limit:
        warnings.append(
            tr(
                "The message is {length} characters long; the provider accepts at most {limit}.",
                length=result.length,
                limit=result.limit,
            )
        )
    if result.split.non_gsm_chars:
        chars = " ".join(_show_char(char) for char in result.split.non_gsm_chars)
        warnings.append(
            tr(
                "Sent as Unicode because of {chars}: an SMS holds 70 characters instead of 160.",
                chars=chars,
            )
        )
    return tuple(warnings)


def _show_char(char: str) -> str:
    """The character itself, or its code point when it would be invisible on screen."""
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"


def _slices(text: str, size: int) -> tuple[str, ...]:
    return tuple(text[i : i + size] for i in range(0, len(text), size))


def _unit_weights(text: str) -> Iterator[int]:
    return (2 if char > "\uffff" else 1 for char in text)


def _greedy_parts(text: str, weights_so_far: Iterable[int], capacity: int) -> tuple[str, ...]:
    """Fill each part with as many whole characters as fit; ``weights_so_far`` is cumulative."""
    cumulative = list(weights_so_far)
    parts: list[str] = []
    start = used = 0
    while start < len(text):
        end = bisect_right(cumulative, used + capacity, lo=start)
        parts.append(text[start:end])
        used = cumulative[end - 1]
        start = end
    return tuple(parts)
