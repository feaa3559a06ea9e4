"""Tencent Cloud SMS, API 3.0 version 2021-01-11, signed with TC3-HMAC-SHA256.

One SendSms request takes up to 200 numbers that are all mainland or all international, with
one ``TemplateParamSet`` for all of them.  A batch is therefore split into groups sharing
region and template values; each group is one request.  Tencent answers per number in
``SendStatusSet``, so a request can partly succeed and exactly the refused numbers get faults.

Delivery reports come from PullSmsSendStatus, a queue: each report is handed out once, so every
report pulled is returned, matched to a pending message when it is one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, ClassVar

import httpx

from smsdesk.core.approved import ApprovalState, ProviderSignature, ProviderTemplate
from smsdesk.core.provider_api import (
    AccountField,
    DeliveryReport,
    ErrorKind,
    InboundReply,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    ReplyPage,
    ReportState,
    RequestNotSent,
    SendOutcome,
    SendSpec,
    SentMatch,
    SentProbe,
    SentRef,
)
from smsdesk.i18n import tr
from smsdesk.providers import tencent_signing as signing
from smsdesk.providers.account_settings import read_account
from smsdesk.providers.batching import send_in_groups, template_params
from smsdesk.providers.http_exchange import (
    CONNECTION_PROBLEMS,
    exchange,
    json_body,
    make_client,
    server_failed,
    status_fault,
    unreadable,
    utc_now,
    with_retry_after,
)
from smsdesk.providers.lookup import (
    CHINA_TIME,
    decode_cursor,
    encode_cursor,
    iso,
    reference_for,
    window,
)
from smsdesk.providers.tencent_lookup import (
    REPORT_GRACE,
    SEARCH_BACK,
    match_statuses,
    reply_from,
    tencent_time,
)

API_VERSION = "2021-01-11"
SERVICE = "sms"
SEND_MAX = 200
PULL_LIMIT = 100
PULL_ROUNDS = 10
SESSION_CONTEXT_MAX = 500

ERROR_KINDS: dict[str, ErrorKind] = {
    # Frequency limits.
    "LimitExceeded.DeliveryFrequencyLimit": ErrorKind.RATE_LIMITED,
    "RequestLimitExceeded": ErrorKind.RATE_LIMITED,
    "LimitExceeded.PhoneNumberDailyLimit": ErrorKind.RATE_LIMITED,
    "LimitExceeded.PhoneNumberOneHourLimit": ErrorKind.RATE_LIMITED,
    "LimitExceeded.PhoneNumberThirtySecondLimit": ErrorKind.RATE_LIMITED,
    "LimitExceeded.AppDailyLimit": ErrorKind.QUOTA_EXHAUSTED,
    # Too many numbers in one request: a malformed request rather than a pace problem, and one
    # that waiting would not cure, so it must not be retried as a rate limit.
    "LimitExceeded.PhoneNumberCountLimit": ErrorKind.INVALID_NUMBER,
    # Numbers.
    "InvalidParameterValue.IncorrectPhoneNumber": ErrorKind.INVALID_NUMBER,
    "FailedOperation.PhoneNumberParseFail": ErrorKind.INVALID_NUMBER,
    "FailedOperation.PhoneNumberInBlacklist": ErrorKind.OPTED_OUT,
    # Money.
    "FailedOperation.InsufficientBalanceInSmsPackage": ErrorKind.QUOTA_EXHAUSTED,
    # Review.
    "FailedOperation.TemplateIncorrectOrUnapproved": ErrorKind.NOT_APPROVED,
    "FailedOperation.SignatureIncorrectOrUnapproved": ErrorKind.NOT_APPROVED,
    "FailedOperation.MissingTemplateList": ErrorKind.NOT_APPROVED,
    "FailedOperation.MissingSignatureList": ErrorKind.NOT_APPROVED,
    # Content.
    "InvalidParameterValue.ContentLengthLimit": ErrorKind.CONTENT_REJECTED,
    "FailedOperation.ContainSensitiveWord": ErrorKind.CONTENT_REJECTED,
    "FailedOperation.MarketingSendTimeConstraint": ErrorKind.CONTENT_REJECTED,
    # Application and request authentication.
    "InvalidParameterValue.SdkAppIdNotExist": ErrorKind.AUTH_FAILED,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": ErrorKind.AUTH_FAILED,
    "AuthFailure.SignatureFailure": ErrorKind.AUTH_FAILED,
    "AuthFailure.SignatureExpire": ErrorKind.AUTH_FAILED,
    "AuthFailure.SecretIdNotFound": ErrorKind.AUTH_FAILED,
    # The service's own trouble.
    "InternalError.Timeout": ErrorKind.TRANSIENT,
    "InternalError.OtherError": ErrorKind.TRANSIENT,
    "InternalError": ErrorKind.TRANSIENT,
}

_PREFIX_KINDS = (("AuthFailure.", ErrorKind.AUTH_FAILED), ("InternalError.", ErrorKind.TRANSIENT))
"""Families whose every member means the same to the owner, for codes not listed above."""

REPORT_STATES = {"SUCCESS": ReportState.DELIVERED, "FAIL": ReportState.FAILED}

REPLY_POLL_INTERVAL = 10.0
"""PullSmsReplyStatus allows 100 calls a second; a reply a few seconds late costs nothing."""
STATUS_BY_NUMBER_SPLITS = 4
"""PullSmsSendStatusByPhoneNumber returns at most 100 and cannot page (``Offset`` is fixed at 0):
a full answer is asked again in halves of its span, this many times deep."""

LIST_LIMIT = 100
"""DescribeSmsTemplateList pages and DescribeSmsSignList id sets hold at most 100."""
LIST_PAGES_MAX = 40
REVIEW_STATES = {
    0: ApprovalState.APPROVED,
    1: ApprovalState.PENDING,
    2: ApprovalState.PENDING,  # a signature approved but not yet in effect
    -1: ApprovalState.REJECTED,
}


def classify(code: str, message: str = "", retry_after: float | None = None) -> ProviderFault:
    kind = ERROR_KINDS.get(code)
    if kind is None:
        kind = next(
            (k for prefix, k in _PREFIX_KINDS if code.startswith(prefix)), ErrorKind.UNKNOWN
        )
    return ProviderFault(kind, code, message, retry_after)


def is_mainland(e164: str) -> bool:
    return e164.startswith("+86")


def number_key(phone: str) -> str:
    """Digits with the country code, whichever way Tencent writes a number back."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("00"):
        digits = digits[2:]
    if len(digits) == 11 and digits.startswith("1"):
        digits = "86" + digits
    return digits


def group_batch(
    batch: Sequence[OutgoingMessage], spec: SendSpec, size: int = SEND_MAX
) -> list[list[OutgoingMessage]]:
    """Groups sharing region and template values, at most ``size`` each, first-seen order."""
    groups: dict[tuple[bool, tuple[str, ...]], list[list[OutgoingMessage]]] = {}
    ordered: list[list[OutgoingMessage]] = []
    for message in batch:
        key = (is_mainland(message.phone), tuple(template_params(message, spec).values()))
        chunks = groups.setdefault(key, [])
        if not chunks or len(chunks[-1]) >= size:
            chunks.append([])
            ordered.append(chunks[-1])
        chunks[-1].append(message)
    return ordered


def _new_nonce() -> str:
    return uuid.uuid4().hex


class TencentProvider:
    """Tencent Cloud SMS.  TC3 has no nonce; ``nonce`` is accepted for a uniform constructor."""

    kind: ClassVar[str] = "tencent"
    max_batch = SEND_MAX
    reply_poll_interval = REPLY_POLL_INTERVAL
    report_grace = REPORT_GRACE
    """Messages younger than this are never called "not found" (their report may be on its way)."""
    FIELDS: ClassVar[tuple[AccountField, ...]] = (
        AccountField("secret_id", "SecretId"),
        AccountField("secret_key", "SecretKey", secret=True),
        AccountField(
            "sdk_app_id", "SMS SdkAppId", help="The SMS application's ID, e.g. 1400006666."
        ),
        AccountField("region", "Region", required=False, default="ap-guangzhou"),
        AccountField(
            "endpoint",
            "Endpoint",
            required=False,
            default="https://sms.tencentcloudapi.com/",
            help="Change only for the international site or a test server.",
        ),
    )

    def __init__(
        self,
        settings: Mapping[str, str],
        secrets: Mapping[str, str],
        *,
        clock: Callable[[], datetime] = utc_now,
        nonce: Callable[[], str] = _new_nonce,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> None:
        values = read_account(self.FIELDS, settings, secrets)
        self._secret_id = values["secret_id"]
        self._secret_key = values["secret_key"]
        self._app_id = values["sdk_app_id"]
        self._region = values["region"]
        self._endpoint = httpx.URL(values["endpoint"])
        self._clock = clock
        self._nonce = nonce
        self._client = make_client(transport, timeout)

    # -- the wire ---------------------------------------------------------------------------

    def build_request(self, action: str, payload: Mapping[str, Any]) -> httpx.Request:
        """Serialise once; the bytes hashed into the signature are the bytes sent."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        timestamp = int(self._clock().timestamp())
        headers = {
            "Content-Type": signing.JSON_CONTENT_TYPE,
            "Host": self._endpoint.netloc.decode("ascii"),
            "X-TC-Action": action,
            "X-TC-Version": API_VERSION,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self._region,
        }
        headers["Authorization"] = signing.authorization(
            secret_id=self._secret_id,
            secret_key=self._secret_key,
            service=SERVICE,
            timestamp=timestamp,
            headers=headers,
            payload=body,
        )
        return httpx.Request("POST", self._endpoint, content=body, headers=headers)

    def _call(self, action: str, payload: Mapping[str, Any]) -> dict[str, Any]:
        response = exchange(self._client, self.build_request(action, payload))
        data = json_body(response)
        answer = data.get("Response") if isinstance(data, dict) else None
        if not isinstance(answer, dict):
            fault = None if response.is_success else status_fault(response, self._clock)
            if fault is not None:
                raise ProviderError(fault)
            raise unreadable(response) if response.is_success else server_failed(response)
        error = answer.get("Error")
        if isinstance(error, dict):
            fault = classify(str(error.get("Code", "")), str(error.get("Message", "")))
            raise ProviderError(with_retry_after(fault, response, self._clock))
        return answer

    # -- sending ----------------------------------------------------------------------------

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        return send_in_groups(group_batch(batch, spec), lambda g: self._send_group(g, spec))

    def _send_group(self, group: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        payload: dict[str, Any] = {
            "PhoneNumberSet": [m.phone for m in group],
            "SmsSdkAppId": self._app_id,
            "TemplateId": spec.provider_template_id,
            "TemplateParamSet": list(template_params(group[0], spec).values()),
            "SessionContext": reference_for([m.message_id for m in group], SESSION_CONTEXT_MAX),
        }
        if spec.signature:
            payload["SignName"] = spec.signature
        answer = self._call("SendSms", payload)
        statuses = answer.get("SendStatusSet")
        if not isinstance(statuses, list):
            raise OutcomeUnknown(tr("Tencent Cloud accepted the request but listed no numbers."))
        waiting: dict[str, list[OutgoingMessage]] = {}
        for message in group:
            waiting.setdefault(number_key(message.phone), []).append(message)
        outcomes: list[SendOutcome] = []
        for status in statuses:
            if not isinstance(status, dict):
                continue
            queue = waiting.get(number_key(str(status.get("PhoneNumber", ""))))
            if not queue:
                continue
            message = queue.pop(0)
            code = str(status.get("Code", ""))
            if code == "Ok":
                fee = status.get("Fee")
                outcomes.append(
                    SendOutcome(
                        message.message_id,
                        provider_id=str(status.get("SerialNo", "")),
                        segments=fee if isinstance(fee, int) else None,
                    )
                )
            else:
                fault = classify(code, str(status.get("Message", "")))
                outcomes.append(SendOutcome(message.message_id, fault=fault))
        return outcomes

    # -- reports ----------------------------------------------------------------------------

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        if not pending:
            return []
        by_serial = {ref.provider_id: ref for ref in pending}
        reports: list[DeliveryReport] = []
        for _ in range(PULL_ROUNDS):
            try:
                answer = self._call(
                    "PullSmsSendStatus", {"Limit": PULL_LIMIT, "SmsSdkAppId": self._app_id}
                )
            except (ProviderError, RequestNotSent, OutcomeUnknown):
                if not reports:
                    raise
                break
            items = answer.get("PullSmsSendStatusSet") or []
            for item in items:
                report = _report_from(item, by_serial) if isinstance(item, dict) else None
                if report is not None:
                    reports.append(report)
            if len(items) < PULL_LIMIT:
                break
        return reports

    # -- replies and messages in doubt -------------------------------------------------------

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """Replies waiting in Tencent's queue (PullSmsReplyStatus, up to 100 a call).

        The queue hands each reply out once, so there is nothing for the cursor to resume: it
        only remembers the newest reply seen.  A reply fetched by a process that then dies
        before storing it is not handed out again; Tencent offers nothing to prevent that.
        """
        answer = self._call("PullSmsReplyStatus", {"Limit": PULL_LIMIT, "SmsSdkAppId": self._app_id})
        items = _dicts(answer.get("PullSmsReplyStatusSet"))
        replies: list[InboundReply] = [r for r in map(reply_from, items) if r is not None]
        state = decode_cursor(cursor)
        newest = max((r.received_at for r in replies), default=None)
        if newest is not None:
            state["newest"] = max(iso(newest), str(state.get("newest", "")))
        return ReplyPage(replies, encode_cursor(state) if state else "", more=len(items) >= PULL_LIMIT)

    def find_sent(self, probes: Sequence[SentProbe]) -> list[SentMatch]:
        """Look the probes up number by number (PullSmsSendStatusByPhoneNumber).

        Probes older than Tencent keeps are left out; so is a probe younger than
        :attr:`report_grace` that is not there yet.
        """
        now = self._clock()
        by_phone: dict[str, list[SentProbe]] = {}
        for probe in probes:
            if now - probe.sent_at <= SEARCH_BACK:
                by_phone.setdefault(probe.phone, []).append(probe)
        matches: list[SentMatch] = []
        for phone, group in by_phone.items():
            begin, end = window(group)
            try:
                items, complete = self._statuses_of(phone, begin, min(end, now), 0)
            except (ProviderError, RequestNotSent, OutcomeUnknown):
                if not matches:
                    raise
                break
            matches.extend(
                match_statuses(group, items, complete=complete, settled_before=now - self.report_grace)
            )
        return matches

    def _statuses_of(
        self, phone: str, begin: datetime, end: datetime, depth: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """The delivery reports of ``phone`` sent between ``begin`` and ``end``, and whether
        that is all of them."""
        answer = self._call(
            "PullSmsSendStatusByPhoneNumber",
            {
                "BeginTime": int(begin.timestamp()),
                "EndTime": int(end.timestamp()) + 1,
                "Offset": 0,
                "Limit": PULL_LIMIT,
                "PhoneNumber": phone,
                "SmsSdkAppId": self._app_id,
            },
        )
        items = _dicts(answer.get("PullSmsSendStatusSet"))
        if len(items) < PULL_LIMIT:
            return items, True
        if depth >= STATUS_BY_NUMBER_SPLITS or end - begin < timedelta(seconds=2):
            return items, False
        middle = begin + (end - begin) / 2
        first, first_complete = self._statuses_of(phone, begin, middle, depth + 1)
        second, second_complete = self._statuses_of(phone, middle, end, depth + 1)
        seen: dict[str, dict[str, Any]] = {}
        for item in first + second:
            seen.setdefault(str(item.get("SerialNo", "")), item)
        return list(seen.values()), first_complete and second_complete

    # -- approved templates and signatures ---------------------------------------------------

    def list_templates(self) -> list[ProviderTemplate]:
        """Mainland and international templates with their review state (DescribeSmsTemplateList)."""
        found: list[ProviderTemplate] = []
        for international in (0, 1):
            for page in range(LIST_PAGES_MAX):
                answer = self._call(
                    "DescribeSmsTemplateList",
                    {"International": international, "Limit": LIST_LIMIT, "Offset": page * LIST_LIMIT},
                )
                items = _dicts(answer.get("DescribeTemplateStatusSet"))
                found.extend(
                    ProviderTemplate(
                        template_id=str(item["TemplateId"]),
                        name=str(item.get("TemplateName", "")),
                        text=str(item.get("TemplateContent", "")),
                        state=_review_state(item),
                        international=bool(item.get("International", international)),
                        reason=str(item.get("ReviewReply") or ""),
                    )
                    for item in items
                    if item.get("TemplateId") is not None
                )
                if len(items) < LIST_LIMIT:
                    break
        return found

    def list_signatures(
        self, sign_ids: Sequence[int], *, international: bool = False
    ) -> list[ProviderSignature]:
        """The review state of the signatures ``sign_ids`` (DescribeSmsSignList).

        Tencent lists signatures only by id (shown in its console), never all of them; only
        mainland messages carry a signature, so those are asked for unless told otherwise.
        """
        found: list[ProviderSignature] = []
        ids = list(dict.fromkeys(int(i) for i in sign_ids))
        for start in range(0, len(ids), LIST_LIMIT):
            answer = self._call(
                "DescribeSmsSignList",
                {"SignIdSet": ids[start : start + LIST_LIMIT], "International": int(international)},
            )
            found.extend(
                ProviderSignature(
                    name=str(item["SignName"]),
                    state=_review_state(item),
                    international=bool(item.get("International", international)),
                    reason=str(item.get("ReviewReply") or ""),
                    sign_id=str(item.get("SignId", "")),
                )
                for item in _dicts(answer.get("DescribeSignListStatusSet"))
                if item.get("SignName")
            )
        return found

    def test_connection(self) -> str:
        day = self._clock().astimezone(CHINA_TIME).strftime("%Y%m%d")
        try:
            answer = self._call(
                "SendStatusStatistics",
                {
                    "BeginTime": f"{day}00",
                    "EndTime": f"{day}23",
                    "SmsSdkAppId": self._app_id,
                    "Limit": 0,
                    "Offset": 0,
                },
            )
        except ProviderError as exc:
            if exc.fault.kind in CONNECTION_PROBLEMS:
                raise
            return tr("Connected to Tencent Cloud SMS; the SecretId was accepted.")
        except (RequestNotSent, OutcomeUnknown) as exc:
            raise ProviderError(ProviderFault(ErrorKind.TRANSIENT, "", str(exc))) from exc
        stats = answer.get("SendStatusStatistics")
        count = stats.get("RequestCount", 0) if isinstance(stats, dict) else 0
        return tr("Connected to Tencent Cloud SMS; {count} send requests today.", count=count)

    def close(self) -> None:
        self._client.close()


def _report_from(
    item: Mapping[str, Any], by_serial: Mapping[str, SentRef]
) -> DeliveryReport | None:
    state = REPORT_STATES.get(str(item.get("ReportStatus", "")))
    serial = str(item.get("SerialNo", ""))
    if state is None or not serial:
        return None
    ref = by_serial.get(serial)
    at = tencent_time(item.get("UserReceiveTime"))
    return DeliveryReport(
        provider_id=serial,
        state=state,
        code=str(item.get("Description", "")),
        at=at,
        message_id=ref.message_id if ref else None,
    )


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _review_state(item: Mapping[str, Any]) -> ApprovalState:
    code = item.get("StatusCode")
    return REVIEW_STATES.get(code, ApprovalState.PENDING) if isinstance(code, int) else ApprovalState.PENDING
