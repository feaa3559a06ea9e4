"""Read customer lists from Excel, WPS, LibreOffice and CSV files.

Qt-free: progress is a plain callable and cancel a :class:`threading.Event`, so the same code
runs from the GUI worker, the CLI and the tests.
"""

from smsdesk.importers.export import export_rejected
from smsdesk.importers.models import (
    FilePreview,
    ImportCancelled,
    ImportedRecipient,
    ImportResult,
    RejectedRow,
)
from smsdesk.importers.preview import preview_file
from smsdesk.importers.readers import sheet_names
from smsdesk.importers.recipients import import_file
from smsdesk.importers.text_files import ENCODING_CHOICES

__all__ = [
    "ENCODING_CHOICES",
    "FilePreview",
    "ImportCancelled",
    "ImportResult",
    "ImportedRecipient",
    "RejectedRow",
    "export_rejected",
    "import_file",
    "preview_file",
    "sheet_names",
]
