"""A number refused only for a while: the provider's passing trouble inside an otherwise good batch."""

from __future__ import annotations

from collections.abc import Callable

from smsdesk.core.provider_api import ErrorKind, OutgoingMessage, SendSpec
from smsdesk.emulator import DemoAccounts, Emulator
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.tencent import TencentProvider

NUMBERS = ["+8613800138000", "+8613900139001", "+8615000150002"]


def _batch() -> list[OutgoingMessage]:
    return [OutgoingMessage(i + 1, phone, "", {"code": "1234"}) for i, phone in enumerate(NUMBERS)]


def test_tencent_refuses_the_number_for_the_next_requests_only(
    emu: Emulator, demo: DemoAccounts, make_tencent: Callable[..., TencentProvider]
) -> None:
    emu.refuse_number(NUMBERS[1], code="InternalError.OtherError", api="tencent", times=2)
    provider = make_tencent()
    spec = SendSpec(demo.tencent_signature, demo.tencent_template, ("code",))
    rounds = []
    for _ in range(3):
        outcomes = {o.message_id: o for o in provider.send(_batch(), spec)}
        rounds.append([outcomes[i].accepted for i in (1, 2, 3)])
        refused = outcomes[2].fault
        if refused is not None:
            assert refused.kind is ErrorKind.TRANSIENT
    assert rounds == [[True, False, True], [True, False, True], [True, True, True]]
    assert [m.e164 for m in emu.accepted].count(NUMBERS[1]) == 1


def test_a_passing_refusal_counts_only_the_requests_of_its_own_service(
    emu: Emulator,
    demo: DemoAccounts,
    make_aliyun: Callable[..., AliyunProvider],
    make_tencent: Callable[..., TencentProvider],
) -> None:
    emu.refuse_number(NUMBERS[0], api="aliyun", times=1)
    tencent = make_tencent().send(_batch()[:1], SendSpec(demo.tencent_signature, demo.tencent_template, ("code",)))
    assert tencent[0].accepted  # Tencent requests do not use up Aliyun's refusal
    aliyun = make_aliyun()
    spec = SendSpec(demo.aliyun_signature, demo.aliyun_template, ("content",))
    batch = [OutgoingMessage(2, NUMBERS[0], "", {"content": "hello"})]
    first, second = aliyun.send(batch, spec)[0], aliyun.send(batch, spec)[0]
    assert first.fault is not None and first.fault.kind is ErrorKind.INVALID_NUMBER
    assert second.accepted
