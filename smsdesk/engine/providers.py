"""Turning a saved account into a live provider."""

from __future__ import annotations

from smsdesk.core.provider_api import AccountField, Provider
from smsdesk.providers import fields_for, provider_class
from smsdesk.storage.accounts import Account
from smsdesk.storage.secrets import SecretStore


def secret_keys(provider: str) -> list[str]:
    return [f.key for f in fields_for(provider) if f.secret]


def open_provider(account: Account, secrets: SecretStore | None = None) -> Provider:
    """A provider for ``account`` with its secrets read from the keyring (if it has any)."""
    keys = secret_keys(account.provider)
    loaded = (secrets or SecretStore()).load(account.secret_ref, keys) if keys else {}
    cls = provider_class(account.provider)
    provider: Provider = cls(account.settings, loaded)
    return provider


def public_fields(provider: str) -> list[AccountField]:
    return [f for f in fields_for(provider) if not f.secret]
