"""A local template linked to the provider's approved one: can the mapping produce its text?"""

from __future__ import annotations

from smsdesk.core.approved import (
    ApprovalState,
    LinkProblemKind,
    ParamStyle,
    ProviderTemplate,
    approved_parameters,
    check_link,
    render_approved,
)

WHOLE = "_text"
PICKUP_ALIYUN = ProviderTemplate(
    "SMS_900002",
    "取货通知",
    "${name}，您的订单已到店，请凭取货码${code}领取。",
    ApprovalState.APPROVED,
)
PICKUP_TENCENT = ProviderTemplate(
    "900003", "取货通知", "{1}，您的订单已到店，请凭取货码{2}领取。", ApprovalState.APPROVED
)
ANY_TEXT = ProviderTemplate("SMS_900001", "Any", "${content}", ApprovalState.APPROVED)
LOCAL = "{name}，您的订单已到店，请凭取货码{取货码}领取。"


def kinds(problems: tuple[object, ...]) -> list[LinkProblemKind]:
    return [p.kind for p in problems]  # type: ignore[attr-defined]


def test_parameters_are_read_in_each_providers_style() -> None:
    assert approved_parameters(PICKUP_ALIYUN.text, ParamStyle.NAMED) == ("name", "code")
    assert approved_parameters("{2}: {1} {1}", ParamStyle.POSITIONAL) == ("1", "2")
    assert render_approved(
        PICKUP_TENCENT.text, ParamStyle.POSITIONAL, [("a", "张伟"), ("b", "8831")]
    ) == ("张伟，您的订单已到店，请凭取货码8831领取。")
    # A parameter nobody fills stays visible as written.
    assert render_approved("${a}-${b}", ParamStyle.NAMED, [("a", "1")]) == "1-${b}"


def test_a_matching_text_and_mapping_have_no_problem() -> None:
    mapping = [("name", "name"), ("code", "取货码")]
    assert (
        check_link(LOCAL, PICKUP_ALIYUN, mapping, style=ParamStyle.NAMED, whole_message=WHOLE) == ()
    )
    positional = [("1", "name"), ("2", "取货码")]
    assert (
        check_link(
            LOCAL, PICKUP_TENCENT, positional, style=ParamStyle.POSITIONAL, whole_message=WHOLE
        )
        == ()
    )


def test_a_whole_message_template_accepts_any_text() -> None:
    problems = check_link(
        "{name}随便写什么都行{x|y}",
        ANY_TEXT,
        [("content", WHOLE)],
        style=ParamStyle.NAMED,
        whole_message=WHOLE,
    )
    assert problems == ()


def test_different_wording_is_shown_where_it_differs() -> None:
    mapping = [("name", "name"), ("code", "取货码")]
    changed = LOCAL.replace("已到店", "到了")
    problems = check_link(
        changed, PICKUP_ALIYUN, mapping, style=ParamStyle.NAMED, whole_message=WHOLE
    )
    assert kinds(problems) == [LinkProblemKind.TEXT_DIFFERS]
    assert "已到店" in problems[0].message and "到了" in problems[0].message
    assert "{name}" in problems[0].message  # variables are shown by name, not as stand-ins


def test_a_parameter_without_a_variable_and_an_unknown_one_are_named() -> None:
    problems = check_link(
        LOCAL,
        PICKUP_ALIYUN,
        [("name", "name"), ("pickup", "取货码")],
        style=ParamStyle.NAMED,
        whole_message=WHOLE,
    )
    assert kinds(problems) == [LinkProblemKind.MISSING_PARAMETER, LinkProblemKind.UNKNOWN_PARAMETER]
    assert "code" in problems[0].message and "pickup" in problems[1].message


def test_tencent_needs_exactly_as_many_values_as_the_template_has_parameters() -> None:
    problems = check_link(
        LOCAL, PICKUP_TENCENT, [("1", "name")], style=ParamStyle.POSITIONAL, whole_message=WHOLE
    )
    assert kinds(problems) == [LinkProblemKind.COUNT_MISMATCH]
    # Positions, not names, decide: swapped values produce a different text.
    swapped = check_link(
        LOCAL,
        PICKUP_TENCENT,
        [("1", "取货码"), ("2", "name")],
        style=ParamStyle.POSITIONAL,
        whole_message=WHOLE,
    )
    assert kinds(swapped) == [LinkProblemKind.TEXT_DIFFERS]


def test_a_variable_the_provider_never_receives_is_reported() -> None:
    local = "{name}，您的订单已到店，请凭取货码{取货码}领取。{积分}"
    problems = check_link(
        local,
        ProviderTemplate("T", "", "${name}", ApprovalState.APPROVED),
        [("name", "name")],
        style=ParamStyle.NAMED,
        whole_message=WHOLE,
    )
    assert LinkProblemKind.NOT_SENT in kinds(problems)
    assert any("{积分}" in p.message for p in problems)


def test_a_default_is_lost_when_the_variable_is_passed_on_its_own() -> None:
    local = "{name|顾客}，您的订单已到店，请凭取货码{取货码}领取。"
    problems = check_link(
        local,
        PICKUP_ALIYUN,
        [("name", "name"), ("code", "取货码")],
        style=ParamStyle.NAMED,
        whole_message=WHOLE,
    )
    assert kinds(problems) == [LinkProblemKind.DEFAULT_LOST]
    assert "顾客" in problems[0].message
    # Through the whole message the default is applied before sending: nothing is lost.
    assert (
        check_link(
            local, ANY_TEXT, [("content", WHOLE)], style=ParamStyle.NAMED, whole_message=WHOLE
        )
        == ()
    )


def test_a_template_not_yet_approved_is_reported_with_the_reviewers_reason() -> None:
    pending = ProviderTemplate("SMS_3", "x", "${content}", ApprovalState.PENDING)
    rejected = ProviderTemplate(
        "SMS_4", "x", "${content}", ApprovalState.REJECTED, reason="营销短信须带退订方式"
    )
    mapping = [("content", WHOLE)]
    assert kinds(
        check_link("hi", pending, mapping, style=ParamStyle.NAMED, whole_message=WHOLE)
    ) == [LinkProblemKind.NOT_APPROVED]
    problems = check_link("hi", rejected, mapping, style=ParamStyle.NAMED, whole_message=WHOLE)
    assert kinds(problems) == [LinkProblemKind.NOT_APPROVED] and "退订" in problems[0].message
