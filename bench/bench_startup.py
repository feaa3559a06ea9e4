"""Start-up: time until the main window is shown, against a bare PySide6 QMainWindow, same run.

Each measurement is a fresh process (a cold interpreter, as when the owner double-clicks), timed
from process start to the first paint of the window; the median of several runs is reported.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7

BARE = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow()
w.resize(1180, 720)
w.show()
def done():
    print(time.time())
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""

SMSDESK = r"""
import sys, time
from PySide6.QtCore import QTimer
from smsdesk.gui.app import create_application
from smsdesk.storage import Store
from smsdesk.engine.first_run import ensure_first_run
app = create_application()
store = Store.open()
ensure_first_run(store)
from smsdesk.gui.main_window import MainWindow
w = MainWindow(store)
w.show()
def done():
    print(time.time())
    app.quit()
QTimer.singleShot(0, done)
app.exec()
"""


def _time_once(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1]) - start


def main() -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as home:
        env["SMSDESK_HOME"] = home
        _time_once(SMSDESK, env)  # first run: creates the database and imports the sample list
        bare, ours = [], []
        for _ in range(RUNS):
            bare.append(_time_once(BARE, env))
            ours.append(_time_once(SMSDESK, env))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare QMainWindow shown:    {b * 1000:7.0f} ms (median of {RUNS})")
    print(f"smsdesk main window shown: {o * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio smsdesk / bare:      {o / b:7.2f}x   (goal: at most 1.5x)")


if __name__ == "__main__":
    main()
