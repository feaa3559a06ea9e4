"""Every location smsdesk reads or writes, resolved in one place.

``SMSDESK_HOME`` overrides them all at once: tests, portable builds and the CI point it at a
folder of their own so that nothing touches the real user profile.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

ENV_HOME = "SMSDESK_HOME"
DATABASE_NAME = "smsdesk.sqlite3"


def data_dir() -> Path:
    """The folder holding the database, settings and logs (created on demand)."""
    override = os.environ.get(ENV_HOME)
    path = Path(override) if override else platformdirs.user_data_path("smsdesk", appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path() -> Path:
    return data_dir() / DATABASE_NAME


def settings_path() -> Path:
    return data_dir() / "settings.json"


def log_dir() -> Path:
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """Shipped data files; works from a checkout, an installed wheel and a frozen build."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "smsdesk" / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "resources"  # a wheel puts the top-level resources/ folder here
    return installed if installed.is_dir() else package.parent / "resources"


def sample_list_path() -> Path:
    return resources_dir() / "sample_customers.xlsx"


def translations_dir() -> Path:
    return resources_dir() / "translations"
