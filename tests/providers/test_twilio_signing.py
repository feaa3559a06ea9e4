"""X-Twilio-Signature against the official validator's test vectors."""

from __future__ import annotations

import pytest

from smsdesk.providers import twilio_signing as s

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
    "Caller": "+14158675309",
}
EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def test_signing_data_and_signature() -> None:
    assert s.signing_data(URL, PARAMS) == (
        "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309"
        "Digits1234From+14158675309To+18005551212"
    )
    assert s.compute_signature(TOKEN, URL, PARAMS) == EXPECTED
    assert s.validate(TOKEN, URL, PARAMS, EXPECTED)


def test_duplicate_parameters_sort_their_values() -> None:
    pairs = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
    assert s.signing_data(URL, pairs) == URL + "Digits1234Digits5678SidCA123SidAccountAC123"
    assert s.compute_signature(TOKEN, URL, pairs) == "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    assert s.compute_signature(
        TOKEN, URL, {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234"]}
    ) == ("IK+Dwps556ElfBT0I3Rgjkr1wJU=")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="),
        ("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        ("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
    ],
)
def test_urls_with_ports(url: str, expected: str) -> None:
    assert s.compute_signature(TOKEN, url, PARAMS) == expected
    assert s.validate(TOKEN, url, PARAMS, expected)


def test_validation_accepts_the_signature_with_or_without_the_port() -> None:
    assert s.validate(TOKEN, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", PARAMS, EXPECTED)
    assert s.validate(TOKEN, URL, PARAMS, "kvajT1Ptam85bY51eRf/AJRuM3w=")
    assert s.with_default_port("http://mycompany.com/x") == "http://mycompany.com:80/x"
    assert s.without_port("https://mycompany.com:443/x") == "https://mycompany.com/x"


def test_validation_rejects_wrong_token_params_and_url() -> None:
    assert not s.validate("54321", URL, PARAMS, EXPECTED)
    assert not s.validate(TOKEN, URL, {**PARAMS, "Digits": "1235"}, EXPECTED)
    assert not s.validate(TOKEN, URL.replace("foo=1", "foo=2"), PARAMS, EXPECTED)


def test_json_body_vector() -> None:
    body = b'{"property": "value", "boolean": true}'
    digest = s.body_sha256(body)
    assert digest == "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
    url = f"{URL}&bodySHA256={digest}"
    assert s.compute_signature(TOKEN, url) == "a9nBmqA0ju/hNViExpshrM61xv4="
    assert s.validate_json(TOKEN, url, body, "a9nBmqA0ju/hNViExpshrM61xv4=")
    assert not s.validate_json(TOKEN, url, body + b" ", "a9nBmqA0ju/hNViExpshrM61xv4=")


def test_basic_authorization() -> None:
    assert s.basic_authorization("ACxx", "token") == "Basic QUN4eDp0b2tlbg=="
