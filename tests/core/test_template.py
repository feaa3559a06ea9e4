from __future__ import annotations

from smsdesk.core.template import (
    IssueKind,
    check_variables,
    empty_variables,
    parse_template,
    render,
)


def test_variables_render_with_values_and_defaults() -> None:
    parsed = parse_template("{name|顾客}您好，积分{积分}。")
    assert parsed.variables == ("name", "积分")
    assert render(parsed, {"name": "张伟", "积分": "1280"}) == "张伟您好，积分1280。"
    assert render(parsed, {"name": "", "积分": "0"}) == "顾客您好，积分0。"
    assert empty_variables(parsed, {"name": ""}) == ["积分"]


def test_double_braces_are_literal() -> None:
    parsed = parse_template("{{code}} is {code}")
    assert parsed.issues == ()
    assert render(parsed, {"code": "42"}) == "{code} is 42"


def test_unbalanced_braces_are_flagged_where_they_are() -> None:
    parsed = parse_template("Hi {name, see you}}")
    assert [(i.kind, i.start) for i in parsed.issues] == [(IssueKind.UNBALANCED, 18)]
    unclosed = parse_template("Hi {name, see you")
    assert [(i.kind, i.start) for i in unclosed.issues] == [(IssueKind.UNBALANCED, 3)]
    assert render(unclosed, {"name": "x"}) == "Hi {name, see you"
    lone = parse_template("a } b")
    assert [(i.kind, i.start) for i in lone.issues] == [(IssueKind.UNBALANCED, 2)]
    nested = parse_template("{a{b}")
    assert nested.issues[0].kind == IssueKind.UNBALANCED
    assert nested.variables == ("b",)
    assert parse_template("{}").issues[0].kind == IssueKind.EMPTY_NAME


def test_unknown_variables_are_flagged_against_the_list_columns() -> None:
    parsed = parse_template("{name} {phone} {积分} {城市}")
    issues = check_variables(parsed, ["积分"])
    assert [(i.kind, parsed.source[i.start:i.end]) for i in issues] == [(IssueKind.UNKNOWN_VARIABLE, "{城市}")]
    assert "城市" in issues[0].message
