"""Logging to a file in the data folder, with every known secret scrubbed before it is written."""

from __future__ import annotations

import logging
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


def setup_logging(level: int = logging.INFO, *, rotate_later: bool = False) -> None:
    """Log to ``smsdesk.log`` in the data folder; past 2 MB it rolls over, keeping three old files.

    With ``rotate_later`` the file is opened plainly until :func:`rotate_from_now`: the rotating
    handler's module and its imports (socket, pickle) cost 8 ms, which the window spends after
    its first paint rather than before.
    """
    root = logging.getLogger("smsdesk")
    if any(getattr(h, "_smsdesk", None) for h in root.handlers):
        return
    if rotate_later:
        _install(root, logging.FileHandler(log_file(), encoding="utf-8"), "plain")
    else:
        _install(root, _rotating_handler(), "rotating")
    root.setLevel(level)


def rotate_from_now() -> None:
    """Replace a plainly opened log file with the rotating handler, on the same file."""
    root = logging.getLogger("smsdesk")
    plain = [h for h in root.handlers if getattr(h, "_smsdesk", None) == "plain"]
    if not plain:
        return
    _install(root, _rotating_handler(), "rotating")
    for handler in plain:
        root.removeHandler(handler)
        handler.close()


def _rotating_handler() -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    return RotatingFileHandler(log_file(), maxBytes=2_000_000, backupCount=3, encoding="utf-8")


def _install(root: logging.Logger, handler: logging.Handler, kind: str) -> None:
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"))
    handler._smsdesk = kind  # type: ignore[attr-defined]
    root.addHandler(handler)


def log_file() -> str:
    return str(paths.log_dir() / "smsdesk.log")
