"""The exact URL, headers and body bytes each adapter puts on the wire."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from smsdesk.core.provider_api import OutgoingMessage, SendSpec
from smsdesk.providers import tencent_signing
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.generic_http import GenericHttpProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider


class Capture:
    """A MockTransport that keeps every request and answers with ``answer``."""

    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self._answer(request)


def _json(status: int, payload: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json=payload)


A1_MESSAGE = OutgoingMessage(123, "+8615300000001", "", {"customer": "test"})
A1_SPEC = SendSpec("阿里云短信测试专用", "SMS_71390007", ("customer",))
A1_SIGN_NAME = "%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"


def test_aliyun_v1_posts_the_signed_canonical_form() -> None:
    capture = Capture(_json(200, {"Code": "OK", "Message": "OK", "BizId": "1^0"}))
    provider = AliyunProvider(
        {"access_key_id": "testId", "signing": "v1"},
        {"access_key_secret": "testSecret"},
        clock=lambda: datetime(2017, 7, 12, 2, 42, 19, tzinfo=UTC),
        nonce=lambda: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        transport=capture.transport,
    )
    outcomes = provider.send([A1_MESSAGE], A1_SPEC)
    assert outcomes[0].provider_id == "1^0:15300000001"
    canonical = (
        "AccessKeyId=testId&Action=SendSms&Format=JSON&OutId=123&PhoneNumbers=15300000001"
        f"&RegionId=cn-hangzhou&SignName={A1_SIGN_NAME}&SignatureMethod=HMAC-SHA1"
        "&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
        "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
        "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
    )
    to_sign = "POST&%2F&" + canonical.replace("%", "%25").replace("=", "%3D").replace("&", "%26")
    digest = hmac.new(b"testSecret&", to_sign.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    encoded = signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    (request,) = capture.requests
    assert request.method == "POST"
    assert str(request.url) == "https://dysmsapi.aliyuncs.com/"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.content == f"Signature={encoded}&{canonical}".encode()


def test_aliyun_v3_signs_the_form_body_it_sends() -> None:
    capture = Capture(_json(200, {"Code": "OK", "Message": "OK", "BizId": "1^0"}))
    provider = AliyunProvider(
        {"access_key_id": "YourAccessKeyId", "endpoint": "https://dysmsapi.aliyuncs.com/"},
        {"access_key_secret": "YourAccessKeySecret"},
        clock=lambda: datetime(2023, 10, 26, 10, 22, 32, tzinfo=UTC),
        nonce=lambda: "3156853299f313e23d1673dc12e1703d",
        transport=capture.transport,
    )
    provider.send([A1_MESSAGE], A1_SPEC)
    body = (
        f"OutId=123&PhoneNumbers=15300000001&SignName={A1_SIGN_NAME}&TemplateCode=SMS_71390007"
        "&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
    ).encode()
    body_hash = hashlib.sha256(body).hexdigest()
    canonical_request = (
        "POST\n/\n\n"
        "content-type:application/x-www-form-urlencoded\n"
        "host:dysmsapi.aliyuncs.com\n"
        "x-acs-action:SendSms\n"
        f"x-acs-content-sha256:{body_hash}\n"
        "x-acs-date:2023-10-26T10:22:32Z\n"
        "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n"
        "x-acs-version:2017-05-25\n\n"
        "content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;"
        f"x-acs-version\n{body_hash}"
    )
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical_request.encode()).hexdigest()
    signature = hmac.new(b"YourAccessKeySecret", to_sign.encode(), hashlib.sha256).hexdigest()
    (request,) = capture.requests
    assert str(request.url) == "https://dysmsapi.aliyuncs.com/"
    assert request.content == body
    headers = request.headers
    assert headers["host"] == "dysmsapi.aliyuncs.com"
    assert headers["x-acs-action"] == "SendSms"
    assert headers["x-acs-version"] == "2017-05-25"
    assert headers["x-acs-date"] == "2023-10-26T10:22:32Z"
    assert headers["x-acs-signature-nonce"] == "3156853299f313e23d1673dc12e1703d"
    assert headers["x-acs-content-sha256"] == body_hash
    assert headers["authorization"] == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=content-type;host;"
        "x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        f"Signature={signature}"
    )


def test_aliyun_per_number_params_use_send_batch_sms() -> None:
    capture = Capture(_json(200, {"Code": "OK", "Message": "OK", "BizId": "9^0"}))
    provider = AliyunProvider(
        {"access_key_id": "id"}, {"access_key_secret": "s"}, transport=capture.transport
    )
    batch = [
        OutgoingMessage(1, "+8613800138000", "", {"name": "张三"}),
        OutgoingMessage(2, "+85291234567", "", {"name": "Li"}),
    ]
    outcomes = provider.send(batch, SendSpec("店", "SMS_1", ("name",)))
    assert [o.provider_id for o in outcomes] == ["9^0:13800138000", "9^0:85291234567"]
    (request,) = capture.requests
    assert request.headers["x-acs-action"] == "SendBatchSms"
    form = dict(httpx.QueryParams(request.content.decode()))
    assert form == {
        "PhoneNumberJson": '["13800138000","85291234567"]',
        "SignNameJson": '["店","店"]',
        "TemplateCode": "SMS_1",
        "TemplateParamJson": '[{"name":"张三"},{"name":"Li"}]',
        "OutId": "1,2",
    }


T1_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
T1_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"


def test_tencent_sends_exactly_the_bytes_it_signed() -> None:
    capture = Capture(
        _json(
            200,
            {
                "Response": {
                    "SendStatusSet": [
                        {
                            "SerialNo": "2019:1",
                            "PhoneNumber": "+8613800138000",
                            "Fee": 1,
                            "Code": "Ok",
                            "Message": "send success",
                        }
                    ],
                    "RequestId": "r",
                }
            },
        )
    )
    provider = TencentProvider(
        {"secret_id": T1_ID, "sdk_app_id": "1400006666"},
        {"secret_key": T1_KEY},
        clock=lambda: datetime.fromtimestamp(1551113065, UTC),
        transport=capture.transport,
    )
    outcomes = provider.send(
        [OutgoingMessage(7, "+8613800138000", "", {"code": "1234"})],
        SendSpec("腾讯云", "449739", ("code",)),
    )
    assert (outcomes[0].provider_id, outcomes[0].segments) == ("2019:1", 1)
    body = (
        '{"PhoneNumberSet":["+8613800138000"],"SmsSdkAppId":"1400006666","TemplateId":"449739",'
        '"TemplateParamSet":["1234"],"SessionContext":"7","SignName":"腾讯云"}'
    ).encode()
    (request,) = capture.requests
    assert str(request.url) == "https://sms.tencentcloudapi.com/"
    assert request.content == body
    headers = request.headers
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["host"] == "sms.tencentcloudapi.com"
    assert headers["x-tc-action"] == "SendSms"
    assert headers["x-tc-version"] == "2021-01-11"
    assert headers["x-tc-timestamp"] == "1551113065"
    assert headers["x-tc-region"] == "ap-guangzhou"
    canonical = tencent_signing.canonical_request(
        method="POST",
        headers={
            "content-type": "application/json; charset=utf-8",
            "host": "sms.tencentcloudapi.com",
        },
        signed_names=("content-type", "host"),
        payload=body,
    )
    signature = tencent_signing.signature(
        T1_KEY, 1551113065, "sms", tencent_signing.string_to_sign(1551113065, "sms", canonical)
    )
    assert headers["authorization"] == (
        f"TC3-HMAC-SHA256 Credential={T1_ID}/2019-02-25/sms/tc3_request, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


def test_tencent_splits_regions_and_params_into_separate_requests() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        numbers = json.loads(request.content)["PhoneNumberSet"]
        statuses = [
            {"SerialNo": f"s{n}", "PhoneNumber": n, "Fee": 1, "Code": "Ok"} for n in numbers
        ]
        return httpx.Response(200, json={"Response": {"SendStatusSet": statuses}})

    capture = Capture(answer)
    provider = TencentProvider(
        {"secret_id": "id", "sdk_app_id": "1"}, {"secret_key": "k"}, transport=capture.transport
    )
    batch = [
        OutgoingMessage(1, "+8613800138000", "", {"a": "x"}),
        OutgoingMessage(2, "+447911123456", "", {"a": "x"}),
        OutgoingMessage(3, "+8613800138001", "", {"a": "y"}),
        OutgoingMessage(4, "+8613800138002", "", {"a": "x"}),
    ]
    outcomes = provider.send(batch, SendSpec("s", "t", ("a",)))
    assert sorted(o.message_id for o in outcomes if o.accepted) == [1, 2, 3, 4]
    sent = [json.loads(r.content) for r in capture.requests]
    assert [(p["PhoneNumberSet"], p["TemplateParamSet"], p["SessionContext"]) for p in sent] == [
        (["+8613800138000", "+8613800138002"], ["x"], "1,4"),
        (["+447911123456"], ["x"], "2"),
        (["+8613800138001"], ["y"], "3"),
    ]


def test_twilio_posts_a_form_with_basic_auth() -> None:
    capture = Capture(_json(201, {"sid": "SM1", "status": "queued", "num_segments": "1"}))
    provider = TwilioProvider(
        {"account_sid": "AC123", "sender": "+15005550006"},
        {"auth_token": "token"},
        transport=capture.transport,
    )
    outcome = provider.send([OutgoingMessage(1, "+8613800138000", "Hello 你好")], SendSpec())[0]
    assert (outcome.provider_id, outcome.segments) == ("SM1", 1)
    (request,) = capture.requests
    assert request.method == "POST"
    assert str(request.url) == "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"AC123:token").decode()
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert (
        request.content == b"To=%2B8613800138000&From=%2B15005550006&Body=Hello+%E4%BD%A0%E5%A5%BD"
    )


def test_twilio_messaging_service_and_api_key() -> None:
    capture = Capture(_json(201, {"sid": "SM1"}))
    provider = TwilioProvider(
        {"account_sid": "AC123", "sender": "MG456", "api_key_sid": "SK789"},
        {"auth_token": "secret"},
        transport=capture.transport,
    )
    provider.send([OutgoingMessage(1, "+14155552671", "x")], SendSpec())
    (request,) = capture.requests
    assert request.content == b"To=%2B14155552671&MessagingServiceSid=MG456&Body=x"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"SK789:secret").decode()


def test_twilio_report_fetch_url() -> None:
    capture = Capture(_json(200, {"sid": "SM1", "status": "delivered", "error_code": None}))
    provider = TwilioProvider(
        {"account_sid": "AC123", "sender": "+1", "endpoint": "http://127.0.0.1:9/"},
        {"auth_token": "t"},
        transport=capture.transport,
    )
    from smsdesk.core.provider_api import SentRef

    (report,) = provider.fetch_reports([SentRef(1, "+1", "SM1", datetime.now(UTC))])
    assert report.message_id == 1
    assert (
        str(capture.requests[0].url)
        == "http://127.0.0.1:9/2010-04-01/Accounts/AC123/Messages/SM1.json"
    )
    assert capture.requests[0].method == "GET"


GATEWAY = {
    "endpoint": "https://sms.example.com/send?v=2",
    "field_map": "mobile=phone, content=text, timestamp=timestamp",
    "static_fields": "account=shop",
    "auth": "signature",
    "signature_recipe": "md5(account+password+mobile+content+timestamp)",
    "phone_format": "digits",
}


def _gateway(capture: Capture, **settings: str) -> GenericHttpProvider:
    return GenericHttpProvider(
        {**GATEWAY, **settings},
        {"secret": "pw"},
        clock=lambda: datetime.fromtimestamp(1700000000, UTC),
        nonce=lambda: "n0",
        transport=capture.transport,
    )


def _gateway_sign() -> str:
    return hashlib.md5("shoppw8613800138000你好1700000000".encode()).hexdigest()


def test_generic_json_body_with_md5_signature() -> None:
    capture = Capture(_json(200, {"ok": True}))
    _gateway(capture).send([OutgoingMessage(1, "+8613800138000", "你好")], SendSpec())
    (request,) = capture.requests
    assert str(request.url) == "https://sms.example.com/send?v=2"
    assert request.headers["content-type"] == "application/json; charset=utf-8"
    expected = {
        "account": "shop",
        "mobile": "8613800138000",
        "content": "你好",
        "timestamp": "1700000000",
        "sign": _gateway_sign(),
    }
    assert request.content == json.dumps(expected, ensure_ascii=False).encode()


def test_generic_form_and_get() -> None:
    capture = Capture(_json(200, {}))
    _gateway(capture, body_format="form").send(
        [OutgoingMessage(1, "+8613800138000", "你好")], SendSpec()
    )
    _gateway(capture, method="GET").send([OutgoingMessage(1, "+8613800138000", "你好")], SendSpec())
    form, get = capture.requests
    query = f"account=shop&mobile=8613800138000&content=%E4%BD%A0%E5%A5%BD&timestamp=1700000000&sign={_gateway_sign()}"
    assert form.content == query.encode()
    assert form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert get.method == "GET"
    assert str(get.url) == f"https://sms.example.com/send?v=2&{query}"
    assert get.content == b""


def test_generic_vonage_style_signature() -> None:
    capture = Capture(_json(200, {"messages": [{"status": "0", "message-id": "abc"}]}))
    provider = GenericHttpProvider(
        {
            "endpoint": "https://rest.nexmo.com/sms/json",
            "body_format": "form",
            "field_map": "to=phone, text=text, timestamp=timestamp",
            "static_fields": "api_key=k, from=Shop",
            "phone_format": "digits",
            "auth": "signature",
            "signature_recipe": "md5(sorted_params + secret)",
            "signature_field": "sig",
            "success_path": "messages.0.status",
            "success_value": "0",
            "id_path": "messages.0.message-id",
        },
        {"secret": "secret"},
        clock=lambda: datetime.fromtimestamp(1461605396, UTC),
        transport=capture.transport,
    )
    outcome = provider.send([OutgoingMessage(1, "+447911123456", "a&b")], SendSpec())[0]
    assert outcome.provider_id == "abc"
    canonical = "&api_key=k&from=Shop&text=a_b&timestamp=1461605396&to=447911123456"
    sig = hashlib.md5((canonical + "secret").encode()).hexdigest()
    form = dict(httpx.QueryParams(capture.requests[0].content.decode()))
    assert form["sig"] == sig


def test_generic_bearer_and_header_auth() -> None:
    capture = Capture(_json(200, {}))
    for auth in ("bearer", "header"):
        GenericHttpProvider(
            {"endpoint": "https://x.example/send", "auth": auth, "auth_header": "X-Key"},
            {"secret": "tok"},
            transport=capture.transport,
        ).send([OutgoingMessage(1, "+8613800138000", "hi")], SendSpec())
    bearer, header = capture.requests
    assert bearer.headers["authorization"] == "Bearer tok"
    assert header.headers["x-key"] == "tok"
    assert "authorization" not in header.headers
    assert bearer.content == b'{"to": "+8613800138000", "text": "hi"}'
