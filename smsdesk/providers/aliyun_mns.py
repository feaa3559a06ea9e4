"""Customers' replies to Aliyun SMS: the SmsUp messages on an MNS queue.

Aliyun does not list replies through the SMS API.  It puts each one, as a small JSON message,
on a queue of its own named ``Alicom-Queue-<account id>-SmsUp``, in an MNS account of Alibaba's
(``1943695596114318.mns.cn-hangzhou.aliyuncs.com``).  The account's AccessKey cannot read it
directly: QueryTokenForMnsQueue (product Dybaseapi, ``dybaseapi.aliyuncs.com``, version
2017-05-25, signed like any RPC call) hands out temporary credentials and a security token for
that queue.  The queue is then read with MNS's REST API and its own signature
(:mod:`aliyun_mns_signing`).

A received message stays on the queue, hidden for the queue's visibility timeout, until it is
deleted with the receipt handle of that receive.  The cursor therefore carries the handles of
the page just handed out, and they are deleted only on the next call, which the caller makes
after storing that page: a reply is never lost.  A handle that expired meanwhile cannot delete
its message, which comes back and is handed out again; the caller drops it by its id (the
SmsUp ``sequence_id``).
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import httpx

from smsdesk.core.provider_api import (
    ErrorKind,
    InboundReply,
    OutcomeUnknown,
    ProviderError,
    ProviderFault,
    ReplyPage,
)
from smsdesk.i18n import tr
from smsdesk.providers import aliyun_mns_signing as signing
from smsdesk.providers.account_settings import AccountSettingsError
from smsdesk.providers.http_exchange import exchange, server_failed, status_fault
from smsdesk.providers.lookup import CHINA_TIME, decode_cursor, encode_cursor, reply_digest

NS = "{http://mns.aliyuncs.com/doc/v1/}"
BATCH = 16
"""BatchReceiveMessage hands out at most 16 messages a call."""
TOKEN_MARGIN = timedelta(minutes=2)
"""A token this close to expiring is replaced before use."""
ERROR_KINDS = {
    "QpsLimitExceeded": ErrorKind.RATE_LIMITED,
    "SignatureDoesNotMatch": ErrorKind.AUTH_FAILED,
    "InvalidAccessKeyId": ErrorKind.AUTH_FAILED,
    "AccessDenied": ErrorKind.AUTH_FAILED,
    "TimeExpired": ErrorKind.AUTH_FAILED,
    "QueueNotExist": ErrorKind.NOT_APPROVED,
    "InternalError": ErrorKind.TRANSIENT,
}
TOKEN_ERRORS = frozenset({"AccessDenied", "InvalidAccessKeyId", "SecurityTokenExpired"})
"""Answers a fresh token may cure: asked once more with one."""


def smsup_queue(uid: str) -> str:
    return f"Alicom-Queue-{uid}-SmsUp"


@dataclass(frozen=True)
class QueueToken:
    key_id: str
    secret: str
    security_token: str
    expires_at: datetime


def token_from(data: Mapping[str, Any]) -> QueueToken | None:
    dto = data.get("MessageTokenDTO")
    if not isinstance(dto, dict):
        return None
    try:
        expires = datetime.strptime(str(dto.get("ExpireTime", "")), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
    except ValueError:
        expires = datetime.now(UTC) + timedelta(minutes=10)
    key_id, secret = str(dto.get("AccessKeyId") or ""), str(dto.get("AccessKeySecret") or "")
    if not key_id or not secret:
        return None
    return QueueToken(key_id, secret, str(dto.get("SecurityToken") or ""), expires)


@dataclass(frozen=True)
class QueueMessage:
    message_id: str
    handle: str
    body: str


def messages_from(xml: bytes) -> list[QueueMessage]:
    root = ElementTree.fromstring(xml)
    found = [root] if root.tag == f"{NS}Message" else root.findall(f"{NS}Message")
    return [
        QueueMessage(
            m.findtext(f"{NS}MessageId") or "",
            m.findtext(f"{NS}ReceiptHandle") or "",
            m.findtext(f"{NS}MessageBody") or "",
        )
        for m in found
    ]


def _error_code(xml: bytes) -> str:
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return ""
    return root.findtext(f"{NS}Code") or root.findtext("Code") or ""


def decode_body(body: str) -> dict[str, Any] | None:
    """The SmsUp JSON; Aliyun's SDKs put it on the queue Base64-encoded, others may not."""
    candidates = [body]
    with contextlib.suppress(ValueError):  # not Base64, or not UTF-8 inside
        candidates.insert(0, base64.b64decode(body, validate=True).decode("utf-8"))
    for text in candidates:
        try:
            value = json.loads(text)
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _e164(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        return "+86" + digits
    return "+" + digits.removeprefix("00") if digits else ""


def _send_time(text: str) -> datetime | None:
    for layout in ("%Y-%m-%d %H:%M:%S", "%Y%m%d%H%M%S"):
        try:
            return datetime.strptime(text, layout).replace(tzinfo=CHINA_TIME).astimezone(UTC)
        except ValueError:
            continue
    return None


def reply_from(message: QueueMessage, received: datetime) -> InboundReply | None:
    """The reply in one SmsUp message (``phone_number``, ``content``, ``sign_name``,
    ``send_time`` in Beijing time, ``dest_code``, ``sequence_id``)."""
    up = decode_body(message.body)
    if up is None:
        return None
    phone = _e164(str(up.get("phone_number") or ""))
    if not phone:
        return None
    text = str(up.get("content") or "")
    at = _send_time(str(up.get("send_time") or "")) or received
    sequence = up.get("sequence_id")
    own = str(int(sequence)) if isinstance(sequence, int | float) and sequence else ""
    sign = str(up.get("sign_name") or "").strip("【】[] ")
    extend = str(up.get("dest_code") or "")
    return InboundReply(
        reply_id=f"smsup:{own}" if own else (message.message_id or reply_digest("aliyun", phone, text, at)),
        phone=phone,
        text=text,
        received_at=at,
        to=" ".join(p for p in (sign, extend) if p),
    )


class ReplyQueue:
    """The account's SmsUp queue, read with temporary credentials from ``fetch_token``."""

    def __init__(
        self,
        client: httpx.Client,
        endpoint: str,
        queue: str,
        fetch_token: Callable[[], QueueToken],
        clock: Callable[[], datetime],
    ) -> None:
        self._client = client
        self._base = endpoint.rstrip("/")
        self._queue = queue
        self._fetch_token = fetch_token
        self._clock = clock
        self._token: QueueToken | None = None

    def _current_token(self, *, fresh: bool = False) -> QueueToken:
        if fresh or self._token is None or self._token.expires_at - TOKEN_MARGIN <= self._clock():
            self._token = self._fetch_token()
        return self._token

    def build_request(self, method: str, resource: str, body: bytes, token: QueueToken) -> httpx.Request:
        headers = {"Date": signing.http_date(self._clock()), "x-mns-version": signing.MNS_VERSION}
        if body:
            headers["Content-Type"] = signing.XML_CONTENT_TYPE
            headers["Content-MD5"] = signing.content_md5(body)
        headers["Authorization"] = signing.authorization(token.key_id, token.secret, method, headers, resource)
        if token.security_token:
            headers["security-token"] = token.security_token
        return httpx.Request(method, self._base + resource, content=body, headers=headers)

    def _exchange(self, method: str, resource: str, body: bytes = b"") -> httpx.Response:
        response = exchange(self._client, self.build_request(method, resource, body, self._current_token()))
        if response.status_code == 403 and _error_code(response.content) in TOKEN_ERRORS:
            token = self._current_token(fresh=True)
            response = exchange(self._client, self.build_request(method, resource, body, token))
        return response

    def _fail(self, response: httpx.Response) -> Exception:
        code = _error_code(response.content)
        if code in ERROR_KINDS:
            return ProviderError(ProviderFault(ERROR_KINDS[code], code, ""))
        implied = status_fault(response, self._clock)
        if implied is None:
            return server_failed(response)
        return ProviderError(ProviderFault(implied.kind, code or implied.code, implied.message, implied.retry_after))

    def receive(self, count: int = BATCH) -> list[QueueMessage]:
        resource = f"/queues/{quote(self._queue, safe='')}/messages?numOfMessages={count}&waitseconds=0"
        response = self._exchange("GET", resource)
        if response.status_code == 404 and _error_code(response.content) == "MessageNotExist":
            return []
        if response.status_code != 200:
            raise self._fail(response)
        try:
            return messages_from(response.content)
        except ElementTree.ParseError:
            raise server_failed(response) from None

    def delete(self, handles: Sequence[str]) -> None:
        """Delete the messages received with ``handles``; an expired handle is no error (its
        message comes back and is deleted next time)."""
        for start in range(0, len(handles), BATCH):
            chunk = handles[start : start + BATCH]
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<ReceiptHandles xmlns="{NS[1:-1]}">'
                + "".join(f"<ReceiptHandle>{escape(h)}</ReceiptHandle>" for h in chunk)
                + "</ReceiptHandles>"
            ).encode("utf-8")
            response = self._exchange("DELETE", f"/queues/{quote(self._queue, safe='')}/messages", body)
            if response.status_code in (200, 204):
                continue
            if response.status_code == 404 and not _error_code(response.content):
                continue  # <Errors> about expired handles only
            raise self._fail(response)


def open_reply_queue(
    client: httpx.Client,
    settings: Mapping[str, str],
    call: Callable[[str, Mapping[str, str], httpx.URL], dict[str, Any]],
    clock: Callable[[], datetime],
) -> ReplyQueue:
    """The account's SmsUp queue; ``call`` makes a signed RPC call to another endpoint (the
    provider's own ``_call``), through which tokens are fetched."""
    uid = settings.get("account_uid", "")
    if not uid:
        raise AccountSettingsError(
            tr("The account setting “{label}” is missing.", label=tr("Alibaba Cloud account ID"))
        )
    queue = smsup_queue(uid)
    token_endpoint = httpx.URL(settings["replies_token_endpoint"])

    def fetch_token() -> QueueToken:
        data = call("QueryTokenForMnsQueue", {"MessageType": "SmsUp", "QueueName": queue}, token_endpoint)
        token = token_from(data)
        if token is None:
            raise OutcomeUnknown(tr("Aliyun returned no token for the replies queue."))
        return token

    return ReplyQueue(client, settings["replies_queue_endpoint"], queue, fetch_token, clock)


def read_page(queue: ReplyQueue, cursor: str, now: datetime) -> ReplyPage:
    """Delete the messages the cursor's page handed out, then receive the next page."""
    handles = decode_cursor(cursor).get("delete")
    if isinstance(handles, list) and handles:
        queue.delete([str(h) for h in handles])
    messages = queue.receive(BATCH)
    replies = [r for r in (reply_from(m, now) for m in messages) if r is not None]
    state = {"delete": [m.handle for m in messages if m.handle]}
    return ReplyPage(replies, encode_cursor(state) if state["delete"] else "", more=len(messages) >= BATCH)
