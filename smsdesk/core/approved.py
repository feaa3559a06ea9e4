"""The provider's approved templates: their review state, their parameters, and whether a local
template can produce an approved text.

Aliyun and Tencent Cloud send only texts they approved, filled from parameters: Aliyun by name
(``${code}``), Tencent by position (``{1}``). :func:`check_link` says, in words, what stops a local
template and a parameter mapping from producing the approved text for every customer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from smsdesk.core.template import parse_template, render
from smsdesk.i18n import tr


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
