"""Fetching replies from an HTTP gateway that lists them, described by the account's settings.

Gateways that offer replies at all offer a "pull" address: ask with where the last fetch
ended, get a list back.  The owner names the address, the request's fields (``their=ours``
pairs, ours being ``cursor``, ``timestamp`` and ``nonce``, plus the account's fixed fields), how
the request is signed (its own formula, since a send formula names fields a pull does not
have), and where in the JSON answer the list, each reply's fields, the next cursor and the
"more waiting" flag are.  The cursor is whatever the gateway hands back, kept verbatim.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from smsdesk.core.phones import normalize_phone
from smsdesk.core.provider_api import AccountField, InboundReply
from smsdesk.i18n import tr
from smsdesk.providers.account_settings import AccountSettingsError, parse_pairs
from smsdesk.providers.lookup import reply_digest

REPLY_FIELDS: tuple[AccountField, ...] = (
    AccountField(
        "replies_endpoint",
        "Replies address",
        required=False,
        help="Where the gateway lists customers' replies, if it can, e.g. https://sms.example.com/replies (fetched with GET).",
    ),
    AccountField(
        "replies_fields",
        "Replies request fields",
        required=False,
        default="since=cursor, timestamp=timestamp",
        help="Their field name = our field: cursor (where the last fetch ended), timestamp, nonce. The fixed fields are sent too.",
    ),
    AccountField(
        "replies_signature_recipe",
        "Replies signature formula",
        required=False,
        help="Needed when authenticating by signature, e.g. md5(account+secret+timestamp).",
    ),
    AccountField("replies_list_path", "Replies list (JSON path)", required=False, default="replies"),
    AccountField("reply_id_path", "Reply ID field", required=False, default="id"),
    AccountField("reply_phone_path", "Reply number field", required=False, default="mobile"),
    AccountField("reply_text_path", "Reply text field", required=False, default="content"),
    AccountField("reply_time_path", "Reply time field", required=False, default="time"),
    AccountField("reply_to_path", "Reply recipient field", required=False, default="dest"),
    AccountField("replies_cursor_path", "Next cursor field (JSON path)", required=False, default="next"),
    AccountField("replies_more_path", "More-waiting field (JSON path)", required=False, default="more"),
    AccountField(
        "replies_time_zone",
        "Reply time zone",
        required=False,
        default="+08:00",
        help="For reply times written without a zone, e.g. +08:00.",
    ),
)
REPLY_FIELD_SOURCES = ("cursor", "timestamp", "nonce")
TRUE_WORDS = {"true", "1", "yes", "y"}


def _offset(text: str) -> timezone:
    sign = -1 if text.strip().startswith("-") else 1
    hours, _, minutes = text.strip().lstrip("+-").partition(":")
    try:
        return timezone(sign * timedelta(hours=int(hours or 0), minutes=int(minutes or 0)))
    except ValueError:
        raise AccountSettingsError(
            tr("The account setting “{label}” cannot be read: {value}", label=tr("Reply time zone"), value=text)
        ) from None


def parse_time(value: Any, zone: timezone) -> datetime | None:
    """Unix seconds or milliseconds, ISO 8601, or ``YYYY-MM-DD HH:MM:SS`` in ``zone``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    text = str(value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return parse_time(int(text), zone)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("/", "-"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=zone)).astimezone(UTC)


def e164_from(raw: str) -> str:
    found = normalize_phone(raw, "CN").e164
    return found or raw.strip()


@dataclass(frozen=True)
class ReplyRecipe:
    """The reply settings of a generic account, checked once."""

    endpoint: str
    fields: tuple[tuple[str, str], ...]
    list_path: str
    id_path: str
    phone_path: str
    text_path: str
    time_path: str
    to_path: str
    cursor_path: str
    more_path: str
    zone: timezone

    @classmethod
    def read(cls, values: Mapping[str, str]) -> ReplyRecipe | None:
        """None when the account has no replies address."""
        if not values.get("replies_endpoint"):
            return None
        fields = parse_pairs(values.get("replies_fields", ""), label="Replies request fields")
        for _theirs, ours in fields:
            if ours not in REPLY_FIELD_SOURCES:
                raise AccountSettingsError(tr("smsdesk has no field called “{name}” to send.", name=ours))
        return cls(
            endpoint=values["replies_endpoint"],
            fields=tuple(fields),
            list_path=values.get("replies_list_path") or "replies",
            id_path=values.get("reply_id_path", ""),
            phone_path=values.get("reply_phone_path") or "mobile",
            text_path=values.get("reply_text_path") or "content",
            time_path=values.get("reply_time_path", ""),
            to_path=values.get("reply_to_path", ""),
            cursor_path=values.get("replies_cursor_path", ""),
            more_path=values.get("replies_more_path", ""),
            zone=_offset(values.get("replies_time_zone") or "+08:00"),
        )

    def request_fields(self, cursor: str, timestamp: str, nonce: str) -> list[tuple[str, str]]:
        ours = {"cursor": cursor, "timestamp": timestamp, "nonce": nonce}
        return [(theirs, ours[our]) for theirs, our in self.fields if our != "cursor" or cursor]

    def replies(self, data: Any, received: datetime, json_path: Any) -> list[InboundReply]:
        """The replies in a gateway's answer; ``received`` stands in for a missing time."""
        items = json_path(data, self.list_path)
        found: list[InboundReply] = []
        for item in items if isinstance(items, list) else []:
            phone = _text(json_path(item, self.phone_path))
            if not phone:
                continue
            text = _text(json_path(item, self.text_path))
            at = parse_time(json_path(item, self.time_path), self.zone) if self.time_path else None
            own_id = _text(json_path(item, self.id_path)) if self.id_path else ""
            moment = at or received
            found.append(
                InboundReply(
                    reply_id=own_id or reply_digest("gateway", phone, int(moment.timestamp()), text),
                    phone=e164_from(phone),
                    text=text,
                    received_at=moment,
                    to=_text(json_path(item, self.to_path)) if self.to_path else "",
                )
            )
        return found

    def next_cursor(self, data: Any, previous: str, json_path: Any) -> str:
        if not self.cursor_path:
            return previous
        value = _text(json_path(data, self.cursor_path))
        return value or previous

    def more(self, data: Any, count: int, json_path: Any) -> bool:
        if not self.more_path or count == 0:
            return False
        return _text(json_path(data, self.more_path)).lower() in TRUE_WORDS


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
