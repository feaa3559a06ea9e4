"""How each provider is sent to: request shapes, what its rate-limit codes mean, account rules.

The account settings added here (quiet hours, per-recipient cap, requests at once) appear in
the account form and in ``smsdesk accounts add --set`` like every other setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from smsdesk.core.planner import BatchRules
from smsdesk.core.provider_api import AccountField, ProviderFault
from smsdesk.core.schedule import DEFAULT_QUIET_HOURS, QuietHours
from smsdesk.core.sending import RecipientCap
from smsdesk.core.throttling import Throttle, ThrottleScope
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.storage.accounts import Account

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

SENDING_FIELDS: tuple[AccountField, ...] = (
    AccountField(
        "quiet_hours", "Quiet hours for promotions", required=False, default=DEFAULT_QUIET_HOURS,
        help="Promotions wait while it is this late or this early (local time), e.g. 21:00-08:00; "
             "“off” for none. Notifications are not held.",
    ),
    AccountField(
        "recipient_cap", "Most messages per number per day", required=False,
        help="Per template; empty means the provider's own limit (Aliyun: 50), 0 means none.",
    ),
    AccountField(
        "concurrency", "Requests at once", required=False,
        help="How many requests may wait for an answer at the same time; empty chooses for the provider.",
    ),
)

DEFAULT_CAPS = {"aliyun": 50}
"""Aliyun allows 50 notifications or promotions per signature, template and number per day."""
DEFAULT_CONCURRENCY = {"sandbox": 1, "aliyun": 4, "tencent": 8, "twilio": 8, "generic_http": 8}


def batch_rules(kind: str) -> BatchRules:
    """What one request of provider ``kind`` may carry (the limits live in each provider)."""
    if kind == "aliyun":
        from smsdesk.providers import aliyun

        return BatchRules(aliyun.SEND_SMS_MAX, aliyun.SEND_BATCH_SMS_MAX, False, "SendSms", "SendBatchSms")
    if kind == "tencent":
        from smsdesk.providers import tencent

        return BatchRules(tencent.SEND_MAX, 1, True, "SendSms", "SendSms")
    if kind == "sandbox":
        from smsdesk.providers.sandbox import SandboxProvider

        size = SandboxProvider.max_batch
        return BatchRules(size, size, False, "Sandbox", "Sandbox")
    if kind == "twilio":
        return BatchRules(1, 1, False, "Messages", "Messages")
    return BatchRules(1, 1, False, "HTTP", "HTTP")


# -- rate-limit codes by scope --------------------------------------------------------------

NUMBER_LIMITS: dict[str, float] = {
    "isv.BUSINESS_LIMIT_CONTROL": HOUR,
    "LimitExceeded.PhoneNumberThirtySecondLimit": 30.0,
    "LimitExceeded.PhoneNumberOneHourLimit": HOUR,
    "LimitExceeded.PhoneNumberDailyLimit": DAY,
    "LimitExceeded.DeliveryFrequencyLimit": HOUR,
}
"""Limits on how often one number may be messaged, with how long that number then waits."""
ACCOUNT_LIMITS = frozenset({"isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL", "LimitExceeded.AppDailyLimit"})
"""Caps on the whole account for the day or month."""
_ALIYUN_WINDOW = (("分钟", MINUTE), ("小时", HOUR), ("天", DAY), ("minute", MINUTE), ("hour", HOUR), ("day", DAY))
"""Aliyun's flow-control message names its window: 触发分钟级流控 / 小时级 / 天级."""


def classify_throttle(fault: ProviderFault) -> Throttle:
    """The scope of a rate-limit refusal; anything not known to be narrower slows all requests."""
    if fault.code in ACCOUNT_LIMITS:
        return Throttle(ThrottleScope.ACCOUNT_QUOTA)
    if fault.code in NUMBER_LIMITS:
        wait = NUMBER_LIMITS[fault.code]
        if fault.code == "isv.BUSINESS_LIMIT_CONTROL":
            text = fault.message.lower()
            wait = next((seconds for word, seconds in _ALIYUN_WINDOW if word in text), wait)
        return Throttle(ThrottleScope.NUMBER, wait)
    return Throttle(ThrottleScope.REQUESTS)


# -- the account's rules ----------------------------------------------------------------------


@dataclass(frozen=True)
class SendRules:
    quiet_hours: QuietHours | None
    cap: RecipientCap | None
    concurrency: int
    rate: float
    batches: BatchRules


def _whole_number(account: Account, key: str, label: str) -> int | None:
    text = account.settings.get(key, "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{1,6}", text):
        raise UserFacingError(
            tr("The account setting “{label}” must be a whole number, not “{value}”.", label=tr(label), value=text)
        )
    return int(text)


def rules_for(account: Account) -> SendRules:
    """The sending rules of ``account``, with the provider's defaults where it sets none."""
    quiet = QuietHours.parse(account.settings.get("quiet_hours", DEFAULT_QUIET_HOURS))
    cap = _whole_number(account, "recipient_cap", "Most messages per number per day")
    if cap is None:
        cap = DEFAULT_CAPS.get(account.provider, 0)
    concurrency = _whole_number(account, "concurrency", "Requests at once")
    if not concurrency:
        concurrency = DEFAULT_CONCURRENCY.get(account.provider, 4)
    return SendRules(
        quiet_hours=quiet,
        cap=RecipientCap(cap, timedelta(hours=24)) if cap else None,
        concurrency=max(1, min(concurrency, 64)),
        rate=account.rate_per_second,
        batches=batch_rules(account.provider),
    )
