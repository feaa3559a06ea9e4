"""Tencent Cloud SMS 2021-01-11 as the emulator speaks it: TC3 signatures, SendSms with
per-number results, PullSmsSendStatus and PullSmsSendStatusByPhoneNumber, PullSmsReplyStatus,
SendStatusStatistics, and the review lists DescribeSmsTemplateList and DescribeSmsSignList.

Every answer is HTTP 200 with ``{"Response": ...}``, errors included, as Tencent does.
"""

from __future__ import annotations

import hmac
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from smsdesk.emulator.http_server import Reply, Request
from smsdesk.emulator.replies import json_reply, request_id, retry_after_headers
from smsdesk.emulator.sms_text import (
    e164,
    gsm_segments,
    is_mainland,
    mainland_billed_parts,
    render_tencent,
    tencent_variable_count,
)
from smsdesk.emulator.state import (
    AcceptedMessage,
    Delivery,
    EmulatorState,
    RequestRecord,
    TemplateInfo,
)
from smsdesk.providers import tencent_signing as signing

API = "tencent"
VERSION = "2021-01-11"
SERVICE = "sms"
SKEW_SECONDS = 5 * 60
SEND_MAX = 200
PULL_MAX = 100
CONTENT_MAX = 500
DEFAULT_REFUSAL = "FailedOperation.PhoneNumberInBlacklist"
DEFAULT_UNDELIVERED = "MK:0001"
LIST_MAX = 100
SEARCH_BACK_SECONDS = 7 * 24 * 3600
STATUS_CODES = {"approved": 0, "pending": 1, "rejected": -1}
REFUSAL_MESSAGES = {
    "FailedOperation.PhoneNumberInBlacklist": "The number is in the blocklist.",
    "InvalidParameterValue.IncorrectPhoneNumber": "The phone number format is incorrect.",
}


@dataclass(frozen=True)
class ReviewedTemplate:
    """A template as the console lists it; only approved ones are in the send table."""

    template_id: str
    name: str
    text: str
    status: str
    """``approved``, ``pending`` or ``rejected``."""
    international: bool = False
    reply: str = ""
    created_at: float = 0.0


@dataclass(frozen=True)
class ReviewedSignature:
    sign_id: int
    name: str
    status: str
    international: bool = False
    reply: str = ""
    created_at: float = 0.0


def _status_item(d: Delivery) -> dict[str, Any]:
    """A delivery report as PullSmsSendStatus* list it (times in Unix seconds since 2021-01-11)."""
    number = d.message.e164
    return {
        "UserReceiveTime": int(d.received_at),
        "CountryCode": "86" if is_mainland(number) else "",
        "SubscriberNumber": number[3:] if is_mainland(number) else number[1:],
        "PhoneNumber": number,
        "SerialNo": d.message.provider_id,
        "ReportStatus": "SUCCESS" if d.delivered else "FAIL",
        "Description": "DELIVRD" if d.delivered else d.code,
        "SessionContext": d.message.reference,
    }


class TencentFailure(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code = code
        self.message = message


class TencentApi:
    name = API

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.template_reviews: dict[str, ReviewedTemplate] = {}
        """What the console lists, by template id; guarded by ``state.lock``."""
        self.signature_reviews: dict[int, ReviewedSignature] = {}

    # -- the console ------------------------------------------------------------------------

    def review_template(self, review: ReviewedTemplate) -> None:
        """List the template; only an approved one can be sent with."""
        with self.state.lock:
            self.template_reviews[review.template_id] = review
            if review.status == "approved":
                self.state.tencent_templates[review.template_id] = TemplateInfo(
                    review.text, review.international
                )
            else:
                self.state.tencent_templates.pop(review.template_id, None)

    def review_signature(self, review: ReviewedSignature) -> None:
        with self.state.lock:
            self.signature_reviews[review.sign_id] = review
            if review.status == "approved":
                self.state.tencent_signatures.add(review.name)
            elif not any(
                r.name == review.name and r.status == "approved"
                for r in self.signature_reviews.values()
            ):
                self.state.tencent_signatures.discard(review.name)

    def throttled(self, retry_after: str | None) -> Reply:
        return json_reply(
            429,
            {
                "Response": {
                    "Error": {
                        "Code": "RequestLimitExceeded",
                        "Message": "Your request frequency has exceeded the limit.",
                    },
                    "RequestId": request_id(),
                }
            },
            retry_after_headers(retry_after),
        )

    def handle(self, request: Request) -> Reply:
        action = request.header("x-tc-action")
        try:
            self._authenticate(request)
            if request.header("x-tc-version") != VERSION:
                raise TencentFailure("NoSuchVersion", "The API version does not exist.")
            if not request.header("x-tc-region"):
                raise TencentFailure("MissingParameter", "The request is missing the Region.")
            try:
                payload = json.loads(request.body)
            except ValueError:
                raise TencentFailure("InvalidParameter", "The request body is not JSON.") from None
            if not isinstance(payload, dict):
                raise TencentFailure("InvalidParameter", "The request body must be an object.")
            handler = {
                "SendSms": self._send_sms,
                "PullSmsSendStatus": self._pull_status,
                "PullSmsSendStatusByPhoneNumber": self._status_by_number,
                "PullSmsReplyStatus": self._pull_replies,
                "SendStatusStatistics": self._statistics,
                "DescribeSmsTemplateList": self._template_list,
                "DescribeSmsSignList": self._sign_list,
            }.get(action)
            if handler is None:
                raise TencentFailure("InvalidAction", f"The action {action} does not exist.")
            answer = handler(payload)
        except TencentFailure as failure:
            self.state.record_request(RequestRecord(API, action, 200, failure.code))
            return json_reply(
                200,
                {
                    "Response": {
                        "Error": {"Code": failure.code, "Message": failure.message},
                        "RequestId": request_id(),
                    }
                },
            )
        self.state.record_request(RequestRecord(API, action, 200, "Ok"))
        return json_reply(200, {"Response": {**answer, "RequestId": request_id()}})

    # -- authentication ---------------------------------------------------------------------

    def _authenticate(self, request: Request) -> None:
        if request.method != "POST":
            raise TencentFailure("InvalidParameter", "Only POST requests are emulated.")
        parsed = signing.parse_authorization(request.header("authorization"))
        if parsed is None:
            raise TencentFailure(
                "AuthFailure.InvalidAuthorization",
                "The Authorization header is not TC3-HMAC-SHA256.",
            )
        with self.state.lock:
            secret_key = self.state.tencent_keys.get(parsed.secret_id)
        if secret_key is None:
            raise TencentFailure("AuthFailure.SecretIdNotFound", "The SecretId does not exist.")
        try:
            timestamp = int(request.header("x-tc-timestamp"))
        except ValueError:
            raise TencentFailure("MissingParameter", "X-TC-Timestamp is missing.") from None
        now = self.state.wall_clock()
        if abs(now - timestamp) > SKEW_SECONDS:
            raise TencentFailure(
                "AuthFailure.SignatureExpire",
                f"Signature expired. Timestamp {timestamp}, server time {int(now)}.",
            )
        signed = {name.lower() for name in parsed.signed_names}
        if (
            not {"content-type", "host"} <= signed
            or parsed.service != SERVICE
            or parsed.terminator != "tc3_request"
            or parsed.date != signing.credential_date(timestamp)
        ):
            raise TencentFailure(
                "AuthFailure.SignatureFailure", "The credential scope or signed headers are wrong."
            )
        canonical = signing.canonical_request(
            method=request.method,
            headers=request.headers,
            signed_names=parsed.signed_names,
            payload=request.body,
            canonical_query=request.query,
        )
        to_sign = signing.string_to_sign(timestamp, SERVICE, canonical)
        expected = signing.signature(secret_key, timestamp, SERVICE, to_sign)
        if not hmac.compare_digest(expected, parsed.signature):
            raise TencentFailure(
                "AuthFailure.SignatureFailure",
                "The provided credentials could not be validated. Please check your signature.",
            )

    # -- actions ----------------------------------------------------------------------------

    def _app(self, payload: dict[str, Any]) -> str:
        app_id = str(payload.get("SmsSdkAppId") or "")
        if not app_id:
            raise TencentFailure("MissingParameter", "SmsSdkAppId is required.")
        with self.state.lock:
            known = app_id in self.state.tencent_apps
        if not known:
            raise TencentFailure(
                "InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist."
            )
        return app_id

    def _send_sms(self, payload: dict[str, Any]) -> dict[str, Any]:
        app_id = self._app(payload)
        raw_numbers = payload.get("PhoneNumberSet")
        if not isinstance(raw_numbers, list) or not raw_numbers:
            raise TencentFailure("MissingParameter", "PhoneNumberSet is required.")
        if len(raw_numbers) > SEND_MAX:
            raise TencentFailure(
                "LimitExceeded.PhoneNumberCountLimit", "At most 200 numbers per request."
            )
        numbers = [(str(n), e164(str(n))) for n in raw_numbers]
        regions = {is_mainland(normal) for _, normal in numbers if normal}
        if len(regions) > 1:
            raise TencentFailure(
                "UnsupportedOperation.ContainDomesticAndInternationalPhoneNumber",
                "The request mixes mainland and international numbers.",
            )
        mainland = regions != {False}
        with self.state.lock:
            template = self.state.tencent_templates.get(str(payload.get("TemplateId", "")))
            sign = str(payload.get("SignName") or "")
            sign_ok = sign in self.state.tencent_signatures
        if template is None or template.international == mainland:
            raise TencentFailure(
                "FailedOperation.TemplateIncorrectOrUnapproved",
                "The template is not approved or does not exist.",
            )
        if mainland and not sign_ok:
            raise TencentFailure(
                "FailedOperation.SignatureIncorrectOrUnapproved",
                "The signature is not approved or does not exist.",
            )
        values = payload.get("TemplateParamSet") or []
        if not isinstance(values, list) or len(values) != tencent_variable_count(template.text):
            raise TencentFailure(
                "FailedOperation.TemplateParamSetNotMatchApprovedTemplate",
                "TemplateParamSet does not match the approved template.",
            )
        body = render_tencent(template.text, [str(v) for v in values])
        text = f"【{sign}】{body}" if sign else body
        if len(text) > CONTENT_MAX:
            raise TencentFailure(
                "InvalidParameterValue.ContentLengthLimit", "The content exceeds 500 characters."
            )
        context = str(payload.get("SessionContext") or "")
        segments = mainland_billed_parts(text) if mainland else gsm_segments(text)
        now = self.state.wall_clock()
        statuses = []
        for raw, normal in numbers:
            refusal = self.state.refusal(normal, API) if normal else None
            if normal is None or refusal is not None:
                code = "InvalidParameterValue.IncorrectPhoneNumber" if normal is None else refusal
                code = code or DEFAULT_REFUSAL
                statuses.append(
                    {
                        "SerialNo": "",
                        "PhoneNumber": raw,
                        "Fee": 0,
                        "SessionContext": context,
                        "Code": code,
                        "Message": REFUSAL_MESSAGES.get(code, "The number was refused."),
                        "IsoCode": "CN" if normal and is_mainland(normal) else "",
                    }
                )
                continue
            serial = f"2745:{self.state.next_number():026d}"
            self.state.accept(
                AcceptedMessage(
                    api=API,
                    account=app_id,
                    phone=raw,
                    e164=normal,
                    text=text,
                    provider_id=serial,
                    sign_name=sign,
                    template=str(payload.get("TemplateId")),
                    params=tuple((str(i + 1), str(v)) for i, v in enumerate(values)),
                    reference=context,
                    app_id=app_id,
                    segments=segments,
                    accepted_at=now,
                ),
                DEFAULT_UNDELIVERED,
            )
            statuses.append(
                {
                    "SerialNo": serial,
                    "PhoneNumber": normal,
                    "Fee": segments,
                    "SessionContext": context,
                    "Code": "Ok",
                    "Message": "send success",
                    "IsoCode": "CN" if is_mainland(normal) else "",
                }
            )
        return {"SendStatusSet": statuses}

    def _pull_status(self, payload: dict[str, Any]) -> dict[str, Any]:
        app_id = self._app(payload)
        limit = payload.get("Limit")
        if not isinstance(limit, int) or not 1 <= limit <= PULL_MAX:
            raise TencentFailure("InvalidParameterValue", "Limit must be between 1 and 100.")
        now = self.state.monotonic()
        items: list[dict[str, Any]] = []
        with self.state.lock:
            queue = self.state.report_queues.get(app_id, deque())
            while queue and len(items) < limit and queue[0].final(now):
                d = queue.popleft()
                items.append(_status_item(d))
        return {"PullSmsSendStatusSet": items}

    def _status_by_number(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The reports of one number sent within ``BeginTime``..``EndTime`` (Unix seconds), at
        most seven days back; ``Offset`` must be 0, as Tencent documents."""
        app_id = self._app(payload)
        limit = payload.get("Limit")
        if not isinstance(limit, int) or not 1 <= limit <= PULL_MAX:
            raise TencentFailure("InvalidParameterValue", "Limit must be between 1 and 100.")
        if payload.get("Offset") != 0:
            raise TencentFailure("InvalidParameterValue", "Offset must be 0.")
        begin, end = payload.get("BeginTime"), payload.get("EndTime")
        if not isinstance(begin, int) or (end is not None and not isinstance(end, int)):
            raise TencentFailure("InvalidParameterValue", "BeginTime and EndTime are Unix seconds.")
        wall = self.state.wall_clock()
        if begin < wall - SEARCH_BACK_SECONDS:
            raise TencentFailure("InvalidParameterValue.BeginTimeTooEarly", "At most 7 days back.")
        number = e164(str(payload.get("PhoneNumber", "")))
        if number is None:
            raise TencentFailure("InvalidParameterValue.IncorrectPhoneNumber", "The phone number format is incorrect.")
        now = self.state.monotonic()
        last = wall if end is None else end
        with self.state.lock:
            found = [
                d
                for d in self.state.deliveries
                if d.message.api == API
                and d.message.app_id == app_id
                and d.message.e164 == number
                and begin <= d.message.accepted_at <= last
                and d.final(now)
            ]
            items = [_status_item(d) for d in found[:limit]]
        return {"PullSmsSendStatusSet": items}

    def _pull_replies(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Replies waiting for the app, oldest first; each is handed out once."""
        app_id = self._app(payload)
        limit = payload.get("Limit")
        if not isinstance(limit, int) or not 1 <= limit <= PULL_MAX:
            raise TencentFailure("InvalidParameterValue", "Limit must be between 1 and 100.")
        items: list[dict[str, Any]] = []
        with self.state.lock:
            queue = self.state.tencent_reply_queues.get(app_id, deque())
            while queue and len(items) < limit:
                reply = queue.popleft()
                number = reply.phone
                items.append(
                    {
                        "ExtendCode": reply.extend,
                        "CountryCode": "86" if is_mainland(number) else "",
                        "PhoneNumber": number,
                        "SignName": reply.to,
                        "ReplyContent": reply.text,
                        "ReplyTime": int(reply.received_at),
                        "SubscriberNumber": number[3:] if is_mainland(number) else number[1:],
                    }
                )
        return {"PullSmsReplyStatusSet": items}

    def _statistics(self, payload: dict[str, Any]) -> dict[str, Any]:
        app_id = self._app(payload)
        for name in ("BeginTime", "EndTime"):
            value = str(payload.get(name, ""))
            if len(value) != 10 or not value.isdigit():
                raise TencentFailure("InvalidParameterValue", f"{name} must be yyyymmddhh.")
        with self.state.lock:
            fee = sum(
                d.message.segments for d in self.state.deliveries if d.message.app_id == app_id
            )
            sends = [r for r in self.state.requests if r.api == API and r.action == "SendSms"]
        requests = len(sends)
        succeeded = sum(1 for r in sends if r.code == "Ok")
        return {
            "SendStatusStatistics": {
                "FeeCount": fee,
                "RequestCount": requests,
                "RequestSuccessCount": succeeded,
            }
        }

    # -- the review lists -------------------------------------------------------------------

    @staticmethod
    def _international(payload: dict[str, Any]) -> bool:
        value = payload.get("International")
        if value is None:
            raise TencentFailure("MissingParameter", "The request is missing International.")
        if value not in (0, 1) or isinstance(value, bool):
            raise TencentFailure("InvalidParameterValue", "International must be 0 or 1.")
        return bool(value)

    @staticmethod
    def _ids(payload: dict[str, Any], name: str) -> list[int]:
        ids = payload.get(name) or []
        if not isinstance(ids, list) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids
        ):
            raise TencentFailure("InvalidParameter", f"{name} must be an array of integers.")
        if len(ids) > LIST_MAX:
            raise TencentFailure("InvalidParameterValue", f"{name} holds at most 100 ids.")
        return ids

    def _template_list(self, payload: dict[str, Any]) -> dict[str, Any]:
        international = self._international(payload)
        ids = self._ids(payload, "TemplateIdSet")
        with self.state.lock:
            reviews = dict(self.template_reviews)
            for template_id, info in self.state.tencent_templates.items():
                reviews.setdefault(
                    template_id,
                    ReviewedTemplate(
                        template_id, template_id, info.text, "approved", info.international
                    ),
                )
        listed = sorted(
            (r for r in reviews.values() if r.international == international),
            key=lambda r: (len(r.template_id), r.template_id),
        )
        if ids:
            listed = [r for r in listed if r.template_id.isdigit() and int(r.template_id) in ids]
        else:
            limit, offset = payload.get("Limit"), payload.get("Offset", 0)
            if not isinstance(limit, int) or not 1 <= limit <= LIST_MAX:
                raise TencentFailure("InvalidParameterValue", "Limit must be between 1 and 100.")
            if not isinstance(offset, int) or offset < 0:
                raise TencentFailure("InvalidParameterValue", "Offset must not be negative.")
            listed = listed[offset : offset + limit]
        return {
            "DescribeTemplateStatusSet": [
                {
                    "TemplateId": int(r.template_id) if r.template_id.isdigit() else r.template_id,
                    "International": int(r.international),
                    "StatusCode": STATUS_CODES.get(r.status, 1),
                    "ReviewReply": r.reply,
                    "TemplateName": r.name,
                    "CreateTime": int(r.created_at),
                    "TemplateContent": r.text,
                }
                for r in listed
            ]
        }

    def _sign_list(self, payload: dict[str, Any]) -> dict[str, Any]:
        international = self._international(payload)
        ids = self._ids(payload, "SignIdSet")
        if not ids:
            raise TencentFailure("MissingParameter", "The request is missing SignIdSet.")
        with self.state.lock:
            found = [self.signature_reviews[i] for i in ids if i in self.signature_reviews]
        return {
            "DescribeSignListStatusSet": [
                {
                    "SignId": r.sign_id,
                    "International": int(r.international),
                    "StatusCode": STATUS_CODES.get(r.status, 1),
                    "ReviewReply": r.reply,
                    "SignName": r.name,
                    "CreateTime": int(r.created_at),
                }
                for r in found
                if r.international == international
            ]
        }
