"""Customers answering on demand: ``Emulator.add_reply`` routing and the emulator's commands."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable

import pytest

from smsdesk.core.provider_api import OutgoingMessage, SendSpec
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.emulator.cli import handle_command, main
from smsdesk.emulator.inbound import NoSenderToReplyTo
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider


def test_a_reply_goes_to_the_service_that_last_texted_the_number(
    emu: Emulator,
    demo: DemoAccounts,
    make_tencent: Callable[..., TencentProvider],
    make_twilio: Callable[..., TwilioProvider],
) -> None:
    make_tencent().send(
        [OutgoingMessage(1, "+8613800138000", "", {"c": "x"})],
        SendSpec(demo.tencent_signature, demo.tencent_template, ("c",)),
    )
    make_twilio().send([OutgoingMessage(2, "+8613800138000", "hello")], SendSpec())
    reply = emu.add_reply("13800138000", "T")
    assert (reply.api, reply.phone, reply.to) == ("twilio", "+8613800138000", demo.twilio_sender)
    chosen = emu.add_reply("+8613800138000", "T", api="tencent")
    assert (chosen.api, chosen.account, chosen.to) == ("tencent", demo.tencent_app_id, demo.tencent_signature)
    assert [r.api for r in emu.replies] == ["twilio", "tencent"]


def test_a_reply_needs_a_sender_or_a_service(emu: Emulator, demo: DemoAccounts) -> None:
    with pytest.raises(NoSenderToReplyTo):
        emu.add_reply("+8613800138000", "hi")
    with pytest.raises(ValueError, match="unknown api"):
        emu.add_reply("+8613800138000", "hi", api="pigeon")
    reply = emu.add_reply("+8613800138000", "hi", api="gateway")
    assert reply.account == demo.gateway_account


def test_typed_commands_make_customers_answer(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    assert "nothing was sent" in handle_command(emu, "reply +8613800138000 hi")
    make_tencent().send(
        [OutgoingMessage(1, "+8613800138000", "", {"c": "x"})],
        SendSpec(demo.tencent_signature, demo.tencent_template, ("c",)),
    )
    answer = handle_command(emu, "reply twice +8613800138000 退订 谢谢")
    assert "tencent" in answer and "退订 谢谢" in answer
    assert [r.text for r in emu.replies][-2:] == ["退订 谢谢", "退订 谢谢"]
    assert "reply NUMBER TEXT" in handle_command(emu, "hello")
    assert "reply NUMBER TEXT" in handle_command(emu, "reply +8613800138000")
    assert handle_command(emu, "   ") == ""


def test_main_reads_commands_from_its_input() -> None:
    stop = threading.Event()
    out = io.StringIO()
    read_end = io.StringIO("reply +8613800138000 T\n")
    thread = threading.Thread(
        target=main, args=(["--port", "0"],), kwargs={"stop": stop, "out": out, "inp": read_end}
    )
    thread.start()
    deadline = time.monotonic() + 5
    while "replied" not in out.getvalue() and "nothing was sent" not in out.getvalue():
        if time.monotonic() > deadline:
            break
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert "nothing was sent to +8613800138000" in out.getvalue()
    assert "reply NUMBER TEXT" in out.getvalue()
