"""Simplified Chinese for the providers layer."""

MESSAGES: dict[str, str] = {
}
