"""TC3-HMAC-SHA256 against Tencent's worked example, byte for byte."""

from __future__ import annotations

import hashlib

from smsdesk.providers import tencent_signing as s

T1_BODY = (
    b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
)
T1_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Host": "cvm.tencentcloudapi.com",
}
T1_SECRET_ID = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE"
T1_SECRET_KEY = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
T1_TIMESTAMP = 1551113065
T1_SIGNATURE = "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"


def test_t1_payload_hash_of_the_literal_escaped_body() -> None:
    assert hashlib.sha256(T1_BODY).hexdigest() == (
        "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )


def test_t1_canonical_request_string_to_sign_and_signature() -> None:
    request = s.canonical_request(
        method="POST", headers=T1_HEADERS, signed_names=("content-type", "host"), payload=T1_BODY
    )
    assert request == (
        "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n"
        "\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    )
    to_sign = s.string_to_sign(T1_TIMESTAMP, "cvm", request)
    assert to_sign == (
        "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n"
        "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
    )
    assert s.signature(T1_SECRET_KEY, T1_TIMESTAMP, "cvm", to_sign) == T1_SIGNATURE


def test_t1_authorization_header() -> None:
    header = s.authorization(
        secret_id=T1_SECRET_ID,
        secret_key=T1_SECRET_KEY,
        service="cvm",
        timestamp=T1_TIMESTAMP,
        headers=T1_HEADERS,
        payload=T1_BODY,
    )
    assert header == (
        "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/"
        "tc3_request, SignedHeaders=content-type;host, "
        "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
    )


def test_signing_the_utf8_body_instead_gives_the_documented_wrong_answer() -> None:
    utf8 = '{"Limit": 1, "Filters": [{"Values": ["未命名"], "Name": "instance-name"}]}'.encode()
    assert hashlib.sha256(utf8).hexdigest().startswith("1e07682a")
    header = s.authorization(
        secret_id=T1_SECRET_ID,
        secret_key=T1_SECRET_KEY,
        service="cvm",
        timestamp=T1_TIMESTAMP,
        headers=T1_HEADERS,
        payload=utf8,
    )
    assert "Signature=57ed31a3" in header


def test_credential_date_is_the_utc_date() -> None:
    assert s.credential_date(1551113065) == "2019-02-25"
    assert s.credential_scope(1551113065, "sms") == "2019-02-25/sms/tc3_request"


def test_parse_authorization_round_trips() -> None:
    header = s.authorization(
        secret_id=T1_SECRET_ID,
        secret_key=T1_SECRET_KEY,
        service="cvm",
        timestamp=T1_TIMESTAMP,
        headers=T1_HEADERS,
        payload=T1_BODY,
    )
    parsed = s.parse_authorization(header)
    assert parsed == s.ParsedAuthorization(
        secret_id=T1_SECRET_ID,
        date="2019-02-25",
        service="cvm",
        terminator="tc3_request",
        signed_names=("content-type", "host"),
        signature=T1_SIGNATURE,
    )
    assert s.parse_authorization("Basic abc") is None
    assert s.parse_authorization("TC3-HMAC-SHA256 Credential=x") is None
