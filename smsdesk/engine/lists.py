"""Importing a customer file into a saved recipient list."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from smsdesk.importers import ImportResult, import_file
from smsdesk.storage import Store
from smsdesk.storage.lists import RecipientList


@dataclass(frozen=True)
class ListImport:
    saved: RecipientList
    result: ImportResult

    def summary(self) -> dict[str, object]:
        r = self.result
        return {
            "list": self.saved.name,
            "rows_read": r.rows_read,
            "imported": len(r.recipients),
            "duplicates": r.duplicates,
            "opted_out": r.opted_out,
            "rejected": [
                {"row": x.row_no, "value": x.raw_value, "reason": x.reason} for x in r.rejected
            ],
            "columns": list(r.columns),
        }


def import_list(
    store: Store,
    path: Path,
    name: str,
    *,
    sheet: str | None = None,
    phone_column: str | None = None,
    name_column: str | None = None,
    region: str = "CN",
    encoding: str | None = None,
    header_row: int | None = None,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> ListImport:
    """Read ``path`` and save it as list ``name``; a failure leaves saved lists untouched."""
    result = import_file(
        path,
        sheet=sheet,
        phone_column=phone_column,
        name_column=name_column,
        region=region,
        encoding=encoding,
        header_row=header_row,
        opt_outs=store.optouts.phones(),
        progress=progress,
        cancel=cancel,
    )
    saved = store.lists.save(
        name,
        region=region,
        columns=result.variables,
        source_file=str(path),
        recipients=((r.row_no, r.phone, r.name, r.fields) for r in result.recipients),
        replace=replace,
    )
    return ListImport(saved, result)
