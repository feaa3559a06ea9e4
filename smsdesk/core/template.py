"""Message templates: ``{variable}`` placeholders with optional defaults.

Syntax, chosen to read naturally for a shop owner:

* ``{name}`` or ``{姓名}`` — any column of the chosen list, plus the built-ins ``name`` and
  ``phone``;
* ``{name|顾客}`` — the text after ``|`` is used when the customer's cell is empty;
* ``{{`` and ``}}`` — literal braces.

Parsing never raises: problems come back as :class:`TemplateIssue` values with their position so
the editor can underline them while the owner types.

A template has a kind.  Marketing messages must tell the customer how to stop them, so a
marketing template carries an opt-out line (``回T退订`` / ``Reply STOP to opt out``, editable)
that is appended to every message sent and counted with it: :func:`sending_source` gives the
template source of what actually goes out.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from smsdesk.i18n import tr

BUILTIN_VARIABLES = ("name", "phone")


class TemplateKind(StrEnum):
    """What a message is for; carriers and providers treat the three differently."""

    VERIFICATION = "verification"
    NOTIFICATION = "notification"
    MARKETING = "marketing"


OPT_OUT_CHINESE = "回T退订"
OPT_OUT_ENGLISH = "Reply STOP to opt out"


class Placeholder(NamedTuple):
    name: str
    default: str | None
    start: int
    end: int


class IssueKind(StrEnum):
    UNBALANCED = "unbalanced"
    EMPTY_NAME = "empty_name"
    UNKNOWN_VARIABLE = "unknown_variable"


class TemplateIssue(NamedTuple):
    kind: IssueKind
    start: int
    end: int
    message: str


class ParsedTemplate(NamedTuple):
    source: str
    pieces: tuple[str | Placeholder, ...]
    issues: tuple[TemplateIssue, ...]

    @property
    def placeholders(self) -> tuple[Placeholder, ...]:
        return tuple(p for p in self.pieces if isinstance(p, Placeholder))

    @property
    def variables(self) -> tuple[str, ...]:
        """Variable names in order of first use, without repeats."""
        return tuple(dict.fromkeys(p.name for p in self.placeholders))


def parse_template(source: str) -> ParsedTemplate:
    pieces: list[str | Placeholder] = []
    issues: list[TemplateIssue] = []
    literal: list[str] = []
    i, n = 0, len(source)
    while i < n:
        ch = source[i]
        if ch == "{" and source.startswith("{{", i):
            literal.append("{")
            i += 2
        elif ch == "}" and source.startswith("}}", i):
            literal.append("}")
            i += 2
        elif ch == "{":
            close = source.find("}", i + 1)
            reopen = source.find("{", i + 1)
            if close == -1 or (reopen != -1 and reopen < close):
                issues.append(
                    TemplateIssue(
                        IssueKind.UNBALANCED, i, i + 1, tr("This “{” is never closed with “}”.")
                    )
                )
                literal.append(ch)
                i += 1
                continue
            inner = source[i + 1 : close]
            name, sep, default = inner.partition("|")
            name = name.strip()
            if not name:
                issues.append(
                    TemplateIssue(
                        IssueKind.EMPTY_NAME,
                        i,
                        close + 1,
                        tr("A variable needs a name between the braces."),
                    )
                )
            if literal:
                pieces.append("".join(literal))
                literal = []
            pieces.append(Placeholder(name, default if sep else None, i, close + 1))
            i = close + 1
        elif ch == "}":
            issues.append(
                TemplateIssue(IssueKind.UNBALANCED, i, i + 1, tr("This “}” has no matching “{”."))
            )
            literal.append(ch)
            i += 1
        else:
            literal.append(ch)
            i += 1
    if literal:
        pieces.append("".join(literal))
    return ParsedTemplate(source, tuple(pieces), tuple(issues))


def check_variables(parsed: ParsedTemplate, columns: Iterable[str]) -> list[TemplateIssue]:
    """Issues of the template plus every variable the list does not have."""
    known = set(columns) | set(BUILTIN_VARIABLES)
    issues = list(parsed.issues)
    for p in parsed.placeholders:
        if p.name and p.name not in known:
            issues.append(
                TemplateIssue(
                    IssueKind.UNKNOWN_VARIABLE,
                    p.start,
                    p.end,
                    tr("The list has no column “{name}”.", name=p.name),
                )
            )
    return sorted(issues, key=lambda issue: issue.start)


def render(parsed: ParsedTemplate, values: Mapping[str, str]) -> str:
    """The text one customer receives; empty cells take the placeholder's default."""
    out: list[str] = []
    for piece in parsed.pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            value = values.get(piece.name, "")
            if not value and piece.default is not None:
                value = piece.default
            out.append(value)
    return "".join(out)


def empty_variables(parsed: ParsedTemplate, values: Mapping[str, str]) -> list[str]:
    """Variables that render empty for this customer (no value and no default)."""
    return [p.name for p in parsed.placeholders if not values.get(p.name) and p.default is None]


def escape_literal(text: str) -> str:
    """``text`` as template source that renders to exactly ``text`` (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def default_opt_out(body: str) -> str:
    """``回T退订`` for a message written in Chinese, the English line for any other.

    Only the written words count: ``{积分}`` in an English message is a column name.
    """
    words = (p for p in parse_template(body).pieces if isinstance(p, str))
    return (
        OPT_OUT_CHINESE if any(_is_wide(c) for piece in words for c in piece) else OPT_OUT_ENGLISH
    )


def opt_out_line(kind: str, opt_out: str, body: str) -> str:
    """The line a template of ``kind`` appends: marketing only; blank means the default."""
    if kind != TemplateKind.MARKETING:
        return ""
    return opt_out.strip() or default_opt_out(body)


def sending_source(body: str, kind: str = TemplateKind.NOTIFICATION, opt_out: str = "") -> str:
    """The template source of what is sent: ``body``, plus the opt-out line for marketing.

    The line is joined with a space, or nothing between two Chinese characters, and is not added
    twice when the body already ends with it.
    """
    line = opt_out_line(kind, opt_out, body)
    stripped = body.rstrip()
    if not line or stripped.endswith(line):
        return body
    if not stripped or body != stripped or (_is_wide(stripped[-1]) and _is_wide(line[0])):
        joiner = ""
    else:
        joiner = " "
    return body + joiner + escape_literal(line)
