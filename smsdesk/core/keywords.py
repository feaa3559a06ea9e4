"""Opt-out and opt-in keywords in customers' replies.

A reply is a keyword only when it *is* the keyword: case, full-width letters (``Ｔ``), spaces
and punctuation or symbols around it do not matter (``" 退订。"``, ``"Stop!"``, ``"t"``), but a
sentence that merely contains the word is an ordinary reply (``"stop by tomorrow?"``).  Chinese
rules require that "回T退订" works; US carriers require STOP, START and their synonyms.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_OPT_OUT: tuple[str, ...] = ("T", "TD", "退订", "N", "STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
DEFAULT_OPT_IN: tuple[str, ...] = ("START", "订阅")


class KeywordKind(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"


def _trimmable(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch)[0] in "PSZC"


def normalize_keyword(text: str) -> str:
    """The form replies and keywords are compared in: NFKC (full-width to half-width),
    case-folded, without spaces, punctuation or symbols at either end."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    start, end = 0, len(folded)
    while start < end and _trimmable(folded[start]):
        start += 1
    while end > start and _trimmable(folded[end - 1]):
        end -= 1
    return folded[start:end]


def parse_keywords(text: str) -> tuple[str, ...]:
    """Keywords as the owner types them: separated by commas (also ``，`` and ``、``) or lines."""
    for sep in ("，", "、", "\n", ";", "；"):
        text = text.replace(sep, ",")
    seen: dict[str, str] = {}
    for item in text.split(","):
        word = item.strip()
        key = normalize_keyword(word)
        if key and key not in seen:
            seen[key] = word
    return tuple(seen.values())


@dataclass(frozen=True)
class KeywordMatch:
    kind: KeywordKind
    keyword: str
    """The keyword as the owner wrote it in the list."""


@dataclass(frozen=True)
class Keywords:
    """The owner's keyword lists and whether an opt-in keyword may undo an opt-out."""

    opt_out: tuple[str, ...] = DEFAULT_OPT_OUT
    opt_in: tuple[str, ...] = DEFAULT_OPT_IN
    opt_in_allowed: bool = False
    """Off: an opt-in keyword only flags the reply for the owner to decide."""

    def match(self, reply: str) -> KeywordMatch | None:
        """What ``reply`` asks for, or None for an ordinary reply.  Opt-out wins a tie."""
        said = normalize_keyword(reply)
        if not said:
            return None
        for kind, words in ((KeywordKind.OPT_OUT, self.opt_out), (KeywordKind.OPT_IN, self.opt_in)):
            for word in words:
                if normalize_keyword(word) == said:
                    return KeywordMatch(kind, word)
        return None

    def with_lists(self, opt_out: Iterable[str], opt_in: Iterable[str]) -> Keywords:
        return Keywords(tuple(opt_out), tuple(opt_in), self.opt_in_allowed)
