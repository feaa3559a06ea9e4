"""Simplified Chinese for every message the Qt-free layers show to a user.

One module per layer keeps the lists short; keys are the English text exactly as written in the
``tr()`` call.
"""

from smsdesk.locale_zh import (
    app,
    cli,
    core,
    importers,
    providers,
    reconcile,
    replies,
    sendlog,
    storage,
    templates,
)

CATALOGUE_ZH: dict[str, str] = {
    **core.MESSAGES,
    **providers.MESSAGES,
    **importers.MESSAGES,
    **storage.MESSAGES,
    **cli.MESSAGES,
    **app.MESSAGES,
    **templates.MESSAGES,
    **sendlog.MESSAGES,
    **replies.MESSAGES,
    **reconcile.MESSAGES,
}
