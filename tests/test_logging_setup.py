"""The log file: opened plainly at the window's start, rotating from just after its first paint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

from smsdesk import logsetup


@pytest.fixture
def smsdesk_logger(smsdesk_home: Path) -> Iterator[logging.Logger]:
    root = logging.getLogger("smsdesk")
    saved_handlers, saved_level = list(root.handlers), root.level
    for handler in saved_handlers:
        root.removeHandler(handler)
    yield root
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in saved_handlers:
        root.addHandler(handler)
    root.setLevel(saved_level)


def _ours(root: logging.Logger) -> list[logging.Handler]:
    return [h for h in root.handlers if getattr(h, "_smsdesk", None)]


def test_a_plain_start_then_rotation_keeps_every_line_once(smsdesk_logger: logging.Logger) -> None:
    logsetup.setup_logging(rotate_later=True)
    logsetup.register_secret("hunter2-secret")
    smsdesk_logger.info("before the first paint, key hunter2-secret")
    assert [type(h) for h in _ours(smsdesk_logger)] == [logging.FileHandler]

    logsetup.rotate_from_now()
    smsdesk_logger.info("after the first paint")
    handlers = _ours(smsdesk_logger)
    assert len(handlers) == 1 and isinstance(handlers[0], RotatingFileHandler)
    assert handlers[0].maxBytes == 2_000_000 and handlers[0].backupCount == 3

    for handler in handlers:
        handler.flush()
    lines = Path(logsetup.log_file()).read_text(encoding="utf-8").splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "before the first paint, key ***",
        "after the first paint",
    ]


def test_rotation_from_now_is_a_no_op_when_the_file_already_rotates(smsdesk_logger: logging.Logger) -> None:
    logsetup.setup_logging()
    first = _ours(smsdesk_logger)
    assert len(first) == 1 and isinstance(first[0], RotatingFileHandler)
    logsetup.rotate_from_now()
    logsetup.setup_logging(rotate_later=True)  # set up once: a second call changes nothing
    assert _ours(smsdesk_logger) == first


def test_the_log_rolls_over_past_its_size(smsdesk_logger: logging.Logger) -> None:
    logsetup.setup_logging(rotate_later=True)
    logsetup.rotate_from_now()
    handler = _ours(smsdesk_logger)[0]
    assert isinstance(handler, RotatingFileHandler)
    handler.maxBytes = 2_000
    for i in range(100):
        smsdesk_logger.info("line %d %s", i, "x" * 40)
    assert Path(logsetup.log_file() + ".1").is_file()
