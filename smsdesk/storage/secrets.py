"""Account secrets, kept only in the operating system's keyring.

If the machine has no usable keyring, saying so is the only safe answer: smsdesk never writes a
secret to its database, its logs or a plain file of its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.logsetup import register_secret

SERVICE = "smsdesk"


class KeyringUnavailable(UserFacingError):
    pass


def _usable_backend() -> keyring.backend.KeyringBackend:
    backend = keyring.get_keyring()
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith("keyring.backends.fail") or name.startswith("keyring.backends.null"):
        raise KeyringUnavailable(
            tr(
                "This computer has no password store (keyring) smsdesk can use, so account secrets "
                "cannot be saved safely. Install or unlock one (e.g. GNOME Keyring or KWallet) and try again."
            )
        )
    if name.startswith("keyrings.alt") and not _chosen_explicitly():
        # A plain-file keyring that happens to be installed is not a password store; using it
        # without being told to would be the silent plain-text fallback we refuse.
        raise KeyringUnavailable(
            tr(
                "This computer has no password store (keyring) smsdesk can use, so account secrets "
                "cannot be saved safely. Install or unlock one (e.g. GNOME Keyring or KWallet) and try again."
            )
        )
    chained = getattr(backend, "backends", None)
    if chained is not None and not list(chained):
        raise KeyringUnavailable(
            tr(
                "This computer has no password store (keyring) smsdesk can use, so account secrets "
                "cannot be saved safely. Install or unlock one (e.g. GNOME Keyring or KWallet) and try again."
            )
        )
    return backend


def _chosen_explicitly() -> bool:
    """The user picked the backend: keyring's own environment variable or configuration file."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    try:
        from keyring.util import platform_

        return (Path(platform_.config_root()) / "keyringrc.cfg").exists()
    except Exception:
        return False


def backend_name() -> str:
    backend = keyring.get_keyring()
    return type(backend).__module__ + "." + type(backend).__name__


class SecretStore:
    """Secrets of each account, addressed by the account's stable ``secret_ref``."""

    def save(self, secret_ref: str, secrets: Mapping[str, str]) -> None:
        backend = _usable_backend()
        try:
            for key, value in secrets.items():
                register_secret(value)
                backend.set_password(SERVICE, f"{secret_ref}/{key}", value)
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                tr("The password store refused to save the secret: {reason}", reason=type(exc).__name__)
            ) from exc

    def load(self, secret_ref: str, keys: Iterable[str]) -> dict[str, str]:
        backend = _usable_backend()
        found: dict[str, str] = {}
        try:
            for key in keys:
                value = backend.get_password(SERVICE, f"{secret_ref}/{key}")
                if value is not None:
                    register_secret(value)
                    found[key] = value
        except keyring.errors.KeyringError as exc:
            raise KeyringUnavailable(
                tr("The password store could not be read: {reason}", reason=type(exc).__name__)
            ) from exc
        return found

    def delete(self, secret_ref: str, keys: Iterable[str]) -> None:
        try:
            backend = _usable_backend()
        except KeyringUnavailable:
            return
        for key in keys:
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                backend.delete_password(SERVICE, f"{secret_ref}/{key}")
