"""Aliyun signatures against the published examples, byte for byte."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from smsdesk.providers import aliyun_signing as s

A1_PARAMS = {
    "AccessKeyId": "testId",
    "Action": "SendSms",
    "Format": "XML",
    "OutId": "123",
    "PhoneNumbers": "15300000001",
    "RegionId": "cn-hangzhou",
    "SignName": "阿里云短信测试专用",
    "SignatureMethod": "HMAC-SHA1",
    "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    "SignatureVersion": "1.0",
    "TemplateCode": "SMS_71390007",
    "TemplateParam": '{"customer":"test"}',
    "Timestamp": "2017-07-12T02:42:19Z",
    "Version": "2017-05-25",
}
A1_CANONICAL = (
    "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001"
    "&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B"
    "%E8%AF%95%E4%B8%93%E7%94%A8&SignatureMethod=HMAC-SHA1"
    "&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
    "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
    "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25"
)
A1_STRING_TO_SIGN = (
    "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123"
    "%26PhoneNumbers%3D15300000001%26RegionId%3Dcn-hangzhou%26SignName%3D%25E9%2598%25BF"
    "%25E9%2587%258C%25E4%25BA%2591%25E7%259F%25AD%25E4%25BF%25A1%25E6%25B5%258B%25E8%25AF"
    "%2595%25E4%25B8%2593%25E7%2594%25A8%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
    "%3D45e25e9b-0a6f-4070-8c85-2956eda1b466%26SignatureVersion%3D1.0%26TemplateCode"
    "%3DSMS_71390007%26TemplateParam%3D%257B%2522customer%2522%253A%2522test%2522%257D"
    "%26Timestamp%3D2017-07-12T02%253A42%253A19Z%26Version%3D2017-05-25"
)


def test_a1_canonical_query_string_to_sign_and_signature() -> None:
    assert s.canonical_query(A1_PARAMS) == A1_CANONICAL
    assert s.rpc_string_to_sign("GET", A1_PARAMS) == A1_STRING_TO_SIGN
    assert s.rpc_signature("GET", A1_PARAMS, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_a1_signed_query_encodes_the_signature_again() -> None:
    query = s.signed_rpc_query("GET", A1_PARAMS, "testSecret")
    assert query == "Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&" + A1_CANONICAL


def test_a1_common_params_build_the_same_request() -> None:
    common = s.rpc_common_params(
        action="SendSms",
        version="2017-05-25",
        access_key_id="testId",
        moment=datetime(2017, 7, 12, 2, 42, 19, tzinfo=UTC),
        nonce="45e25e9b-0a6f-4070-8c85-2956eda1b466",
        response_format="XML",
    )
    business = {
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "SignName": "阿里云短信测试专用",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
    }
    assert {**common, **business} == A1_PARAMS


@pytest.mark.parametrize(
    ("key_id", "secret", "expected"),
    [
        ("testId", "testsecret", "EpROzuoKhdewdxdmVWhll2qdKbk="),
        ("testid", "testsecret", "LxugEBqtL8lacmz/6I2QOoMzw+Y="),
    ],
)
def test_a1_with_the_wrong_case_gives_the_documented_wrong_answers(
    key_id: str, secret: str, expected: str
) -> None:
    params = {**A1_PARAMS, "AccessKeyId": key_id}
    assert s.rpc_signature("GET", params, secret) == expected


def test_a2_describe_dedicated_hosts() -> None:
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeDedicatedHosts",
        "Format": "JSON",
        "RegionId": "cn-beijing",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "edb2b34af0af9a6d14deaf7c1a5315eb",
        "SignatureVersion": "1.0",
        "Timestamp": "2023-03-13T08:34:30Z",
        "Version": "2014-05-26",
    }
    assert s.rpc_string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON"
        "%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce"
        "%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp"
        "%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26"
    )
    assert s.rpc_signature("GET", params, "testsecret") == "9NaGiOspFP5UPcwX8Iwt2YJXXuk="


@pytest.mark.parametrize(
    ("timestamp_key", "expected"),
    [("TimeStamp", "CT9X0VtwR86fNWSnsc6v8YGOjuE="), ("Timestamp", "OLeaidS1JvxuMvnyHOwuJ+uX5qY=")],
)
def test_a3_classic_describe_regions(timestamp_key: str, expected: str) -> None:
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        timestamp_key: "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert s.rpc_signature("GET", params, "testsecret") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [("source", "Jv4yi8SobFhg5t1C7nWLbhBSFZQ="), ("中文unicode", "szlfHs3WVaO/HgY3Cg7/uyXDaRw=")],
)
def test_sdk_raw_hmac_sha1_vectors(source: str, expected: str) -> None:
    assert s.hmac_sha1_base64("secret", source) == expected


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        (" ", "%20"),
        ("*", "%2A"),
        ("~", "~"),
        ("+", "%2B"),
        ("/", "%2F"),
        ("=", "%3D"),
        ("-_.", "-_."),
    ],
)
def test_percent_encoding_follows_pop_rules(raw: str, encoded: str) -> None:
    assert s.percent_encode(raw) == encoded


def test_the_signature_parameter_is_never_signed() -> None:
    signed = {**A1_PARAMS, "Signature": "anything"}
    assert s.rpc_signature("GET", signed, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


B1_CANONICAL_REQUEST = "\n".join(
    [
        "POST",
        "/",
        "ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
        "host:ecs.cn-shanghai.aliyuncs.com",
        "x-acs-action:RunInstances",
        "x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "x-acs-date:2023-10-26T10:22:32Z",
        "x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d",
        "x-acs-version:2014-05-26",
        "",
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]
)
B1_SIGNATURE = "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
B1_QUERY = {
    "ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
    "RegionId": "cn-shanghai",
}


def _b1_headers(date: str, nonce: str) -> dict[str, str]:
    return s.acs3_signed_headers(
        method="POST",
        host="ecs.cn-shanghai.aliyuncs.com",
        query=B1_QUERY,
        body=b"",
        action="RunInstances",
        version="2014-05-26",
        access_key_id="YourAccessKeyId",
        access_key_secret="YourAccessKeySecret",
        moment=datetime.fromisoformat(date),
        nonce=nonce,
    )


def test_b1_acs3_canonical_request_string_to_sign_signature_and_header() -> None:
    headers = _b1_headers("2023-10-26T10:22:32+00:00", "3156853299f313e23d1673dc12e1703d")
    canonical = s.acs3_canonical_request(
        "POST", B1_QUERY, {k: v for k, v in headers.items() if k != "Authorization"}, s.EMPTY_SHA256
    )
    assert canonical == B1_CANONICAL_REQUEST
    assert s.acs3_string_to_sign(canonical) == (
        "ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
    )
    assert s.acs3_signature("YourAccessKeySecret", s.acs3_string_to_sign(canonical)) == B1_SIGNATURE
    assert headers["Authorization"] == (
        "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
        "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
        f"Signature={B1_SIGNATURE}"
    )


def test_b1_overview_table_values_do_not_give_that_signature() -> None:
    headers = _b1_headers("2023-10-26T09:01:01+00:00", "d410180a5abf7fe235dd9b74aca91fc0")
    assert B1_SIGNATURE not in headers["Authorization"]
    assert "Signature=e521358f" in headers["Authorization"]


def test_timestamps_are_utc_without_fraction() -> None:
    moment = datetime.fromisoformat("2017-07-12T10:42:19.999+08:00")
    assert s.format_timestamp(moment) == "2017-07-12T02:42:19Z"
    assert s.format_timestamp(datetime(2017, 7, 12, 2, 42, 19)) == "2017-07-12T02:42:19Z"
