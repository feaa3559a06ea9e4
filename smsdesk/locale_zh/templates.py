"""Simplified Chinese for the templates messages of the Qt-free layers."""

MESSAGES: dict[str, str] = {
}
