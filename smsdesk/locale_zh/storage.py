"""Simplified Chinese for the storage layer."""

MESSAGES: dict[str, str] = {
}
