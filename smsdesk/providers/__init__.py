"""SMS providers: one module per service, httpx on the wire, no Qt and no SQL."""

from __future__ import annotations

from typing import Any

from smsdesk.core.provider_api import AccountField
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers.sandbox import SandboxProvider


def provider_classes() -> dict[str, Any]:
    classes: dict[str, Any] = {SandboxProvider.kind: SandboxProvider}
    try:
        from smsdesk.providers.registry import PROVIDER_CLASSES
    except ImportError:
        return classes
    classes.update(PROVIDER_CLASSES)
    return classes


def provider_class(kind: str) -> Any:
    try:
        return provider_classes()[kind]
    except KeyError:
        raise UserFacingError(
            tr("smsdesk does not know the provider “{kind}”.", kind=kind)
        ) from None


def fields_for(kind: str) -> tuple[AccountField, ...]:
    return tuple(provider_class(kind).FIELDS)
