"""Customers answering: a reply is handed to the service the customer's last message came from.

Each service keeps replies its own way, and the emulator does the same: Tencent in a queue per
SMS application (PullSmsReplyStatus), Twilio as inbound Message resources of the account,
Aliyun as messages on the account's ``Alicom-Queue-<uid>-SmsUp`` MNS queue, the gateway in a
numbered list per account.  A duplicate delivery puts the same reply there twice, as services
that deliver "at least once" do; a reply stamped earlier than one already there arrives out of
order.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import deque
from datetime import datetime

from smsdesk.emulator import mns_api
from smsdesk.emulator.state import AcceptedMessage, EmulatorState, InboundSms, normalized

APIS = ("aliyun", "tencent", "twilio", "gateway")


class NoSenderToReplyTo(ValueError):
    """Nothing was sent to the number, and no service was named to reply through."""


def aliyun_uid(state: EmulatorState, key_id: str) -> str:
    """The Alibaba Cloud account id behind an AccessKey (made up, stable, unless one was set)."""
    with state.lock:
        uid = state.aliyun_uids.get(key_id)
        if uid is None:
            digest = hashlib.sha256(key_id.encode()).hexdigest()
            uid = "1" + str(int(digest[:13], 16)).rjust(15, "0")[:15]
            state.aliyun_uids[key_id] = uid
        return uid


def _last_message(state: EmulatorState, number: str, api: str | None) -> AcceptedMessage | None:
    with state.lock:
        for delivery in reversed(state.deliveries):
            message = delivery.message
            if message.e164 == number and (api is None or message.api == api):
                return message
    return None


def _any_account(state: EmulatorState, api: str) -> str:
    with state.lock:
        pools: dict[str, list[str]] = {
            "aliyun": list(state.aliyun_keys),
            "tencent": sorted(state.tencent_apps),
            "twilio": list(state.twilio_accounts),
            "gateway": list(state.gateway_accounts),
        }
    accounts = pools.get(api, [])
    if not accounts:
        raise NoSenderToReplyTo(f"the emulator has no {api} account to receive a reply")
    return accounts[0]


def _twilio_number(state: EmulatorState, account: str, sender: str) -> str:
    if sender and not sender.startswith("MG"):
        return sender
    with state.lock:
        numbers = sorted(s for s in state.twilio_senders.get(account, set()) if s.startswith("+"))
    return numbers[0] if numbers else sender


def add_reply(
    state: EmulatorState,
    phone: str,
    text: str,
    *,
    to: str | None = None,
    at: float | datetime | None = None,
    api: str | None = None,
    duplicate: bool = False,
) -> InboundSms:
    """Have ``phone`` answer ``text`` (see :meth:`Emulator.add_reply`)."""
    if api is not None and api not in APIS:
        raise ValueError(f"unknown api {api!r}; one of {', '.join(APIS)}")
    number = normalized(phone)
    last = _last_message(state, number, api)
    if last is None and api is None:
        raise NoSenderToReplyTo(f"nothing was sent to {number}; name the api to reply through")
    chosen = last.api if last is not None else str(api)
    account = last.account if last is not None else _any_account(state, chosen)
    when = at.timestamp() if isinstance(at, datetime) else (state.wall_clock() if at is None else at)
    sender = last.sign_name if last is not None else ""
    if chosen == "twilio":
        reply = InboundSms(
            chosen, account, number, text, to or _twilio_number(state, account, sender), when,
            reply_id="SM" + uuid.uuid4().hex,
        )
    elif chosen == "tencent":
        app = (last.app_id if last is not None else "") or account
        reply = InboundSms(chosen, app, number, text, to if to is not None else sender, when)
    elif chosen == "aliyun":
        reply = InboundSms(
            chosen, account, number, text, to if to is not None else sender, when,
            reply_id=str(state.next_number()),
        )
    else:
        reply = InboundSms(
            chosen, account, number, text, to if to is not None else account, when,
            reply_id=f"MO{state.next_number():09d}",
        )
    copies = 2 if duplicate else 1
    message_id = uuid.uuid4().hex.upper()
    with state.lock:
        for _ in range(copies):
            state.inbound.append(reply)
            if chosen == "tencent":
                state.tencent_reply_queues.setdefault(reply.account, deque()).append(reply)
            elif chosen == "aliyun":
                queue = mns_api.smsup_queue(aliyun_uid(state, account))
                mns_api.enqueue(state, queue, message_id, mns_api.smsup_body(reply))
    return reply
