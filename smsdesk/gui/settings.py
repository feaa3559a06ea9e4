"""Window state kept in the data folder (so ``SMSDESK_HOME`` moves it too)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from smsdesk import paths


def app_settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat)
