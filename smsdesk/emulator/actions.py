"""What a request asks a service to do, told before it is handled, so faults can aim at it.

A fault armed for "the next SendSms" must not be spent on a delivery-report poll or a reply
fetch that happens to come first: the app polls while it sends.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from smsdesk.emulator.http_server import Request

_TWILIO = re.compile(r"^/2010-04-01/Accounts/[^/]+(?P<messages>/Messages(?P<one>/[^/]+)?)?\.json$")


def request_action(api: str, request: Request) -> str:
    """The action's name as the service's API reference writes it (``SendSms``,
    ``PullSmsReplyStatus``, ``CreateMessage``, ``ListMessages``, ``send``...); "" if unknown."""
    if api == "tencent":
        return request.header("x-tc-action")
    if api == "aliyun":
        found = request.header("x-acs-action")
        if found:
            return found
        pairs = parse_qsl(request.query)
        if request.header("content-type").startswith("application/x-www-form-urlencoded"):
            pairs += parse_qsl(request.body.decode("utf-8", "replace"))
        return dict(pairs).get("Action", "")
    if api == "twilio":
        match = _TWILIO.match(request.path)
        if match is None:
            return ""
        if not match.group("messages"):
            return "FetchAccount"
        if match.group("one"):
            return "FetchMessage"
        return "CreateMessage" if request.method == "POST" else "ListMessages"
    if api == "gateway":
        return request.path.rstrip("/").rsplit("/", 1)[-1]
    if api == "mns":
        if request.method == "DELETE":
            return "DeleteMessage"
        return "ReceiveMessage" if request.method == "GET" else ""
    return ""
