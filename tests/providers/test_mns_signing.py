"""MNS request signing (the queue Aliyun delivers SMS replies through).

Alibaba's "sign requests" example (help.aliyun.com/document_detail/175633) signs ``GET /MyQueue``
with AccessKey secret ``TestAccessSecret`` and prints the result masked as
``uwx3yeWoILzgmvesW0BQSgfM****``: only that published part can be checked.  No complete
published value was found.
"""

from __future__ import annotations

import base64
import hashlib

from smsdesk.providers import aliyun_mns_signing as signing

PUBLISHED_PREFIX = "uwx3yeWoILzgmvesW0BQSgfM"


def test_the_published_example_matches_as_far_as_it_is_published() -> None:
    headers = {"Date": "Thu, 09 Jul 2015 03:01:34 GMT", "x-mns-version": "2015-06-06", "Host": "1.mns.example"}
    to_sign = signing.string_to_sign("GET", headers, "/MyQueue")
    assert to_sign == "GET\n\n\nThu, 09 Jul 2015 03:01:34 GMT\nx-mns-version:2015-06-06\n/MyQueue"
    signature = signing.signature("TestAccessSecret", to_sign)
    assert signature.startswith(PUBLISHED_PREFIX)
    assert len(base64.b64decode(signature)) == 20  # an HMAC-SHA1


def test_mns_headers_are_lowercased_sorted_and_body_fields_included() -> None:
    headers = {
        "X-MNS-Version": "2015-06-06",
        "x-mns-date": "Wed, 08 Mar 2012 12:00:00 GMT",
        "Date": "ignored when x-mns-date is there",
        "Content-Type": "text/xml;charset=UTF-8",
        "Content-MD5": "abc=",
        "security-token": "not an x-mns- header, so not signed",
    }
    assert signing.string_to_sign("put", headers, "/queues/q?metaOverride=true") == (
        "PUT\nabc=\ntext/xml;charset=UTF-8\nWed, 08 Mar 2012 12:00:00 GMT\n"
        "x-mns-date:Wed, 08 Mar 2012 12:00:00 GMT\nx-mns-version:2015-06-06\n/queues/q?metaOverride=true"
    )


def test_authorization_and_its_parsing() -> None:
    headers = {"Date": "Thu, 09 Jul 2015 03:01:34 GMT", "x-mns-version": "2015-06-06"}
    value = signing.authorization("TestAccessID", "TestAccessSecret", "GET", headers, "/MyQueue")
    assert value.startswith("MNS TestAccessID:" + PUBLISHED_PREFIX)
    assert signing.parse_authorization(value) == ("TestAccessID", value.split(":", 1)[1])
    assert signing.parse_authorization("Basic abc") is None
    assert signing.parse_authorization("MNS nocolon") is None


def test_content_md5_follows_the_sdks_base64_of_the_hex_digest() -> None:
    body = b"<ReceiptHandles/>"
    expected = base64.b64encode(hashlib.md5(body).hexdigest().encode()).decode()
    assert signing.content_md5(body) == expected
    assert len(base64.b64decode(signing.content_md5(body))) == 32
