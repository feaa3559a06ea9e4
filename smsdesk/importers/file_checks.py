"""Recognise a file by its content and refuse the ones that would hurt before any reader sees them.

Spreadsheet readers trust their input: a zip that unpacks to gigabytes, a stray cell in column
XFD of row 1,048,576, or an OpenDocument cell repeated a billion times makes the reader allocate
until the process dies, and that cannot be caught as an exception.  So every zip member is read
once here through Python's ``zipfile``, which stops at the size the directory declares and
checks the CRC, and the cell area of every sheet is measured on the way.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from xml.etree import ElementTree

from smsdesk.errors import UserFacingError
from smsdesk.i18n import tr
from smsdesk.importers import limits
from smsdesk.importers.ole import OLE_MAGIC, OleFormatError, ole_stream_names


class FileKind(Enum):
    XLSX = "xlsx"
    XLS = "xls"
    ODS = "ods"
    TEXT = "csv"


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """A file that passed the checks, with the cell area of each sheet where it is known."""

    path: Path
    kind: FileKind
    size: int
    # Sheet name -> (rows, columns) of the area a reader will materialise.
    sheet_areas: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Largest area of any sheet, for sheets whose name could not be matched to a part.
    largest_area: tuple[int, int] = (0, 0)


_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_CHUNK = 4 * 1024 * 1024


def display_name(path: Path) -> str:
    return path.name or str(path)


def check_file(path: Path) -> CheckedFile:
    """Open ``path`` far enough to know what it is and that reading it is safe."""
    name = display_name(path)
    try:
        if path.is_dir():
            raise UserFacingError(tr("{name} is a folder, not a file.", name=name))
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(limits.SNIFF_BYTES)
            if size == 0:
                raise UserFacingError(tr("The file {name} is empty.", name=name))
            if size > limits.MAX_FILE_BYTES:
                raise UserFacingError(
                    tr(
                        "{name} is {size} MB, more than the {limit} MB smsdesk can import. "
                        "Split the list into smaller files.",
                        name=name,
                        size=_megabytes(size),
                        limit=_megabytes(limits.MAX_FILE_BYTES),
                    )
                )
            if head.startswith(OLE_MAGIC):
                try:
                    streams = {entry.lower() for entry in ole_stream_names(handle, size)}
                except OleFormatError as err:
                    raise damaged_error(path) from err
                return CheckedFile(path, _ole_kind(path, streams), size)
    except FileNotFoundError as err:
        raise UserFacingError(
            tr(
                "The file {name} was not found. It may have been moved, renamed or deleted.",
                name=name,
            )
        ) from err
    except PermissionError as err:
        raise UserFacingError(
            tr(
                "smsdesk is not allowed to open {name}. Close it in other programs or copy it "
                "to another folder, then try again.",
                name=name,
            )
        ) from err
    except OSError as err:
        raise UserFacingError(
            tr("smsdesk could not read {name}. Copy it to this computer and try again.", name=name)
        ) from err

    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _check_zip(path, size)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        raise UserFacingError(
            tr(
                "{name} is an XML file (such as an Excel 2003 XML spreadsheet). Open it in Excel "
                "or WPS and save it as an .xlsx workbook.",
                name=name,
            )
        )
    if _looks_like_html(head):
        raise UserFacingError(
            tr(
                "{name} is a web page saved with a spreadsheet name. Open it in Excel or WPS and "
                "save it as an .xlsx workbook.",
                name=name,
            )
        )
    if _looks_like_text(head):
        return CheckedFile(path, FileKind.TEXT, size)
    # Neither a zip, an OLE file nor text: a picture, a program, or a workbook damaged from
    # its very first byte; either way not something to open.
    raise not_a_spreadsheet_error(path)


def damaged_error(path: Path) -> UserFacingError:
    return UserFacingError(
        tr(
            "{name} is damaged or incomplete, perhaps not fully downloaded or copied. Open it in "
            "Excel or WPS, save it again and retry.",
            name=display_name(path),
        )
    )


def password_error(path: Path) -> UserFacingError:
    return UserFacingError(
        tr(
            "{name} is protected by a password. Open it in Excel or WPS, remove the password, "
            "save it and import it again.",
            name=display_name(path),
        )
    )


def not_a_spreadsheet_error(path: Path) -> UserFacingError:
    return UserFacingError(
        tr(
            "{name} is not a spreadsheet smsdesk can read. Use an Excel (.xlsx or .xls), WPS, "
            "LibreOffice (.ods) or CSV file.",
            name=display_name(path),
        )
    )


def too_big_error(path: Path) -> UserFacingError:
    return UserFacingError(
        tr(
            "{name} unpacks to far more data than a customer list holds; it is damaged or made "
            "to crash programs, so smsdesk will not open it.",
            name=display_name(path),
        )
    )


def check_area(checked: CheckedFile, sheet: str) -> None:
    """Refuse a sheet whose used area would not fit in memory."""
    rows, columns = checked.sheet_areas.get(sheet, checked.largest_area)
    if rows * columns > limits.MAX_SHEET_CELLS:
        raise UserFacingError(
            tr(
                'The sheet "{sheet}" spans {rows} rows by {columns} columns, too large to import. '
                "Delete stray cells far away from the list, or split it into smaller files.",
                sheet=sheet,
                rows=rows,
                columns=columns,
            )
        )


def _megabytes(size: int) -> int:
    return max(1, round(size / (1024 * 1024)))


def _ole_kind(path: Path, streams: set[str]) -> FileKind:
    if "encryptedpackage" in streams or "encryptioninfo" in streams:
        raise password_error(path)
    if "workbook" in streams or "book" in streams:
        return FileKind.XLS
    raise not_a_spreadsheet_error(path)


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:512].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<table")) or (
        start.startswith(b"<") and b"<table" in head.lower()
    )


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 13, 12))
    return controls <= len(head) // 100


# ---- zip-based workbooks -------------------------------------------------------------------

_WIDE_CELL_START = re.compile(rb' r="[A-Z][A-Z]')
_WIDE_CELL_REF = re.compile(rb' r="([A-Z]{2,3})(\d+)"')
_FAR_ROW_START = re.compile(rb' r="[A-Z]{1,3}\d{7}')
_FAR_ROW_REF = re.compile(rb' r="([A-Z]{1,3})(\d{7,})"')
_ODS_TOKEN = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>"
)
_ODS_ROWS_REPEATED = re.compile(rb'number-rows-repeated="(\d+)"')
_ODS_COLUMNS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')
_ODS_TABLE_NAME = re.compile(rb'table:name="([^"]*)"')


def _check_zip(path: Path, size: int) -> CheckedFile:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
                kind = FileKind.XLSX
            elif "content.xml" in names and _zip_mimetype(archive, names) == _ODS_MIMETYPE:
                kind = FileKind.ODS
            elif "EncryptedPackage" in names:
                raise password_error(path)
            else:
                raise not_a_spreadsheet_error(path)
            _check_directory(path, infos)
            return _measure_members(path, archive, infos, kind, size)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as err:
        raise damaged_error(path) from err
    except RuntimeError as err:
        # zipfile raises RuntimeError for a member encrypted with a zip password.
        raise password_error(path) from err
    except OSError as err:
        raise damaged_error(path) from err


def _zip_mimetype(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    if "mimetype" not in names or archive.getinfo("mimetype").file_size > 256:
        return b""
    return archive.read("mimetype").strip()


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > limits.MAX_ZIP_MEMBERS:
        raise too_big_error(path)
    if sum(info.file_size for info in infos) > limits.MAX_UNCOMPRESSED_BYTES:
        raise too_big_error(path)
    for info in infos:
        if info.file_size >= limits.RATIO_CHECK_MIN_BYTES and (
            info.file_size > limits.MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        ):
            raise too_big_error(path)


def _measure_members(
    path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], kind: FileKind, size: int
) -> CheckedFile:
    areas_by_part: dict[str, tuple[int, int]] = {}
    ods = _OdsArea()
    for info in infos:
        if info.is_dir():
            continue
        if kind is FileKind.XLSX and info.filename.startswith("xl/worksheets/"):
            sheet = _XlsxArea()
            _stream(archive, info, sheet.feed)
            areas_by_part[info.filename] = sheet.area()
        elif kind is FileKind.ODS and info.filename == "content.xml":
            _stream(archive, info, ods.feed)
        else:
            _stream(archive, info, None)

    if kind is FileKind.ODS:
        # An OpenDocument reader loads every sheet as soon as it opens the file.
        ods_areas = ods.areas()
        if sum(rows * columns for rows, columns in ods_areas.values()) > limits.MAX_SHEET_CELLS:
            raise too_big_error(path)
        return CheckedFile(path, kind, size, ods_areas, _largest(ods_areas.values()))

    sheet_parts = _xlsx_sheet_parts(archive)
    areas = {
        sheet: areas_by_part[part] for sheet, part in sheet_parts.items() if part in areas_by_part
    }
    return CheckedFile(path, kind, size, areas, _largest(areas_by_part.values()))


def _largest(areas: Iterable[tuple[int, int]]) -> tuple[int, int]:
    return max(areas, key=lambda area: area[0] * area[1], default=(0, 0))


def _stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, feed: Callable[[bytes], None] | None
) -> None:
    """Read one member to the end; ``zipfile`` stops at the declared size and checks the CRC.

    ``feed`` receives the data cut after the last complete tag of each chunk.
    """
    carry = b""
    with archive.open(info) as member:
        while True:
            chunk = member.read(_CHUNK)
            if not chunk:
                break
            if feed is None:
                continue
            data = carry + chunk if carry else chunk
            cut = data.rfind(b">") + 1
            if cut == 0 and len(data) > _CHUNK * 2:
                raise zipfile.BadZipFile("no tag ends in this part of the member")
            feed(data[:cut])
            carry = data[cut:]


class _XlsxArea:
    """The used area of one worksheet part: the last row and the rightmost column with a cell.

    Rows come in order (the format requires it), so the last ``<row r=...>`` of each chunk
    gives the height.  Cell references are searched only for what would widen the area: a
    column right of the widest so far, or a row number of seven digits or more.  Each is one
    plain search per chunk; a normal sheet matches none.
    """

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0
        self._row_tags = 0
        self._cells = 0

    def feed(self, data: bytes) -> None:
        last = data.rfind(b'<row r="')
        if last >= 0:
            end = data.find(b'"', last + 8)
            number = data[last + 8 : end]
            if number.isdigit():
                self.rows = max(self.rows, int(number))
        elif not self.rows:
            # A writer that leaves out references: count rows and cells instead.
            self._row_tags += data.count(b"<row")
            self._cells += data.count(b"<c ") + data.count(b"<c>") + data.count(b"<c/>")
        if _widening(self.columns).search(data) is None:
            return  # the common case: one scan finds nothing that widens the area
        while self.columns < 26:
            match = _right_of(self.columns).search(data)
            if match is None:
                break
            self.columns = match.group(1)[0] - 64
        if _WIDE_CELL_START.search(data):
            for letters, number in _WIDE_CELL_REF.findall(data):
                self.columns = max(self.columns, _column_number(letters))
                self.rows = max(self.rows, int(number))
        if _FAR_ROW_START.search(data):
            for letters, number in _FAR_ROW_REF.findall(data):
                self.columns = max(self.columns, _column_number(letters))
                self.rows = max(self.rows, int(number))

    def area(self) -> tuple[int, int]:
        if not self.rows and self._row_tags:
            return self._row_tags, -(-self._cells // self._row_tags)
        return self.rows, self.columns


_RIGHT_OF: dict[int, re.Pattern[bytes]] = {}


def _right_of(columns: int) -> re.Pattern[bytes]:
    """A pattern for a one-letter cell reference right of column number ``columns``."""
    pattern = _RIGHT_OF.get(columns)
    if pattern is None:
        first = chr(65 + columns)
        pattern = re.compile(rb' r="([' + first.encode() + rb"-Z])\d")
        _RIGHT_OF[columns] = pattern
    return pattern


_WIDENING: dict[int, re.Pattern[bytes]] = {}


def _widening(columns: int) -> re.Pattern[bytes]:
    """Any reference that could widen an area ``columns`` wide: a one-letter column to its
    right, a column of two or three letters, or a row number of seven digits or more."""
    pattern = _WIDENING.get(columns)
    if pattern is None:
        right = rb"|[" + chr(65 + columns).encode() + rb"-Z]\d" if columns < 26 else b""
        pattern = re.compile(rb' r="(?:[A-Z][A-Z]|[A-Z]\d{7}' + right + rb")")
        _WIDENING[columns] = pattern
    return pattern


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


class _OdsArea:
    """The area an OpenDocument reader materialises for each table, repeats expanded.

    Repeated empty rows and cells at the end of a table (LibreOffice writes a million of them)
    are not materialised; repeated cells with content are.
    """

    def __init__(self) -> None:
        self._areas: dict[str, tuple[int, int]] = {}
        self._table = ""
        self._row_position = 0
        self._last_used_row = 0
        self._width = 0
        self._row_repeat = 1
        self._column = 0
        self._row_used_to = 0

    def feed(self, data: bytes) -> None:
        for closing, tag, attributes in _ODS_TOKEN.findall(data):
            if tag == b"table":
                if closing:
                    self._finish_table()
                else:
                    match = _ODS_TABLE_NAME.search(attributes)
                    self._table = match.group(1).decode("utf-8", "replace") if match else ""
                    self._row_position = self._last_used_row = self._width = 0
            elif tag == b"table-row":
                if closing:
                    self._finish_row()
                else:
                    repeat = _ODS_ROWS_REPEATED.search(attributes)
                    self._row_repeat = int(repeat.group(1)) if repeat else 1
                    self._column = self._row_used_to = 0
                    if attributes.endswith(b"/"):
                        self._finish_row()
            elif not closing:
                repeat = _ODS_COLUMNS_REPEATED.search(attributes)
                self._column += int(repeat.group(1)) if repeat else 1
                if not attributes.endswith(b"/"):
                    self._row_used_to = self._column

    def _finish_row(self) -> None:
        self._row_position += self._row_repeat
        if self._row_used_to:
            self._last_used_row = self._row_position
            self._width = max(self._width, self._row_used_to)
        self._row_repeat = 1

    def _finish_table(self) -> None:
        self._areas[self._table] = (self._last_used_row, self._width)

    def areas(self) -> dict[str, tuple[int, int]]:
        return dict(self._areas)


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its worksheet, from the workbook and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets: dict[str, str] = {}
    for relation in relations.iter(f"{_PKG_REL_NS}Relationship"):
        target = relation.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[relation.get("Id", "")] = _normalise_part(part)
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        relation_id = sheet.get(f"{_REL_NS}id", "")
        if relation_id in targets:
            parts[sheet.get("name", "")] = targets[relation_id]
    return parts


def _normalise_part(part: str) -> str:
    pieces: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if pieces:
                pieces.pop()
        elif piece and piece != ".":
            pieces.append(piece)
    return "/".join(pieces)
