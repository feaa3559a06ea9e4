"""The real providers by kind, and one way to build any of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smsdesk.core.provider_api import Provider
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers.aliyun import AliyunProvider
from smsdesk.providers.generic_http import GenericHttpProvider
from smsdesk.providers.tencent import TencentProvider
from smsdesk.providers.twilio import TwilioProvider

ProviderClass = (
    type[AliyunProvider] | type[TencentProvider] | type[TwilioProvider] | type[GenericHttpProvider]
)

PROVIDER_CLASSES: dict[str, ProviderClass] = {
    AliyunProvider.kind: AliyunProvider,
    TencentProvider.kind: TencentProvider,
    TwilioProvider.kind: TwilioProvider,
    GenericHttpProvider.kind: GenericHttpProvider,
}


def create_provider(
    kind: str, settings: Mapping[str, str], secrets: Mapping[str, str], **options: Any
) -> Provider:
    """A provider of ``kind``; ``options`` are the constructor's keyword arguments
    (``clock``, ``nonce``, ``transport``, ``timeout``)."""
    try:
        cls = PROVIDER_CLASSES[kind]
    except KeyError:
        raise UserFacingError(
            tr("There is no SMS provider of the kind “{kind}”.", kind=kind)
        ) from None
    provider: Provider = cls(settings, secrets, **options)
    return provider
