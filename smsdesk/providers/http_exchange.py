"""One HTTP exchange with a provider, and what its failures mean for the messages in it.

The send loop must know whether a request might have reached the provider.  A failure to
connect means it did not (:class:`RequestNotSent`); anything that goes wrong after the request
was written (a read timeout, a dropped connection, a body nobody can read) leaves it in doubt
(:class:`OutcomeUnknown`).  A 5xx without a provider error code is in doubt as well, except 503,
which gateways use for "not now" before anything is processed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from smsdesk.core.pacing import before_request
from smsdesk.core.provider_api import ErrorKind, OutcomeUnknown, ProviderFault, RequestNotSent
from smsdesk.i18n import tr

DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0)

CONNECTION_PROBLEMS = frozenset(
    {ErrorKind.AUTH_FAILED, ErrorKind.TRANSIENT, ErrorKind.RATE_LIMITED, ErrorKind.QUOTA_EXHAUSTED}
)
"""Refusals that make a connection test fail.  Services check the signature before the
parameters, so any other refusal of a test call still proves the credentials work."""
USER_AGENT = "smsdesk"


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_client(
    transport: httpx.BaseTransport | None, timeout: float | httpx.Timeout | None
) -> httpx.Client:
    return httpx.Client(
        transport=transport,
        timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
        headers={"User-Agent": USER_AGENT},
        follow_redirects=False,
    )


def exchange(client: httpx.Client, request: httpx.Request) -> httpx.Response:
    """Send ``request`` and read the whole answer, translating transport failures.

    While a batch is being sent, every request after the first waits its turn of the account's
    rate (see :func:`smsdesk.core.pacing.before_request`).
    """
    host = request.url.host
    before_request()
    try:
        response = client.send(request)
        response.read()
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise RequestNotSent(
            tr("Could not connect to {host}: {error}", host=host, error=_describe(exc))
        ) from exc
    except (httpx.UnsupportedProtocol, httpx.ProxyError) as exc:
        raise RequestNotSent(
            tr("Could not connect to {host}: {error}", host=host, error=_describe(exc))
        ) from exc
    except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise OutcomeUnknown(
            tr(
                "No answer from {host} after the request was sent: {error}",
                host=host,
                error=_describe(exc),
            )
        ) from exc
    return response


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def json_body(response: httpx.Response) -> Any | None:
    """The decoded JSON body, or None when the body is not JSON."""
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def unreadable(response: httpx.Response) -> OutcomeUnknown:
    return OutcomeUnknown(
        tr(
            "{host} answered with something smsdesk cannot read (HTTP {status}).",
            host=response.request.url.host,
            status=response.status_code,
        )
    )


def retry_after(response: httpx.Response, now: Callable[[], datetime] = utc_now) -> float | None:
    """Seconds from a ``Retry-After`` header given as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


def status_fault(
    response: httpx.Response, now: Callable[[], datetime] = utc_now
) -> ProviderFault | None:
    """The fault an HTTP status implies when the body carries no provider code.

    None means the status alone says nothing definite: the request is in doubt.
    """
    status = response.status_code
    message = response.reason_phrase or ""
    if status in (401, 403):
        return ProviderFault(ErrorKind.AUTH_FAILED, str(status), message)
    if status == 429:
        return ProviderFault(
            ErrorKind.RATE_LIMITED, str(status), message, retry_after(response, now)
        )
    if status == 503:
        return ProviderFault(ErrorKind.TRANSIENT, str(status), message, retry_after(response, now))
    if status >= 500:
        return None
    return ProviderFault(ErrorKind.UNKNOWN, str(status), message)


def server_failed(response: httpx.Response) -> OutcomeUnknown:
    return OutcomeUnknown(
        tr(
            "{host} failed while handling the request (HTTP {status}); the messages may or may not have been sent.",
            host=response.request.url.host,
            status=response.status_code,
        )
    )


def with_retry_after(
    fault: ProviderFault, response: httpx.Response, now: Callable[[], datetime] = utc_now
) -> ProviderFault:
    """``fault`` carrying the response's Retry-After when it is a rate limit and has none."""
    if fault.kind is ErrorKind.RATE_LIMITED and fault.retry_after is None:
        seconds = retry_after(response, now)
        if seconds is not None:
            return ProviderFault(fault.kind, fault.code, fault.message, seconds)
    return fault
