"""What the adapters ask for when listing templates and signatures, and how they read the
answers the providers document (the examples on their API pages)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx

from smsdesk.core.approved import ApprovalState
from smsdesk.core.template import TemplateKind
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.tencent import TencentProvider

ALIYUN_SIGN_LIST = {
    # QuerySmsSignList's documented example answer.
    "RequestId": "819BE656-D2E0-4858-8B21-B2E47708****",
    "Code": "OK",
    "Message": "OK",
    "SmsSignList": [
        {
            "SignName": "阿里云",
            "AuditStatus": "AUDIT_STATE_NOT_PASS",
            "CreateDate": "2020-01-08 16:44:13",
            "Reason": {
                "RejectSubInfo": "文件不能证明信息真实性,请重新上传。",
                "RejectDate": "2020-01-08 19:02:13",
                "RejectInfo": "文件不能证明信息真实性,请重新上传。",
            },
            "BusinessType": "验证码类型",
            "OrderId": "236****5",
        }
    ],
    "TotalCount": 100,
    "CurrentPage": 1,
    "PageSize": 10,
}

TENCENT_TEMPLATE_LIST = {
    # DescribeSmsTemplateList's documented example status set.
    "Response": {
        "DescribeTemplateStatusSet": [
            {
                "TemplateName": "验证码",
                "TemplateId": 1110,
                "International": 0,
                "ReviewReply": "",
                "CreateTime": 1617379200,
                "TemplateContent": "您的验证码是{1}",
                "StatusCode": 0,
            }
        ],
        "RequestId": "f36e4f00-605e-49b1-ad0d-bfaba81c7325",
    }
}


class Capture:
    def __init__(self, answer: Callable[[httpx.Request], dict[str, object]]) -> None:
        self.requests: list[httpx.Request] = []
        self._answer = answer
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(200, json=self._answer(request))


def _aliyun(capture: Capture) -> AliyunProvider:
    return AliyunProvider(
        {"access_key_id": "id"}, {"access_key_secret": "secret"}, transport=capture.transport
    )


def _form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode("ascii")))


def test_aliyun_asks_page_by_page_and_stops_at_the_total() -> None:
    def answer(request: httpx.Request) -> dict[str, object]:
        page = int(_form(request)["PageIndex"])
        items = [
            {
                "TemplateCode": f"SMS_{page}{n:02d}",
                "TemplateName": "通知",
                "OuterTemplateType": 1,
                "AuditStatus": "AUDIT_STATE_PASS",
                "TemplateContent": "取货码${code}",
            }
            for n in range(50 if page == 1 else 20)
        ]
        return {"Code": "OK", "SmsTemplateList": items, "TotalCount": 70}

    capture = Capture(answer)
    found = _aliyun(capture).list_templates()
    assert len(found) == 70
    forms = [_form(r) for r in capture.requests]
    assert [(f["PageIndex"], f["PageSize"]) for f in forms] == [("1", "50"), ("2", "50")]
    assert {r.headers["x-acs-action"] for r in capture.requests} == {"QuerySmsTemplateList"}
    assert found[0].kind == TemplateKind.NOTIFICATION and found[0].state is ApprovalState.APPROVED


def test_aliyun_reads_the_documented_signature_answer() -> None:
    capture = Capture(lambda _r: ALIYUN_SIGN_LIST)
    (signature,) = _aliyun(capture).list_signatures()
    assert signature.name == "阿里云"
    assert signature.state is ApprovalState.REJECTED
    assert signature.reason == "文件不能证明信息真实性,请重新上传。"
    assert capture.requests[0].headers["x-acs-action"] == "QuerySmsSignList"


def test_aliyun_template_types_and_states_map_to_ours() -> None:
    items = [
        {"TemplateCode": "SMS_1", "OuterTemplateType": 0, "AuditStatus": "AUDIT_STATE_INIT"},
        {"TemplateCode": "SMS_2", "OuterTemplateType": 2, "AuditStatus": "AUDIT_SATE_CANCEL"},
        {
            "TemplateCode": "SMS_3",
            "OuterTemplateType": 3,
            "AuditStatus": "AUDIT_STATE_NOT_PASS",
            "Reason": {"RejectInfo": "变量不规范"},
        },
    ]
    capture = Capture(lambda _r: {"Code": "OK", "SmsTemplateList": items, "TotalCount": 3})
    found = {t.template_id: t for t in _aliyun(capture).list_templates()}
    assert (found["SMS_1"].kind, found["SMS_1"].state) == (
        TemplateKind.VERIFICATION,
        ApprovalState.PENDING,
    )
    assert (found["SMS_2"].kind, found["SMS_2"].state) == (
        TemplateKind.MARKETING,
        ApprovalState.CANCELLED,
    )
    assert (found["SMS_3"].international, found["SMS_3"].reason) == (True, "变量不规范")


def test_tencent_asks_for_mainland_then_international_templates() -> None:
    def answer(request: httpx.Request) -> dict[str, object]:
        body = json.loads(request.content)
        return (
            TENCENT_TEMPLATE_LIST
            if body["International"] == 0
            else {"Response": {"DescribeTemplateStatusSet": []}}
        )

    capture = Capture(answer)
    provider = TencentProvider(
        {"secret_id": "AKID", "sdk_app_id": "1400006666"},
        {"secret_key": "key"},
        transport=capture.transport,
    )
    (template,) = provider.list_templates()
    assert (template.template_id, template.text, template.state) == (
        "1110",
        "您的验证码是{1}",
        ApprovalState.APPROVED,
    )
    bodies = [json.loads(r.content) for r in capture.requests]
    assert bodies == [
        {"International": 0, "Limit": 100, "Offset": 0},
        {"International": 1, "Limit": 100, "Offset": 0},
    ]
    assert {r.headers["x-tc-action"] for r in capture.requests} == {"DescribeSmsTemplateList"}


def test_tencent_asks_for_signatures_by_id_in_sets_of_a_hundred() -> None:
    capture = Capture(
        lambda _r: {
            "Response": {
                "DescribeSignListStatusSet": [
                    {
                        "SignName": "腾讯云",
                        "International": 0,
                        "SignId": 1110,
                        "ReviewReply": "",
                        "StatusCode": 0,
                    },
                    {
                        "SignName": "Tencent",
                        "International": 0,
                        "SignId": 1112,
                        "ReviewReply": "资质不全",
                        "StatusCode": -1,
                    },
                ]
            }
        }
    )
    provider = TencentProvider(
        {"secret_id": "AKID", "sdk_app_id": "1400006666"},
        {"secret_key": "key"},
        transport=capture.transport,
    )
    found = provider.list_signatures(list(range(1, 151)))
    bodies = [json.loads(r.content) for r in capture.requests]
    assert [len(b["SignIdSet"]) for b in bodies] == [100, 50]
    assert all(b["International"] == 0 for b in bodies)
    assert [(s.name, s.state, s.reason) for s in found[:2]] == [
        ("腾讯云", ApprovalState.APPROVED, ""),
        ("Tencent", ApprovalState.REJECTED, "资质不全"),
    ]
