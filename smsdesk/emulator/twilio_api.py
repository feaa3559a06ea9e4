"""Twilio's Messages resource as the emulator speaks it: Basic authentication, message
creation, message fetch (which is how delivery is read back), the message list with its
``To``/``From``/``DateSent`` filters and paging (how replies and messages in doubt are found),
and account fetch.

The list holds both directions: messages the account sent and messages customers sent to its
numbers (``direction`` ``inbound``), newest first, ``PageSize`` at a time, each page naming the
next by ``next_page_uri``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from typing import Any
from urllib.parse import parse_qsl, urlencode

from smsdesk.emulator.http_server import Reply, Request
from smsdesk.emulator.replies import json_reply, retry_after_headers
from smsdesk.emulator.sms_text import e164, gsm_segments
from smsdesk.emulator.state import (
    AcceptedMessage,
    Delivery,
    EmulatorState,
    InboundSms,
    RequestRecord,
)

API = "twilio"
PREFIX = "/2010-04-01/Accounts/"
BODY_MAX = 1600
DEFAULT_REFUSAL = "21610"
DEFAULT_UNDELIVERED = "30003"
MESSAGES = {
    "20001": "Invalid paging or filter parameter",
    "20003": "Authenticate",
    "20404": "The requested resource was not found",
    "20429": "Too Many Requests",
    "21211": "The 'To' number {to} is not a valid phone number.",
    "21602": "Message body is required.",
    "21603": "A 'From' phone number is required.",
    "21604": "A 'To' phone number is required.",
    "21606": "The 'From' phone number provided ({sender}) is not a valid, SMS-capable inbound phone number or short code for your account.",
    "21610": "Attempt to send to unsubscribed recipient",
    "21617": "The concatenated message body exceeds the 1600 character limit.",
}
UNDELIVERED_MESSAGES = {
    "30003": "Unreachable destination handset",
    "30005": "Unknown destination handset",
    "30006": "Landline or unreachable carrier",
    "30007": "Message filtered",
    "30008": "Unknown error",
}
_MESSAGE_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>[^/]+)/Messages(?:/(?P<sid>[^/]+))?\.json$"
)
_ACCOUNT_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>[^/]+)\.json$")
DEFAULT_PAGE_SIZE = 50
PAGE_SIZE_MAX = 1000


def _number_filter(raw: str) -> str:
    return e164(raw, bare_is_mainland=False) or raw.strip() if raw.strip() else ""


def _moment(text: str, *, end_of_day: bool) -> float | None:
    """A ``DateSent`` filter value: ``YYYY-MM-DD`` (a whole UTC day) or an ISO 8601 time."""
    try:
        if len(text) == 10:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
            return (day + timedelta(days=1)).timestamp() - 0.001 if end_of_day else day.timestamp()
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise TwilioFailure(400, "20001") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _date_sent_bounds(filters: dict[str, str]) -> tuple[float | None, float | None]:
    """``DateSent`` (that day), ``DateSent>`` (on or after) and ``DateSent<`` (on or before);
    a client writes the latter two as ``DateSent>=...`` and ``DateSent<=...``."""
    after = before = None
    if filters.get("DateSent"):
        after = _moment(filters["DateSent"], end_of_day=False)
        before = _moment(filters["DateSent"], end_of_day=True)
    if filters.get("DateSent>"):
        after = _moment(filters["DateSent>"], end_of_day=False)
    if filters.get("DateSent<"):
        before = _moment(filters["DateSent<"], end_of_day=True)
    return after, before


def _inbound_resource(reply: InboundSms) -> dict[str, Any]:
    return {
        "sid": reply.reply_id,
        "account_sid": reply.account,
        "to": reply.to,
        "from": reply.phone,
        "messaging_service_sid": None,
        "body": reply.text,
        "status": "received",
        "num_segments": str(gsm_segments(reply.text)),
        "num_media": "0",
        "direction": "inbound",
        "api_version": "2010-04-01",
        "price": None,
        "price_unit": "USD",
        "error_code": None,
        "error_message": None,
        "date_created": _rfc2822(reply.received_at),
        "date_updated": _rfc2822(reply.received_at),
        "date_sent": _rfc2822(reply.received_at),
        "uri": f"{PREFIX}{reply.account}/Messages/{reply.reply_id}.json",
    }


class TwilioFailure(Exception):
    def __init__(self, status: int, code: str, **fields: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = MESSAGES.get(code, "Error").format(**fields)


def _rfc2822(wall: float) -> str:
    return formatdate(wall, usegmt=False).replace("-0000", "+0000")


class TwilioApi:
    name = API

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    @staticmethod
    def _error(
        status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> Reply:
        return json_reply(
            status,
            {
                "code": int(code) if code.isdigit() else code,
                "message": message,
                "more_info": f"https://www.twilio.com/docs/errors/{code}",
                "status": status,
            },
            headers,
        )

    def throttled(self, retry_after: str | None) -> Reply:
        return self._error(429, "20429", MESSAGES["20429"], retry_after_headers(retry_after))

    def handle(self, request: Request) -> Reply:
        action = f"{request.method} {request.path}"
        try:
            account = self._authenticate(request)
            message_match = _MESSAGE_PATH.match(request.path)
            account_match = _ACCOUNT_PATH.match(request.path)
            match = message_match or account_match
            if match is None:
                raise TwilioFailure(404, "20404")
            if match.group("account") != account:
                raise TwilioFailure(401, "20003")
            if account_match is not None and request.method == "GET":
                action = "FetchAccount"
                status, payload = 200, self._account(account)
            elif (
                message_match is not None and message_match.group("sid") and request.method == "GET"
            ):
                action = "FetchMessage"
                status, payload = 200, self._fetch(account, message_match.group("sid"))
            elif (
                message_match is not None
                and not message_match.group("sid")
                and request.method == "GET"
            ):
                action = "ListMessages"
                status, payload = 200, self._list(account, request)
            elif (
                message_match is not None
                and not message_match.group("sid")
                and request.method == "POST"
            ):
                action = "CreateMessage"
                status, payload = 201, self._create(account, request)
            else:
                raise TwilioFailure(405, "20404")
        except TwilioFailure as failure:
            self.state.record_request(RequestRecord(API, action, failure.status, failure.code))
            headers: tuple[tuple[str, str], ...] = ()
            if failure.code == "20003":
                headers = (("WWW-Authenticate", 'Basic realm="Twilio API"'),)
            return self._error(failure.status, failure.code, failure.message, headers)
        self.state.record_request(RequestRecord(API, action, status))
        return json_reply(status, payload)

    def _authenticate(self, request: Request) -> str:
        scheme, _, token = request.header("authorization").partition(" ")
        if scheme != "Basic":
            raise TwilioFailure(401, "20003")
        try:
            user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise TwilioFailure(401, "20003") from None
        with self.state.lock:
            if user in self.state.twilio_accounts:
                account, secret = user, self.state.twilio_accounts[user]
            elif user in self.state.twilio_api_keys:
                account, secret = self.state.twilio_api_keys[user]
            else:
                raise TwilioFailure(401, "20003")
        if not hmac.compare_digest(secret.encode(), password.encode()):
            raise TwilioFailure(401, "20003")
        return account

    def _account(self, account: str) -> dict[str, Any]:
        return {
            "sid": account,
            "friendly_name": f"Emulated account {account}",
            "status": "active",
            "type": "Full",
        }

    def _create(self, account: str, request: Request) -> dict[str, Any]:
        try:
            form = dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise TwilioFailure(400, "21602") from None
        to = form.get("To", "")
        if not to:
            raise TwilioFailure(400, "21604")
        sender = form.get("From") or form.get("MessagingServiceSid") or ""
        if not sender:
            raise TwilioFailure(400, "21603")
        with self.state.lock:
            senders = self.state.twilio_senders.get(account, set())
        if sender not in senders:
            raise TwilioFailure(400, "21606", sender=sender)
        normal = e164(to, bare_is_mainland=False) if to.startswith("+") else None
        if normal is None:
            raise TwilioFailure(400, "21211", to=to)
        body = form.get("Body", "")
        if not body:
            raise TwilioFailure(400, "21602")
        if len(body) > BODY_MAX:
            raise TwilioFailure(400, "21617")
        refusal = self.state.refusal(normal, API)
        if refusal is not None:
            raise TwilioFailure(400, refusal or DEFAULT_REFUSAL)
        sid = "SM" + uuid.uuid4().hex
        now = self.state.wall_clock()
        delivery = self.state.accept(
            AcceptedMessage(
                api=API,
                account=account,
                phone=to,
                e164=normal,
                text=body,
                provider_id=sid,
                sign_name=sender,
                segments=gsm_segments(body),
                accepted_at=now,
            ),
            DEFAULT_UNDELIVERED,
        )
        return self._resource(delivery, "accepted" if sender.startswith("MG") else "queued")

    def _fetch(self, account: str, sid: str) -> dict[str, Any]:
        with self.state.lock:
            found = [d for d in self.state.by_id.get(sid, []) if d.message.account == account]
        if not found:
            raise TwilioFailure(404, "20404")
        delivery = found[0]
        if not delivery.final(self.state.monotonic()):
            return self._resource(delivery, "sent")
        return self._resource(delivery, "delivered" if delivery.delivered else "undelivered")

    def _list(self, account: str, request: Request) -> dict[str, Any]:
        query = parse_qsl(request.query, keep_blank_values=True)
        filters = dict(query)
        try:
            size = int(filters.get("PageSize") or DEFAULT_PAGE_SIZE)
            token = filters.get("PageToken", "")
            offset = int(token.removeprefix("PA")) if token else 0
        except ValueError:
            raise TwilioFailure(400, "20001") from None
        if not 1 <= size <= PAGE_SIZE_MAX or offset < 0:
            raise TwilioFailure(400, "20001")
        to = _number_filter(filters.get("To", ""))
        sender = _number_filter(filters.get("From", ""))
        after, before = _date_sent_bounds(filters)
        now = self.state.monotonic()
        rows: list[tuple[float, str, dict[str, Any]]] = []
        with self.state.lock:
            for delivery in self.state.deliveries:
                message = delivery.message
                if message.api != API or message.account != account:
                    continue
                final = delivery.final(now)
                status = ("delivered" if delivery.delivered else "undelivered") if final else "sent"
                rows.append((message.accepted_at, message.provider_id, self._resource(delivery, status)))
            for reply in self.state.inbound:
                if reply.api == API and reply.account == account:
                    rows.append((reply.received_at, reply.reply_id, _inbound_resource(reply)))
        chosen = [
            resource
            for at, _sid, resource in sorted(rows, key=lambda r: (-r[0], r[1]))
            if (not to or _number_filter(resource["to"] or "") == to)
            and (not sender or _number_filter(resource["from"] or "") == sender)
            and (after is None or at >= after)
            and (before is None or at <= before)
        ]
        page = chosen[offset : offset + size]
        base = f"{PREFIX}{account}/Messages.json"
        kept = [(k, v) for k, v in query if k not in ("Page", "PageToken", "PageSize")]

        def uri(page_number: int, start: int) -> str:
            params = [*kept, ("PageSize", str(size)), ("Page", str(page_number))]
            if start:
                params.append(("PageToken", f"PA{start}"))
            return f"{base}?{urlencode(params)}"

        number = offset // size
        more = offset + size < len(chosen)
        return {
            "messages": page,
            "start": offset,
            "end": offset + len(page) - 1 if page else offset,
            "page": number,
            "page_size": size,
            "uri": uri(number, offset),
            "first_page_uri": uri(0, 0),
            "next_page_uri": uri(number + 1, offset + size) if more else None,
            "previous_page_uri": uri(number - 1, max(0, offset - size)) if offset else None,
        }

    def _resource(self, delivery: Delivery, status: str) -> dict[str, Any]:
        message = delivery.message
        final = status in ("delivered", "undelivered")
        failed = status == "undelivered"
        sender = message.sign_name
        return {
            "sid": message.provider_id,
            "account_sid": message.account,
            "to": message.phone,
            "from": None if sender.startswith("MG") else sender,
            "messaging_service_sid": sender if sender.startswith("MG") else None,
            "body": message.text,
            "status": status,
            "num_segments": str(message.segments),
            "num_media": "0",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "price": None,
            "price_unit": "USD",
            "error_code": int(delivery.code) if failed and delivery.code.isdigit() else None,
            "error_message": UNDELIVERED_MESSAGES.get(delivery.code) if failed else None,
            "date_created": _rfc2822(message.accepted_at),
            "date_updated": _rfc2822(delivery.received_at if final else message.accepted_at),
            "date_sent": _rfc2822(message.accepted_at) if status != "queued" else None,
            "uri": f"{PREFIX}{message.account}/Messages/{message.provider_id}.json",
        }
