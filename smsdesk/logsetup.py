"""Logging to a file in the data folder, with every known secret scrubbed before it is written."""

from __future__ import annotations

import logging
import logging.handlers
import threading

from smsdesk import paths

_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Any log line containing ``value`` will show ``***`` instead."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    with _lock:
        known = sorted(_secrets, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, "***")
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_logging(level: int = logging.INFO) -> None:
    root = logging.getLogger("smsdesk")
    if any(getattr(h, "_smsdesk", False) for h in root.handlers):
        return
    handler = logging.handlers.RotatingFileHandler(
        paths.log_dir() / "smsdesk.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"))
    handler._smsdesk = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def log_file() -> str:
    return str(paths.log_dir() / "smsdesk.log")
