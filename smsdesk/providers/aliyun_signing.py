"""Aliyun POP request signatures: RPC V1 (HMAC-SHA1) and V3 (ACS3-HMAC-SHA256).

Pure functions of their inputs: the clock and the nonce are arguments, so the published
examples can be reproduced byte for byte and the emulator can verify what arrives on the wire
with the very same canonicalisation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from urllib.parse import quote

ACS3_ALGORITHM = "ACS3-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as POP wants it: only ``A-Z a-z 0-9 - _ . ~`` stay, space is ``%20``."""
    return quote(value, safe="-_.~")


def format_timestamp(moment: datetime) -> str:
    """UTC ``yyyy-MM-ddTHH:mm:ssZ``, no fraction; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_query(params: Mapping[str, str]) -> str:
    """Sorted ``enc(name)=enc(value)`` pairs joined by ``&``."""
    pairs = sorted((percent_encode(k), percent_encode(v)) for k, v in params.items())
    return "&".join(f"{k}={v}" for k, v in pairs)


def hmac_sha1_base64(secret: str, source: str) -> str:
    """Base64(HMAC-SHA1(secret, source)), the SDK's raw primitive (no ``&`` added)."""
    digest = hmac.new(secret.encode(), source.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def rpc_string_to_sign(method: str, params: Mapping[str, str]) -> str:
    """``METHOD&%2F&enc(CanonicalizedQueryString)``; ``Signature`` itself is never signed."""
    unsigned = {k: v for k, v in params.items() if k != "Signature"}
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(unsigned))}"


def rpc_signature(method: str, params: Mapping[str, str], access_key_secret: str) -> str:
    """The V1 ``Signature`` value; the HMAC key is the secret followed by ``&``."""
    return hmac_sha1_base64(access_key_secret + "&", rpc_string_to_sign(method, params))


def rpc_common_params(
    *,
    action: str,
    version: str,
    access_key_id: str,
    moment: datetime,
    nonce: str,
    region: str = "cn-hangzhou",
    response_format: str = "JSON",
) -> dict[str, str]:
    """The parameters every V1 request carries besides its business parameters."""
    return {
        "AccessKeyId": access_key_id,
        "Action": action,
        "Format": response_format,
        "RegionId": region,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "Timestamp": format_timestamp(moment),
        "Version": version,
    }


def signed_rpc_query(method: str, params: Mapping[str, str], access_key_secret: str) -> str:
    """The full encoded query (or form body): ``Signature`` first, then the canonical pairs."""
    signature = rpc_signature(method, params, access_key_secret)
    return f"Signature={percent_encode(signature)}&{canonical_query(params)}"


def acs3_canonical_headers(
    headers: Mapping[str, str], names: Iterable[str] | None = None
) -> tuple[str, str]:
    """``(CanonicalHeaders, SignedHeaders)``.

    Without ``names`` the signer's rule applies (``host``, ``content-type`` and ``x-acs-*``);
    a verifier passes the names listed in the Authorization header instead.
    """
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    if names is None:
        chosen = [k for k in lowered if k in ("host", "content-type") or k.startswith("x-acs-")]
    else:
        chosen = [n.lower() for n in names]
    chosen = sorted(set(chosen))
    canonical = "".join(f"{name}:{lowered.get(name, '')}\n" for name in chosen)
    return canonical, ";".join(chosen)


def acs3_canonical_request(
    method: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    hashed_payload: str,
    *,
    canonical_uri: str = "/",
    signed_names: Iterable[str] | None = None,
) -> str:
    canonical_headers, signed_headers = acs3_canonical_headers(headers, signed_names)
    return "\n".join(
        [
            method.upper(),
            canonical_uri,
            canonical_query(query),
            canonical_headers,
            signed_headers,
            hashed_payload,
        ]
    )


def acs3_string_to_sign(canonical_request: str) -> str:
    return f"{ACS3_ALGORITHM}\n{hashlib.sha256(canonical_request.encode()).hexdigest()}"


def acs3_signature(access_key_secret: str, string_to_sign: str) -> str:
    """Lowercase hex HMAC-SHA256 keyed by the raw secret (no ``&``)."""
    return hmac.new(access_key_secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()


def acs3_authorization(access_key_id: str, signed_headers: str, signature: str) -> str:
    """No spaces after the commas: POP compares the header literally."""
    return (
        f"{ACS3_ALGORITHM} Credential={access_key_id},"
        f"SignedHeaders={signed_headers},Signature={signature}"
    )


def acs3_signed_headers(
    *,
    method: str,
    host: str,
    query: Mapping[str, str],
    body: bytes,
    action: str,
    version: str,
    access_key_id: str,
    access_key_secret: str,
    moment: datetime,
    nonce: str,
    content_type: str | None = None,
) -> dict[str, str]:
    """Every header a V3 request needs, ``Authorization`` included, for exactly ``body``."""
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-version": version,
        "x-acs-date": format_timestamp(moment),
        "x-acs-signature-nonce": nonce,
        "x-acs-content-sha256": hashlib.sha256(body).hexdigest(),
    }
    if content_type is not None:
        headers["content-type"] = content_type
    canonical = acs3_canonical_request(method, query, headers, headers["x-acs-content-sha256"])
    _, signed = acs3_canonical_headers(headers)
    signature = acs3_signature(access_key_secret, acs3_string_to_sign(canonical))
    headers["Authorization"] = acs3_authorization(access_key_id, signed, signature)
    return headers
