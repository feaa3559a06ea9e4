"""Splitting a batch into requests without losing track of a message."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    RequestNotSent,
    SendOutcome,
    SendSpec,
)
from smsdesk.providers.batching import joined_ids, send_in_groups, template_params


def _messages(*ids: int) -> list[OutgoingMessage]:
    return [OutgoingMessage(i, f"+861380013800{i}", "") for i in ids]


class FakeService:
    """Answers each request from a script: an exception to raise, or acceptance."""

    def __init__(self, *script: Exception | None, bad: set[int] | None = None) -> None:
        self.script = list(script)
        self.bad = bad or set()
        self.calls: list[list[int]] = []

    def __call__(self, group: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        ids = [m.message_id for m in group]
        self.calls.append(ids)
        if self.bad & set(ids):
            raise ProviderError(ProviderFault(ErrorKind.INVALID_NUMBER, "BAD", "bad number"))
        step = self.script.pop(0) if self.script else None
        if step is not None:
            raise step
        return [SendOutcome(i, provider_id=f"p{i}") for i in ids]


def _refusal(kind: ErrorKind, retry_after: float | None = None) -> ProviderError:
    return ProviderError(ProviderFault(kind, "C", "m", retry_after))


def test_all_groups_accepted() -> None:
    service = FakeService()
    outcomes = send_in_groups([_messages(1, 2), _messages(3)], service)
    assert [o.message_id for o in outcomes if o.accepted] == [1, 2, 3]
    assert service.calls == [[1, 2], [3]]


def test_bisection_isolates_refused_numbers() -> None:
    service = FakeService(bad={3, 6})
    outcomes = send_in_groups(
        [_messages(*range(1, 9))], service, bisect_kinds={ErrorKind.INVALID_NUMBER}
    )
    by_id = {o.message_id: o for o in outcomes}
    assert sorted(by_id) == list(range(1, 9))
    assert sorted(i for i, o in by_id.items() if not o.accepted) == [3, 6]
    assert all(c != [] for c in service.calls)
    assert len(service.calls) <= 2 * 2 * 3 + 1


def test_without_bisection_a_message_refusal_marks_the_whole_request() -> None:
    service = FakeService(bad={2})
    outcomes = send_in_groups([_messages(1, 2, 3)], service)
    assert [(o.message_id, o.fault and o.fault.code) for o in outcomes] == [
        (1, "BAD"),
        (2, "BAD"),
        (3, "BAD"),
    ]


@pytest.mark.parametrize(
    "kind",
    [
        ErrorKind.AUTH_FAILED,
        ErrorKind.RATE_LIMITED,
        ErrorKind.NOT_APPROVED,
        ErrorKind.UNKNOWN,
        ErrorKind.TRANSIENT,
    ],
)
def test_account_refusal_before_anything_was_accepted_is_raised(kind: ErrorKind) -> None:
    with pytest.raises(ProviderError) as caught:
        send_in_groups([_messages(1), _messages(2)], FakeService(_refusal(kind)))
    assert caught.value.fault.kind is kind


def test_transport_failures_before_anything_was_accepted_are_raised() -> None:
    with pytest.raises(RequestNotSent):
        send_in_groups([_messages(1), _messages(2)], FakeService(RequestNotSent("x")))
    with pytest.raises(OutcomeUnknown):
        send_in_groups([_messages(1, 2)], FakeService(OutcomeUnknown("x")))


def test_a_stopping_refusal_after_an_acceptance_marks_the_rest_transient() -> None:
    service = FakeService(None, _refusal(ErrorKind.RATE_LIMITED, 5.0))
    outcomes = send_in_groups([_messages(1), _messages(2), _messages(3)], service)
    by_id = {o.message_id: o for o in outcomes}
    assert by_id[1].accepted
    assert by_id[2].fault == ProviderFault(ErrorKind.RATE_LIMITED, "C", "m", 5.0)
    rest = by_id[3].fault
    assert rest is not None and rest.kind is ErrorKind.TRANSIENT and rest.retry_after == 5.0
    assert service.calls == [[1], [2]]


def test_a_group_specific_refusal_after_an_acceptance_does_not_stop_the_others() -> None:
    service = FakeService(None, _refusal(ErrorKind.NOT_APPROVED), None)
    outcomes = send_in_groups([_messages(1), _messages(2), _messages(3)], service)
    assert [(o.message_id, o.accepted) for o in outcomes] == [(1, True), (2, False), (3, True)]


def test_not_sent_after_an_acceptance_is_transient_for_the_rest() -> None:
    outcomes = send_in_groups(
        [_messages(1), _messages(2), _messages(3)], FakeService(None, RequestNotSent("down"))
    )
    kinds = {o.message_id: o.fault.kind if o.fault else None for o in outcomes}
    assert kinds == {1: None, 2: ErrorKind.TRANSIENT, 3: ErrorKind.TRANSIENT}


def test_doubt_after_an_acceptance_leaves_that_group_without_outcome() -> None:
    outcomes = send_in_groups(
        [_messages(1), _messages(2, 3), _messages(4)], FakeService(None, OutcomeUnknown("lost"))
    )
    assert sorted(o.message_id for o in outcomes) == [1, 4]
    last = outcomes[-1].fault
    assert last is not None and last.kind is ErrorKind.TRANSIENT


def test_doubt_in_the_first_of_several_groups_still_answers_the_others() -> None:
    outcomes = send_in_groups([_messages(1), _messages(2)], FakeService(OutcomeUnknown("lost")))
    assert [o.message_id for o in outcomes] == [2]


def test_template_params_follow_the_spec_order() -> None:
    message = OutgoingMessage(1, "+1", "", {"b": "2", "a": "1"})
    assert list(template_params(message, SendSpec(param_names=("a", "b"))).items()) == [
        ("a", "1"),
        ("b", "2"),
    ]
    assert list(template_params(message, SendSpec())) == ["b", "a"]
    with pytest.raises(ValueError, match="lacks"):
        template_params(message, SendSpec(param_names=("c",)))


def test_joined_ids_fall_back_to_the_first_when_too_long() -> None:
    assert joined_ids(_messages(1, 2, 3), 10) == "1,2,3"
    assert joined_ids(_messages(*range(100, 200)), 255) == "100"
