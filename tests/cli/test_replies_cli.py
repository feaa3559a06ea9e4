"""``smsdesk replies`` and ``smsdesk sandbox reply`` in a child process: the whole feature with
no signup, from a terminal."""

from __future__ import annotations

import json

from tests_cli_support import smsdesk

X = "+8613800138000"
Y = "+8613800138001"


def _ok(*args: str) -> str:
    done = smsdesk(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_reply_as_a_customer_fetch_list_and_answer() -> None:
    _ok("send", "--account", "Sandbox", "--to", X, Y, "--text", "会员日八折，回T退订", "--wait", "0")
    _ok("sandbox", "reply", "--from", "13800138000", "--text", " 退订。")
    _ok("sandbox", "reply", "--from", Y, "--text", "What time do you open?")
    fetched = json.loads(_ok("replies", "fetch", "--json"))
    assert fetched["problems"] == []
    [sandbox] = fetched["accounts"]
    assert (sandbox["account"], sandbox["new"], sandbox["opted_out"]) == ("Sandbox", 2, [X])
    assert json.loads(_ok("replies", "fetch", "--json"))["accounts"][0]["new"] == 0  # nothing twice

    replies = json.loads(_ok("replies", "list", "--unread", "--json"))
    assert [(r["phone"], r["text"], r["keyword"], r["action"]) for r in replies] == [
        (Y, "What time do you open?", "", ""), (X, " 退订。", "退订", "opted_out")
    ]
    assert replies[1]["action_label"] == "Added to the opt-out list"
    assert json.loads(_ok("replies", "list", "--phone", "13800138001", "--mark-read", "--json"))[0]["phone"] == Y
    assert [r["phone"] for r in json.loads(_ok("replies", "list", "--unread", "--json"))] == [X]

    optouts = json.loads(_ok("optout", "list", "--json"))
    assert [(o["phone"], o["keyword"], o["reason"], o["source"]) for o in optouts] == [(X, "退订", " 退订。", "reply")]
    assert "退订" in _ok("optout", "list")

    answer = json.loads(_ok("replies", "answer", Y, "--text", "9点开门", "--json"))
    assert answer["state"] == "sent"
    refused = smsdesk("replies", "answer", X, "--text", "还在吗")
    assert refused.returncode == 1 and "On the opt-out list" in refused.stdout


def test_keywords_are_shown_and_changed_from_the_command_line() -> None:
    assert "T, TD, 退订, N, STOP, UNSUBSCRIBE, CANCEL, END, QUIT" in _ok("replies", "keywords")
    changed = json.loads(_ok("replies", "keywords", "--opt-out", "T, 退订, 取消", "--allow-opt-in", "--json"))
    assert changed == {"opt_out": ["T", "退订", "取消"], "opt_in": ["START", "订阅"], "opt_in_allowed": True}
    bad = smsdesk("replies", "keywords", "--opt-out", "")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "opt-out keyword" in bad.stderr
    wrong = smsdesk("sandbox", "reply", "--from", "12", "--text", "T")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
