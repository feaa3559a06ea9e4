"""Reading an account's settings and secrets against the fields its provider declares."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from smsdesk.core.provider_api import AccountField
from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr


class AccountSettingsError(UserFacingError):
    """A setting is missing or has a value the provider cannot use."""


def read_account(
    fields: Sequence[AccountField], settings: Mapping[str, str], secrets: Mapping[str, str]
) -> dict[str, str]:
    """Every field's value (secrets from ``secrets``), defaults filled in, required ones checked."""
    values: dict[str, str] = {}
    for spec in fields:
        source = secrets if spec.secret else settings
        value = (source.get(spec.key) or "").strip() or spec.default
        if spec.required and not value:
            raise AccountSettingsError(
                tr("The account setting “{label}” is missing.", label=tr(spec.label))
            )
        if spec.choices and value and value not in spec.choices:
            raise AccountSettingsError(
                tr(
                    "The account setting “{label}” must be one of: {choices}.",
                    label=tr(spec.label),
                    choices=", ".join(spec.choices),
                )
            )
        values[spec.key] = value
    return values


def parse_pairs(text: str, *, label: str) -> list[tuple[str, str]]:
    """``a=b, c=d`` (commas or new lines between pairs) as a list of pairs, order kept."""
    pairs: list[tuple[str, str]] = []
    for item in text.replace("\n", ",").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise AccountSettingsError(
                tr(
                    "The account setting “{label}” needs name=value pairs; “{item}” is not one.",
                    label=tr(label),
                    item=item.strip(),
                )
            )
        pairs.append((key.strip(), value.strip()))
    return pairs
