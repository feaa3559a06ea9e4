"""The core's message catalogue: user-facing text produced outside the GUI.

The GUI translates its own strings with Qt's ``tr()``; errors, CLI output and provider messages
come from the Qt-free layers and are translated here.  Every ``tr("...")`` literal in the
package must have a Simplified Chinese entry in :mod:`smsdesk.locale_zh`; a test walks the
source to make sure.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

SUPPORTED = ("en", "zh_CN")
_language = "en"


def detect_language() -> str:
    """The language to use: ``SMSDESK_LANG``, else the owner's choice, else the system's."""
    forced = os.environ.get("SMSDESK_LANG")
    if forced:
        return "zh_CN" if forced.lower().startswith("zh") else "en"
    from smsdesk import settings

    chosen = settings.language()
    if chosen != "auto":
        return chosen
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    import locale

    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh_CN" if loc.lower().startswith(("zh", "chinese")) else "en"


def set_language(language: str) -> None:
    global _language
    _language = "zh_CN" if language.lower().startswith("zh") else "en"


def current_language() -> str:
    return _language


@cache
def _catalogue_zh() -> dict[str, str]:
    from smsdesk.locale_zh import CATALOGUE_ZH  # loaded only when Chinese is spoken

    return CATALOGUE_ZH


def tr(text: str, **fields: Any) -> str:
    """Translate ``text`` to the current language and fill in ``{field}`` placeholders."""
    if _language == "zh_CN":
        text = _catalogue_zh().get(text, text)
    return text.format(**fields) if fields else text


set_language(detect_language())
