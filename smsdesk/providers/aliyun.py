"""Alibaba Cloud SMS (dysmsapi, API version 2017-05-25).

Identical template parameters go out through SendSms (up to 1000 numbers in one request);
per-number parameters through SendBatchSms (up to 100).  Aliyun answers a request with one
code for all its numbers, so a request refused because of one number is split until the
culprit is alone (see :mod:`smsdesk.providers.batching`).

One request gets one BizId for all its numbers, and delivery reports are asked for per number,
so each message's ``provider_id`` is ``"<BizId>:<number as sent>"``: unique per message and
enough to query its report.  ``OutId`` carries our message id (several, comma-separated, when
they fit in Aliyun's 255 characters), which the owner can search for in Aliyun's console.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, ClassVar

import httpx

from smsdesk.core.approved import ApprovalState, ProviderSignature, ProviderTemplate
from smsdesk.core.provider_api import (
    AccountField,
    DeliveryReport,
    ErrorKind,
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
from smsdesk.core.template import TemplateKind
from smsdesk.i18n import tr
from smsdesk.providers import aliyun_signing as signing
from smsdesk.providers.account_settings import read_account
from smsdesk.providers.aliyun_lookup import (
    PAGE_SIZE,
    PAGES_MAX,
    SEARCH_DAYS,
    days_between,
    detail_report,
    details_of,
    match_details,
    parse_found_id,
    pick_found,
)
from smsdesk.providers.aliyun_mns import ReplyQueue, open_reply_queue, read_page
from smsdesk.providers.batching import STOPPING_KINDS, send_in_groups, template_params
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
    SENT_BEFORE,
    reference_for,
    window,
)

API_VERSION = "2017-05-25"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
SEND_SMS_MAX = 1000
SEND_BATCH_SMS_MAX = 100
OUT_ID_MAX = 255

ERROR_KINDS: dict[str, ErrorKind] = {
    # Frequency and quota controls.
    "isv.BUSINESS_LIMIT_CONTROL": ErrorKind.RATE_LIMITED,
    "isv.DAY_LIMIT_CONTROL": ErrorKind.RATE_LIMITED,
    "isv.MONTH_LIMIT_CONTROL": ErrorKind.QUOTA_EXHAUSTED,
    "Throttling.User": ErrorKind.RATE_LIMITED,
    "Throttling.Api": ErrorKind.RATE_LIMITED,
    "Throttling": ErrorKind.RATE_LIMITED,
    # Numbers.
    "isv.MOBILE_NUMBER_ILLEGAL": ErrorKind.INVALID_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": ErrorKind.INVALID_NUMBER,
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": ErrorKind.INVALID_NUMBER,
    # Money.
    "isv.AMOUNT_NOT_ENOUGH": ErrorKind.QUOTA_EXHAUSTED,
    "isv.OUT_OF_SERVICE": ErrorKind.QUOTA_EXHAUSTED,
    # Review.
    "isv.SMS_TEMPLATE_ILLEGAL": ErrorKind.NOT_APPROVED,
    "isv.SMS_SIGNATURE_ILLEGAL": ErrorKind.NOT_APPROVED,
    "isv.SMS_SIGN_ILLEGAL": ErrorKind.NOT_APPROVED,
    "isv.SIGN_STATE_ILLEGAL": ErrorKind.NOT_APPROVED,
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": ErrorKind.NOT_APPROVED,
    # Parameters and content.
    "isv.TEMPLATE_MISSING_PARAMETERS": ErrorKind.CONTENT_REJECTED,
    "isv.INVALID_PARAMETERS": ErrorKind.CONTENT_REJECTED,
    "isv.INVALID_JSON_PARAM": ErrorKind.CONTENT_REJECTED,
    "isv.PARAM_LENGTH_LIMIT": ErrorKind.CONTENT_REJECTED,
    "isv.SMS_CONTENT_ILLEGAL": ErrorKind.CONTENT_REJECTED,
    "isv.BLACK_KEY_CONTROL_LIMIT": ErrorKind.CONTENT_REJECTED,
    # Account, permission and request authentication.
    "isp.RAM_PERMISSION_DENY": ErrorKind.AUTH_FAILED,
    "isv.PRODUCT_UN_SUBSCRIPT": ErrorKind.AUTH_FAILED,
    "isv.ACCOUNT_NOT_EXISTS": ErrorKind.AUTH_FAILED,
    "isv.ACCOUNT_ABNORMAL": ErrorKind.AUTH_FAILED,
    "isv.DENY_IP_RANGE": ErrorKind.AUTH_FAILED,
    "SignatureDoesNotMatch": ErrorKind.AUTH_FAILED,
    "IncompleteSignature": ErrorKind.AUTH_FAILED,
    "InvalidAccessKeyId.NotFound": ErrorKind.AUTH_FAILED,
    "InvalidAccessKeyId.Inactive": ErrorKind.AUTH_FAILED,
    "SignatureNonceUsed": ErrorKind.AUTH_FAILED,
    "InvalidTimeStamp.Expired": ErrorKind.AUTH_FAILED,
    "InvalidTimeStamp.Format": ErrorKind.AUTH_FAILED,
    "Forbidden.RAM": ErrorKind.AUTH_FAILED,
    # The service's own trouble.
    "isp.SYSTEM_ERROR": ErrorKind.TRANSIENT,
    "ServiceUnavailable": ErrorKind.TRANSIENT,
    "InternalError": ErrorKind.TRANSIENT,
}

DELIVERY_STATES = {"3": ReportState.DELIVERED, "2": ReportState.FAILED}

LIST_PAGE_SIZE = 50
"""QuerySmsTemplateList / QuerySmsSignList return at most 50 a page."""
LIST_PAGES_MAX = 40
AUDIT_STATES = {
    "AUDIT_STATE_INIT": ApprovalState.PENDING,
    "AUDIT_STATE_PASS": ApprovalState.APPROVED,
    "AUDIT_STATE_NOT_PASS": ApprovalState.REJECTED,
    "AUDIT_STATE_CANCEL": ApprovalState.CANCELLED,
    "AUDIT_SATE_CANCEL": ApprovalState.CANCELLED,  # so spelled in the template list's answers
}
TEMPLATE_KINDS = {
    0: TemplateKind.VERIFICATION,
    1: TemplateKind.NOTIFICATION,
    2: TemplateKind.MARKETING,
}
"""``OuterTemplateType``; 3 (international) and 7 (digital SMS) have no kind of ours."""
INTERNATIONAL_TYPE = 3
"""QuerySendDetails ``SendStatus``: 1 waiting for the receipt, 2 failed, 3 delivered."""


def classify(code: str, message: str = "", retry_after: float | None = None) -> ProviderFault:
    return ProviderFault(ERROR_KINDS.get(code, ErrorKind.UNKNOWN), code, message, retry_after)


def aliyun_number(e164: str) -> str:
    """Mainland numbers as their 11 digits, others as country code and number without ``+``."""
    digits = e164.removeprefix("+")
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _new_nonce() -> str:
    return uuid.uuid4().hex


class AliyunProvider:
    """Aliyun SMS through its RPC API, signed with V3 (ACS3-HMAC-SHA256) or V1 (HMAC-SHA1)."""

    kind: ClassVar[str] = "aliyun"
    max_batch = SEND_SMS_MAX
    FIELDS: ClassVar[tuple[AccountField, ...]] = (
        AccountField("access_key_id", "AccessKey ID"),
        AccountField("access_key_secret", "AccessKey secret", secret=True),
        AccountField(
            "signing",
            "Signature method",
            required=False,
            default="v3",
            choices=("v3", "v1"),
            help="V3 (ACS3-HMAC-SHA256) is Aliyun's current method; V1 (HMAC-SHA1) still works.",
        ),
        AccountField("region", "Region", required=False, default="cn-hangzhou"),
        AccountField(
            "endpoint",
            "Endpoint",
            required=False,
            default="https://dysmsapi.aliyuncs.com/",
            help="Change only for a regional endpoint or a test server.",
        ),
        AccountField(
            "account_uid",
            "Alibaba Cloud account ID",
            required=False,
            help="Needed to fetch customers' replies: the account ID shown in the console's account menu.",
        ),
        AccountField(
            "replies_token_endpoint",
            "Replies token endpoint",
            required=False,
            default="https://dybaseapi.aliyuncs.com/",
            help="Change only for a test server.",
        ),
        AccountField(
            "replies_queue_endpoint",
            "Replies queue endpoint",
            required=False,
            default="https://1943695596114318.mns.cn-hangzhou.aliyuncs.com/",
            help="Change only for a test server.",
        ),
    )
    reply_poll_interval = 10.0
    """Each poll is one token-free queue read of up to 16 replies (the token is kept)."""

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
        self._key_id = values["access_key_id"]
        self._secret = values["access_key_secret"]
        self._signing = values["signing"]
        self._region = values["region"]
        self._endpoint = httpx.URL(values["endpoint"])
        self._values = values
        self._clock = clock
        self._nonce = nonce
        self._client = make_client(transport, timeout)
        self._replies: ReplyQueue | None = None

    # -- the wire ---------------------------------------------------------------------------

    def build_request(
        self, action: str, params: Mapping[str, str], endpoint: httpx.URL | None = None
    ) -> httpx.Request:
        """The signed POST for ``action``; parameters travel as a form body in both methods.
        ``endpoint``: another product of the same API version (Dybaseapi)."""
        target = endpoint or self._endpoint
        moment = self._clock()
        nonce = self._nonce()
        if self._signing == "v1":
            every = signing.rpc_common_params(
                action=action,
                version=API_VERSION,
                access_key_id=self._key_id,
                moment=moment,
                nonce=nonce,
                region=self._region,
            )
            every.update(params)
            body = signing.signed_rpc_query("POST", every, self._secret).encode("ascii")
            headers = {"Content-Type": FORM_CONTENT_TYPE}
        else:
            body = signing.canonical_query(params).encode("ascii")
            headers = signing.acs3_signed_headers(
                method="POST",
                host=target.netloc.decode("ascii"),
                query={},
                body=body,
                action=action,
                version=API_VERSION,
                access_key_id=self._key_id,
                access_key_secret=self._secret,
                moment=moment,
                nonce=nonce,
                content_type=FORM_CONTENT_TYPE,
            )
        return httpx.Request("POST", target, content=body, headers=headers)

    def _call(
        self, action: str, params: Mapping[str, str], endpoint: httpx.URL | None = None
    ) -> dict[str, Any]:
        response = exchange(self._client, self.build_request(action, params, endpoint))
        data = json_body(response)
        if not isinstance(data, dict) or not isinstance(data.get("Code"), str):
            fault = None if response.is_success else status_fault(response, self._clock)
            if fault is not None:
                raise ProviderError(fault)
            raise unreadable(response) if response.is_success else server_failed(response)
        if data["Code"] != "OK":
            fault = classify(data["Code"], str(data.get("Message", "")))
            raise ProviderError(with_retry_after(fault, response, self._clock))
        return data

    # -- sending ----------------------------------------------------------------------------

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        params = [template_params(m, spec) for m in batch]
        size = SEND_SMS_MAX if all(p == params[0] for p in params) else SEND_BATCH_SMS_MAX
        groups = [batch[i : i + size] for i in range(0, len(batch), size)]
        return send_in_groups(
            groups,
            lambda group: self._send_group(group, spec),
            bisect_kinds={ErrorKind.INVALID_NUMBER, ErrorKind.OPTED_OUT},
        )

    def _send_group(self, group: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        numbers = [aliyun_number(m.phone) for m in group]
        params = [template_params(m, spec) for m in group]
        if all(p == params[0] for p in params):
            request = {
                "PhoneNumbers": ",".join(numbers),
                "SignName": spec.signature,
                "TemplateCode": spec.provider_template_id,
                "OutId": reference_for([m.message_id for m in group], OUT_ID_MAX),
            }
            if params[0]:
                request["TemplateParam"] = _compact_json(params[0])
            data = self._call("SendSms", request)
        else:
            data = self._call(
                "SendBatchSms",
                {
                    "PhoneNumberJson": _compact_json(numbers),
                    "SignNameJson": _compact_json([spec.signature] * len(group)),
                    "TemplateCode": spec.provider_template_id,
                    "TemplateParamJson": _compact_json(params),
                    "OutId": reference_for([m.message_id for m in group], OUT_ID_MAX),
                },
            )
        biz_id = data.get("BizId")
        if not isinstance(biz_id, str) or not biz_id:
            raise OutcomeUnknown(tr("Aliyun accepted the request but returned no BizId."))
        return [
            SendOutcome(m.message_id, provider_id=f"{biz_id}:{number}")
            for m, number in zip(group, numbers, strict=True)
        ]

    # -- reports ----------------------------------------------------------------------------

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        oldest = (self._clock() - timedelta(days=30)).astimezone(CHINA_TIME).date()
        for ref in pending:
            biz_id, sep, number = ref.provider_id.rpartition(":")
            sent_day = ref.sent_at.astimezone(CHINA_TIME).date()
            if not sep or sent_day < oldest:
                continue
            try:
                report = self._report_for(ref, biz_id, number, sent_day)
            except ProviderError as exc:
                if exc.fault.kind in STOPPING_KINDS and not reports:
                    raise
                if exc.fault.kind in STOPPING_KINDS:
                    break
                continue
            except (RequestNotSent, OutcomeUnknown):
                if not reports:
                    raise
                break
            if report is not None:
                reports.append(report)
        return reports

    def _report_for(self, ref: SentRef, biz_id: str, number: str, sent_day: date) -> DeliveryReport | None:
        found = parse_found_id(biz_id)
        if found is None:
            data = self._call(
                "QuerySendDetails",
                {
                    "PhoneNumber": number,
                    "BizId": biz_id,
                    "SendDate": sent_day.strftime("%Y%m%d"),
                    "PageSize": "10",
                    "CurrentPage": "1",
                },
            )
            return _report_from(data, ref)
        # Found by reconciliation, without a BizId: the record is picked by its send time.
        sent, message_id = found
        details, _ = self._day_details(number, sent.date())
        detail = pick_found(details, sent, message_id)
        return None if detail is None else detail_report(detail, ref.provider_id, ref.message_id)

    # -- replies ------------------------------------------------------------------------------

    @staticmethod
    def replies_configured(settings: Mapping[str, str]) -> bool:
        """Replies need the account id their queue is named after."""
        return bool((settings.get("account_uid") or "").strip())

    def _reply_queue(self) -> ReplyQueue:
        if self._replies is None:
            self._replies = open_reply_queue(self._client, self._values, self._call, self._clock)
        return self._replies

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """Delete what the previous page handed out, then receive up to 16 replies (see
        :mod:`aliyun_mns`: a page is deleted only once the caller comes back for the next)."""
        return read_page(self._reply_queue(), cursor, self._clock())

    # -- messages in doubt --------------------------------------------------------------------

    def find_sent(self, probes: Sequence[SentProbe]) -> list[SentMatch]:
        """Look each probe's number up on the days it can have been sent (QuerySendDetails by
        ``PhoneNumber`` and ``SendDate``, every page); see :mod:`aliyun_lookup` for matching."""
        now = self._clock()
        oldest = (now - timedelta(days=SEARCH_DAYS)).astimezone(CHINA_TIME).date()
        by_number: dict[str, list[SentProbe]] = {}
        for probe in probes:
            if (probe.sent_at - SENT_BEFORE).astimezone(CHINA_TIME).date() >= oldest:
                by_number.setdefault(aliyun_number(probe.phone), []).append(probe)
        matches: list[SentMatch] = []
        for number, group in by_number.items():
            begin, end = window(group)
            details: list[dict[str, Any]] = []
            complete = True
            try:
                for day in days_between(begin, min(end, now)):
                    found, whole = self._day_details(number, day)
                    details.extend(found)
                    complete = complete and whole
            except (ProviderError, RequestNotSent, OutcomeUnknown):
                if not matches:
                    raise
                break
            matches.extend(match_details(group, details, number, complete=complete))
        return matches

    def _day_details(self, number: str, day: date) -> tuple[list[dict[str, Any]], bool]:
        """Every record of ``number`` on ``day`` (Beijing time), and whether that is all."""
        details: list[dict[str, Any]] = []
        for page in range(1, PAGES_MAX + 1):
            data = self._call(
                "QuerySendDetails",
                {
                    "PhoneNumber": number,
                    "SendDate": day.strftime("%Y%m%d"),
                    "PageSize": str(PAGE_SIZE),
                    "CurrentPage": str(page),
                },
            )
            items = details_of(data)
            details.extend(items)
            total = data.get("TotalCount")
            if len(items) < PAGE_SIZE or (isinstance(total, int) and len(details) >= total):
                return details, True
        return details, False

    # -- approved templates and signatures ---------------------------------------------------

    def list_templates(self) -> list[ProviderTemplate]:
        """Every template of the account, whatever its review state (QuerySmsTemplateList)."""
        return [
            _template_from(item)
            for item in self._pages("QuerySmsTemplateList", "SmsTemplateList")
            if item.get("TemplateCode")
        ]

    def list_signatures(self) -> list[ProviderSignature]:
        """Every signature of the account with its review state (QuerySmsSignList)."""
        return [
            ProviderSignature(name=str(item["SignName"]), state=state, reason=reason)
            for item in self._pages("QuerySmsSignList", "SmsSignList")
            if item.get("SignName")
            for state, reason in [_review(item)]
        ]

    def _pages(self, action: str, key: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in range(1, LIST_PAGES_MAX + 1):
            data = self._call(action, {"PageIndex": str(page), "PageSize": str(LIST_PAGE_SIZE)})
            items = data.get(key)
            items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
            found.extend(items)
            total = data.get("TotalCount")
            if len(items) < LIST_PAGE_SIZE or (isinstance(total, int) and len(found) >= total):
                break
        return found

    def test_connection(self) -> str:
        today = self._clock().astimezone(CHINA_TIME).strftime("%Y%m%d")
        try:
            self._call(
                "QuerySendDetails",
                {
                    "PhoneNumber": "13800000000",
                    "SendDate": today,
                    "PageSize": "1",
                    "CurrentPage": "1",
                },
            )
        except ProviderError as exc:
            if exc.fault.kind in CONNECTION_PROBLEMS:
                raise
        except (RequestNotSent, OutcomeUnknown) as exc:
            raise ProviderError(ProviderFault(ErrorKind.TRANSIENT, "", str(exc))) from exc
        return tr("Connected to Aliyun SMS; the AccessKey was accepted.")

    def close(self) -> None:
        self._client.close()


def _report_from(data: Mapping[str, Any], ref: SentRef) -> DeliveryReport | None:
    container = data.get("SmsSendDetailDTOs") or {}
    details = container.get("SmsSendDetailDTO", []) if isinstance(container, dict) else []
    for detail in details:
        if not isinstance(detail, dict):
            continue
        state = DELIVERY_STATES.get(str(detail.get("SendStatus", "")))
        if state is None:
            continue
        return DeliveryReport(
            provider_id=ref.provider_id,
            state=state,
            code=str(detail.get("ErrCode", "")),
            at=_china_time(str(detail.get("ReceiveDate", ""))),
            message_id=ref.message_id,
        )
    return None


def _china_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA_TIME)
    except ValueError:
        return None


def _reject_reason(item: Mapping[str, Any]) -> str:
    reason = item.get("Reason")
    if not isinstance(reason, dict):
        return ""
    return str(reason.get("RejectInfo") or reason.get("RejectSubInfo") or "")


def _review(item: Mapping[str, Any]) -> tuple[ApprovalState, str]:
    """The review state, and the reviewer's reason when it was rejected."""
    state = AUDIT_STATES.get(str(item.get("AuditStatus", "")), ApprovalState.PENDING)
    return state, (_reject_reason(item) if state is ApprovalState.REJECTED else "")


def _template_from(item: Mapping[str, Any]) -> ProviderTemplate:
    kind_code = item.get("OuterTemplateType")
    state, reason = _review(item)
    return ProviderTemplate(
        template_id=str(item["TemplateCode"]),
        name=str(item.get("TemplateName", "")),
        text=str(item.get("TemplateContent", "")),
        state=state,
        kind=TEMPLATE_KINDS.get(kind_code, "") if isinstance(kind_code, int) else "",
        international=kind_code == INTERNATIONAL_TYPE,
        reason=reason,
    )
