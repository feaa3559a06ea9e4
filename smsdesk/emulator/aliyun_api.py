"""Aliyun dysmsapi 2017-05-25 as the emulator speaks it: V1 and V3 signatures, SendSms,
SendBatchSms, QuerySendDetails (by BizId, or every record of a number and day), the console's
lists QuerySmsTemplateList and QuerySmsSignList, and Dybaseapi's QueryTokenForMnsQueue, the
temporary credentials for reading replies off the account's SmsUp queue (see
:mod:`smsdesk.emulator.mns_api`).

Authentication is checked the way POP checks it: the canonical form is rebuilt from what
arrived on the wire (method, decoded parameters, the headers the client said it signed, the
body's own hash), the timestamp must be within 15 minutes and a nonce is good once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from smsdesk.emulator import inbound
from smsdesk.emulator.http_server import Reply, Request
from smsdesk.emulator.replies import china_time, json_reply, request_id, retry_after_headers
from smsdesk.emulator.sms_text import e164, render_aliyun
from smsdesk.emulator.state import (
    AcceptedMessage,
    EmulatorState,
    MnsToken,
    RequestRecord,
    TemplateInfo,
)
from smsdesk.providers import aliyun_signing as signing

API = "aliyun"
VERSION = "2017-05-25"
SKEW_SECONDS = 15 * 60
SEND_SMS_MAX = 1000
SEND_BATCH_SMS_MAX = 100
CONTENT_MAX = 500
OUT_ID_MAX = 255
V3_REQUIRED = (
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
)
DEFAULT_REFUSAL = "isv.MOBILE_NUMBER_ILLEGAL"
DEFAULT_UNDELIVERED = "MK:0001"
LIST_PAGE_MAX = 50
AUDIT_STATUS = {
    "approved": "AUDIT_STATE_PASS",
    "pending": "AUDIT_STATE_INIT",
    "rejected": "AUDIT_STATE_NOT_PASS",
    "cancelled": "AUDIT_SATE_CANCEL",  # the template list spells it so
}
TEMPLATE_TYPES = {"verification": 0, "notification": 1, "marketing": 2, "international": 3}
"""``OuterTemplateType`` of QuerySmsTemplateList."""
INNER_TEMPLATE_TYPES = {0: 2, 1: 0, 2: 1, 3: 6}
"""The older ``TemplateType`` numbering, still returned beside the outer one."""
SIGN_BUSINESS_TYPES = {"verification": "验证码类型", "notification": "通用类型"}


@dataclass(frozen=True)
class ReviewedTemplate:
    """A template as the console lists it; only approved ones are in the send table."""

    code: str
    name: str
    text: str
    status: str
    """``approved``, ``pending``, ``rejected`` or ``cancelled``."""
    kind: str = "notification"
    reason: str = ""
    created_at: float = 0.0


@dataclass(frozen=True)
class ReviewedSignature:
    name: str
    status: str
    reason: str = ""
    use: str = "notification"
    created_at: float = 0.0


class AliyunFailure(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message


def _business(code: str, message: str) -> AliyunFailure:
    """Business errors come back with HTTP 200 and the code in the body."""
    return AliyunFailure(200, code, message)


def _missing(name: str) -> AliyunFailure:
    return AliyunFailure(400, f"Missing{name}", f"{name} is mandatory for this action.")


def _form(request: Request) -> list[tuple[str, str]]:
    pairs = parse_qsl(request.query, keep_blank_values=True, errors="strict")
    if request.header("content-type").startswith("application/x-www-form-urlencoded"):
        pairs += parse_qsl(request.body.decode("utf-8"), keep_blank_values=True, errors="strict")
    return pairs


class AliyunApi:
    name = API

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.template_reviews: dict[str, ReviewedTemplate] = {}
        """What the console lists, by template code; guarded by ``state.lock``."""
        self.signature_reviews: dict[str, ReviewedSignature] = {}

    # -- the console ------------------------------------------------------------------------

    def review_template(self, review: ReviewedTemplate) -> None:
        """List the template; only an approved one can be sent with."""
        with self.state.lock:
            self.template_reviews[review.code] = review
            if review.status == "approved":
                self.state.aliyun_templates[review.code] = TemplateInfo(review.text)
            else:
                self.state.aliyun_templates.pop(review.code, None)

    def review_signature(self, review: ReviewedSignature) -> None:
        with self.state.lock:
            self.signature_reviews[review.name] = review
            if review.status == "approved":
                self.state.aliyun_signatures.add(review.name)
            else:
                self.state.aliyun_signatures.discard(review.name)

    # -- replies the fault injector needs -------------------------------------------------

    def throttled(self, retry_after: str | None) -> Reply:
        return json_reply(
            429,
            {
                "RequestId": request_id(),
                "Code": "Throttling.User",
                "Message": "Request was denied due to user flow control.",
            },
            retry_after_headers(retry_after),
        )

    # -- entry point ------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        action = request.header("x-acs-action")
        try:
            try:
                params = dict(_form(request))
            except UnicodeDecodeError:
                raise AliyunFailure(400, "InvalidParameter", "The request is not UTF-8.") from None
            if request.header("authorization").startswith(signing.ACS3_ALGORITHM):
                key_id = self._authenticate_v3(request, params)
            else:
                action = params.get("Action", "")
                key_id = self._authenticate_v1(request, params)
            if (params.get("Version") or request.header("x-acs-version")) != VERSION:
                raise AliyunFailure(
                    400, "InvalidVersion", "Specified parameter Version is not valid."
                )
            handler = {
                "SendSms": self._send_sms,
                "SendBatchSms": self._send_batch_sms,
                "QuerySendDetails": self._query_send_details,
                "QuerySmsTemplateList": self._query_template_list,
                "QuerySmsSignList": self._query_sign_list,
                "QueryTokenForMnsQueue": self._query_token,
            }.get(action)
            if handler is None:
                raise AliyunFailure(404, "InvalidAction.NotFound", "Specified api is not found.")
            payload = handler(key_id, params)
        except AliyunFailure as failure:
            self.state.record_request(RequestRecord(API, action, failure.status, failure.code))
            return json_reply(
                failure.status,
                {
                    "RequestId": request_id(),
                    "HostId": request.header("host"),
                    "Code": failure.code,
                    "Message": failure.message,
                },
            )
        self.state.record_request(RequestRecord(API, action, 200, "OK"))
        return json_reply(
            200, {"RequestId": request_id(), "Code": "OK", "Message": "OK", **payload}
        )

    # -- authentication ---------------------------------------------------------------------

    def _secret(self, key_id: str) -> str:
        with self.state.lock:
            secret = self.state.aliyun_keys.get(key_id)
        if secret is None:
            raise AliyunFailure(
                404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
            )
        return secret

    def _check_time(self, value: str) -> None:
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise AliyunFailure(
                400,
                "InvalidTimeStamp.Format",
                "Specified time stamp or date value is not well formatted.",
            ) from None
        skew = abs(moment.timestamp() - self.state.wall_clock())
        if skew > SKEW_SECONDS:
            raise AliyunFailure(
                400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
            )

    def _check_nonce(self, key_id: str, nonce: str) -> None:
        if not self.state.use_nonce(key_id, nonce, 2 * SKEW_SECONDS):
            raise AliyunFailure(
                400, "SignatureNonceUsed", "Specified signature nonce was used already."
            )

    def _authenticate_v1(self, request: Request, params: dict[str, str]) -> str:
        for name in ("AccessKeyId", "Signature", "SignatureNonce", "Timestamp", "Action"):
            if not params.get(name):
                raise _missing(name)
        if params.get("SignatureMethod") != "HMAC-SHA1" or params.get("SignatureVersion") != "1.0":
            raise AliyunFailure(
                400,
                "InvalidSignatureMethod",
                "Specified signature method or version is not supported.",
            )
        key_id = params["AccessKeyId"]
        secret = self._secret(key_id)
        self._check_time(params["Timestamp"])
        expected = signing.rpc_signature(request.method, params, secret)
        if not hmac.compare_digest(expected, params["Signature"]):
            to_sign = signing.rpc_string_to_sign(request.method, params)
            raise AliyunFailure(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. "
                f"server string to sign is:{to_sign}",
            )
        self._check_nonce(key_id, params["SignatureNonce"])
        return key_id

    def _authenticate_v3(self, request: Request, params: dict[str, str]) -> str:
        parts: dict[str, str] = {}
        for item in request.header("authorization")[len(signing.ACS3_ALGORITHM) :].split(","):
            key, sep, value = item.strip().partition("=")
            if sep:
                parts[key] = value
        if not {"Credential", "SignedHeaders", "Signature"} <= parts.keys():
            raise AliyunFailure(
                400,
                "IncompleteSignature",
                "The request signature does not conform to Aliyun standards.",
            )
        key_id = parts["Credential"]
        secret = self._secret(key_id)
        signed = parts["SignedHeaders"].split(";")
        unsigned = [name for name in V3_REQUIRED if name not in signed or not request.header(name)]
        if unsigned:
            raise AliyunFailure(
                400,
                "IncompleteSignature",
                f"The request signature does not conform to Aliyun standards: {', '.join(unsigned)}",
            )
        self._check_time(request.header("x-acs-date"))
        claimed = request.header("x-acs-content-sha256")
        if not hmac.compare_digest(claimed, hashlib.sha256(request.body).hexdigest()):
            raise AliyunFailure(
                400,
                "SignatureDoesNotMatch",
                "The x-acs-content-sha256 header does not match the body.",
            )
        query = dict(parse_qsl(request.query, keep_blank_values=True))
        canonical = signing.acs3_canonical_request(
            request.method,
            query,
            request.headers,
            claimed,
            canonical_uri=quote(request.path or "/", safe="/~"),
            signed_names=signed,
        )
        to_sign = signing.acs3_string_to_sign(canonical)
        if not hmac.compare_digest(signing.acs3_signature(secret, to_sign), parts["Signature"]):
            raise AliyunFailure(
                400,
                "SignatureDoesNotMatch",
                "Specified signature is not matched with our calculation. "
                f"server string to sign is:{to_sign}",
            )
        self._check_nonce(key_id, request.header("x-acs-signature-nonce"))
        return key_id

    # -- actions ----------------------------------------------------------------------------

    def _template(self, code: str) -> str:
        with self.state.lock:
            template = self.state.aliyun_templates.get(code)
        if template is None:
            raise _business("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        return template.text

    def _signature(self, name: str) -> None:
        with self.state.lock:
            approved = name in self.state.aliyun_signatures
        if not approved:
            raise _business("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")

    def _numbers(self, raw: list[str], limit: int) -> list[tuple[str, str]]:
        if len(raw) > limit:
            raise _business("isv.MOBILE_COUNT_OVER_LIMIT", "手机号码数量超过限制")
        numbers: list[tuple[str, str]] = []
        for number in raw:
            normal = e164(number)
            if normal is None:
                raise _business("isv.MOBILE_NUMBER_ILLEGAL", f"invalid mobile number: {number}")
            refusal = self.state.refusal(normal, API)
            if refusal is not None:
                raise _business(refusal or DEFAULT_REFUSAL, f"number refused: {number}")
            numbers.append((number, normal))
        return numbers

    def _content(
        self, sign: str, template_code: str, raw_params: Any
    ) -> tuple[str, dict[str, str]]:
        template = self._template(template_code)
        if raw_params in (None, ""):
            params: Any = {}
        elif isinstance(raw_params, str):
            try:
                params = json.loads(raw_params)
            except ValueError:
                raise _business("isv.INVALID_JSON_PARAM", "JSON参数不合法") from None
        else:
            params = raw_params
        if not isinstance(params, dict) or not all(isinstance(v, str) for v in params.values()):
            raise _business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值")
        body, missing = render_aliyun(template, params)
        if missing:
            raise _business("isv.TEMPLATE_MISSING_PARAMETERS", f"模板缺少变量: {','.join(missing)}")
        text = f"【{sign}】{body}"
        if len(text) > CONTENT_MAX:
            raise _business("isv.PARAM_LENGTH_LIMIT", "短信内容超过500字（含签名）")
        return text, params

    def _out_id(self, params: dict[str, str]) -> str:
        out_id = params.get("OutId", "")
        if len(out_id) > OUT_ID_MAX:
            raise _business("isv.INVALID_PARAMETERS", "OutId is too long")
        return out_id

    def _accept(
        self,
        key_id: str,
        batch: list[tuple[tuple[str, str], str, str, dict[str, str]]],
        template_code: str,
        out_id: str,
    ) -> dict[str, Any]:
        biz_id = f"{900000000000000000 + self.state.next_number()}^0"
        now = self.state.wall_clock()
        for (number, normal), sign, text, params in batch:
            self.state.accept(
                AcceptedMessage(
                    api=API,
                    account=key_id,
                    phone=number,
                    e164=normal,
                    text=text,
                    provider_id=biz_id,
                    sign_name=sign,
                    template=template_code,
                    params=tuple(params.items()),
                    reference=out_id,
                    batch_id=biz_id,
                    accepted_at=now,
                ),
                DEFAULT_UNDELIVERED,
            )
        return {"BizId": biz_id}

    def _send_sms(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                raise _missing(name)
        numbers = self._numbers(params["PhoneNumbers"].split(","), SEND_SMS_MAX)
        self._signature(params["SignName"])
        text, values = self._content(
            params["SignName"], params["TemplateCode"], params.get("TemplateParam")
        )
        out_id = self._out_id(params)
        batch = [(n, params["SignName"], text, values) for n in numbers]
        return self._accept(key_id, batch, params["TemplateCode"], out_id)

    def _send_batch_sms(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        for name in ("PhoneNumberJson", "SignNameJson", "TemplateCode"):
            if not params.get(name):
                raise _missing(name)
        try:
            raw_numbers = json.loads(params["PhoneNumberJson"])
            signs = json.loads(params["SignNameJson"])
            values = json.loads(params.get("TemplateParamJson") or "null")
        except ValueError:
            raise _business("isv.INVALID_JSON_PARAM", "JSON参数不合法") from None
        if not isinstance(raw_numbers, list) or not all(isinstance(n, str) for n in raw_numbers):
            raise _business("isv.INVALID_JSON_PARAM", "PhoneNumberJson must be a list of strings")
        if not isinstance(signs, list) or len(signs) != len(raw_numbers):
            raise _business("isv.INVALID_PARAMETERS", "SignNameJson must match PhoneNumberJson")
        if values is None:
            values = [{}] * len(raw_numbers)
        if not isinstance(values, list) or len(values) != len(raw_numbers):
            raise _business(
                "isv.INVALID_PARAMETERS", "TemplateParamJson must match PhoneNumberJson"
            )
        numbers = self._numbers(raw_numbers, SEND_BATCH_SMS_MAX)
        batch = []
        for number, sign, value in zip(numbers, signs, values, strict=True):
            self._signature(str(sign))
            text, rendered = self._content(str(sign), params["TemplateCode"], value)
            batch.append((number, str(sign), text, rendered))
        return self._accept(key_id, batch, params["TemplateCode"], self._out_id(params))

    def _query_send_details(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        for name in ("PhoneNumber", "SendDate", "PageSize", "CurrentPage"):
            if not params.get(name):
                raise _missing(name)
        number = e164(params["PhoneNumber"])
        if number is None:
            raise _business("isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number")
        today = china_time(self.state.wall_clock()).date()
        try:
            day = datetime.strptime(params["SendDate"], "%Y%m%d").date()
            size, page = int(params["PageSize"]), int(params["CurrentPage"])
        except ValueError:
            raise _business("isv.INVALID_PARAMETERS", "参数格式不正确") from None
        if not 0 <= (today - day).days <= 30:
            raise _business("isv.INVALID_PARAMETERS", "SendDate只支持查询最近30天的记录")
        if not 1 <= size <= 50 or page < 1:
            raise _business("isv.INVALID_PARAMETERS", "PageSize须在1到50之间")
        biz_id = params.get("BizId", "")
        now = self.state.monotonic()
        with self.state.lock:
            candidates = self.state.by_id.get(biz_id, []) if biz_id else self.state.deliveries
            found = [
                d
                for d in candidates
                if d.message.api == API
                and d.message.account == key_id
                and d.message.e164 == number
                and (not biz_id or d.message.batch_id == biz_id)
                and china_time(d.message.accepted_at).date() == day
            ]
            details = []
            for d in found[(page - 1) * size : page * size]:
                final = d.final(now)
                sent = china_time(d.message.accepted_at)
                details.append(
                    {
                        "PhoneNum": d.message.phone,
                        "SendStatus": (3 if d.delivered else 2) if final else 1,
                        "ErrCode": ("DELIVERED" if d.delivered else d.code) if final else "",
                        "TemplateCode": d.message.template,
                        "Content": d.message.text,
                        "SendDate": sent.strftime("%Y-%m-%d %H:%M:%S"),
                        "ReceiveDate": china_time(d.received_at).strftime("%Y-%m-%d %H:%M:%S")
                        if final
                        else "",
                        "OutId": d.message.reference,
                    }
                )
        return {"TotalCount": len(found), "SmsSendDetailDTOs": {"SmsSendDetailDTO": details}}

    def _query_token(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        """Temporary credentials for the key's own queue of ``MessageType`` (SmsUp, SmsReport)."""
        kind = params.get("MessageType", "")
        if not kind:
            raise _missing("MessageType")
        uid = inbound.aliyun_uid(self.state, key_id)
        queue = f"Alicom-Queue-{uid}-{kind}"
        if params.get("QueueName", queue) != queue:
            raise _business("isv.INVALID_PARAMETERS", "QueueName does not belong to this account")
        now = self.state.wall_clock()
        token = MnsToken(
            secret=secrets.token_urlsafe(24),
            security_token="CAIS" + secrets.token_urlsafe(48),
            queue=queue,
            expires_at=now + self.state.token_lifetime,
        )
        temporary = "STS." + secrets.token_hex(12)
        with self.state.lock:
            self.state.mns_tokens[temporary] = token
        return {
            "MessageTokenDTO": {
                "AccessKeyId": temporary,
                "AccessKeySecret": token.secret,
                "SecurityToken": token.security_token,
                "CreateTime": china_time(now).strftime("%Y-%m-%d %H:%M:%S"),
                "ExpireTime": china_time(token.expires_at).strftime("%Y-%m-%d %H:%M:%S"),
            }
        }

    # -- the console's lists ------------------------------------------------------------------

    def _page(self, params: dict[str, str]) -> tuple[int, int]:
        try:
            page = int(params.get("PageIndex") or 1)
            size = int(params.get("PageSize") or 10)
        except ValueError:
            raise _business("isv.INVALID_PARAMETERS", "参数格式不正确") from None
        if page < 1 or not 1 <= size <= LIST_PAGE_MAX:
            raise _business("isv.INVALID_PARAMETERS", "PageSize须在1到50之间")
        return page, size

    def _query_template_list(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        page, size = self._page(params)
        with self.state.lock:
            reviews = dict(self.template_reviews)
            for code, info in self.state.aliyun_templates.items():
                reviews.setdefault(code, ReviewedTemplate(code, code, info.text, "approved"))
        listed = sorted(reviews.values(), key=lambda r: r.code)
        items = []
        for r in listed[(page - 1) * size : page * size]:
            outer = TEMPLATE_TYPES.get(r.kind, 1)
            items.append(
                {
                    "TemplateCode": r.code,
                    "TemplateName": r.name,
                    "OuterTemplateType": outer,
                    "TemplateType": INNER_TEMPLATE_TYPES[outer],
                    "AuditStatus": AUDIT_STATUS.get(r.status, "AUDIT_STATE_INIT"),
                    "TemplateContent": r.text,
                    "CreateDate": china_time(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    "Reason": _reason(r.status, r.reason, r.created_at),
                }
            )
        return {
            "SmsTemplateList": items,
            "TotalCount": len(listed),
            "CurrentPage": page,
            "PageSize": size,
        }

    def _query_sign_list(self, key_id: str, params: dict[str, str]) -> dict[str, Any]:
        page, size = self._page(params)
        with self.state.lock:
            reviews = dict(self.signature_reviews)
            for name in self.state.aliyun_signatures:
                reviews.setdefault(name, ReviewedSignature(name, "approved"))
        listed = sorted(reviews.values(), key=lambda r: r.name)
        items = [
            {
                "SignName": r.name,
                "AuditStatus": AUDIT_STATUS.get(r.status, "AUDIT_STATE_INIT").replace(
                    "AUDIT_SATE_CANCEL", "AUDIT_STATE_CANCEL"
                ),
                "CreateDate": china_time(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                "Reason": _reason(r.status, r.reason, r.created_at),
                "BusinessType": SIGN_BUSINESS_TYPES.get(r.use, "通用类型"),
            }
            for r in listed[(page - 1) * size : page * size]
        ]
        return {
            "SmsSignList": items,
            "TotalCount": len(listed),
            "CurrentPage": page,
            "PageSize": size,
        }


def _reason(status: str, reason: str, at: float) -> dict[str, str]:
    if status != "rejected":
        return {"RejectInfo": "无审核备注"}
    when = china_time(at).strftime("%Y-%m-%d %H:%M:%S")
    return {"RejectInfo": reason, "RejectSubInfo": reason, "RejectDate": when}
