"""Turning a saved account into a live provider, and a message into what its template needs."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection

from smsdesk.core.provider_api import (
    AccountField,
    OutcomeUnknown,
    Provider,
    ProviderError,
    RequestNotSent,
    describe_kind,
)
from smsdesk.engine.template_params import TEMPLATE_PROVIDERS, TEXT_VARIABLE
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.providers import fields_for, provider_class
from smsdesk.storage.accounts import Account

# Aliyun and Tencent only send text the owner had approved as a template; these settings say
# which template and how our variables fill its parameters.
TEMPLATE_FIELDS: tuple[AccountField, ...] = (
    AccountField("signature", "Signature", required=False,
                 help="The approved signature, without brackets; shown as 【signature】."),
    AccountField("template_id", "Approved template id", required=False,
                 help="Used when a message has no template of its own, e.g. SMS_123456 or 1234567."),
    AccountField("template_params", "Template parameters", required=False, default=f"content={TEXT_VARIABLE}",
                 help="How the template's parameters are filled, in its order: provider=our_variable, "
                      "separated by commas; _text is the whole message."),
)


def account_fields(kind: str) -> tuple[AccountField, ...]:
    """Every setting an account of ``kind`` has: the provider's own, the template settings, the sending rules."""
    from smsdesk.engine.send_rules import SENDING_FIELDS

    own = fields_for(kind)
    extra = (TEMPLATE_FIELDS if kind in TEMPLATE_PROVIDERS else ()) + SENDING_FIELDS
    keys = {f.key for f in own}
    return own + tuple(f for f in extra if f.key not in keys)


def secret_keys(kind: str) -> list[str]:
    return [f.key for f in fields_for(kind) if f.secret]


def open_provider(account: Account) -> Provider:
    """A provider for ``account`` with its secrets read from the keyring (if it has any)."""
    keys = secret_keys(account.provider)
    loaded: dict[str, str] = {}
    if keys:
        from smsdesk.storage.secrets import SecretStore

        loaded = SecretStore().load(account.secret_ref, keys)
    provider: Provider = provider_class(account.provider)(account.settings, loaded)
    return provider


class OpenProviders:
    """Providers kept open between rounds, one per account (opening one builds an HTTPS client).

    A provider is opened again when its account's settings change; :meth:`close` closes them all.
    """

    def __init__(self, opener: Callable[[Account], Provider] | None = None) -> None:
        self.opener: Callable[[Account], Provider] = opener or open_provider
        self._held: dict[int, tuple[str, Provider]] = {}

    def get(self, account: Account) -> Provider:
        assert account.id is not None
        key = json.dumps([account.provider, dict(account.settings)], sort_keys=True)
        held = self._held.get(account.id)
        if held is not None and held[0] == key:
            return held[1]
        self.forget(account.id)
        provider = self.opener(account)
        self._held[account.id] = (key, provider)
        return provider

    def forget(self, account_id: int) -> None:
        """Close the provider of one account (it is opened again when next needed)."""
        held = self._held.pop(account_id, None)
        if held is not None:
            held[1].close()

    def keep_only(self, account_ids: Collection[int]) -> None:
        """Close the providers of accounts that are gone."""
        for account_id in [k for k in self._held if k not in account_ids]:
            self.forget(account_id)

    def close(self) -> None:
        for account_id in list(self._held):
            self.forget(account_id)


def test_account(account: Account) -> str:
    """Make the provider's harmless read-only call; the outcome in words, or a UserFacingError."""
    provider = open_provider(account)
    try:
        return provider.test_connection()
    except ProviderError as exc:
        fault = exc.fault
        detail = f"{fault.code}: {fault.message}" if fault.message else fault.code
        raise UserFacingError(f"{describe_kind(fault.kind)} ({detail})") from exc
    except RequestNotSent as exc:
        raise UserFacingError(tr("Cannot reach the provider: {reason}", reason=str(exc) or type(exc).__name__)) from exc
    except OutcomeUnknown as exc:
        raise UserFacingError(tr("No answer from the provider")) from exc
    finally:
        provider.close()
