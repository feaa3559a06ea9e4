"""Fixtures for the importer tests: every workbook test runs once per spreadsheet writer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from spreadsheet_writers import WRITERS, SheetSpec


@pytest.fixture(params=sorted(WRITERS))
def write_xlsx(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[SheetSpec], Path]:
    """Write a spec with each writer in turn (the test runs once per writer)."""
    writer = WRITERS[request.param]

    def write(spec: SheetSpec, name: str = "list.xlsx") -> Path:
        return writer(tmp_path / f"{request.param}-{name}", spec)

    return write
