"""Twilio Programmable Messaging: one message per request, delivery read back per message.

Requests use HTTP Basic authentication with the Account SID and auth token (or an API key SID
and its secret).  The sender is a phone number (``From``) or, when it starts with ``MG``, a
Messaging Service (``MessagingServiceSid``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

import httpx

from smsdesk.core.provider_api import (
    AccountField,
    DeliveryReport,
    ErrorKind,
    OutcomeUnknown,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    ReplyPage,
    RequestNotSent,
    SendOutcome,
    SendSpec,
    SentMatch,
    SentProbe,
    SentRef,
)
from smsdesk.i18n import tr
from smsdesk.providers.account_settings import read_account
from smsdesk.providers.batching import STOPPING_KINDS, send_in_groups
from smsdesk.providers.http_exchange import (
    exchange,
    json_body,
    make_client,
    server_failed,
    status_fault,
    unreadable,
    utc_now,
    with_retry_after,
)
from smsdesk.providers.lookup import window
from smsdesk.providers.twilio_lookup import (
    FINAL_STATES,
    FIND_PAGES_MAX,
    PAGE_SIZE,
    ReplyWalk,
    match_messages,
    next_uri,
    reply_from,
    resources,
    rfc2822,
)
from smsdesk.providers.twilio_signing import basic_authorization

API_VERSION = "2010-04-01"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

ERROR_KINDS: dict[str, ErrorKind] = {
    "20429": ErrorKind.RATE_LIMITED,
    "20003": ErrorKind.AUTH_FAILED,
    # The recipient's number.
    "21211": ErrorKind.INVALID_NUMBER,
    "21614": ErrorKind.INVALID_NUMBER,
    "21612": ErrorKind.INVALID_NUMBER,
    # Account set-up the owner fixes in Twilio's console (geo permissions, a sender that
    # cannot send SMS, a trial account's unverified numbers), not the customer's number.
    "21408": ErrorKind.NOT_APPROVED,
    "21606": ErrorKind.NOT_APPROVED,
    "21608": ErrorKind.NOT_APPROVED,
    "21610": ErrorKind.OPTED_OUT,
    "21602": ErrorKind.CONTENT_REJECTED,
    "21617": ErrorKind.CONTENT_REJECTED,
    "30003": ErrorKind.UNDELIVERED,
    "30005": ErrorKind.UNDELIVERED,
    "30006": ErrorKind.UNDELIVERED,
    "30007": ErrorKind.UNDELIVERED,
    "30008": ErrorKind.UNDELIVERED,
    "20005": ErrorKind.QUOTA_EXHAUSTED,
    "21666": ErrorKind.QUOTA_EXHAUSTED,
    # Scheduling: smsdesk never schedules, so these can only come from a request it did not
    # mean to make; the owner can do nothing but report the code.
    "35111": ErrorKind.UNKNOWN,
    "35114": ErrorKind.UNKNOWN,
    "35115": ErrorKind.UNKNOWN,
    "35117": ErrorKind.UNKNOWN,
    "35118": ErrorKind.UNKNOWN,
    "35126": ErrorKind.UNKNOWN,
}



def classify(code: str, message: str = "", retry_after: float | None = None) -> ProviderFault:
    return ProviderFault(ERROR_KINDS.get(code, ErrorKind.UNKNOWN), code, message, retry_after)


def _new_nonce() -> str:
    return uuid.uuid4().hex


class TwilioProvider:
    """Twilio.  Basic authentication has no clock or nonce; both are accepted for uniformity."""

    kind: ClassVar[str] = "twilio"
    max_batch = 1
    reply_poll_interval = 30.0
    """Each poll lists every page of our numbers' messages since the last one: not too often."""
    FIELDS: ClassVar[tuple[AccountField, ...]] = (
        AccountField("account_sid", "Account SID"),
        AccountField("auth_token", "Auth token", secret=True, help="Or the API key's secret."),
        AccountField(
            "sender",
            "Sender",
            help="A Twilio phone number such as +15005550006, or a Messaging Service SID (MG…).",
        ),
        AccountField(
            "reply_numbers",
            "Reply numbers",
            required=False,
            help="Your Twilio numbers customers reply to, separated by commas; the sender when empty.",
        ),
        AccountField(
            "api_key_sid",
            "API key SID",
            required=False,
            help="Only when authenticating with an API key (SK…) instead of the auth token.",
        ),
        AccountField(
            "endpoint",
            "Endpoint",
            required=False,
            default="https://api.twilio.com",
            help="Change only for a test server.",
        ),
    )

    def __init__(
        self,
        settings: Mapping[str, str],
        secrets: Mapping[str, str],
        *,
        clock: Callable[[], datetime] = utc_now,
        nonce: Callable[[], str] = _new_nonce,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout | None = None,
    ) -> None:
        values = read_account(self.FIELDS, settings, secrets)
        self._account_sid = values["account_sid"]
        self._sender = values["sender"]
        self._reply_numbers = [n.strip() for n in values["reply_numbers"].split(",") if n.strip()]
        self._authorization = basic_authorization(
            values["api_key_sid"] or self._account_sid, values["auth_token"]
        )
        self._base = values["endpoint"].rstrip("/")
        self._clock = clock
        self._nonce = nonce
        self._client = make_client(transport, timeout)

    def _url(self, tail: str) -> str:
        account = quote(self._account_sid, safe="")
        return f"{self._base}/{API_VERSION}/Accounts/{account}{tail}"

    def build_send_request(self, message: OutgoingMessage) -> httpx.Request:
        sender_field = "MessagingServiceSid" if self._sender.startswith("MG") else "From"
        form = [("To", message.phone), (sender_field, self._sender), ("Body", message.text)]
        return httpx.Request(
            "POST",
            self._url("/Messages.json"),
            content=urlencode(form).encode("ascii"),
            headers={"Authorization": self._authorization, "Content-Type": FORM_CONTENT_TYPE},
        )

    def _call(self, request: httpx.Request) -> dict[str, Any]:
        response = exchange(self._client, request)
        data = json_body(response)
        if response.is_success:
            if not isinstance(data, dict):
                raise unreadable(response)
            return data
        if isinstance(data, dict) and data.get("code") is not None:
            fault = classify(str(data["code"]), str(data.get("message", "")))
            raise ProviderError(with_retry_after(fault, response, self._clock))
        implied = status_fault(response, self._clock)
        if implied is None:
            raise server_failed(response)
        raise ProviderError(implied)

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        return send_in_groups([[m] for m in batch], lambda group: self._send_one(group[0]))

    def _send_one(self, message: OutgoingMessage) -> list[SendOutcome]:
        data = self._call(self.build_send_request(message))
        sid = data.get("sid")
        if not isinstance(sid, str) or not sid:
            raise OutcomeUnknown(tr("Twilio accepted the request but returned no message SID."))
        segments = data.get("num_segments")
        count = (
            int(segments) if isinstance(segments, str | int) and str(segments).isdigit() else None
        )
        return [SendOutcome(message.message_id, provider_id=sid, segments=count)]

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        reports: list[DeliveryReport] = []
        for ref in pending:
            request = httpx.Request(
                "GET",
                self._url(f"/Messages/{quote(ref.provider_id, safe='')}.json"),
                headers={"Authorization": self._authorization},
            )
            try:
                data = self._call(request)
            except ProviderError as exc:
                if exc.fault.kind in STOPPING_KINDS:
                    if not reports:
                        raise
                    break
                continue
            except (RequestNotSent, OutcomeUnknown):
                if not reports:
                    raise
                break
            state = FINAL_STATES.get(str(data.get("status", "")))
            if state is None:
                continue
            code = data.get("error_code")
            reports.append(
                DeliveryReport(
                    provider_id=ref.provider_id,
                    state=state,
                    code="" if code is None else str(code),
                    description=str(data.get("error_message") or ""),
                    at=rfc2822(data.get("date_updated")),
                    message_id=ref.message_id,
                )
            )
        return reports

    # -- replies and messages in doubt -------------------------------------------------------

    def _list_page(self, uri_or_filters: str | list[tuple[str, str]]) -> dict[str, Any]:
        """One page of the Messages list: the first for ``filters``, or the ``next_page_uri``
        of a page before (only ever one of this account's lists)."""
        if isinstance(uri_or_filters, str):
            own = f"/{API_VERSION}/Accounts/{quote(self._account_sid, safe='')}/Messages.json?"
            if not uri_or_filters.startswith(own):
                raise OutcomeUnknown(tr("Twilio named a next page smsdesk does not recognise."))
            url = self._base + uri_or_filters
        else:
            url = self._url("/Messages.json") + "?" + urlencode(uri_or_filters)
        return self._call(httpx.Request("GET", url, headers={"Authorization": self._authorization}))

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """One page of inbound messages to our numbers (``To`` each of them, ``DateSent`` on or
        after the cursor's day); see :mod:`smsdesk.providers.twilio_lookup` for the cursor."""
        numbers = self._reply_numbers or ([""] if self._sender.startswith("MG") else [self._sender])
        walk = ReplyWalk.resume(cursor, numbers, self._clock())
        if walk.next:
            page = self._list_page(walk.next)
        else:
            filters = [("To", walk.todo[0])] if walk.todo[0] else []
            filters += [("DateSent>", walk.since.date().isoformat()), ("PageSize", str(PAGE_SIZE))]
            page = self._list_page(filters)
        replies = [r for r in (reply_from(m, walk.since) for m in resources(page)) if r is not None]
        more = walk.advance(next_uri(page))
        return ReplyPage(replies, walk.cursor(numbers), more)

    def find_sent(self, probes: Sequence[SentProbe]) -> list[SentMatch]:
        """Look each customer's messages up (``To`` = the customer, newest first) for one from
        our sender with the probe's body, created around its time.

        ``DateSent`` is not used: a message still queued at Twilio has no send date yet.
        """
        by_phone: dict[str, list[SentProbe]] = {}
        for probe in probes:
            by_phone.setdefault(probe.phone, []).append(probe)
        matches: list[SentMatch] = []
        for phone, group in by_phone.items():
            try:
                listed, complete = self._messages_to(phone, window(group)[0])
            except (ProviderError, RequestNotSent, OutcomeUnknown):
                if not matches:
                    raise
                break
            matches.extend(match_messages(group, listed, self._sender, complete=complete))
        return matches

    def _messages_to(self, phone: str, oldest: datetime) -> tuple[list[dict[str, Any]], bool]:
        """Messages to ``phone`` back to ``oldest``, and whether the list was read that far."""
        listed: list[dict[str, Any]] = []
        page = self._list_page([("To", phone), ("PageSize", str(PAGE_SIZE))])
        for _ in range(FIND_PAGES_MAX):
            items = resources(page)
            listed.extend(items)
            created = [c for c in (rfc2822(m.get("date_created")) for m in items) if c is not None]
            following = next_uri(page)
            if not following or (created and max(created) < oldest):
                return listed, True
            page = self._list_page(following)
        return listed, False

    def test_connection(self) -> str:
        request = httpx.Request(
            "GET", self._url(".json"), headers={"Authorization": self._authorization}
        )
        try:
            data = self._call(request)
        except (RequestNotSent, OutcomeUnknown) as exc:
            raise ProviderError(ProviderFault(ErrorKind.TRANSIENT, "", str(exc))) from exc
        return tr(
            "Connected to Twilio account “{name}” ({status}).",
            name=str(data.get("friendly_name", self._account_sid)),
            status=str(data.get("status", "")),
        )

    def close(self) -> None:
        self._client.close()
