"""CSV and other delimited text: the encoding, the delimiter, then rows streamed from disk.

Chinese Excel and WPS save CSV in GBK unless told otherwise, newer ones in UTF-8 with a BOM,
and Excel's "Unicode text" is UTF-16 with tabs.  A strict UTF-8 pass over the whole file comes
first (GBK text is almost never valid UTF-8), GB18030 (a superset of GBK) second.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.importers.cells import Cell
from smsdesk.importers.file_checks import display_name

# Encodings the owner may choose from when detection guesses wrong.
ENCODING_CHOICES = ("utf-8", "gb18030", "utf-16", "big5")

_DELIMITERS = (",", "\t", ";", "|")
_CHUNK = 1024 * 1024
_SAMPLE_CHARS = 64 * 1024
# Largest single field; a "CSV" with a longer one is not a customer list.
_FIELD_LIMIT = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TextLayout:
    encoding: str
    delimiter: str
    skip_first_line: bool
    line_count: int


def detect_layout(path: Path, encoding: str | None) -> TextLayout:
    """The encoding (detected unless given) and delimiter of a delimited text file."""
    if encoding:
        requested = encoding
        encoding = _checked_codec(encoding)
        line_count = _decode_all(path, encoding)
        if line_count is None:
            raise UserFacingError(
                tr(
                    "{name} is not valid {encoding} text. Choose another encoding.",
                    name=display_name(path),
                    encoding=requested.upper(),
                )
            )
    else:
        encoding, line_count = _detect_encoding(path)
    delimiter, skip_first_line = _sniff_delimiter(_sample(path, encoding))
    return TextLayout(encoding, delimiter, skip_first_line, line_count)


def iter_text_rows(path: Path, layout: TextLayout) -> Generator[list[Cell], None, None]:
    """Every record of the file as a list of strings; row i is record i + 1 of the file."""
    csv.field_size_limit(_FIELD_LIMIT)
    with path.open("r", encoding=layout.encoding, newline="") as handle:
        if layout.skip_first_line:
            handle.readline()
            yield []
        reader = csv.reader(handle, delimiter=layout.delimiter)
        try:
            yield from cast(Iterator[list[Cell]], reader)
        except (csv.Error, UnicodeDecodeError) as err:
            raise UserFacingError(
                tr(
                    "{name} has a broken line near line {line}. Open it in Excel or WPS, save it "
                    "again and retry.",
                    name=display_name(path),
                    line=reader.line_num,
                )
            ) from err


def _checked_codec(encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError as err:
        raise UserFacingError(tr('Unknown text encoding "{encoding}".', encoding=encoding)) from err
    # A BOM is read as a BOM, and GBK as its superset GB18030 so that rare characters decode.
    return {"utf-8": "utf-8-sig", "gbk": "gb18030", "gb2312": "gb18030"}.get(name, name)


def _detect_encoding(path: Path) -> tuple[str, int]:
    with path.open("rb") as handle:
        head = handle.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "gb18030")
    for candidate in candidates:
        line_count = _decode_all(path, candidate)
        if line_count is not None:
            if candidate == "utf-8-sig" and not head.startswith(codecs.BOM_UTF8):
                candidate = "utf-8"
            return candidate, line_count
    raise UserFacingError(
        tr(
            "smsdesk could not tell the text encoding of {name}. Choose the encoding (for "
            "example GB18030 or UTF-8) and try again.",
            name=display_name(path),
        )
    )


def _decode_all(path: Path, encoding: str) -> int | None:
    """Line count if the whole file decodes strictly as ``encoding``, else None."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    lines = 0
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                text = decoder.decode(chunk)
                if "\x00" in text:
                    return None
                lines += text.count("\n")
            tail = decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return lines + tail.count("\n") + 1


def _sample(path: Path, encoding: str) -> str:
    with path.open("r", encoding=encoding, newline="") as handle:
        text = handle.read(_SAMPLE_CHARS)
    cut = max(text.rfind("\n"), 0) if len(text) == _SAMPLE_CHARS else len(text)
    return text[:cut] if cut else text


def _sniff_delimiter(sample: str) -> tuple[str, bool]:
    """The delimiter that splits the sample into the most consistent rows of 2+ fields."""
    first_line = sample.split("\n", 1)[0].strip()
    if first_line.lower().startswith("sep=") and len(first_line) == 5:
        return first_line[4], True
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    best = (",", (0, 0))
    for delimiter in _DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        except csv.Error:
            continue
        widths = [count for count in counts if count > 1]
        if not widths:
            continue
        common = max(set(widths), key=widths.count)
        score = (widths.count(common), common)
        if score > best[1]:
            best = (delimiter, score)
    return best[0], False
