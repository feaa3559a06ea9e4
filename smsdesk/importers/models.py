"""What the importers hand back: plain data the GUI, the CLI and storage all understand."""

from __future__ import annotations

from dataclasses import dataclass, field


class ImportCancelled(Exception):
    """The owner cancelled the import; nothing was imported."""


@dataclass(frozen=True, slots=True)
class FilePreview:
    """The first rows of a sheet and the mapping smsdesk guessed for it.

    ``header_row`` is 1-based as the owner sees it in the sheet, 0 when the sheet has no
    header row.  ``confident`` is false when the phone column could not be told for sure,
    which is when the GUI asks the owner to map the columns.
    """

    sheet: str
    sheets: list[str]
    header_row: int
    columns: list[str]
    rows: list[list[str]]
    phone_column: str | None
    name_column: str | None
    confident: bool
    encoding: str | None = None
    kind: str = ""
    row_count: int = 0


@dataclass(slots=True)
class ImportedRecipient:
    """One accepted row.  ``fields`` holds every column except the phone, as text."""

    row_no: int
    phone: str
    name: str
    fields: dict[str, str]
    is_mobile: bool = True


@dataclass(slots=True)
class RejectedRow:
    """One row that was not imported, with a translated reason the owner can act on.

    ``fields`` holds every column of the row as text (the phone column as written), so the
    rejected rows can be exported, fixed and imported again.
    """

    row_no: int
    raw_value: str
    reason: str
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ImportResult:
    """Everything an import found.

    Every data row is accounted for:
    ``rows_read == len(recipients) + len(rejected) + blank_rows``.  ``duplicates`` and
    ``opted_out`` count rows that are also listed in ``rejected``.  ``columns`` lists every
    column of the sheet in order; all of them except ``phone_column`` are template variables.
    """

    columns: list[str]
    recipients: list[ImportedRecipient]
    rejected: list[RejectedRow]
    rows_read: int
    duplicates: int
    opted_out: int
    sheet: str
    header_row: int
    region: str
    phone_column: str = ""
    name_column: str | None = None
    blank_rows: int = 0
    invalid: int = 0
    encoding: str | None = None

    @property
    def variables(self) -> list[str]:
        """The columns a message template may use."""
        return [name for name in self.columns if name != self.phone_column]
