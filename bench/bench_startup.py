"""Start-up: time until the main window is painted, against a bare PySide6 QMainWindow, same run.

Each measurement is a fresh process (a cold interpreter, as when the owner double-clicks), timed
from process start to the end of the window's first paint; the median of several runs is
reported.  Both programs run from compiled bytecode, as an installed app does (pip and the
installer both ship ``.pyc`` files): ``PYTHONDONTWRITEBYTECODE`` is removed from the children's
environment and the package is compiled first.
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 15

# Both programs stop the clock the same way: at the first Paint event of the top-level window a
# zero timer is queued, which fires once that paint pass (children included) is over.
WATCH = r"""
import time
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
            self.seen = True
            QTimer.singleShot(0, self.done)
        return False

    def done(self):
        print(time.time(), flush=True)
        QCoreApplication.quit()

def watch(window):
    window.first_paint = FirstPaint(window)
    window.installEventFilter(window.first_paint)
"""

BARE = r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
""" + WATCH + r"""
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1180, 720)
watch(w)
w.show()
app.exec()
"""

# smsdesk starts as the owner starts it, through ``smsdesk.gui.app.main`` (logging, translations,
# the database, the window); the clock is attached to the main window as it is shown.
SMSDESK = r"""
import sys
from smsdesk.gui import main_window
from smsdesk.gui.app import main
""" + WATCH + r"""
sys.argv = ["smsdesk"]
shown = main_window.MainWindow.show

def show(window):
    watch(window)
    shown(window)

main_window.MainWindow.show = show
main()
"""


def _time_once(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return float(out.stdout.strip().splitlines()[-1]) - start


def main() -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "smsdesk", quiet=1)
    with tempfile.TemporaryDirectory() as home:
        env["SMSDESK_HOME"] = home
        _time_once(SMSDESK, env)  # first run: creates the database and imports the sample list
        bare, ours = [], []
        for _ in range(RUNS):
            bare.append(_time_once(BARE, env))
            ours.append(_time_once(SMSDESK, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare QMainWindow painted:    {b * 1000:7.0f} ms (median of {RUNS})")
    print(f"smsdesk main window painted: {o * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio smsdesk / bare:        {o / b:7.2f}x   (goal: at most 1.5x)")


if __name__ == "__main__":
    main()
