"""The life of one message in the journal."""

from __future__ import annotations

from enum import StrEnum

from smsdesk.i18n import tr


class MessageState(StrEnum):
    QUEUED = "queued"
    """Written to the journal; no request made yet."""
    INFLIGHT = "inflight"
    """Its request is about to leave or has left; durable before the request is made."""
    SENT = "sent"
    """The provider accepted it and gave an id; waiting for the delivery report."""
    DELIVERED = "delivered"
    FAILED = "failed"
    IN_DOUBT = "in_doubt"
    """The request may have reached the provider; never resent without the owner's say."""
    SKIPPED = "skipped"
    """Not sent on purpose (opted out, cancelled)."""


FINAL_STATES = frozenset({MessageState.DELIVERED, MessageState.FAILED, MessageState.SKIPPED})


def state_label(state: MessageState | str) -> str:
    labels = {
        MessageState.QUEUED: tr("Queued"),
        MessageState.INFLIGHT: tr("Sending"),
        MessageState.SENT: tr("Sent"),
        MessageState.DELIVERED: tr("Delivered"),
        MessageState.FAILED: tr("Failed"),
        MessageState.IN_DOUBT: tr("In doubt"),
        MessageState.SKIPPED: tr("Skipped"),
    }
    return labels[MessageState(state)]
