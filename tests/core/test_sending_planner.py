"""Planning provider requests: fewer requests, same messages."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from smsdesk.core.planner import BatchRules, PlannedMessage, group_messages
from smsdesk.engine.send_rules import batch_rules

ALIYUN = batch_rules("aliyun")
TENCENT = batch_rules("tencent")
TWILIO = batch_rules("twilio")


def _message(i: int, text: str, phone: str | None = None) -> PlannedMessage:
    return PlannedMessage(phone or f"+86139{i:08d}", {"content": text})


def _batches(plan_batches: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for index, batch in enumerate(plan_batches):
        found[batch].append(index)
    return found


def test_aliyun_identical_texts_go_as_sendsms_and_personal_ones_as_sendbatchsms() -> None:
    messages = [_message(i, "same for all") for i in range(2500)]
    messages += [_message(3000 + i, f"hello {i}") for i in range(250)]
    plan = group_messages(messages, ALIYUN)
    kinds = {(k.call, k.same_text): (k.requests, k.messages) for k in plan.kinds}
    assert kinds == {("SendSms", True): (3, 2500), ("SendBatchSms", False): (3, 250)}
    assert plan.requests == 6  # instead of 2,750 requests of one message
    sizes = sorted(len(v) for v in _batches(plan.batches).values())
    assert sizes == [50, 100, 100, 500, 1000, 1000]


def test_a_few_identical_texts_ride_along_in_personalised_requests() -> None:
    messages = [_message(i, "same") for i in range(30)] + [_message(100 + i, f"p{i}") for i in range(40)]
    plan = group_messages(messages, ALIYUN)
    assert plan.requests == 1
    assert [(k.call, k.messages) for k in plan.kinds] == [("SendBatchSms", 70)]


def test_tencent_groups_identical_parameters_and_never_mixes_regions() -> None:
    mainland = [_message(i, "code 1234") for i in range(450)]
    abroad = [_message(0, "code 1234", phone=f"+85261234{i:03d}") for i in range(10)]
    personal = [_message(900 + i, f"hi {i}") for i in range(5)]
    messages = mainland + abroad + personal
    plan = group_messages(messages, TENCENT)
    groups = _batches(plan.batches)
    for indexes in groups.values():
        assert len(indexes) <= 200
        assert len({messages[i].phone.startswith("+86") for i in indexes}) == 1
        assert len({tuple(messages[i].params.items()) for i in indexes}) == 1
    assert plan.requests == 3 + 1 + 5


def test_twilio_sends_one_number_per_request_in_list_order() -> None:
    messages = [_message(i, "same") for i in range(5)]
    plan = group_messages(messages, TWILIO)
    assert plan.batches == [1, 2, 3, 4, 5]
    assert [(k.requests, k.most_per_request) for k in plan.kinds] == [(5, 1)]


@settings(max_examples=60, deadline=None)
@given(
    texts=st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=400),
    regions=st.lists(st.booleans(), min_size=400, max_size=400),
    rules=st.sampled_from([ALIYUN, TENCENT, TWILIO, BatchRules(7, 3, True, "x", "y")]),
)
def test_every_message_is_in_exactly_one_request_that_the_provider_accepts(
    texts: list[str], regions: list[bool], rules: BatchRules
) -> None:
    messages = [
        PlannedMessage(f"+86139{i:08d}" if regions[i] else f"+1415555{i:04d}", {"t": t}) for i, t in enumerate(texts)
    ]
    plan = group_messages(messages, rules)
    assert len(plan.batches) == len(messages) and all(b >= 1 for b in plan.batches)
    groups = _batches(plan.batches)
    assert sorted(groups) == list(range(1, len(groups) + 1))
    assert sum(k.messages for k in plan.kinds) == len(messages)
    assert plan.requests == len(groups)
    for indexes in groups.values():
        identical = len({messages[i].params["t"] for i in indexes}) == 1
        assert len(indexes) <= (rules.same_text_max if identical else rules.personal_max)
        if rules.split_regions:
            assert len({messages[i].phone.startswith("+86") for i in indexes}) == 1
    firsts = [indexes[0] for _n, indexes in sorted(groups.items())]
    assert firsts == sorted(firsts)  # requests go down the list
