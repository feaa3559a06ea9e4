"""What the emulated services know: accounts, approved templates, accepted messages, faults.

Everything is behind one lock; the request handlers run on several threads.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from smsdesk.emulator.sms_text import e164

REQUEST_LOG_SIZE = 10_000


class FaultKind(StrEnum):
    SERVER_ERROR = "server_error"
    """An HTTP error status (``status``, 503 by default) with a plain-text body."""
    RATE_LIMIT = "rate_limit"
    """429 with ``Retry-After`` and the service's own throttling error."""
    HOLD = "hold"
    """No answer for ``hold`` seconds, then the connection closes."""
    DROP = "drop"
    """The connection closes right after the request was read."""
    MALFORMED = "malformed"
    """200 with a body that is not valid JSON."""


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    api: str | None = None
    """``aliyun``, ``tencent``, ``twilio``, ``gateway`` or ``mns``; None for any."""
    action: str | None = None
    """Only requests for this action (``SendSms``, ``CreateMessage``, ``send``...; see
    :func:`smsdesk.emulator.actions.request_action`); None for any."""
    status: int = 503
    retry_after: str | None = "1"
    """The Retry-After header as sent: seconds, or an HTTP date."""
    hold: float = 2.0
    after_processing: bool = False
    """Handle the request for real (messages are accepted) and only then misbehave."""


@dataclass(frozen=True)
class AcceptedMessage:
    """One message a service accepted, as the recipient would read it."""

    api: str
    account: str
    phone: str
    """As it arrived on the wire."""
    e164: str
    text: str
    """What the handset shows, signature included."""
    provider_id: str
    sign_name: str = ""
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()
    reference: str = ""
    """Aliyun ``OutId``, Tencent ``SessionContext``."""
    batch_id: str = ""
    """Aliyun ``BizId`` (shared by a request's numbers)."""
    app_id: str = ""
    segments: int = 1
    accepted_at: float = 0.0
    """Wall-clock seconds."""


@dataclass(frozen=True)
class RequestRecord:
    api: str
    action: str
    status: int
    code: str = ""


@dataclass
class Delivery:
    message: AcceptedMessage
    due: float
    """Monotonic time at which the carrier's report is in."""
    delivered: bool
    code: str
    received_at: float
    """Wall-clock seconds of the carrier's report."""

    def final(self, now: float) -> bool:
        return now >= self.due


@dataclass
class ArmedFault:
    fault: Fault
    left: int
    spare: int = 0
    """Matching requests still to let through untouched before the fault starts."""


@dataclass(frozen=True)
class InboundSms:
    """A text a customer sent back, as the service that received it recorded it."""

    api: str
    account: str
    """Tencent app id, Twilio account SID, Aliyun AccessKey id, gateway account."""
    phone: str
    """The customer's number, E.164."""
    text: str
    to: str
    """What the customer replied to: our number (Twilio), the sign name (Aliyun, Tencent), the
    gateway account."""
    received_at: float
    """Wall-clock seconds."""
    reply_id: str = ""
    """The service's own id (Twilio SID, gateway id, Aliyun sequence id); Tencent has none."""
    extend: str = ""


@dataclass
class QueuedMessage:
    """One message of an MNS queue."""

    message_id: str
    body: str
    enqueued_at: float
    """Wall-clock seconds."""
    visible_at: float = 0.0
    """Monotonic time from which a receive may hand it out."""
    handle: str = ""
    """The receipt handle of its latest receive; only that one deletes it."""
    dequeue_count: int = 0
    first_dequeued_at: float = 0.0


@dataclass(frozen=True)
class MnsToken:
    """Temporary credentials QueryTokenForMnsQueue handed out for one queue."""

    secret: str
    security_token: str
    queue: str
    expires_at: float
    """Wall-clock seconds."""


@dataclass
class TemplateInfo:
    text: str
    international: bool = False


@dataclass
class EmulatorState:
    wall_clock: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.monotonic
    seed: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    aliyun_keys: dict[str, str] = field(default_factory=dict)
    aliyun_signatures: set[str] = field(default_factory=set)
    aliyun_templates: dict[str, TemplateInfo] = field(default_factory=dict)
    tencent_keys: dict[str, str] = field(default_factory=dict)
    tencent_apps: set[str] = field(default_factory=set)
    tencent_signatures: set[str] = field(default_factory=set)
    tencent_templates: dict[str, TemplateInfo] = field(default_factory=dict)
    twilio_accounts: dict[str, str] = field(default_factory=dict)
    twilio_api_keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    """API key SID -> (account SID, secret)."""
    twilio_senders: dict[str, set[str]] = field(default_factory=dict)
    gateway_accounts: dict[str, str] = field(default_factory=dict)
    gateway_tokens: dict[str, str] = field(default_factory=dict)
    """Bearer token -> account."""

    aliyun_uids: dict[str, str] = field(default_factory=dict)
    """AccessKey id -> the Alibaba Cloud account id its SmsUp queue is named after."""
    inbound: list[InboundSms] = field(default_factory=list)
    """Every reply received, in arrival order (a duplicate delivery appears twice)."""
    tencent_reply_queues: dict[str, deque[InboundSms]] = field(default_factory=dict)
    """Tencent app id -> replies not yet pulled."""
    mns_queues: dict[str, list[QueuedMessage]] = field(default_factory=dict)
    mns_tokens: dict[str, MnsToken] = field(default_factory=dict)
    """Temporary AccessKey id -> what it may do and until when."""
    mns_visibility: float = 30.0
    """Seconds a received MNS message stays hidden before it is handed out again."""
    token_lifetime: float = 3600.0

    report_delay: float = 0.0
    delivery_failure_share: float = 0.0
    undeliverable: dict[str, str] = field(default_factory=dict)
    """E.164 -> the carrier's failure code ("" for the service's default)."""
    refused: dict[str, dict[str | None, str]] = field(default_factory=dict)
    """E.164 -> API (None for every API) -> the code it refuses the number with ("" for its default)."""
    refusals_left: dict[tuple[str, str | None], int] = field(default_factory=dict)
    """(E.164, API) -> how many more requests a passing refusal applies to."""
    latency: float = 0.0

    deliveries: list[Delivery] = field(default_factory=list)
    by_id: dict[str, list[Delivery]] = field(default_factory=dict)
    report_queues: dict[str, deque[Delivery]] = field(default_factory=dict)
    """Tencent app id -> its reports not yet pulled, oldest first."""
    requests: deque[RequestRecord] = field(default_factory=lambda: deque(maxlen=REQUEST_LOG_SIZE))
    errors: list[str] = field(default_factory=list)
    faults: list[ArmedFault] = field(default_factory=list)
    nonces: dict[str, float] = field(default_factory=dict)
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def next_number(self) -> int:
        with self.lock:
            return next(self._counter)

    # -- faults -----------------------------------------------------------------------------

    def add_fault(self, fault: Fault, times: int, after: int = 0) -> None:
        with self.lock:
            self.faults.append(ArmedFault(fault, times, after))

    def take_fault(self, api: str, action: str = "") -> Fault | None:
        with self.lock:
            for armed in self.faults:
                if armed.fault.api in (None, api) and armed.fault.action in (None, action):
                    if armed.spare > 0:
                        armed.spare -= 1
                        return None
                    armed.left -= 1
                    if armed.left <= 0:
                        self.faults.remove(armed)
                    return armed.fault
        return None

    # -- nonces -----------------------------------------------------------------------------

    def use_nonce(self, account: str, nonce: str, keep_for: float) -> bool:
        """False when ``nonce`` was already used by ``account`` within ``keep_for`` seconds."""
        now = self.monotonic()
        key = f"{account}\0{nonce}"
        with self.lock:
            if len(self.nonces) > 1000:
                for old in [k for k, until in self.nonces.items() if until < now]:
                    del self.nonces[old]
            until = self.nonces.get(key)
            if until is not None and until >= now:
                return False
            self.nonces[key] = now + keep_for
            return True

    # -- messages ---------------------------------------------------------------------------

    def refusal(self, number: str, api: str) -> str | None:
        """The code ``api`` refuses a number with ("" for its default); None when it does not.

        Asking counts as one request for a refusal that only applies to a number of them.
        """
        with self.lock:
            codes = self.refused.get(number, {})
            key: str | None = api if api in codes else None
            if key not in codes:
                return None
            code = codes[key]
            left = self.refusals_left.get((number, key))
            if left is not None:
                if left <= 1:
                    del self.refusals_left[(number, key)]
                    del codes[key]
                else:
                    self.refusals_left[(number, key)] = left - 1
            return code

    def accept(self, message: AcceptedMessage, failure_default: str) -> Delivery:
        with self.lock:
            code = self.undeliverable.get(message.e164)
            if code is None and self._rng.random() < self.delivery_failure_share:
                code = ""
            delivered = code is None
            delivery = Delivery(
                message=message,
                due=self.monotonic() + self.report_delay,
                delivered=delivered,
                code="" if delivered else (code or failure_default),
                received_at=message.accepted_at + self.report_delay,
            )
            self.deliveries.append(delivery)
            self.by_id.setdefault(message.provider_id, []).append(delivery)
            if message.batch_id:
                self.by_id.setdefault(message.batch_id, []).append(delivery)
            if message.app_id:
                self.report_queues.setdefault(message.app_id, deque()).append(delivery)
            return delivery

    def record_request(self, record: RequestRecord) -> None:
        with self.lock:
            self.requests.append(record)


def normalized(raw: str) -> str:
    """E.164 for a configured number; configuration is forgiving, the wire is not."""
    return e164(raw) or raw
