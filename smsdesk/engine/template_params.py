"""How an approved template's parameters are filled from our variables.

Kept apart from :mod:`smsdesk.engine.providers` so that the template editor, shown at start-up,
does not load the provider interface to read a parameter mapping.
"""

from __future__ import annotations

from collections.abc import Mapping

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr

TEXT_VARIABLE = "_text"
"""In a parameter mapping, the whole personalised message (for a template like ``${content}``)."""

TEMPLATE_PROVIDERS = frozenset({"aliyun", "tencent"})
"""Aliyun and Tencent only send text the owner had approved as a template."""


def parse_param_map(text: str) -> list[tuple[str, str]]:
    """``"code=code, name=_text"`` -> ``[("code", "code"), ("name", "_text")]``; ``"name"`` alone maps to itself."""
    pairs: list[tuple[str, str]] = []
    for item in text.replace("\n", ",").split(","):
        item = item.strip()
        if not item:
            continue
        provider_name, sep, ours = item.partition("=")
        provider_name, ours = provider_name.strip(), (ours.strip() if sep else provider_name.strip())
        if not provider_name or not ours:
            raise UserFacingError(tr("Write template parameters as provider=variable, not “{item}”.", item=item))
        pairs.append((provider_name, ours))
    return pairs


def provider_params(mapping: list[tuple[str, str]], values: Mapping[str, str], text: str) -> dict[str, str]:
    """The values of the provider template's parameters for one customer."""
    return {name: (text if ours == TEXT_VARIABLE else values.get(ours, "")) for name, ours in mapping}
