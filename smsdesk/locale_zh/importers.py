"""Simplified Chinese for the importers layer."""

MESSAGES: dict[str, str] = {
}
