"""Just enough of the Compound File Binary format to list the streams in an OLE file.

A legacy ``.xls`` and a password-protected ``.xlsx`` are both OLE files; only the stream names
tell them apart (``Workbook`` versus ``EncryptedPackage``), and a Word ``.doc`` renamed to
``.xls`` is OLE too.  Reading the directory is cheap and lets each get its own message.
"""

from __future__ import annotations

import struct
from typing import BinaryIO

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_END_OF_CHAIN = 0xFFFFFFFE
_FREE_SECTOR = 0xFFFFFFFF
_MAX_REGULAR_SECTOR = 0xFFFFFFFA


class OleFormatError(Exception):
    """The OLE header or directory is inconsistent (a damaged or truncated file)."""


def ole_stream_names(handle: BinaryIO, file_size: int) -> list[str]:
    """Names of every storage and stream in the compound file open in ``handle``."""
    handle.seek(0)
    header = handle.read(512)
    if len(header) < 512 or header[:8] != OLE_MAGIC:
        raise OleFormatError("not a compound file")
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        raise OleFormatError("bad sector size")
    sector_size = 1 << sector_shift
    fat_sector_count, first_dir_sector = struct.unpack_from("<II", header, 0x2C)
    first_difat_sector, difat_sector_count = struct.unpack_from("<II", header, 0x44)
    max_sectors = max(file_size // sector_size, 1)
    if fat_sector_count > max_sectors:
        raise OleFormatError("FAT larger than the file")

    def read_sector(number: int) -> bytes:
        if number > _MAX_REGULAR_SECTOR or number >= max_sectors:
            raise OleFormatError("sector out of range")
        handle.seek((number + 1) * sector_size)
        data = handle.read(sector_size)
        if len(data) != sector_size:
            raise OleFormatError("truncated sector")
        return data

    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s <= _MAX_REGULAR_SECTOR]
    difat_sector = first_difat_sector
    per_difat = sector_size // 4 - 1
    for _ in range(min(difat_sector_count, max_sectors)):
        if difat_sector > _MAX_REGULAR_SECTOR:
            break
        values = struct.unpack(f"<{per_difat + 1}I", read_sector(difat_sector))
        fat_sectors.extend(s for s in values[:per_difat] if s <= _MAX_REGULAR_SECTOR)
        difat_sector = values[per_difat]
    fat_sectors = fat_sectors[:fat_sector_count]
    fat: list[int] = []
    for number in fat_sectors:
        fat.extend(struct.unpack(f"<{sector_size // 4}I", read_sector(number)))

    names: list[str] = []
    sector = first_dir_sector
    visited = 0
    while sector not in (_END_OF_CHAIN, _FREE_SECTOR):
        visited += 1
        if visited > max_sectors or sector >= len(fat):
            raise OleFormatError("directory chain broken")
        data = read_sector(sector)
        for offset in range(0, sector_size, 128):
            name_length = struct.unpack_from("<H", data, offset + 64)[0]
            entry_type = data[offset + 66]
            if entry_type == 0 or not 2 <= name_length <= 64:
                continue
            raw = data[offset : offset + name_length - 2]
            names.append(raw.decode("utf-16-le", errors="replace"))
        sector = fat[sector]
    return names
