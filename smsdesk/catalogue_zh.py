"""Simplified Chinese for every message the Qt-free layers show to a user.

Keys are the English text exactly as written in the ``tr()`` call.
"""

CATALOGUE_ZH: dict[str, str] = {
}
