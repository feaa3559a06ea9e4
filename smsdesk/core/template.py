"""Message templates: ``{variable}`` placeholders with optional defaults.

Syntax, chosen to read naturally for a shop owner:

* ``{name}`` or ``{姓名}`` — any column of the chosen list, plus the built-ins ``name`` and
  ``phone``;
* ``{name|顾客}`` — the text after ``|`` is used when the customer's cell is empty;
* ``{{`` and ``}}`` — literal braces.

Parsing never raises: problems come back as :class:`TemplateIssue` values with their position so
the editor can underline them while the owner types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from smsdesk.i18n import tr

BUILTIN_VARIABLES = ("name", "phone")


@dataclass(frozen=True)
class Placeholder:
    name: str
    default: str | None
    start: int
    end: int


class IssueKind(StrEnum):
    UNBALANCED = "unbalanced"
    EMPTY_NAME = "empty_name"
    UNKNOWN_VARIABLE = "unknown_variable"


@dataclass(frozen=True)
class TemplateIssue:
    kind: IssueKind
    start: int
    end: int
    message: str


@dataclass(frozen=True)
class ParsedTemplate:
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
