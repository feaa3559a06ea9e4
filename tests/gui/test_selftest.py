"""``smsdesk --self-test`` from a real process: passes on a sound installation, names what is wrong."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _self_test(home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SMSDESK_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "smsdesk", "--self-test"], capture_output=True, text=True,
                          env=env, timeout=120)


def test_self_test_passes_and_leaves_the_owners_history_alone(smsdesk_home: Path) -> None:
    out = _self_test(smsdesk_home)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "self-test passed" in out.stdout
    for check in ("database", "keyring", "certificates", "translations", "window and send"):
        assert f"ok   {check}" in out.stdout
    assert not (smsdesk_home / "smsdesk.sqlite3").exists()


def test_self_test_names_a_database_from_a_newer_version(smsdesk_home: Path) -> None:
    conn = sqlite3.connect(smsdesk_home / "smsdesk.sqlite3")
    conn.execute("PRAGMA user_version = 999")
    conn.commit()
    conn.close()
    out = _self_test(smsdesk_home)
    assert out.returncode == 1
    assert "FAIL database" in out.stdout and "newer smsdesk" in out.stdout
