"""The owner's preferences that are not window geometry: a small JSON file in the data folder."""

from __future__ import annotations

import json
import logging
from typing import Any

from smsdesk import paths

log = logging.getLogger("smsdesk.settings")

LANGUAGES = ("auto", "en", "zh_CN")


def load() -> dict[str, Any]:
    path = paths.settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("settings file %s unreadable; using defaults", path)
        return {}
    return data if isinstance(data, dict) else {}


def save(**changes: Any) -> None:
    data = load()
    data.update(changes)
    path = paths.settings_path()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)


def language() -> str:
    value = load().get("language", "auto")
    return value if value in LANGUAGES else "auto"
