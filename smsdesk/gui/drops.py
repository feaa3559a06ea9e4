"""Files dropped on the window."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import QMimeData

SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".et"})


def spreadsheet_in(mime: QMimeData) -> Path | None:
    """The first local spreadsheet file among the dropped URLs, if any."""
    # Imported here: PySide6's import hook reads the source of every module named in an import
    # statement after it has loaded, and the window's start-up needs no paths from this module.
    from pathlib import Path

    for url in mime.urls():
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in SPREADSHEET_SUFFIXES:
                return path
    return None
