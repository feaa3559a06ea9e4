"""The history's folder: sync services and network drives are named, a local disk is fine."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from smsdesk import i18n
from smsdesk.storage.location import file_system_type, storage_warning, sync_service

LOCAL = [("/", "ext4"), ("/home", "ext4")]


@pytest.mark.parametrize(
    ("path", "service"),
    [
        (PureWindowsPath(r"C:\Users\li\OneDrive - Contoso\smsdesk\smsdesk.sqlite3"), "OneDrive"),
        (PureWindowsPath(r"C:\Users\li\OneDrive\smsdesk.sqlite3"), "OneDrive"),
        (PurePosixPath("/Users/li/Library/Mobile Documents/com~apple~CloudDocs/smsdesk.sqlite3"), "iCloud Drive"),
        (PurePosixPath("/home/li/Dropbox/smsdesk/smsdesk.sqlite3"), "Dropbox"),
        (PureWindowsPath(r"D:\我的坚果云\smsdesk.sqlite3"), "坚果云"),
        (PureWindowsPath(r"D:\坚果云\smsdesk.sqlite3"), "坚果云"),
        (PureWindowsPath(r"D:\BaiduNetdiskWorkspace\smsdesk.sqlite3"), "百度网盘"),
        (PurePosixPath("/home/li/.local/share/smsdesk/smsdesk.sqlite3"), None),
        (PurePosixPath("/home/megan/smsdesk.sqlite3"), None),
    ],
)
def test_sync_folders_are_recognised(path: PurePosixPath | PureWindowsPath, service: str | None) -> None:
    assert sync_service(path) == service


def test_the_longest_mount_point_decides_the_file_system() -> None:
    mounts = [*LOCAL, ("/mnt/shop", "cifs"), ("/mnt/shop/local", "ext4")]
    assert file_system_type(Path("/mnt/shop/data/smsdesk.sqlite3"), mounts) == "cifs"
    assert file_system_type(Path("/mnt/shop/local/smsdesk.sqlite3"), mounts) == "ext4"
    assert file_system_type(Path("/mnt/shopping/smsdesk.sqlite3"), mounts) == "ext4"


def test_warnings_name_the_place_and_what_to_do(tmp_path: Path) -> None:
    local = tmp_path / "smsdesk.sqlite3"
    assert storage_warning(local, lambda: LOCAL) is None
    on_share = storage_warning(local, lambda: [*LOCAL, (str(tmp_path), "nfs4")])
    assert on_share is not None and "network drive" in on_share and str(tmp_path) in on_share
    synced = tmp_path / "Dropbox" / "smsdesk.sqlite3"
    warning = storage_warning(synced, lambda: LOCAL)
    assert warning is not None and "Dropbox" in warning and "not synced" in warning
    i18n.set_language("zh_CN")
    try:
        assert "同步" in (storage_warning(synced, lambda: LOCAL) or "")
    finally:
        i18n.set_language("en")
