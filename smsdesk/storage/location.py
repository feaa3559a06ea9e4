"""Is the history database somewhere SQLite cannot keep it safe?

SQLite relies on file locks and on writes reaching the disk in order. Network file systems
often break the first; sync clients (OneDrive, Dropbox, 坚果云 …) copy the file while it is
being written, and may upload half a transaction or make "conflicted copies". Either can
damage the history, so the owner is told before it happens.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path, PurePath

from smsdesk.i18n import tr

SYNC_FOLDERS: tuple[tuple[str, str], ...] = (
    ("onedrive", "OneDrive"),
    ("dropbox", "Dropbox"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("icloud drive", "iCloud Drive"),
    ("iclouddrive", "iCloud Drive"),
    ("mobile documents", "iCloud Drive"),
    ("box sync", "Box"),
    ("pcloud drive", "pCloud"),
    ("mega", "MEGA"),
    ("nextcloud", "Nextcloud"),
    ("owncloud", "ownCloud"),
    ("seafile", "Seafile"),
    ("synologydrive", "Synology Drive"),
    ("nutstore", "坚果云"),
    ("坚果云", "坚果云"),
    ("我的坚果云", "坚果云"),
    ("baidunetdisk", "百度网盘"),
    ("百度网盘", "百度网盘"),
    ("百度云同步盘", "百度网盘"),
    ("wpsdrive", "WPS 云盘"),
    ("wps云盘", "WPS 云盘"),
    ("weiyun", "腾讯微云"),
    ("微云同步助手", "腾讯微云"),
    ("阿里云盘", "阿里云盘"),
    ("adrive", "阿里云盘"),
)
"""Folder names (lower case, or their start) sync clients use, and the service's name."""

NETWORK_FILE_SYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smbfs", "smb3", "smb2", "afpfs", "webdav", "davfs", "fuse.davfs2",
    "sshfs", "fuse.sshfs", "9p", "afs", "ceph", "glusterfs", "fuse.glusterfs", "lustre",
    "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse", "fuse.onedriver",
})

MountTable = Callable[[], Sequence[tuple[str, str]]]


def sync_service(path: PurePath) -> str | None:
    """The sync service whose folder holds ``path``, if any."""
    for part in path.parts:
        lowered = part.lower()
        for prefix, service in SYNC_FOLDERS:
            if lowered == prefix or (len(prefix) > 4 and lowered.startswith(prefix)):
                return service
    return None


def system_mounts() -> list[tuple[str, str]]:
    """(mount point, file system type) of every mounted file system this platform lists."""
    if sys.platform.startswith("linux"):
        mounts = []
        try:
            with open("/proc/self/mounts", encoding="utf-8", errors="replace") as table:
                for line in table:
                    fields = line.split()
                    if len(fields) >= 3:
                        mounts.append((fields[1].replace("\\040", " "), fields[2]))
        except OSError:
            return []
        return mounts
    if sys.platform == "darwin":
        import subprocess

        try:
            out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return []
        mounts = []
        for line in out.splitlines():
            # "//user@server/share on /Volumes/share (smbfs, nodev, nosuid, mounted by user)"
            head, sep, rest = line.partition(" on ")
            point, sep2, options = rest.rpartition(" (")
            if sep and sep2 and head:
                mounts.append((point, options.split(",")[0].strip(")")))
        return mounts
    return []


def _windows_remote(path: Path) -> bool:
    text = str(path)
    if text.startswith("\\\\") and not text.startswith("\\\\?\\"):
        return True
    drive = path.drive
    if not drive or sys.platform != "win32":
        return False
    import ctypes

    drive_remote = 4
    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009 (windll exists only on Windows)
    return int(kernel32.GetDriveTypeW(drive + "\\")) == drive_remote


def file_system_type(path: Path, mounts: Sequence[tuple[str, str]]) -> str | None:
    """The type of the file system holding ``path``: the longest mount point above it."""
    best: tuple[int, str] | None = None
    text = str(path)
    for point, kind in mounts:
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > best[0]):
            best = (len(point), kind)
    return None if best is None else best[1]


def on_network_drive(path: Path, mounts: MountTable = system_mounts) -> bool:
    if _windows_remote(path):
        return True
    kind = file_system_type(path, mounts())
    return kind is not None and kind.lower() in NETWORK_FILE_SYSTEMS


def storage_warning(path: Path, mounts: MountTable = system_mounts) -> str | None:
    """One sentence telling the owner why ``path`` is a risky place for the history, or None."""
    try:
        resolved = Path(os.path.realpath(path))
    except OSError:
        resolved = path
    service = sync_service(resolved)
    if service is not None:
        return tr(
            "The history is kept in a {service} folder ({folder}). Sync services copy the file while "
            "smsdesk writes it, which can damage it. Keep smsdesk's data in a folder that is not synced.",
            service=service,
            folder=resolved.parent,
        )
    if on_network_drive(resolved, mounts):
        return tr(
            "The history is kept on a network drive ({folder}). The database can be damaged there. "
            "Keep smsdesk's data on this computer's own disk.",
            folder=resolved.parent,
        )
    return None
