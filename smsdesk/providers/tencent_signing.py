"""Tencent Cloud API 3.0 request signature, TC3-HMAC-SHA256.

The payload hash covers the exact body bytes on the wire, so callers serialise once and send
those bytes; the credential scope's date is the UTC date of the timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

TC3_ALGORITHM = "TC3-HMAC-SHA256"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def credential_date(timestamp: int) -> str:
    """``YYYY-MM-DD`` in UTC: 1551113065 is 2019-02-25 even though Beijing is already on the 26th."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def credential_scope(timestamp: int, service: str) -> str:
    return f"{credential_date(timestamp)}/{service}/tc3_request"


def canonical_headers(headers: Mapping[str, str], names: Iterable[str]) -> tuple[str, str]:
    """``(CanonicalHeaders, SignedHeaders)`` for ``names``; names and values lowercased, trimmed."""
    lowered = {k.lower(): v for k, v in headers.items()}
    chosen = sorted({n.strip().lower() for n in names})
    canonical = "".join(f"{n}:{lowered.get(n, '').strip().lower()}\n" for n in chosen)
    return canonical, ";".join(chosen)


def canonical_request(
    *,
    method: str,
    headers: Mapping[str, str],
    signed_names: Iterable[str],
    payload: bytes,
    canonical_uri: str = "/",
    canonical_query: str = "",
) -> str:
    canonical, signed = canonical_headers(headers, signed_names)
    return "\n".join(
        [
            method.upper(),
            canonical_uri,
            canonical_query,
            canonical,
            signed,
            hashlib.sha256(payload).hexdigest(),
        ]
    )


def string_to_sign(timestamp: int, service: str, request: str) -> str:
    digest = hashlib.sha256(request.encode()).hexdigest()
    return f"{TC3_ALGORITHM}\n{timestamp}\n{credential_scope(timestamp, service)}\n{digest}"


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signature(secret_key: str, timestamp: int, service: str, to_sign: str) -> str:
    """Derive the signing key (date, service, ``tc3_request``) and sign ``to_sign``."""
    secret_date = _hmac(("TC3" + secret_key).encode(), credential_date(timestamp))
    secret_service = _hmac(secret_date, service)
    secret_signing = _hmac(secret_service, "tc3_request")
    return hmac.new(secret_signing, to_sign.encode(), hashlib.sha256).hexdigest()


def authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    timestamp: int,
    headers: Mapping[str, str],
    payload: bytes,
    signed_names: Iterable[str] = ("content-type", "host"),
    method: str = "POST",
) -> str:
    """The ``Authorization`` header value; note the comma *and space* between its parts."""
    names = list(signed_names)
    request = canonical_request(method=method, headers=headers, signed_names=names, payload=payload)
    sig = signature(secret_key, timestamp, service, string_to_sign(timestamp, service, request))
    _, signed = canonical_headers(headers, names)
    return (
        f"{TC3_ALGORITHM} Credential={secret_id}/{credential_scope(timestamp, service)}, "
        f"SignedHeaders={signed}, Signature={sig}"
    )


@dataclass(frozen=True)
class ParsedAuthorization:
    secret_id: str
    date: str
    service: str
    terminator: str
    signed_names: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> ParsedAuthorization | None:
    """Split an Authorization header into its parts; None when it is not TC3 at all."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm != TC3_ALGORITHM:
        return None
    parts: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if not sep:
            return None
        parts[key] = val
    try:
        secret_id, date, service, terminator = parts["Credential"].split("/")
        return ParsedAuthorization(
            secret_id=secret_id,
            date=date,
            service=service,
            terminator=terminator,
            signed_names=tuple(parts["SignedHeaders"].split(";")),
            signature=parts["Signature"],
        )
    except (KeyError, ValueError):
        return None
