"""Ceilings that keep one bad file from exhausting the computer.

They sit far above any real customer list (a million rows of a dozen columns fits) and are
module attributes so tests can lower them instead of building gigabyte files.
"""

from __future__ import annotations

# Largest file accepted at all, compressed or not.
MAX_FILE_BYTES = 300 * 1024 * 1024
# Largest total a workbook may unpack to, as declared in its zip directory and as read.
MAX_UNCOMPRESSED_BYTES = 1024 * 1024 * 1024
# A member larger than this must not be packed more tightly than MAX_COMPRESSION_RATIO.
RATIO_CHECK_MIN_BYTES = 16 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
# Data rows of one import (Excel's own limit); CSV has no limit of its own.
MAX_ROWS = 1_048_576
# Cells of the rectangle a spreadsheet reader materialises (rows x columns of the used area).
MAX_SHEET_CELLS = 12_000_000
# Bytes read from the start of a file to recognise its kind.
SNIFF_BYTES = 64 * 1024
