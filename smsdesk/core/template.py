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

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
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


# -- the provider's approved templates ------------------------------------------------------


class ApprovalState(StrEnum):
    """Where a template or signature stands in the provider's review."""

    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


def approval_label(state: str) -> str:
    labels = {
        ApprovalState.APPROVED: tr("approved"),
        ApprovalState.PENDING: tr("under review"),
        ApprovalState.REJECTED: tr("rejected"),
        ApprovalState.CANCELLED: tr("withdrawn"),
    }
    try:
        return labels[ApprovalState(state)]
    except ValueError:
        return state


@dataclass(frozen=True)
class ProviderTemplate:
    """A template as the provider's console has it: only approved ones can be sent."""

    template_id: str
    name: str
    text: str
    """With the provider's parameters: Aliyun ``${name}``, Tencent ``{1}``."""
    state: ApprovalState
    kind: str = ""
    """A :class:`TemplateKind` value, or "" when the provider's type has no equivalent."""
    international: bool = False
    reason: str = ""
    """The reviewer's words when it was rejected."""


@dataclass(frozen=True)
class ProviderSignature:
    name: str
    state: ApprovalState
    international: bool = False
    reason: str = ""
    sign_id: str = ""
    """Tencent's numeric id; Aliyun knows signatures by name only."""


class ParamStyle(StrEnum):
    NAMED = "named"
    """Aliyun: ``${code}``, filled by name."""
    POSITIONAL = "positional"
    """Tencent: ``{1}`` .. ``{n}``, filled by the order of the values sent."""


_SLOTS = {
    ParamStyle.NAMED: re.compile(r"\$\{([^{}$]+)\}"),
    ParamStyle.POSITIONAL: re.compile(r"\{(\d+)\}"),
}


def param_style(provider: str) -> ParamStyle:
    return ParamStyle.POSITIONAL if provider == "tencent" else ParamStyle.NAMED


def approved_parameters(text: str, style: ParamStyle) -> tuple[str, ...]:
    """The parameters of an approved text, each once: names, or numbers in ascending order."""
    found = dict.fromkeys(m.group(1) for m in _SLOTS[style].finditer(text))
    if style is ParamStyle.POSITIONAL:
        return tuple(sorted(found, key=int))
    return tuple(found)


def render_approved(text: str, style: ParamStyle, params: Sequence[tuple[str, str]]) -> str:
    """The approved text filled the way the provider fills it from ``(parameter, value)`` pairs.

    A parameter without a value is left as written, which is what makes a mismatch visible.
    """
    if style is ParamStyle.POSITIONAL:
        values = [value for _name, value in params]

        def positional(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            return values[index] if 0 <= index < len(values) else match.group(0)

        return _SLOTS[style].sub(positional, text)
    named = dict(params)
    return _SLOTS[style].sub(lambda m: named.get(m.group(1), m.group(0)), text)


class LinkProblemKind(StrEnum):
    NOT_APPROVED = "not_approved"
    MISSING_PARAMETER = "missing_parameter"
    UNKNOWN_PARAMETER = "unknown_parameter"
    COUNT_MISMATCH = "count_mismatch"
    UNUSED_VARIABLE = "unused_variable"
    NOT_SENT = "not_sent"
    DEFAULT_LOST = "default_lost"
    TEXT_DIFFERS = "text_differs"


@dataclass(frozen=True)
class LinkProblem:
    kind: LinkProblemKind
    message: str


_SENTINEL_BASE = 0xF0000
"""Supplementary private-use characters stand for variables while two texts are compared."""


def check_link(
    source: str,
    approved: ProviderTemplate,
    mapping: Sequence[tuple[str, str]],
    *,
    style: ParamStyle,
    whole_message: str,
) -> tuple[LinkProblem, ...]:
    """Why the local template and ``mapping`` cannot produce ``approved``'s text, if they can't.

    ``mapping`` pairs a provider parameter with one of our variables, or with ``whole_message``
    for the whole personalised text.  Both texts are rendered with a stand-in for every
    variable, so the comparison holds for every customer, not just the one on screen.
    """
    problems: list[LinkProblem] = []
    if approved.state is not ApprovalState.APPROVED:
        problems.append(_not_approved(approved))
    parsed = parse_template(source)
    if parsed.issues:
        return tuple(problems)
    wanted = approved_parameters(approved.text, style)
    given = [name for name, _ours in mapping]
    if style is ParamStyle.POSITIONAL:
        if len(given) != len(wanted):
            problems.append(
                LinkProblem(
                    LinkProblemKind.COUNT_MISMATCH,
                    tr(
                        "The approved template has {expected} parameters; the mapping fills {given}.",
                        expected=len(wanted),
                        given=len(given),
                    ),
                )
            )
            return tuple(problems)
        slots = dict(zip(wanted, mapping, strict=True))
    else:
        by_name = dict(mapping)
        for name in wanted:
            if name not in by_name:
                problems.append(
                    LinkProblem(
                        LinkProblemKind.MISSING_PARAMETER,
                        tr(
                            "The approved template needs “{param}”, but no variable is mapped to it.",
                            param=name,
                        ),
                    )
                )
        for name in given:
            if name not in wanted:
                problems.append(
                    LinkProblem(
                        LinkProblemKind.UNKNOWN_PARAMETER,
                        tr("The approved template has no parameter “{param}”.", param=name),
                    )
                )
        if any(p.kind is LinkProblemKind.MISSING_PARAMETER for p in problems):
            return tuple(problems)
        slots = {name: (name, by_name[name]) for name in wanted}

    ours = [o for _name, o in slots.values() if o != whole_message]
    stand_in = {
        v: chr(_SENTINEL_BASE + i) for i, v in enumerate(dict.fromkeys([*parsed.variables, *ours]))
    }
    local = render(parsed, stand_in)
    filled = [(name, local if o == whole_message else stand_in[o]) for name, o in slots.values()]
    theirs = render_approved(approved.text, style, filled)
    passes_whole = any(o == whole_message for _name, o in slots.values())
    for variable in parsed.variables:
        if not passes_whole and variable not in ours:
            problems.append(
                LinkProblem(
                    LinkProblemKind.NOT_SENT,
                    tr(
                        "Your text uses {{{variable}}}, but it is not passed to the approved template.",
                        variable=variable,
                    ),
                )
            )
    for variable in dict.fromkeys(ours):
        if variable not in parsed.variables:
            problems.append(
                LinkProblem(
                    LinkProblemKind.UNUSED_VARIABLE,
                    tr(
                        "A template parameter is filled from “{variable}”, which your text does not use.",
                        variable=variable,
                    ),
                )
            )
    for placeholder in parsed.placeholders:
        if placeholder.default is not None and placeholder.name in ours:
            problems.append(
                LinkProblem(
                    LinkProblemKind.DEFAULT_LOST,
                    tr(
                        "“{written}”: the provider gets an empty value, not “{default}”, when the cell is empty.",
                        written=source[placeholder.start : placeholder.end],
                        default=placeholder.default,
                    ),
                )
            )
            break
    if theirs != local and not any(p.kind is LinkProblemKind.NOT_SENT for p in problems):
        names = {chr(_SENTINEL_BASE + i): v for i, v in enumerate(stand_in)}
        at = _first_difference(theirs, local)
        problems.append(
            LinkProblem(
                LinkProblemKind.TEXT_DIFFERS,
                tr(
                    "The approved text reads “{approved}” where yours reads “{yours}”.",
                    approved=_snippet(theirs, at, names),
                    yours=_snippet(local, at, names),
                ),
            )
        )
    return tuple(problems)


def _not_approved(approved: ProviderTemplate) -> LinkProblem:
    if approved.state is ApprovalState.REJECTED and approved.reason:
        message = tr(
            "Template {id} was rejected ({reason}); messages using it will be refused.",
            id=approved.template_id,
            reason=approved.reason,
        )
    else:
        message = tr(
            "Template {id} is {state}; messages using it will be refused until it is approved.",
            id=approved.template_id,
            state=approval_label(approved.state),
        )
    return LinkProblem(LinkProblemKind.NOT_APPROVED, message)


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def _snippet(text: str, at: int, names: Mapping[str, str], before: int = 6, after: int = 14) -> str:
    start, end = max(0, at - before), min(len(text), at + after)
    shown = "".join("{" + names[c] + "}" if c in names else c for c in text[start:end])
    return ("…" if start else "") + shown + ("…" if end < len(text) else "")
