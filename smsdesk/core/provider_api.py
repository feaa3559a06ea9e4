"""What the send loop needs from an SMS provider, and the words it uses to describe outcomes.

Provider adapters (``smsdesk.providers``) implement :class:`Provider`; the core never imports
them.  Three things can happen to a request and each has its own type:

* the provider answered: per-message :class:`SendOutcome` values, or a :class:`ProviderError`
  when it refused the whole request with a definite answer;
* the request never left this machine (:class:`RequestNotSent`): safe to try again;
* the request may have reached the provider (:class:`OutcomeUnknown`): its messages are in doubt
  and must never be sent again without the owner's say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Protocol

from smsdesk.i18n import tr


class ErrorKind(StrEnum):
    """The small set of reasons a message can be refused, whatever the provider."""

    INVALID_NUMBER = "invalid_number"
    OPTED_OUT = "opted_out"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXHAUSTED = "quota_exhausted"
    NOT_APPROVED = "not_approved"
    CONTENT_REJECTED = "content_rejected"
    AUTH_FAILED = "auth_failed"
    TRANSIENT = "transient"
    UNDELIVERED = "undelivered"
    UNKNOWN = "unknown"


def describe_kind(kind: ErrorKind | str) -> str:
    """One sentence telling the owner what the kind means and what to do about it."""
    advice = {
        ErrorKind.INVALID_NUMBER: tr(
            "The phone number is not valid. Check it in the customer list."
        ),
        ErrorKind.OPTED_OUT: tr(
            "The customer has opted out or is blacklisted; do not message them again."
        ),
        ErrorKind.RATE_LIMITED: tr(
            "The provider is limiting how fast or how often you send. smsdesk will wait and try again."
        ),
        ErrorKind.QUOTA_EXHAUSTED: tr(
            "Your SMS balance or daily quota is used up. Top up or raise the quota in the provider's console."
        ),
        ErrorKind.NOT_APPROVED: tr(
            "The template or signature is not approved. Check its review status in the provider's console."
        ),
        ErrorKind.CONTENT_REJECTED: tr(
            "The provider rejected the message text. Remove sensitive words or shorten it."
        ),
        ErrorKind.AUTH_FAILED: tr(
            "Authentication failed. Check the account's key and secret and that the computer's clock is right."
        ),
        ErrorKind.TRANSIENT: tr("The provider had a temporary problem. smsdesk will try again."),
        ErrorKind.UNDELIVERED: tr("The carrier could not deliver the message to the handset."),
        ErrorKind.UNKNOWN: tr(
            "The provider refused the message for a reason smsdesk does not know; see the provider's code."
        ),
    }
    return advice[ErrorKind(kind)]


def kind_label(kind: ErrorKind | str) -> str:
    """A short name for the kind, for table cells and filters."""
    labels = {
        ErrorKind.INVALID_NUMBER: tr("Invalid number"),
        ErrorKind.OPTED_OUT: tr("Opted out"),
        ErrorKind.RATE_LIMITED: tr("Rate limited"),
        ErrorKind.QUOTA_EXHAUSTED: tr("Balance or quota exhausted"),
        ErrorKind.NOT_APPROVED: tr("Template or signature not approved"),
        ErrorKind.CONTENT_REJECTED: tr("Content rejected"),
        ErrorKind.AUTH_FAILED: tr("Authentication failed"),
        ErrorKind.TRANSIENT: tr("Temporary provider error"),
        ErrorKind.UNDELIVERED: tr("Not delivered"),
        ErrorKind.UNKNOWN: tr("Unknown error"),
    }
    return labels[ErrorKind(kind)]


@dataclass(frozen=True)
class ProviderFault:
    """A provider's "no", classified; ``code`` and ``message`` are the provider's own, verbatim."""

    kind: ErrorKind
    code: str
    message: str = ""
    retry_after: float | None = None
    """Seconds to wait before the next request, when the provider said so."""


class ProviderError(Exception):
    """The provider refused a whole request with a definite answer: nothing was sent."""

    def __init__(self, fault: ProviderFault) -> None:
        super().__init__(f"{fault.code}: {fault.message}")
        self.fault = fault


class RequestNotSent(Exception):
    """The request never reached the provider (connection refused, DNS failure): safe to retry."""


class OutcomeUnknown(Exception):
    """The request may have reached the provider but no answer came back: its messages are in doubt."""


@dataclass(frozen=True)
class OutgoingMessage:
    """One message as the provider must send it."""

    message_id: int
    """Journal id; sent as OutId / SessionContext so reports and reconciliation can match it."""
    phone: str
    """E.164, e.g. ``+8613800138000``."""
    text: str
    """The text the recipient reads, without the signature."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Template variables, for providers that only send pre-approved templates."""


@dataclass(frozen=True)
class SendSpec:
    """What every message of one request shares."""

    signature: str = ""
    """Sign name without brackets (Aliyun SignName, Tencent SignName)."""
    provider_template_id: str = ""
    """The provider's approved template (Aliyun TemplateCode, Tencent TemplateId)."""
    param_names: tuple[str, ...] = ()
    """Our variable names in the provider's order (Tencent ``{1}..{n}``) or its names (Aliyun)."""


@dataclass(frozen=True)
class SendOutcome:
    """What the provider said about one message of a request."""

    message_id: int
    provider_id: str | None = None
    fault: ProviderFault | None = None
    segments: int | None = None

    @property
    def accepted(self) -> bool:
        return self.fault is None and self.provider_id is not None


class ReportState(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class SentRef:
    """What we know of an accepted message when asking for its delivery report."""

    message_id: int
    phone: str
    provider_id: str
    sent_at: datetime


@dataclass(frozen=True)
class DeliveryReport:
    """The carrier's final word on one message."""

    provider_id: str
    state: ReportState
    code: str = ""
    description: str = ""
    at: datetime | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class AccountField:
    """One setting an account of a provider needs; ``label`` is English, shown through ``tr``."""

    key: str
    label: str
    secret: bool = False
    required: bool = True
    default: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""


class Provider(Protocol):
    """An SMS service as the send loop sees it. Implementations hold no Qt and no SQL."""

    kind: ClassVar[str]
    max_batch: int
    """Most messages :meth:`send` accepts at once."""

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        """Send ``batch``; one outcome per message, in any order.

        Raises :class:`ProviderError`, :class:`RequestNotSent` or :class:`OutcomeUnknown` when
        the request as a whole failed.
        """
        ...

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        """Delivery reports available now for some of ``pending`` (possibly none)."""
        ...

    def test_connection(self) -> str:
        """Make a harmless read-only call; return what it found or raise ProviderError."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SentProbe:
    """A message in doubt, described by what the provider can be asked about."""

    message_id: int
    """Journal id; it went out as OutId / SessionContext / the status-callback tag."""
    phone: str
    """E.164."""
    text: str
    """The text as sent, without the signature."""
    sent_at: datetime
    """When its request left, in UTC; the provider is searched around this time."""


@dataclass(frozen=True)
class SentMatch:
    """What the provider's own records say about one :class:`SentProbe`."""

    message_id: int
    found: bool
    """True: the provider has the message (it went out). False: it searched that number and
    day and the message is not there, so it never arrived."""
    provider_id: str = ""
    report: DeliveryReport | None = None
    """The final delivery report when the provider already has one."""


class SentFinder(Protocol):
    """A provider that can look up messages whose request went unanswered."""

    def find_sent(self, probes: Sequence[SentProbe]) -> list[SentMatch]:
        """One match for each probe the provider could answer about; probes it cannot search
        (too old, not its kind) are left out.  Raises like :meth:`Provider.send`."""
        ...


@dataclass(frozen=True)
class InboundReply:
    """A text a customer sent back."""

    reply_id: str
    """Stable across fetches: the provider's id, or a digest of number, text and time."""
    phone: str
    """The customer's number, E.164."""
    text: str
    received_at: datetime
    """When the provider received it, in UTC."""
    to: str = ""
    """Where it was sent: our number, sign name or extension, as the provider reports it."""


@dataclass(frozen=True)
class ReplyPage:
    """Replies fetched by one call, and where the next call carries on."""

    replies: list[InboundReply]
    cursor: str = ""
    """Opaque to the caller; hand it back on the next :meth:`ReplySource.fetch_replies`."""
    more: bool = False
    """True when the provider has more waiting right now: fetch again without pausing."""


class ReplySource(Protocol):
    """A provider whose customers' replies can be fetched by polling.

    A provider class whose replies depend on its settings (a generic gateway needs a replies
    address, Aliyun the account id its reply queue is named after) also has a static
    ``replies_configured(settings) -> bool``; without one, every account of it can be asked.
    """

    reply_poll_interval: float
    """Seconds between polls when replies keep coming; callers back off from there when idle."""

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """Replies received since ``cursor`` (``""``: the last day).  The same reply may come
        back more than once; callers drop duplicates by ``reply_id``.

        Store a page's replies and its cursor together, then pass that cursor: a provider may
        acknowledge (delete) a page only when it gets the cursor that follows it, so a reply
        fetched by a process that dies before storing it is fetched again.  Raises like
        :meth:`Provider.send`, or ``UserFacingError`` when the account is not set up for
        replies."""
        ...
