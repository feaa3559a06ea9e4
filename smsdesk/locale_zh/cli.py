"""Simplified Chinese for the cli layer."""

MESSAGES: dict[str, str] = {
}
