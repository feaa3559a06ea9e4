"""SMS providers: one module per service, httpx on the wire, no Qt and no SQL.

Modules are imported when first needed, so that starting the window does not pay for the HTTP
stack of providers the owner may never use.
"""

from __future__ import annotations

from typing import Any

from smsdesk.core.provider_api import AccountField
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

SANDBOX = "sandbox"
KINDS: tuple[str, ...] = (SANDBOX, "aliyun", "tencent", "twilio", "generic_http")


def provider_classes() -> dict[str, Any]:
    from smsdesk.providers.registry import PROVIDER_CLASSES
    from smsdesk.providers.sandbox import SandboxProvider

    return {SandboxProvider.kind: SandboxProvider, **PROVIDER_CLASSES}


def provider_class(kind: str) -> Any:
    if kind == SANDBOX:
        from smsdesk.providers.sandbox import SandboxProvider

        return SandboxProvider
    try:
        return provider_classes()[kind]
    except KeyError:
        raise UserFacingError(tr("smsdesk does not know the provider “{kind}”.", kind=kind)) from None


def fields_for(kind: str) -> tuple[AccountField, ...]:
    return tuple(provider_class(kind).FIELDS)
