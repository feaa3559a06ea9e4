"""Every error code providers.md lists maps to a deliberate kind; unknown codes stay verbatim."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from smsdesk.core.provider_api import (
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    SendSpec,
)
from smsdesk.providers import aliyun, tencent, twilio
from smsdesk.providers.http_exchange import retry_after

K = ErrorKind

ALIYUN_DOCUMENTED = {
    "isv.BUSINESS_LIMIT_CONTROL": K.RATE_LIMITED,
    "isv.DAY_LIMIT_CONTROL": K.RATE_LIMITED,
    "isv.MONTH_LIMIT_CONTROL": K.QUOTA_EXHAUSTED,
    "isv.MOBILE_NUMBER_ILLEGAL": K.INVALID_NUMBER,
    "isv.MOBILE_COUNT_OVER_LIMIT": K.INVALID_NUMBER,
    "isv.DOMESTIC_NUMBER_NOT_SUPPORTED": K.INVALID_NUMBER,
    "isv.AMOUNT_NOT_ENOUGH": K.QUOTA_EXHAUSTED,
    "isv.OUT_OF_SERVICE": K.QUOTA_EXHAUSTED,
    "isv.SMS_TEMPLATE_ILLEGAL": K.NOT_APPROVED,
    "isv.SMS_SIGNATURE_ILLEGAL": K.NOT_APPROVED,
    "isv.SMS_SIGN_ILLEGAL": K.NOT_APPROVED,
    "isv.SIGN_STATE_ILLEGAL": K.NOT_APPROVED,
    "isv.SMS_SIGNATURE_SCENE_ILLEGAL": K.NOT_APPROVED,
    "isv.TEMPLATE_MISSING_PARAMETERS": K.CONTENT_REJECTED,
    "isv.INVALID_PARAMETERS": K.CONTENT_REJECTED,
    "isv.INVALID_JSON_PARAM": K.CONTENT_REJECTED,
    "isv.PARAM_LENGTH_LIMIT": K.CONTENT_REJECTED,
    "isv.SMS_CONTENT_ILLEGAL": K.CONTENT_REJECTED,
    "isv.BLACK_KEY_CONTROL_LIMIT": K.CONTENT_REJECTED,
    "isp.RAM_PERMISSION_DENY": K.AUTH_FAILED,
    "isv.PRODUCT_UN_SUBSCRIPT": K.AUTH_FAILED,
    "isv.ACCOUNT_NOT_EXISTS": K.AUTH_FAILED,
    "isv.ACCOUNT_ABNORMAL": K.AUTH_FAILED,
    "isv.DENY_IP_RANGE": K.AUTH_FAILED,
    "isp.SYSTEM_ERROR": K.TRANSIENT,
    "SignatureDoesNotMatch": K.AUTH_FAILED,
    "InvalidAccessKeyId.NotFound": K.AUTH_FAILED,
    "SignatureNonceUsed": K.AUTH_FAILED,
    "InvalidTimeStamp.Expired": K.AUTH_FAILED,
    "Throttling.User": K.RATE_LIMITED,
}

TENCENT_DOCUMENTED = {
    "LimitExceeded.DeliveryFrequencyLimit": K.RATE_LIMITED,
    "RequestLimitExceeded": K.RATE_LIMITED,
    "LimitExceeded.PhoneNumberCountLimit": K.INVALID_NUMBER,
    "LimitExceeded.PhoneNumberDailyLimit": K.RATE_LIMITED,
    "LimitExceeded.PhoneNumberOneHourLimit": K.RATE_LIMITED,
    "LimitExceeded.PhoneNumberThirtySecondLimit": K.RATE_LIMITED,
    "LimitExceeded.AppDailyLimit": K.QUOTA_EXHAUSTED,
    "InvalidParameterValue.IncorrectPhoneNumber": K.INVALID_NUMBER,
    "FailedOperation.PhoneNumberParseFail": K.INVALID_NUMBER,
    "FailedOperation.PhoneNumberInBlacklist": K.OPTED_OUT,
    "FailedOperation.InsufficientBalanceInSmsPackage": K.QUOTA_EXHAUSTED,
    "FailedOperation.TemplateIncorrectOrUnapproved": K.NOT_APPROVED,
    "FailedOperation.SignatureIncorrectOrUnapproved": K.NOT_APPROVED,
    "FailedOperation.MissingTemplateList": K.NOT_APPROVED,
    "FailedOperation.MissingSignatureList": K.NOT_APPROVED,
    "InvalidParameterValue.ContentLengthLimit": K.CONTENT_REJECTED,
    "FailedOperation.ContainSensitiveWord": K.CONTENT_REJECTED,
    "FailedOperation.MarketingSendTimeConstraint": K.CONTENT_REJECTED,
    "InvalidParameterValue.SdkAppIdNotExist": K.AUTH_FAILED,
    "UnauthorizedOperation.SmsSdkAppIdVerifyFail": K.AUTH_FAILED,
    "AuthFailure.SignatureFailure": K.AUTH_FAILED,
    "AuthFailure.SignatureExpire": K.AUTH_FAILED,
    "AuthFailure.SecretIdNotFound": K.AUTH_FAILED,
    "InternalError.Timeout": K.TRANSIENT,
    "InternalError.OtherError": K.TRANSIENT,
    "InternalError": K.TRANSIENT,
}

TWILIO_DOCUMENTED = {
    "20429": K.RATE_LIMITED,
    "20003": K.AUTH_FAILED,
    "21211": K.INVALID_NUMBER,
    "21614": K.INVALID_NUMBER,
    "21612": K.INVALID_NUMBER,
    "21408": K.NOT_APPROVED,
    "21606": K.NOT_APPROVED,
    "21608": K.NOT_APPROVED,
    "21610": K.OPTED_OUT,
    "21602": K.CONTENT_REJECTED,
    "21617": K.CONTENT_REJECTED,
    "30003": K.UNDELIVERED,
    "30005": K.UNDELIVERED,
    "30006": K.UNDELIVERED,
    "30007": K.UNDELIVERED,
    "30008": K.UNDELIVERED,
    "20005": K.QUOTA_EXHAUSTED,
    "21666": K.QUOTA_EXHAUSTED,
    "35111": K.UNKNOWN,
    "35114": K.UNKNOWN,
    "35115": K.UNKNOWN,
    "35117": K.UNKNOWN,
    "35118": K.UNKNOWN,
    "35126": K.UNKNOWN,
}

TABLES: list[tuple[Callable[..., ProviderFault], dict[str, ErrorKind], dict[str, ErrorKind]]] = [
    (aliyun.classify, ALIYUN_DOCUMENTED, aliyun.ERROR_KINDS),
    (tencent.classify, TENCENT_DOCUMENTED, tencent.ERROR_KINDS),
    (twilio.classify, TWILIO_DOCUMENTED, twilio.ERROR_KINDS),
]


@pytest.mark.parametrize(
    ("classify", "code", "kind"),
    [(c, code, kind) for c, documented, _ in TABLES for code, kind in documented.items()],
)
def test_documented_codes(
    classify: Callable[..., ProviderFault], code: str, kind: ErrorKind
) -> None:
    fault = classify(code, "the provider's words")
    assert fault == ProviderFault(kind, code, "the provider's words")


@pytest.mark.parametrize(("documented", "table"), [(d, t) for _, d, t in TABLES])
def test_every_documented_code_is_in_the_module_table(
    documented: dict[str, ErrorKind], table: dict[str, ErrorKind]
) -> None:
    assert documented.keys() <= table.keys()


@pytest.mark.parametrize("classify", [c for c, _, _ in TABLES])
def test_unknown_codes_are_unknown_and_verbatim(classify: Callable[..., ProviderFault]) -> None:
    fault = classify("Some.New_Code 42", "  Exactly as said: 原文  ")
    assert fault == ProviderFault(K.UNKNOWN, "Some.New_Code 42", "  Exactly as said: 原文  ")


def test_tencent_families_cover_unlisted_members() -> None:
    assert tencent.classify("AuthFailure.InvalidAuthorization").kind is K.AUTH_FAILED
    assert tencent.classify("InternalError.BackendTimeout").kind is K.TRANSIENT
    assert tencent.classify("FailedOperation.SomethingNew").kind is K.UNKNOWN


def _response(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "https://x/"))


def test_retry_after_seconds_and_http_date() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    later = format_datetime(datetime(2024, 1, 1, 12, 0, 42, tzinfo=UTC), usegmt=True)
    assert retry_after(_response(429, {"Retry-After": "3"})) == 3.0
    assert retry_after(_response(429, {"Retry-After": "1.5"})) == 1.5
    assert retry_after(_response(429, {"Retry-After": later}), lambda: now) == 42.0
    assert retry_after(_response(429, {"Retry-After": "soon"})) is None
    assert retry_after(_response(429)) is None
    past = format_datetime(datetime(2024, 1, 1, 11, 0, 0, tzinfo=UTC), usegmt=True)
    assert retry_after(_response(429, {"Retry-After": past}), lambda: now) == 0.0


def _send_with(
    provider_class: Any, settings: dict[str, str], secrets: dict[str, str], response: httpx.Response
) -> ProviderError:
    transport = httpx.MockTransport(lambda request: response)
    provider = provider_class(settings, secrets, transport=transport)
    message = OutgoingMessage(1, "+8613800138000", "x", {"p": "v"})
    with pytest.raises(ProviderError) as caught:
        provider.send([message], SendSpec("s", "t", ("p",)))
    return caught.value


ALIYUN = (aliyun.AliyunProvider, {"access_key_id": "i"}, {"access_key_secret": "s"})
TENCENT = (tencent.TencentProvider, {"secret_id": "i", "sdk_app_id": "1"}, {"secret_key": "s"})
TWILIO = (twilio.TwilioProvider, {"account_sid": "AC1", "sender": "+1500"}, {"auth_token": "t"})


def test_aliyun_refusal_keeps_code_and_message_verbatim() -> None:
    response = httpx.Response(
        200, json={"Code": "isv.NEW_THING", "Message": "新的错误 ", "RequestId": "r"}
    )
    error = _send_with(*ALIYUN, response)
    assert error.fault == ProviderFault(K.UNKNOWN, "isv.NEW_THING", "新的错误 ")


def test_aliyun_throttling_takes_retry_after_from_the_header() -> None:
    response = httpx.Response(
        400, json={"Code": "Throttling.User", "Message": "m"}, headers={"Retry-After": "4"}
    )
    assert _send_with(*ALIYUN, response).fault == ProviderFault(
        K.RATE_LIMITED, "Throttling.User", "m", 4.0
    )


def test_tencent_request_error_is_verbatim() -> None:
    response = httpx.Response(
        200, json={"Response": {"Error": {"Code": "X.Y", "Message": "m"}, "RequestId": "r"}}
    )
    assert _send_with(*TENCENT, response).fault == ProviderFault(K.UNKNOWN, "X.Y", "m")


def test_twilio_error_body_is_verbatim() -> None:
    response = httpx.Response(
        429, json={"code": 20429, "message": "Too Many Requests"}, headers={"Retry-After": "2"}
    )
    assert _send_with(*TWILIO, response).fault == ProviderFault(
        K.RATE_LIMITED, "20429", "Too Many Requests", 2.0
    )


@pytest.mark.parametrize("kind", [ALIYUN, TENCENT, TWILIO])
def test_a_bare_401_is_auth_failed(kind: tuple[Any, dict[str, str], dict[str, str]]) -> None:
    error = _send_with(*kind, httpx.Response(401, text="nope"))
    assert (error.fault.kind, error.fault.code) == (K.AUTH_FAILED, "401")


@pytest.mark.parametrize("kind", [ALIYUN, TENCENT, TWILIO])
def test_a_200_that_is_not_json_is_in_doubt(
    kind: tuple[Any, dict[str, str], dict[str, str]],
) -> None:
    provider_class, settings, secrets = kind
    provider = provider_class(
        settings,
        secrets,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html>")),
    )
    with pytest.raises(OutcomeUnknown):
        provider.send(
            [OutgoingMessage(1, "+8613800138000", "x", {"p": "v"})], SendSpec("s", "t", ("p",))
        )


@pytest.mark.parametrize(
    ("kind", "answer", "connected"),
    [
        (ALIYUN, {"Code": "isv.INVALID_PARAMETERS", "Message": "m"}, True),
        (ALIYUN, {"Code": "SignatureDoesNotMatch", "Message": "m"}, False),
        (ALIYUN, {"Code": "isv.AMOUNT_NOT_ENOUGH", "Message": "m"}, False),
        (TENCENT, {"Response": {"Error": {"Code": "InvalidParameterValue", "Message": "m"}}}, True),
        (
            TENCENT,
            {"Response": {"Error": {"Code": "AuthFailure.SecretIdNotFound", "Message": "m"}}},
            False,
        ),
    ],
)
def test_a_parameter_complaint_still_proves_the_credentials(
    kind: tuple[Any, dict[str, str], dict[str, str]], answer: dict[str, Any], connected: bool
) -> None:
    provider_class, settings, secrets = kind
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=answer))
    provider = provider_class(settings, secrets, transport=transport)
    if connected:
        assert "accepted" in provider.test_connection()
    else:
        with pytest.raises(ProviderError):
            provider.test_connection()
