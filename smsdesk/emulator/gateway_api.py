"""A typical small "HTTP + MD5" SMS gateway, for the generic HTTP provider to talk to.

``/gateway/send`` takes ``account``, ``mobile``, ``content``, ``timestamp`` and ``sign`` as JSON,
a form or a query string, where ``sign = md5(account + password + mobile + content +
timestamp)`` and the timestamp (Unix seconds) may be at most 10 minutes off.  A Bearer token or
an ``X-API-Key`` header may stand in for the signature.  Answers are ``{"code": "0", "msg":
"OK", "msgid": ...}``; any other code is a refusal.

``/gateway/replies`` lists customers' replies (GET; ``account``, ``timestamp`` and ``sign =
md5(account + password + timestamp)``, or a token), from ``since`` (the ``next`` of the previous
answer) at most ``limit`` (default 50, at most 100) at a time: ``{"code": "0", "replies": [{"id",
"mobile", "content", "time", "dest"}], "next": ..., "more": ...}``, times in Beijing time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl

from smsdesk.emulator.http_server import Reply, Request
from smsdesk.emulator.replies import china_time, json_reply, retry_after_headers
from smsdesk.emulator.sms_text import e164
from smsdesk.emulator.state import AcceptedMessage, EmulatorState, RequestRecord

API = "gateway"
PATH = "/gateway/send"
REPLIES_PATH = "/gateway/replies"
REPLIES_DEFAULT = 50
REPLIES_MAX = 100
SKEW_SECONDS = 10 * 60
CONTENT_MAX = 500
DEFAULT_REFUSAL = "7"
CODES = {
    "0": "OK",
    "1": "throttled",
    "2": "missing parameter",
    "3": "invalid mobile number",
    "4": "invalid credentials",
    "5": "timestamp expired",
    "6": "content too long",
    "7": "number refused",
}


class GatewayFailure(Exception):
    def __init__(self, code: str, status: int = 200) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


def signature(account: str, password: str, *fields: str) -> str:
    """The gateway's MD5 signature: account, password, then the signed fields, in order."""
    return hashlib.md5("".join((account, password, *fields)).encode()).hexdigest()


class GatewayApi:
    name = API

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    def throttled(self, retry_after: str | None) -> Reply:
        return json_reply(429, {"code": "1", "msg": CODES["1"]}, retry_after_headers(retry_after))

    def handle(self, request: Request) -> Reply:
        if request.path == REPLIES_PATH:
            return self._replies(request)
        try:
            if request.path != PATH:
                raise GatewayFailure("2", 404)
            fields = self._fields(request)
            account = self._authenticate(request, fields)
            msgid = self._send(account, fields)
        except GatewayFailure as failure:
            self.state.record_request(RequestRecord(API, "send", failure.status, failure.code))
            return json_reply(failure.status, {"code": failure.code, "msg": CODES[failure.code]})
        self.state.record_request(RequestRecord(API, "send", 200, "0"))
        return json_reply(200, {"code": "0", "msg": "OK", "msgid": msgid})

    @staticmethod
    def _fields(request: Request) -> dict[str, str]:
        pairs = parse_qsl(request.query, keep_blank_values=True)
        content_type = request.header("content-type")
        try:
            if content_type.startswith("application/json"):
                data: Any = json.loads(request.body)
                if not isinstance(data, dict):
                    raise GatewayFailure("2", 400)
                pairs += [(str(k), str(v)) for k, v in data.items()]
            elif content_type.startswith("application/x-www-form-urlencoded"):
                pairs += parse_qsl(request.body.decode("utf-8"), keep_blank_values=True)
        except (ValueError, UnicodeDecodeError):
            raise GatewayFailure("2", 400) from None
        return dict(pairs)

    def _replies(self, request: Request) -> Reply:
        try:
            if request.method != "GET":
                raise GatewayFailure("2", 405)
            fields = self._fields(request)
            account = self._authenticate(request, fields, signed=("account", "timestamp"))
            try:
                start = int(fields.get("since") or 0)
                limit = int(fields.get("limit") or REPLIES_DEFAULT)
            except ValueError:
                raise GatewayFailure("2", 400) from None
            if start < 0 or not 1 <= limit <= REPLIES_MAX:
                raise GatewayFailure("2", 400)
            with self.state.lock:
                mine = [r for r in self.state.inbound if r.api == API and r.account == account]
            page = mine[start : start + limit]
        except GatewayFailure as failure:
            self.state.record_request(RequestRecord(API, "replies", failure.status, failure.code))
            return json_reply(failure.status, {"code": failure.code, "msg": CODES[failure.code]})
        self.state.record_request(RequestRecord(API, "replies", 200, "0"))
        items = [
            {
                "id": r.reply_id,
                "mobile": r.phone.removeprefix("+86") if r.phone.startswith("+86") else r.phone,
                "content": r.text,
                "time": china_time(r.received_at).strftime("%Y-%m-%d %H:%M:%S"),
                "dest": r.to,
            }
            for r in page
        ]
        following = start + len(page)
        return json_reply(
            200,
            {"code": "0", "msg": "OK", "replies": items, "next": str(following), "more": following < len(mine)},
        )

    def _authenticate(
        self,
        request: Request,
        fields: dict[str, str],
        signed: tuple[str, ...] = ("account", "mobile", "content", "timestamp"),
    ) -> str:
        """The account the request is from: a token, or ``md5(account + password + the other
        ``signed`` fields)``."""
        scheme, _, token = request.header("authorization").partition(" ")
        if scheme == "Bearer" or request.header("x-api-key"):
            token = token if scheme == "Bearer" else request.header("x-api-key")
            with self.state.lock:
                account = self.state.gateway_tokens.get(token)
            if account is None:
                raise GatewayFailure("4", 401)
            return account
        for name in ("account", "timestamp", "sign"):
            if not fields.get(name):
                raise GatewayFailure("2")
        account = fields["account"]
        with self.state.lock:
            password = self.state.gateway_accounts.get(account)
        if password is None:
            raise GatewayFailure("4")
        try:
            skew = abs(int(fields["timestamp"]) - self.state.wall_clock())
        except ValueError:
            raise GatewayFailure("5") from None
        if skew > SKEW_SECONDS:
            raise GatewayFailure("5")
        expected = signature(account, password, *(fields.get(name, "") for name in signed[1:]))
        if not hmac.compare_digest(expected, fields["sign"].lower()):
            raise GatewayFailure("4")
        return account

    def _send(self, account: str, fields: dict[str, str]) -> str:
        mobile, content = fields.get("mobile", ""), fields.get("content", "")
        if not mobile or not content:
            raise GatewayFailure("2")
        normal = e164(mobile)
        if normal is None:
            raise GatewayFailure("3")
        if len(content) > CONTENT_MAX:
            raise GatewayFailure("6")
        refusal = self.state.refusal(normal, API)
        if refusal is not None:
            raise GatewayFailure(refusal if refusal in CODES else DEFAULT_REFUSAL)
        msgid = f"GW{self.state.next_number():012d}"
        self.state.accept(
            AcceptedMessage(
                api=API,
                account=account,
                phone=mobile,
                e164=normal,
                text=content,
                provider_id=msgid,
                reference=fields.get("ref", ""),
                accepted_at=self.state.wall_clock(),
            ),
            "UNDELIV",
        )
        return msgid
