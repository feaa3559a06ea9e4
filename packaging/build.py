"""Build the one-folder app for this platform, pack it, and measure it.

    python packaging/build.py [--self-test]

Linux: build/smsdesk-<version>-linux-<arch>.tar.gz with a .desktop file and the icon.
Windows: build/dist/smsdesk, then ``iscc packaging/windows/smsdesk.iss`` makes the installer.
macOS: build/dist/smsdesk.app.
Prints the size of the app folder and its start-up time (process start to main window shown).
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
DIST = BUILD / "dist"


def version() -> str:
    namespace: dict[str, str] = {}
    exec((ROOT / "smsdesk" / "__init__.py").read_text(encoding="utf-8"), namespace)
    return namespace["__version__"]


def render_icon() -> Path:
    """resources/icons/smsdesk.svg as a 256 px PNG (for the .desktop entry and the installers)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])
    target = BUILD / "icons" / "smsdesk.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    image = QImage(256, 256, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ROOT / "resources" / "icons" / "smsdesk.svg")).render(painter)
    painter.end()
    image.save(str(target))
    if sys.platform == "win32":
        image.save(str(target.with_suffix(".ico")))  # the installer's icon
    del _app
    return target


def run_pyinstaller() -> Path:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(DIST), "--workpath", str(BUILD / "work"), str(ROOT / "packaging" / "smsdesk.spec")],
        cwd=ROOT, check=True,
    )
    app = DIST / ("smsdesk.app" if sys.platform == "darwin" else "smsdesk")
    if not app.exists():
        raise SystemExit(f"PyInstaller did not produce {app}")
    return app


def executable(app: Path) -> Path:
    if sys.platform == "darwin":
        return app / "Contents" / "MacOS" / "smsdesk"
    return app / ("smsdesk-cli.exe" if sys.platform == "win32" else "smsdesk")


DESKTOP_ENTRY = """[Desktop Entry]
Type=Application
Name=smsdesk
Name[zh_CN]=smsdesk 短信群发
Comment=Send SMS to your customers through your own cloud SMS account
Comment[zh_CN]=通过您自己的云短信账户给客户发短信
Exec=smsdesk
Icon=smsdesk
Terminal=false
Categories=Office;Network;
"""


def pack_linux(app: Path, icon: Path) -> Path:
    (app / "smsdesk.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    shutil.copy(icon, app / "smsdesk.png")
    archive = BUILD / f"smsdesk-{version()}-linux-{platform.machine()}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(app, arcname=f"smsdesk-{version()}")
    return archive


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def startup_seconds(exe: Path, runs: int = 3) -> tuple[float, float]:
    """First start (creates the database, imports the sample list), then the median of later ones."""
    env = {**os.environ, "SMSDESK_EXIT_WHEN_SHOWN": "1"}
    if sys.platform.startswith("linux") and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as home:
        env["SMSDESK_HOME"] = home
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            subprocess.run([str(exe)], env=env, check=True, timeout=120, capture_output=True)
            times.append(time.perf_counter() - start)
    return times[0], statistics.median(times[1:])


def self_test(exe: Path) -> int:
    env = dict(os.environ)
    if sys.platform.startswith("linux") and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory() as home:
        env["SMSDESK_HOME"] = home
        return subprocess.run([str(exe), "--self-test"], env=env, timeout=300).returncode


def main(argv: list[str]) -> int:
    icon = render_icon()
    app = run_pyinstaller()
    exe = executable(app)
    size = folder_size(app)
    print(f"app folder:          {app} ({size / 1e6:.0f} MB)")
    if sys.platform.startswith("linux"):
        archive = pack_linux(app, icon)
        print(f"archive:             {archive} ({archive.stat().st_size / 1e6:.0f} MB)")
    first, later = startup_seconds(exe)
    print(f"start to window:     first start {first * 1000:.0f} ms, then {later * 1000:.0f} ms (median)")
    if "--self-test" in argv:
        code = self_test(exe)
        print(f"frozen self-test:    {'passed' if code == 0 else 'FAILED'}")
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
