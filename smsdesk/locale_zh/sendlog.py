"""Simplified Chinese for the sendlog messages of the Qt-free layers."""

MESSAGES: dict[str, str] = {
}
