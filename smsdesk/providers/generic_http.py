"""Any HTTP SMS gateway described by settings: one message per request.

The owner describes the gateway instead of smsdesk knowing it:

* where and how: the endpoint, ``POST`` or ``GET``, a JSON or form body;
* what to send: ``field_map`` names their field for each of ours (``mobile=phone,
  content=text``), ``static_fields`` adds fixed ones (``account=shop01``).  Our fields are
  ``phone``, ``text``, ``message_id``, ``signature``, ``template_id``, ``timestamp``, ``nonce``
  and ``param.NAME`` for a template value;
* how to authenticate: a Bearer token, an API key header, or a signature formula such as
  ``md5(account+secret+mobile+content+timestamp)`` (see :mod:`generic_recipe`) whose variables
  are the request's fields by their names plus ``secret`` (alias ``password``), ``timestamp``,
  ``nonce`` and ``sorted_params`` (Vonage's ``&k=v`` canonical string of the fields);
* how to read the answer: accepted statuses, a JSON path and the value that means success, the
  path of the gateway's message id, of its error code and message, and which error codes mean
  which kind of failure (``1=rate_limited, 4=auth_failed``).

Gateways of this kind have no common way to report delivery, so :meth:`fetch_reports` finds
nothing and messages stay "sent".  Replies can be fetched where the gateway lists them and the
account describes how (see :mod:`generic_replies`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import httpx
import phonenumbers

from smsdesk.core.provider_api import (
    AccountField,
    DeliveryReport,
    ErrorKind,
    OutgoingMessage,
    ProviderError,
    ProviderFault,
    ReplyPage,
    SendOutcome,
    SendSpec,
    SentRef,
)
from smsdesk.i18n import tr
from smsdesk.providers.account_settings import AccountSettingsError, parse_pairs, read_account
from smsdesk.providers.batching import send_in_groups
from smsdesk.providers.generic_recipe import Recipe, RecipeError, compile_recipe, vonage_canonical
from smsdesk.providers.generic_replies import REPLY_FIELDS, ReplyRecipe
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

OUR_FIELDS = ("phone", "text", "message_id", "signature", "template_id", "timestamp", "nonce")
RESERVED_VARIABLES = ("secret", "password", "timestamp", "nonce", "sorted_params")


def json_path(data: Any, path: str) -> Any:
    """``a.b.0.c`` into nested objects and lists; None when any step is missing."""
    node = data
    for step in path.split("."):
        if isinstance(node, dict):
            if step not in node:
                return None
            node = node[step]
        elif (
            isinstance(node, list)
            and step.lstrip("-").isdigit()
            and -len(node) <= int(step) < len(node)
        ):
            node = node[int(step)]
        else:
            return None
    return node


def scalar_text(value: Any) -> str:
    """A JSON scalar as the owner would type it: ``true``, ``0``, ``OK``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


def status_matcher(spec: str, *, label: str) -> Callable[[int], bool]:
    """``2xx``, ``200``, ``200,201`` or ``200-299`` as a test on a status code."""
    ranges: list[tuple[int, int]] = []
    for part in (p.strip().lower() for p in spec.split(",")):
        try:
            if len(part) == 3 and part.endswith("xx") and part[0].isdigit():
                ranges.append((int(part[0]) * 100, int(part[0]) * 100 + 99))
            elif "-" in part:
                low, high = part.split("-", 1)
                ranges.append((int(low), int(high)))
            elif part:
                ranges.append((int(part), int(part)))
        except ValueError:
            raise AccountSettingsError(
                tr(
                    "The account setting “{label}” cannot be read: {value}",
                    label=tr(label),
                    value=spec,
                )
            ) from None
    chosen = ranges or [(200, 299)]
    return lambda status: any(low <= status <= high for low, high in chosen)


def format_phone(e164: str, style: str) -> str:
    if style == "digits":
        return e164.removeprefix("+")
    if style == "national":
        try:
            return str(phonenumbers.parse(e164, None).national_number)
        except phonenumbers.NumberParseException:
            return e164.removeprefix("+")
    return e164


def _new_nonce() -> str:
    return uuid.uuid4().hex


class GenericHttpProvider:
    """A gateway described entirely by its account settings (see the module docstring)."""

    kind: ClassVar[str] = "generic_http"
    max_batch = 1
    FIELDS: ClassVar[tuple[AccountField, ...]] = (
        AccountField(
            "endpoint",
            "Endpoint",
            help="The gateway's send address, e.g. https://sms.example.com/send.",
        ),
        AccountField(
            "method", "HTTP method", required=False, default="POST", choices=("POST", "GET")
        ),
        AccountField(
            "body_format", "Body format", required=False, default="json", choices=("json", "form")
        ),
        AccountField(
            "field_map",
            "Field names",
            required=False,
            default="to=phone, text=text",
            help="Their field name = our field, comma-separated. Ours: phone, text, message_id, signature, template_id, timestamp, nonce, param.NAME.",
        ),
        AccountField(
            "static_fields",
            "Fixed fields",
            required=False,
            help="Sent with every message, e.g. account=shop01, type=unicode.",
        ),
        AccountField(
            "phone_format",
            "Phone number format",
            required=False,
            default="e164",
            choices=("e164", "digits", "national"),
        ),
        AccountField(
            "auth",
            "Authentication",
            required=False,
            default="none",
            choices=("none", "bearer", "header", "signature"),
        ),
        AccountField("auth_header", "API key header", required=False, default="X-API-Key"),
        AccountField("secret", "Token, API key or password", secret=True, required=False),
        AccountField(
            "signature_recipe",
            "Signature formula",
            required=False,
            help="For example md5(account+secret+mobile+content+timestamp).",
        ),
        AccountField("signature_field", "Signature field", required=False, default="sign"),
        AccountField(
            "timestamp_format",
            "Timestamp format",
            required=False,
            default="unix",
            choices=("unix", "unix_ms"),
        ),
        AccountField("success_status", "Success HTTP status", required=False, default="2xx"),
        AccountField(
            "success_path",
            "Success field (JSON path)",
            required=False,
            help="e.g. messages.0.status",
        ),
        AccountField("success_value", "Success value", required=False, help="e.g. 0"),
        AccountField(
            "id_path",
            "Message ID field (JSON path)",
            required=False,
            help="e.g. messages.0.message-id",
        ),
        AccountField("error_code_path", "Error code field (JSON path)", required=False),
        AccountField("error_message_path", "Error message field (JSON path)", required=False),
        AccountField(
            "error_kinds",
            "Error code meanings",
            required=False,
            help="code=kind pairs, e.g. 1=rate_limited, 4=auth_failed. Kinds: invalid_number, "
            "opted_out, rate_limited, quota_exhausted, not_approved, content_rejected, "
            "auth_failed, transient, undelivered, unknown.",
        ),
        *REPLY_FIELDS,
    )
    reply_poll_interval = 30.0

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
        self._values = values
        self._endpoint = values["endpoint"]
        self._field_map = parse_pairs(values["field_map"], label="Field names")
        for _theirs, ours in self._field_map:
            if ours not in OUR_FIELDS and not ours.startswith("param."):
                raise AccountSettingsError(
                    tr("smsdesk has no field called “{name}” to send.", name=ours)
                )
        self._static = parse_pairs(values["static_fields"], label="Fixed fields")
        self._error_kinds = self._read_error_kinds(values["error_kinds"])
        self._success_status = status_matcher(values["success_status"], label="Success HTTP status")
        self._recipe: Recipe | None = None
        if values["auth"] == "signature":
            try:
                self._recipe = compile_recipe(values["signature_recipe"])
            except RecipeError as exc:
                raise AccountSettingsError(str(exc)) from exc
        if values["auth"] != "none" and not values["secret"]:
            raise AccountSettingsError(
                tr(
                    "The account setting “{label}” is missing.",
                    label=tr("Token, API key or password"),
                )
            )
        self._replies = ReplyRecipe.read(values)
        self._reply_signer: Recipe | None = None
        if self._replies is not None and values["replies_signature_recipe"]:
            try:
                self._reply_signer = compile_recipe(values["replies_signature_recipe"])
            except RecipeError as exc:
                raise AccountSettingsError(str(exc)) from exc
        self._clock = clock
        self._nonce = nonce
        self._client = make_client(transport, timeout)

    @staticmethod
    def _read_error_kinds(text: str) -> dict[str, ErrorKind]:
        kinds: dict[str, ErrorKind] = {}
        for code, kind in parse_pairs(text, label="Error code meanings"):
            try:
                kinds[code] = ErrorKind(kind.lower())
            except ValueError:
                raise AccountSettingsError(
                    tr("“{kind}” is not a kind of error smsdesk knows.", kind=kind)
                ) from None
        return kinds

    # -- the wire ---------------------------------------------------------------------------

    def _stamp(self) -> tuple[str, str]:
        """The request's timestamp, in the configured format, and a fresh nonce."""
        seconds = self._clock().timestamp()
        timestamp = (
            str(int(seconds * 1000))
            if self._values["timestamp_format"] == "unix_ms"
            else str(int(seconds))
        )
        return timestamp, self._nonce()

    def _sign(self, recipe: Recipe, fields: list[tuple[str, str]], timestamp: str, nonce: str) -> str:
        secret = self._values["secret"]
        variables = {
            **dict(fields),
            "sorted_params": vonage_canonical(dict(fields)),
            "secret": secret,
            "password": secret,
            "timestamp": timestamp,
            "nonce": nonce,
        }
        try:
            return recipe.evaluate(variables)
        except RecipeError as exc:
            raise AccountSettingsError(str(exc)) from exc

    def _auth_headers(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        auth = self._values["auth"]
        if auth == "bearer":
            headers["Authorization"] = f"Bearer {self._values['secret']}"
        elif auth == "header":
            headers[self._values["auth_header"]] = self._values["secret"]
        return headers

    def fields_for(self, message: OutgoingMessage, spec: SendSpec) -> list[tuple[str, str]]:
        """The request's fields in the order configured, the signature last."""
        timestamp, nonce = self._stamp()
        ours = {
            "phone": format_phone(message.phone, self._values["phone_format"]),
            "text": message.text,
            "message_id": str(message.message_id),
            "signature": spec.signature,
            "template_id": spec.provider_template_id,
            "timestamp": timestamp,
            "nonce": nonce,
        }
        fields = list(self._static)
        for theirs, our in self._field_map:
            if our.startswith("param."):
                name = our.removeprefix("param.")
                if name not in message.params:
                    raise ValueError(f"message {message.message_id} lacks template value {name!r}")
                fields.append((theirs, str(message.params[name])))
            else:
                fields.append((theirs, ours[our]))
        if self._recipe is not None:
            fields.append((self._values["signature_field"], self._sign(self._recipe, fields, timestamp, nonce)))
        return fields

    def build_request(self, message: OutgoingMessage, spec: SendSpec) -> httpx.Request:
        fields = self.fields_for(message, spec)
        headers = self._auth_headers()
        if self._values["method"] == "GET":
            url = httpx.URL(self._endpoint)
            query = urlencode(fields)
            joined = f"{url.query.decode()}&{query}" if url.query else query
            return httpx.Request("GET", url.copy_with(query=joined.encode()), headers=headers)
        if self._values["body_format"] == "form":
            body = urlencode(fields).encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            body = json.dumps(dict(fields), ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json; charset=utf-8"
        return httpx.Request(self._values["method"], self._endpoint, content=body, headers=headers)

    # -- sending ----------------------------------------------------------------------------

    def send(self, batch: Sequence[OutgoingMessage], spec: SendSpec) -> list[SendOutcome]:
        return send_in_groups([[m] for m in batch], lambda group: [self._send_one(group[0], spec)])

    def _fault(self, code: str, message: str, response: httpx.Response) -> ProviderFault:
        kind = self._error_kinds.get(code)
        if kind is None:
            implied = status_fault(response, self._clock)
            kind = (
                implied.kind
                if implied is not None and not response.is_success
                else ErrorKind.UNKNOWN
            )
        return with_retry_after(ProviderFault(kind, code, message), response, self._clock)

    def _send_one(self, message: OutgoingMessage, spec: SendSpec) -> SendOutcome:
        response = exchange(self._client, self.build_request(message, spec))
        data = self._checked(response)
        id_path = self._values["id_path"]
        provider_id = scalar_text(json_path(data, id_path)) if id_path and data is not None else ""
        return SendOutcome(message.message_id, provider_id=provider_id)

    def _checked(self, response: httpx.Response) -> Any:
        """The answer's JSON (None when it has none) once status and success field say yes;
        raises with the gateway's own code otherwise."""
        data = json_body(response)
        code_path = self._values["error_code_path"]
        text_path = self._values["error_message_path"]
        error_code = (
            scalar_text(json_path(data, code_path)) if code_path and data is not None else ""
        )
        error_text = (
            scalar_text(json_path(data, text_path)) if text_path and data is not None else ""
        )
        if not self._success_status(response.status_code):
            if error_code:
                raise ProviderError(self._fault(error_code, error_text, response))
            fault = status_fault(response, self._clock)
            if fault is None:
                raise server_failed(response)
            if fault.kind is ErrorKind.UNKNOWN:
                fault = self._fault(
                    str(response.status_code), error_text or fault.message, response
                )
            raise ProviderError(fault)
        success_path = self._values["success_path"]
        if success_path:
            if data is None:
                raise unreadable(response)
            value = scalar_text(json_path(data, success_path))
            if value != self._values["success_value"]:
                raise ProviderError(self._fault(error_code or value, error_text, response))
        return data

    # -- replies ----------------------------------------------------------------------------

    @staticmethod
    def replies_configured(settings: Mapping[str, str]) -> bool:
        """Whether the account names an address replies can be fetched from."""
        return bool((settings.get("replies_endpoint") or "").strip())

    def build_replies_request(self, cursor: str) -> httpx.Request:
        recipe = self._replies
        if recipe is None:
            raise AccountSettingsError(
                tr("The gateway account has no replies address, so replies cannot be fetched.")
            )
        timestamp, nonce = self._stamp()
        fields = list(self._static) + recipe.request_fields(cursor, timestamp, nonce)
        headers = self._auth_headers()
        if self._values["auth"] == "signature":
            if self._reply_signer is None:
                raise AccountSettingsError(
                    tr("The account setting “{label}” is missing.", label=tr("Replies signature formula"))
                )
            fields.append((self._values["signature_field"], self._sign(self._reply_signer, fields, timestamp, nonce)))
        url = httpx.URL(recipe.endpoint)
        query = urlencode(fields)
        joined = f"{url.query.decode()}&{query}" if url.query and query else (url.query.decode() or query)
        return httpx.Request("GET", url.copy_with(query=joined.encode()), headers=headers)

    def fetch_replies(self, cursor: str) -> ReplyPage:
        """One page of the gateway's reply list from ``cursor`` (see :mod:`generic_replies`)."""
        request = self.build_replies_request(cursor)
        assert self._replies is not None
        data = self._checked(exchange(self._client, request))
        if data is None:
            raise ProviderError(
                ProviderFault(ErrorKind.UNKNOWN, "", tr("The gateway's reply list is not JSON."))
            )
        replies = self._replies.replies(data, self._clock(), json_path)
        return ReplyPage(
            replies,
            self._replies.next_cursor(data, cursor, json_path),
            more=self._replies.more(data, len(replies), json_path),
        )

    def fetch_reports(self, pending: Sequence[SentRef]) -> list[DeliveryReport]:
        return []

    def test_connection(self) -> str:
        return tr(
            "The settings are complete. A generic gateway can only be tested by sending a message."
        )

    def close(self) -> None:
        self._client.close()
