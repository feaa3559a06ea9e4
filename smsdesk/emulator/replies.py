"""Building replies the way the services write them."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from smsdesk.emulator.http_server import Reply

CHINA_TIME = timezone(timedelta(hours=8))


def json_reply(status: int, payload: Any, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Reply(status, body, "application/json;charset=utf-8", headers)


def request_id() -> str:
    return str(uuid.uuid4()).upper()


def china_time(wall: float) -> datetime:
    return datetime.fromtimestamp(wall, CHINA_TIME)


def retry_after_headers(value: str | None) -> tuple[tuple[str, str], ...]:
    return (("Retry-After", value),) if value else ()
