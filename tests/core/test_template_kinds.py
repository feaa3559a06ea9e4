"""Template kinds: a marketing message carries its opt-out line, which is sent and counted."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from smsdesk.core.segments import count_for_provider
from smsdesk.core.template import (
    OPT_OUT_CHINESE,
    OPT_OUT_ENGLISH,
    TemplateKind,
    default_opt_out,
    escape_literal,
    opt_out_line,
    parse_template,
    render,
    sending_source,
)


def test_only_marketing_messages_get_an_opt_out_line() -> None:
    body = "{name}您好，会员日全场八折！"
    assert sending_source(body, TemplateKind.NOTIFICATION) == body
    assert sending_source(body, TemplateKind.VERIFICATION) == body
    assert render(
        parse_template(sending_source(body, TemplateKind.MARKETING)), {"name": "张伟"}
    ) == ("张伟您好，会员日全场八折！回T退订")


def test_the_default_line_follows_the_language_of_the_written_words() -> None:
    assert default_opt_out("会员日全场八折") == OPT_OUT_CHINESE
    assert default_opt_out("Members get 20% off") == OPT_OUT_ENGLISH
    # A Chinese column name in an English message does not make it Chinese.
    assert default_opt_out("You have {积分|0} points") == OPT_OUT_ENGLISH
    assert opt_out_line(TemplateKind.MARKETING, "  ", "Sale today") == OPT_OUT_ENGLISH


def test_the_line_is_editable_and_joined_the_way_the_language_reads() -> None:
    english = sending_source("Sale today!", TemplateKind.MARKETING)
    assert english == "Sale today! Reply STOP to opt out"
    edited = sending_source("周六八折。", TemplateKind.MARKETING, "拒收请回复R")
    assert edited == "周六八折。拒收请回复R"
    on_its_own_line = sending_source("周六八折\n", TemplateKind.MARKETING)
    assert on_its_own_line == "周六八折\n回T退订"


def test_the_line_is_not_added_twice_and_braces_in_it_stay_literal() -> None:
    assert sending_source("周六八折，回T退订", TemplateKind.MARKETING) == "周六八折，回T退订"
    source = sending_source("Sale", TemplateKind.MARKETING, "Reply {STOP}")
    parsed = parse_template(source)
    assert parsed.issues == () and parsed.variables == ()
    assert render(parsed, {"STOP": "x"}) == "Sale Reply {STOP}"


def test_the_opt_out_line_is_counted_with_the_message() -> None:
    body = "会" * 60
    plain = count_for_provider(body, provider="aliyun", signature="小店", domestic=True)
    marketing = render(parse_template(sending_source(body, TemplateKind.MARKETING)), {})
    counted = count_for_provider(marketing, provider="aliyun", signature="小店", domestic=True)
    assert (plain.length, plain.segments) == (64, 1)
    assert (counted.length, counted.segments) == (68, 1)
    longer = render(parse_template(sending_source("会" * 63, TemplateKind.MARKETING)), {})
    assert (
        count_for_provider(longer, provider="aliyun", signature="小店", domestic=True).segments == 2
    )


@given(st.text(max_size=80), st.text(max_size=20))
def test_any_line_renders_verbatim_at_the_end(body: str, line: str) -> None:
    source = sending_source(escape_literal(body), TemplateKind.MARKETING, line)
    text = render(parse_template(source), {})
    assert text.startswith(body)
    assert text.rstrip().endswith(opt_out_line(TemplateKind.MARKETING, line, escape_literal(body)))
