"""Faults aimed at one action are not spent on the polls that run beside the sending."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from smsdesk.core.provider_api import OutcomeUnknown, OutgoingMessage, SendSpec
from smsdesk.emulator import DemoAccounts, Emulator, Fault, FaultKind
from smsdesk.emulator.actions import request_action
from smsdesk.emulator.http_server import Request
from smsdesk.providers.tencent import TencentProvider


def test_a_fault_for_sending_waits_for_a_send(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    provider = make_tencent()
    emu.inject(Fault(FaultKind.DROP, api="tencent", action="SendSms"))
    assert provider.fetch_replies("").replies == []  # not dropped
    with pytest.raises(OutcomeUnknown):
        provider.send([OutgoingMessage(1, "+8613800138000", "", {"c": "x"})],
                      SendSpec(demo.tencent_signature, demo.tencent_template, ("c",)))
    assert [r.action for r in emu.requests] == ["PullSmsReplyStatus", "fault:drop"]


@pytest.mark.parametrize(
    ("api", "method", "target", "headers", "body", "expected"),
    [
        ("twilio", "POST", "/2010-04-01/Accounts/AC1/Messages.json", {}, b"", "CreateMessage"),
        ("twilio", "GET", "/2010-04-01/Accounts/AC1/Messages.json?To=%2B1", {}, b"", "ListMessages"),
        ("twilio", "GET", "/2010-04-01/Accounts/AC1/Messages/SM1.json", {}, b"", "FetchMessage"),
        ("aliyun", "POST", "/", {"content-type": "application/x-www-form-urlencoded"}, b"Action=SendBatchSms", "SendBatchSms"),
        ("aliyun", "POST", "/", {"x-acs-action": "QuerySendDetails"}, b"", "QuerySendDetails"),
        ("gateway", "GET", "/gateway/replies?since=3", {}, b"", "replies"),
        ("mns", "DELETE", "/queues/q/messages", {}, b"", "DeleteMessage"),
    ],
)
def test_actions_are_named_as_the_services_name_them(
    api: str, method: str, target: str, headers: dict[str, str], body: bytes, expected: str
) -> None:
    assert request_action(api, Request(method, target, headers, body)) == expected
