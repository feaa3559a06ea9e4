"""Opt-out and opt-in keywords: what counts as saying the word, and what does not."""

from __future__ import annotations

import pytest

from smsdesk.core.keywords import (
    DEFAULT_OPT_IN,
    DEFAULT_OPT_OUT,
    KeywordKind,
    Keywords,
    normalize_keyword,
    parse_keywords,
)


@pytest.mark.parametrize(
    ("reply", "keyword"),
    [
        ("T", "T"), ("t", "T"), ("Ｔ", "T"), (" 退订。", "退订"), ("退订！", "退订"), ("Stop!", "STOP"),
        ("ｓｔｏｐ", "STOP"), ("  td\n", "TD"), ("【T】", "T"), ("UNSUBSCRIBE.", "UNSUBSCRIBE"), ("quit 🙏", "QUIT"),
        ("N", "N"), ("end", "END"), ("Cancel", "CANCEL"),
    ],
)
def test_a_reply_that_is_an_opt_out_keyword_matches_it(reply: str, keyword: str) -> None:
    found = Keywords().match(reply)
    assert found is not None and found.kind is KeywordKind.OPT_OUT and found.keyword == keyword


@pytest.mark.parametrize(
    "reply",
    ["stop by tomorrow?", "Can I cancel my order?", "退订 谢谢你们的服务", "TT", "no", "", "   ", "！！", "The end is near",
     "what time do you open?", "T恤还有吗"],
)
def test_a_sentence_that_merely_contains_a_keyword_is_an_ordinary_reply(reply: str) -> None:
    assert Keywords().match(reply) is None


def test_opt_in_keywords_match_and_opt_out_wins_a_tie() -> None:
    found = Keywords().match("start")
    assert found is not None and found.kind is KeywordKind.OPT_IN and found.keyword == "START"
    assert Keywords().match("订阅。") is not None
    both = Keywords(opt_out=("YES",), opt_in=("yes",))
    tie = both.match("Yes")
    assert tie is not None and tie.kind is KeywordKind.OPT_OUT


def test_defaults_are_the_issue_s_lists() -> None:
    assert DEFAULT_OPT_OUT == ("T", "TD", "退订", "N", "STOP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT")
    assert DEFAULT_OPT_IN == ("START", "订阅")
    assert Keywords().opt_in_allowed is False


def test_owner_lists_are_split_on_any_comma_and_deduplicated() -> None:
    assert parse_keywords("T, TD，退订、 stop\nSTOP;  ;取消") == ("T", "TD", "退订", "stop", "取消")
    assert normalize_keyword("  ＳＴＯＰ！ ") == "stop"
    custom = Keywords().with_lists(("取消",), ())
    assert custom.match("取消") is not None and custom.match("T") is None and custom.match("START") is None
