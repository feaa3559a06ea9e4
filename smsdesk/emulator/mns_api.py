"""The MNS queue Aliyun SMS delivers customers' replies to, as the emulator speaks it.

Aliyun puts uplink messages (SmsUp) on ``Alicom-Queue-<uid>-SmsUp`` in an account of its own;
a customer of Aliyun reads that queue with temporary credentials from QueryTokenForMnsQueue
(see :mod:`smsdesk.emulator.aliyun_api`).  Emulated: ReceiveMessage, BatchReceiveMessage,
DeleteMessage and BatchDeleteMessage, MNS's own request signature, the security token, the
clock check, and the visibility timeout (a received message that is not deleted comes back).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from smsdesk.emulator.http_server import Reply, Request
from smsdesk.emulator.replies import china_time, request_id
from smsdesk.emulator.state import EmulatorState, InboundSms, QueuedMessage, RequestRecord
from smsdesk.providers import aliyun_mns_signing as signing

API = "mns"
NS = "http://mns.aliyuncs.com/doc/v1/"
SKEW_SECONDS = 15 * 60
BATCH_MAX = 16
PREFIX = "/queues/"


def smsup_queue(uid: str) -> str:
    return f"Alicom-Queue-{uid}-SmsUp"


def smsup_body(reply: InboundSms) -> str:
    """The SmsUp message as Aliyun writes it, Base64-encoded as its SDKs send queue bodies."""
    number = reply.phone.removeprefix("+")
    if number.startswith("86") and len(number) == 13:
        number = number[2:]
    payload = {
        "phone_number": number,
        "content": reply.text,
        "sign_name": f"【{reply.to}】" if reply.to else "",
        "send_time": china_time(reply.received_at).strftime("%Y-%m-%d %H:%M:%S"),
        "dest_code": reply.extend,
        "sequence_id": int(reply.reply_id) if reply.reply_id.isdigit() else 0,
    }
    text = json.dumps(payload, ensure_ascii=False)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def enqueue(state: EmulatorState, queue: str, message_id: str, body: str) -> None:
    with state.lock:
        state.mns_queues.setdefault(queue, []).append(
            QueuedMessage(message_id, body, state.wall_clock())
        )


class MnsFailure(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def _xml(status: int, body: str) -> Reply:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + body
    return Reply(status, text.encode("utf-8"), "text/xml;charset=utf-8", (("x-mns-request-id", request_id()[:24]),))


def _error_xml(code: str, message: str, host: str) -> str:
    return (
        f'<Error xmlns="{NS}"><Code>{escape(code)}</Code><Message>{escape(message)}</Message>'
        f"<RequestId>{request_id()[:24]}</RequestId><HostId>{escape(host)}</HostId></Error>"
    )


def _ms(wall: float) -> int:
    return int(wall * 1000)


class MnsApi:
    name = API

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def throttled(self, retry_after: str | None) -> Reply:
        return _xml(400, _error_xml("QpsLimitExceeded", "The QPS limit of the queue is exceeded.", ""))

    def handle(self, request: Request) -> Reply:
        action = f"{request.method} {request.path}"
        try:
            queue = self._authenticate(request)
            rest = request.path[len(PREFIX) + len(queue) :]
            if rest != "/messages":
                raise MnsFailure(404, "InvalidRequestURL", "The request URL is not valid.")
            query = dict(parse_qsl(request.query, keep_blank_values=True))
            if request.method == "GET" and "numOfMessages" in query:
                action = "BatchReceiveMessage"
                reply = self._receive(queue, query, batch=True)
            elif request.method == "GET":
                action = "ReceiveMessage"
                reply = self._receive(queue, query, batch=False)
            elif request.method == "DELETE" and "ReceiptHandle" in query:
                action = "DeleteMessage"
                reply = self._delete_one(queue, query["ReceiptHandle"])
            elif request.method == "DELETE":
                action = "BatchDeleteMessage"
                reply = self._delete_batch(queue, request.body)
            else:
                raise MnsFailure(405, "InvalidRequestURL", "The method is not supported here.")
        except MnsFailure as failure:
            self.state.record_request(RequestRecord(API, action, failure.status, failure.code))
            return _xml(failure.status, _error_xml(failure.code, failure.message, request.header("host")))
        self.state.record_request(RequestRecord(API, action, reply.status))
        return reply

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(self, request: Request) -> str:
        if not request.path.startswith(PREFIX):
            raise MnsFailure(404, "InvalidRequestURL", "The request URL is not valid.")
        queue = request.path[len(PREFIX) :].split("/", 1)[0]
        parsed = signing.parse_authorization(request.header("authorization"))
        if parsed is None:
            raise MnsFailure(403, "MissingAuthorizationHeader", "The Authorization header is missing.")
        version = request.header("x-mns-version")
        if not version:
            raise MnsFailure(400, "MissingVersionHeader", "The x-mns-version header is missing.")
        if version != signing.MNS_VERSION:
            raise MnsFailure(400, "InvalidVersionHeader", "The x-mns-version header is not valid.")
        date = request.header("x-mns-date") or request.header("date")
        if not date:
            raise MnsFailure(400, "MissingDateHeader", "The Date header is missing.")
        try:
            moment = parsedate_to_datetime(date)
        except (TypeError, ValueError):
            raise MnsFailure(400, "InvalidDateHeader", "The Date header is not valid.") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if abs(moment.timestamp() - self.state.wall_clock()) > SKEW_SECONDS:
            raise MnsFailure(400, "TimeExpired", "The request time differs from the server's by over 15 minutes.")
        key_id, claimed = parsed
        with self.state.lock:
            token = self.state.mns_tokens.get(key_id)
        if token is None:
            raise MnsFailure(403, "InvalidAccessKeyId", "The AccessKeyId is not valid.")
        if token.expires_at < self.state.wall_clock():
            raise MnsFailure(403, "AccessDenied", "The security token has expired.")
        if request.header("security-token") != token.security_token:
            raise MnsFailure(403, "AccessDenied", "The security token is missing or wrong.")
        target = urlsplit(request.target)
        resource = target.path + (f"?{target.query}" if target.query else "")
        expected = signing.signature(token.secret, signing.string_to_sign(request.method, request.headers, resource))
        if not hmac.compare_digest(expected, claimed):
            raise MnsFailure(403, "SignatureDoesNotMatch", "The signature does not match.")
        md5 = request.header("content-md5")
        if md5 and md5 not in (
            signing.content_md5(request.body),
            base64.b64encode(hashlib.md5(request.body).digest()).decode("ascii"),
        ):
            raise MnsFailure(400, "InvalidDigest", "Content-MD5 does not match the body.")
        if queue != token.queue:
            raise MnsFailure(403, "AccessDenied", "The token does not grant this queue.")
        return queue

    # -- the queue --------------------------------------------------------------------------

    def _receive(self, queue: str, query: dict[str, str], *, batch: bool) -> Reply:
        count = 1
        if batch:
            try:
                count = int(query["numOfMessages"])
            except ValueError:
                count = 0
            if not 1 <= count <= BATCH_MAX:
                raise MnsFailure(400, "InvalidArgument", "numOfMessages must be between 1 and 16.")
        now = self.state.monotonic()
        wall = self.state.wall_clock()
        taken: list[QueuedMessage] = []
        with self.state.lock:
            for message in self.state.mns_queues.get(queue, []):
                if len(taken) >= count:
                    break
                if message.visible_at > now:
                    continue
                message.handle = f"{uuid.uuid4().hex.upper()}-{message.dequeue_count + 1}"
                message.dequeue_count += 1
                message.first_dequeued_at = message.first_dequeued_at or wall
                message.visible_at = now + self.state.mns_visibility
                taken.append(message)
            items = [self._message_xml(m, wall) for m in taken]
        if not items:
            raise MnsFailure(404, "MessageNotExist", "Message not exist.")
        if batch:
            return _xml(200, f'<Messages xmlns="{NS}">{"".join(items)}</Messages>')
        return _xml(200, items[0].replace("<Message>", f'<Message xmlns="{NS}">', 1))

    def _message_xml(self, message: QueuedMessage, wall: float) -> str:
        md5 = hashlib.md5(message.body.encode("utf-8")).hexdigest().upper()
        return (
            f"<Message><MessageId>{message.message_id}</MessageId>"
            f"<ReceiptHandle>{message.handle}</ReceiptHandle>"
            f"<MessageBodyMD5>{md5}</MessageBodyMD5><MessageBody>{escape(message.body)}</MessageBody>"
            f"<EnqueueTime>{_ms(message.enqueued_at)}</EnqueueTime>"
            f"<NextVisibleTime>{_ms(wall + self.state.mns_visibility)}</NextVisibleTime>"
            f"<FirstDequeueTime>{_ms(message.first_dequeued_at)}</FirstDequeueTime>"
            f"<DequeueCount>{message.dequeue_count}</DequeueCount><Priority>8</Priority></Message>"
        )

    def _remove(self, queue: str, handle: str) -> str | None:
        """Delete the message ``handle`` was issued for; the error code when it cannot."""
        now = self.state.monotonic()
        with self.state.lock:
            messages = self.state.mns_queues.get(queue, [])
            for index, message in enumerate(messages):
                if message.handle == handle:
                    if message.visible_at <= now:
                        return "MessageNotExist"
                    del messages[index]
                    return None
        return "ReceiptHandleError"

    def _delete_one(self, queue: str, handle: str) -> Reply:
        code = self._remove(queue, handle)
        if code is not None:
            raise MnsFailure(404, code, "The receipt handle is not valid or has expired.")
        return Reply(204, b"", "text/xml;charset=utf-8")

    def _delete_batch(self, queue: str, body: bytes) -> Reply:
        try:
            root = ElementTree.fromstring(body)
        except ElementTree.ParseError:
            raise MnsFailure(400, "MalformedXML", "The request body is not well-formed XML.") from None
        handles = [e.text or "" for e in root.iter() if e.tag.split("}")[-1] == "ReceiptHandle"]
        if not handles or len(handles) > BATCH_MAX:
            raise MnsFailure(400, "InvalidArgument", "Between 1 and 16 receipt handles are needed.")
        errors = []
        for handle in handles:
            code = self._remove(queue, handle)
            if code is not None:
                errors.append(
                    f"<Error><ErrorCode>{code}</ErrorCode><ErrorMessage>The receipt handle is not valid"
                    f" or has expired.</ErrorMessage><ReceiptHandle>{escape(handle)}</ReceiptHandle></Error>"
                )
        if errors:
            return _xml(404, f'<Errors xmlns="{NS}">{"".join(errors)}</Errors>')
        return Reply(204, b"", "text/xml;charset=utf-8")
