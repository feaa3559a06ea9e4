"""Alibaba Cloud MNS request signing (the queue service Aliyun SMS delivers replies through).

``Authorization: MNS AccessKeyId:Signature`` where Signature is Base64(HMAC-SHA1(secret,
StringToSign)) and StringToSign is ``VERB\\nContent-MD5\\nContent-Type\\nDate\\n`` followed by
the ``x-mns-`` headers (names lowercased, sorted, ``name:value\\n`` each) and the resource (the
path with its query string).  Content-MD5 and Content-Type are empty when not sent.

Alibaba's "sign requests" page has one worked example, ``GET /MyQueue`` with secret
``TestAccessSecret``, and prints its signature masked: ``uwx3yeWoILzgmvesW0BQSgfM****``.  The
tests check the published part; no complete published value exists.

Quirk of Alibaba's own SDKs kept here: their Content-MD5 is Base64 of the MD5 *hex* string of
the body, not of the digest.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime

from smsdesk.providers.aliyun_signing import hmac_sha1_base64

MNS_VERSION = "2015-06-06"
XML_CONTENT_TYPE = "text/xml;charset=UTF-8"
SCHEME = "MNS"


def http_date(moment: datetime) -> str:
    """``Thu, 09 Jul 2015 03:01:34 GMT``."""
    return format_datetime(moment, usegmt=True)


def content_md5(body: bytes) -> str:
    return base64.b64encode(hashlib.md5(body).hexdigest().encode("ascii")).decode("ascii")


def canonical_mns_headers(headers: Mapping[str, str]) -> str:
    chosen = sorted((k.lower(), v.strip()) for k, v in headers.items() if k.lower().startswith("x-mns-"))
    return "".join(f"{name}:{value}\n" for name, value in chosen)


def string_to_sign(method: str, headers: Mapping[str, str], resource: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    date = lowered.get("x-mns-date") or lowered.get("date", "")
    return (
        f"{method.upper()}\n{lowered.get('content-md5', '')}\n{lowered.get('content-type', '')}\n"
        f"{date}\n{canonical_mns_headers(headers)}{resource}"
    )


def signature(secret: str, to_sign: str) -> str:
    """Base64(HMAC-SHA1): the same primitive as the SMS API's."""
    return hmac_sha1_base64(secret, to_sign)


def authorization(key_id: str, secret: str, method: str, headers: Mapping[str, str], resource: str) -> str:
    return f"{SCHEME} {key_id}:{signature(secret, string_to_sign(method, headers, resource))}"


def parse_authorization(value: str) -> tuple[str, str] | None:
    """``(AccessKeyId, Signature)``, or None when the header is not MNS's."""
    scheme, _, rest = value.strip().partition(" ")
    key_id, sep, sig = rest.strip().partition(":")
    if scheme != SCHEME or not sep or not key_id or not sig:
        return None
    return key_id, sig
