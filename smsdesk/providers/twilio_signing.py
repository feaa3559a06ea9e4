"""Twilio's ``X-Twilio-Signature`` and Basic authentication.

Twilio signs the requests it makes (status callbacks): Base64 HMAC-SHA1 keyed by the auth token
over the full URL followed by the sorted form parameters.  The validator mirrors the official
library, including its tolerance of an explicit default port and its JSON-body variant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qs, urlsplit, urlunsplit

FormParams = Mapping[str, str | Sequence[str]] | Iterable[tuple[str, str]]


def _pairs(params: FormParams) -> list[tuple[str, str]]:
    if isinstance(params, Mapping):
        pairs: list[tuple[str, str]] = []
        for name, value in params.items():
            if isinstance(value, str):
                pairs.append((name, value))
            else:
                pairs.extend((name, v) for v in value)
        return pairs
    return list(params)


def signing_data(url: str, params: FormParams = ()) -> str:
    """URL, then ``name+value`` for each parameter sorted by name, duplicate values sorted too."""
    grouped: dict[str, set[str]] = {}
    for name, value in _pairs(params):
        grouped.setdefault(name, set()).add(value)
    tail = "".join(name + value for name in sorted(grouped) for value in sorted(grouped[name]))
    return url + tail


def compute_signature(auth_token: str, url: str, params: FormParams = ()) -> str:
    data = signing_data(url, params).encode()
    return base64.b64encode(hmac.new(auth_token.encode(), data, hashlib.sha1).digest()).decode()


def body_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def with_default_port(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is not None:
        return url
    port = 443 if parts.scheme == "https" else 80
    return urlunsplit(parts._replace(netloc=f"{parts.netloc}:{port}"))


def without_port(url: str) -> str:
    parts = urlsplit(url)
    if parts.port is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit(":", 1)[0]))


def validate(auth_token: str, url: str, params: FormParams, signature: str) -> bool:
    """True when ``signature`` matches the URL with or without an explicit port."""
    pairs = _pairs(params)
    return any(
        hmac.compare_digest(compute_signature(auth_token, candidate, pairs), signature)
        for candidate in (without_port(url), with_default_port(url))
    )


def validate_json(auth_token: str, url: str, body: bytes, signature: str) -> bool:
    """A JSON callback: the URL's ``bodySHA256`` must match the body and the URL alone is signed."""
    claimed = parse_qs(urlsplit(url).query).get("bodySHA256", [""])[0]
    if not hmac.compare_digest(claimed, body_sha256(body)):
        return False
    return validate(auth_token, url, (), signature)


def basic_authorization(username: str, password: str) -> str:
    token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
