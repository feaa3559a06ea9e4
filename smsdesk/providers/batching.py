"""Sending one batch as several provider requests without losing track of any message.

Aliyun and Tencent sometimes need a batch split (per-number parameters, domestic and
international numbers, batch-size limits).  Once a message of the batch has been accepted, an
exception can no longer speak for the whole batch: the send loop would send the accepted ones
again.  The rules:

* a refusal about particular messages (a bad number, an opted-out customer, rejected content)
  always becomes those messages' outcomes, and the other requests still go;
* before anything was accepted, any other refusal (credentials, balance, rate limit, template,
  provider trouble) and any transport failure is raised for the whole batch, as if it had been
  one request, so the loop can retry or pause;
* after an acceptance, a refusal marks that request's messages with the provider's fault; when
  it means nothing more will get through now (credentials, balance, rate limit, provider
  trouble) the requests not yet made are marked TRANSIENT so they are queued again;
* after an acceptance, a request that never left is marked TRANSIENT, and so are the rest;
* a request in doubt gets no outcome at all, which the loop records as in doubt (unless it was
  the whole batch, which raises :class:`OutcomeUnknown`); the rest are marked TRANSIENT.

Aliyun answers a multi-number request with one code for all of them.  When that code blames a
number, :func:`send_in_groups` splits the request in halves until the culprits are alone, so
exactly those get the fault and the others are sent.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Sequence

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
from smsdesk.i18n import tr

Group = Sequence[OutgoingMessage]

STOPPING_KINDS = frozenset(
    {
        ErrorKind.AUTH_FAILED,
        ErrorKind.QUOTA_EXHAUSTED,
        ErrorKind.RATE_LIMITED,
        ErrorKind.TRANSIENT,
    }
)
"""Refusals that say nothing more will get through right now, whatever the numbers."""

MESSAGE_KINDS = frozenset(
    {
        ErrorKind.INVALID_NUMBER,
        ErrorKind.OPTED_OUT,
        ErrorKind.CONTENT_REJECTED,
        ErrorKind.UNDELIVERED,
    }
)
"""Refusals about the messages of a request, not about the account: other messages may pass."""


def template_params(message: OutgoingMessage, spec: SendSpec) -> dict[str, str]:
    """The message's template values in ``spec``'s order (its own order when the spec has none)."""
    names = spec.param_names or tuple(message.params)
    missing = [n for n in names if n not in message.params]
    if missing:
        raise ValueError(f"message {message.message_id} lacks template values {missing}")
    return {name: str(message.params[name]) for name in names}


def joined_ids(group: Group, limit: int) -> str:
    """Our message ids for the provider's one reference field (OutId, SessionContext).

    All of them, comma-separated, when they fit in ``limit`` characters; else the first.
    """
    joined = ",".join(str(m.message_id) for m in group)
    return joined if len(joined) <= limit else str(group[0].message_id)


def _mark(group: Group, fault: ProviderFault) -> list[SendOutcome]:
    return [SendOutcome(m.message_id, fault=fault) for m in group]


def _not_attempted(cause: str, retry_after: float | None = None) -> ProviderFault:
    return ProviderFault(
        ErrorKind.TRANSIENT,
        "",
        tr("Not sent: an earlier request of the same batch failed ({cause}).", cause=cause),
        retry_after,
    )


def send_in_groups(
    groups: Sequence[Group],
    send_group: Callable[[Group], list[SendOutcome]],
    *,
    bisect_kinds: Collection[ErrorKind] = (),
) -> list[SendOutcome]:
    """Send each group with ``send_group``; see the module docstring for the failure rules."""
    queue: deque[Group] = deque(g for g in groups if g)
    outcomes: list[SendOutcome] = []
    committed = False
    """True once something may have reached a recipient: raising would then lose track of it."""

    def finish(rest_fault: ProviderFault) -> list[SendOutcome]:
        while queue:
            outcomes.extend(_mark(queue.popleft(), rest_fault))
        return outcomes

    while queue:
        group = queue.popleft()
        try:
            answered = send_group(group)
        except ProviderError as exc:
            fault = exc.fault
            if fault.kind in bisect_kinds and len(group) > 1:
                middle = len(group) // 2
                queue.appendleft(group[middle:])
                queue.appendleft(group[:middle])
                continue
            if fault.kind not in MESSAGE_KINDS and not committed:
                raise
            outcomes.extend(_mark(group, fault))
            if fault.kind in STOPPING_KINDS:
                return finish(_not_attempted(fault.code or fault.message, fault.retry_after))
            continue
        except RequestNotSent as exc:
            if not committed:
                raise
            cause = str(exc)
            outcomes.extend(_mark(group, ProviderFault(ErrorKind.TRANSIENT, "", cause)))
            return finish(_not_attempted(cause))
        except OutcomeUnknown as exc:
            if not committed and not queue and not outcomes:
                raise
            return finish(_not_attempted(str(exc)))
        outcomes.extend(answered)
        committed = committed or any(o.fault is None for o in answered)
    return outcomes
