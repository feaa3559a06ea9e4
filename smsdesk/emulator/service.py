"""The emulator: Aliyun, Tencent Cloud, Twilio and a generic MD5 gateway on one loopback port.

Typical use in a test::

    with Emulator() as emu:
        emu.add_aliyun_key("id", "secret")
        emu.add_aliyun_signature("Shop")
        emu.add_aliyun_template("SMS_1", "Code ${code}")
        provider = AliyunProvider({"access_key_id": "id", "endpoint": emu.url}, {...})
        ...
        assert emu.accepted[0].text == "【Shop】Code 1234"

Requests are routed by what they carry: ``X-TC-Action`` goes to Tencent, ``/2010-04-01/`` to
Twilio, ``/gateway/`` to the gateway, ``/queues/`` to Aliyun's MNS reply queues, everything
else to Aliyun.  :meth:`Emulator.add_reply` makes a customer answer.  Faults armed with
:meth:`Emulator.inject` hit the next matching requests, before or after the request is
handled for real.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from types import TracebackType
from typing import Protocol

from smsdesk.emulator import aliyun_api, inbound, tencent_api
from smsdesk.emulator.actions import request_action
from smsdesk.emulator.aliyun_api import AliyunApi
from smsdesk.emulator.gateway_api import GatewayApi
from smsdesk.emulator.http_server import BoundedHTTPServer, Drop, Hold, Outcome, Reply, Request
from smsdesk.emulator.mns_api import MnsApi
from smsdesk.emulator.replies import json_reply
from smsdesk.emulator.state import (
    AcceptedMessage,
    EmulatorState,
    Fault,
    FaultKind,
    InboundSms,
    RequestRecord,
    normalized,
)
from smsdesk.emulator.tencent_api import TencentApi
from smsdesk.emulator.twilio_api import TwilioApi

MALFORMED_BODY = b'{"Code":"OK","RequestId":"6C8B'


class _Api(Protocol):
    name: str

    def handle(self, request: Request) -> Reply: ...

    def throttled(self, retry_after: str | None) -> Reply: ...


@dataclass(frozen=True)
class DemoAccounts:
    """Credentials :meth:`Emulator.load_demo` sets up, for trying the app against the emulator."""

    aliyun_key_id: str = "LTAIemulatorDemoKey"
    aliyun_secret: str = "emulator-demo-secret"
    aliyun_signature: str = "smsdesk"
    aliyun_template: str = "SMS_900001"
    aliyun_pickup_template: str = "SMS_900002"
    """Approved: ``${name}，您的订单已到店，请凭取货码${code}领取。``"""
    aliyun_pending_template: str = "SMS_900003"
    aliyun_uid: str = "1234567890123456"
    """The account id its replies queue is named after (``Alicom-Queue-<uid>-SmsUp``)."""
    tencent_secret_id: str = "AKIDemulatorDemoSecretId"
    tencent_secret_key: str = "emulator-demo-key"
    tencent_app_id: str = "1400900001"
    tencent_signature: str = "smsdesk"
    tencent_template: str = "900001"
    tencent_international_template: str = "900002"
    tencent_pickup_template: str = "900003"
    """Approved: ``{1}，您的订单已到店，请凭取货码{2}领取。``"""
    tencent_rejected_template: str = "900004"
    tencent_signature_id: int = 5001
    twilio_account_sid: str = "AC" + "0" * 31 + "1"
    twilio_auth_token: str = "emulator-demo-token"
    twilio_sender: str = "+15005550006"
    gateway_account: str = "demo"
    gateway_password: str = "emulator-demo-password"
    gateway_token: str = "emulator-demo-token"


class Emulator:
    """A loopback HTTP server speaking the providers' APIs; see the module docstring."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock: Callable[[], float] = time.time,
        seed: int = 0,
        workers: int = 32,
    ) -> None:
        self._address = (host, port)
        self._workers = workers
        self.state = EmulatorState(wall_clock=clock, seed=seed)
        self._aliyun = AliyunApi(self.state)
        self._tencent = TencentApi(self.state)
        self._apis: dict[str, _Api] = {
            api.name: api
            for api in (
                self._aliyun,
                self._tencent,
                TwilioApi(self.state),
                GatewayApi(self.state),
                MnsApi(self.state),
            )
        }
        self._server: BoundedHTTPServer | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Emulator:
        if self._server is None:
            server = BoundedHTTPServer(
                self._address, self._application, self._workers, self._record_error
            )
            server.start()
            self._server = server
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://host:port`` with no trailing slash."""
        return f"http://{self._address[0]}:{self.port}"

    # -- accounts ---------------------------------------------------------------------------

    def add_aliyun_key(
        self, access_key_id: str, access_key_secret: str, *, uid: str | None = None
    ) -> None:
        """``uid``: the Alibaba Cloud account id behind the key (made up when not given)."""
        with self.state.lock:
            self.state.aliyun_keys[access_key_id] = access_key_secret
            if uid is not None:
                self.state.aliyun_uids[access_key_id] = uid

    def aliyun_uid(self, access_key_id: str) -> str:
        return inbound.aliyun_uid(self.state, access_key_id)

    def add_aliyun_signature(
        self, sign_name: str, *, status: str = "approved", reason: str = ""
    ) -> None:
        """``status``: ``approved``, ``pending``, ``rejected`` or ``cancelled``; only an approved
        signature can be sent with, every one is listed by QuerySmsSignList."""
        self._aliyun.review_signature(
            aliyun_api.ReviewedSignature(
                sign_name, status, reason, created_at=self.state.wall_clock()
            )
        )

    def add_aliyun_template(
        self,
        template_code: str,
        text: str,
        *,
        name: str = "",
        kind: str = "notification",
        status: str = "approved",
        reason: str = "",
    ) -> None:
        """``text`` uses ``${name}`` variables, as Aliyun templates do; ``kind`` is
        ``verification``, ``notification``, ``marketing`` or ``international``."""
        self._aliyun.review_template(
            aliyun_api.ReviewedTemplate(
                template_code,
                name or template_code,
                text,
                status,
                kind,
                reason,
                created_at=self.state.wall_clock(),
            )
        )

    def add_tencent_key(self, secret_id: str, secret_key: str) -> None:
        with self.state.lock:
            self.state.tencent_keys[secret_id] = secret_key

    def add_tencent_app(self, sdk_app_id: str) -> None:
        with self.state.lock:
            self.state.tencent_apps.add(sdk_app_id)

    def add_tencent_signature(
        self,
        sign_name: str,
        *,
        sign_id: int | None = None,
        status: str = "approved",
        reply: str = "",
        international: bool = False,
    ) -> int:
        """The signature's id, which DescribeSmsSignList asks by (a new one unless given)."""
        with self.state.lock:
            if sign_id is None:
                sign_id = max(self._tencent.signature_reviews, default=5000) + 1
            self._tencent.review_signature(
                tencent_api.ReviewedSignature(
                    sign_id, sign_name, status, international, reply, self.state.wall_clock()
                )
            )
        return sign_id

    def add_tencent_template(
        self,
        template_id: str,
        text: str,
        *,
        international: bool = False,
        name: str = "",
        status: str = "approved",
        reply: str = "",
    ) -> None:
        """``text`` uses ``{1}``, ``{2}``... variables, as Tencent templates do; ``status`` is
        ``approved``, ``pending`` or ``rejected``."""
        self._tencent.review_template(
            tencent_api.ReviewedTemplate(
                template_id,
                name or template_id,
                text,
                status,
                international,
                reply,
                self.state.wall_clock(),
            )
        )

    def add_twilio_account(
        self, account_sid: str, auth_token: str, senders: Iterable[str] = ()
    ) -> None:
        """``senders``: the account's phone numbers and Messaging Service SIDs."""
        with self.state.lock:
            self.state.twilio_accounts[account_sid] = auth_token
            self.state.twilio_senders.setdefault(account_sid, set()).update(senders)

    def add_twilio_api_key(self, account_sid: str, key_sid: str, secret: str) -> None:
        with self.state.lock:
            self.state.twilio_api_keys[key_sid] = (account_sid, secret)

    def add_gateway_account(self, account: str, password: str, token: str | None = None) -> None:
        with self.state.lock:
            self.state.gateway_accounts[account] = password
            if token:
                self.state.gateway_tokens[token] = account

    def load_demo(self) -> DemoAccounts:
        """Accounts, signatures and templates for every API, with well-known credentials."""
        demo = DemoAccounts()
        self.add_aliyun_key(demo.aliyun_key_id, demo.aliyun_secret, uid=demo.aliyun_uid)
        self.add_aliyun_signature(demo.aliyun_signature)
        self.add_aliyun_signature("smsdesk店铺", status="pending")
        self.add_aliyun_template(demo.aliyun_template, "${content}", name="Any text")
        self.add_aliyun_template(
            demo.aliyun_pickup_template,
            "${name}，您的订单已到店，请凭取货码${code}领取。",
            name="取货通知",
        )
        self.add_aliyun_template(
            demo.aliyun_pending_template,
            "${name}，会员日全场八折！回T退订",
            name="会员日",
            kind="marketing",
            status="pending",
        )
        self.add_tencent_key(demo.tencent_secret_id, demo.tencent_secret_key)
        self.add_tencent_app(demo.tencent_app_id)
        self.add_tencent_signature(demo.tencent_signature, sign_id=demo.tencent_signature_id)
        self.add_tencent_template(demo.tencent_template, "{1}", name="Any text")
        self.add_tencent_template(
            demo.tencent_international_template, "{1}", international=True, name="Any text"
        )
        self.add_tencent_template(
            demo.tencent_pickup_template,
            "{1}，您的订单已到店，请凭取货码{2}领取。",
            name="取货通知",
        )
        self.add_tencent_template(
            demo.tencent_rejected_template,
            "{1}，全场八折，快来抢购！",
            name="促销",
            status="rejected",
            reply="营销短信须带退订方式",
        )
        self.add_twilio_account(
            demo.twilio_account_sid, demo.twilio_auth_token, [demo.twilio_sender]
        )
        self.add_gateway_account(demo.gateway_account, demo.gateway_password, demo.gateway_token)
        return demo

    # -- behaviour --------------------------------------------------------------------------

    def refuse_number(
        self, phone: str, *, code: str = "", api: str | None = None, times: int | None = None
    ) -> None:
        """Have the services refuse ``phone`` (``code``, or each service's own default:
        Tencent ``FailedOperation.PhoneNumberInBlacklist`` for just that number, Aliyun
        ``isv.MOBILE_NUMBER_ILLEGAL`` for the whole request, Twilio 21610).

        ``times``: only the next that many requests for it (a passing fault); always when None.
        """
        number = normalized(phone)
        with self.state.lock:
            self.state.refused.setdefault(number, {})[api] = code
            if times is None:
                self.state.refusals_left.pop((number, api), None)
            else:
                self.state.refusals_left[(number, api)] = times

    def fail_delivery(self, phone: str, code: str = "") -> None:
        """Accept messages to ``phone`` but report them undelivered (``code`` or a default)."""
        with self.state.lock:
            self.state.undeliverable[normalized(phone)] = code

    @property
    def report_delay(self) -> float:
        return self.state.report_delay

    @report_delay.setter
    def report_delay(self, seconds: float) -> None:
        with self.state.lock:
            self.state.report_delay = seconds

    @property
    def delivery_failure_share(self) -> float:
        return self.state.delivery_failure_share

    @delivery_failure_share.setter
    def delivery_failure_share(self, share: float) -> None:
        with self.state.lock:
            self.state.delivery_failure_share = share

    @property
    def latency(self) -> float:
        return self.state.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        with self.state.lock:
            self.state.latency = seconds

    def add_reply(
        self,
        phone: str,
        text: str,
        *,
        to: str | None = None,
        at: float | datetime | None = None,
        api: str | None = None,
        duplicate: bool = False,
    ) -> InboundSms:
        """Have the customer at ``phone`` answer ``text``.

        The reply goes to the service (and account) that last sent ``phone`` a message, or to
        ``api`` (``aliyun``, ``tencent``, ``twilio``, ``gateway``).  ``to`` is what it was sent
        to (our number, sign name; the sender of that message by default), ``at`` when the
        service received it (wall-clock seconds or a datetime; now by default: an earlier time
        than a reply already waiting makes them arrive out of order).  ``duplicate`` delivers it
        twice, as an at-least-once service may.
        """
        return inbound.add_reply(
            self.state, phone, text, to=to, at=at, api=api, duplicate=duplicate
        )

    @property
    def replies(self) -> list[InboundSms]:
        """Every reply received so far, in arrival order (a copy)."""
        with self.state.lock:
            return list(self.state.inbound)

    def inject(self, fault: Fault, times: int = 1, *, after: int = 0) -> None:
        """Apply ``fault`` to ``times`` matching requests, once ``after`` more have passed."""
        self.state.add_fault(fault, times, after)

    def clear_faults(self) -> None:
        with self.state.lock:
            self.state.faults.clear()

    # -- what happened ----------------------------------------------------------------------

    @property
    def accepted(self) -> list[AcceptedMessage]:
        """Every message accepted so far, oldest first (a copy)."""
        with self.state.lock:
            return [d.message for d in self.state.deliveries]

    @property
    def requests(self) -> list[RequestRecord]:
        with self.state.lock:
            return list(self.state.requests)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of requests the emulator itself failed on (a bug in the emulator)."""
        with self.state.lock:
            return list(self.state.errors)

    def inbox(self, phone: str) -> list[str]:
        """What the handset of ``phone`` has received so far (delivered messages only)."""
        number = normalized(phone)
        now = self.state.monotonic()
        with self.state.lock:
            return [
                d.message.text
                for d in self.state.deliveries
                if d.message.e164 == number and d.delivered and d.final(now)
            ]

    # -- dispatch ---------------------------------------------------------------------------

    def _record_error(self, text: str) -> None:
        with self.state.lock:
            self.state.errors.append(text)

    def _route(self, request: Request) -> _Api:
        if request.header("x-tc-action"):
            return self._apis["tencent"]
        if request.path.startswith("/2010-04-01/"):
            return self._apis["twilio"]
        if request.path.startswith("/gateway/"):
            return self._apis["gateway"]
        if request.path.startswith("/queues/"):
            return self._apis["mns"]
        return self._apis["aliyun"]

    def _application(self, request: Request) -> Outcome:
        api = self._route(request)
        server = self._server
        if self.state.latency > 0 and server is not None:
            server.stopping.wait(self.state.latency)
        fault = self.state.take_fault(api.name, request_action(api.name, request))
        if fault is not None and not fault.after_processing:
            return self._misbehave(api, fault)
        try:
            reply = api.handle(request)
        except Exception:
            self._record_error(traceback.format_exc())
            return json_reply(500, {"message": "emulator error"})
        if fault is not None:
            return self._misbehave(api, fault)
        return reply

    def _misbehave(self, api: _Api, fault: Fault) -> Outcome:
        self.state.record_request(RequestRecord(api.name, f"fault:{fault.kind}", 0))
        if fault.kind is FaultKind.RATE_LIMIT:
            return api.throttled(fault.retry_after)
        if fault.kind is FaultKind.SERVER_ERROR:
            try:
                phrase = HTTPStatus(fault.status).phrase
            except ValueError:
                phrase = "Error"
            return Reply(fault.status, phrase.encode(), "text/plain")
        if fault.kind is FaultKind.HOLD:
            return Hold(fault.hold)
        if fault.kind is FaultKind.DROP:
            return Drop()
        return Reply(200, MALFORMED_BODY, "application/json;charset=utf-8")
