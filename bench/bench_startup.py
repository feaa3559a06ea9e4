"""Start-up: time until the main window is painted, against a bare PySide6 QMainWindow, same run.

Each measurement is a fresh process (a cold interpreter, as when the owner double-clicks), timed
from process start to the end of the window's first paint; the median of several runs is
reported.  Both programs run from compiled bytecode, as an installed app does (pip and the
installer both ship ``.pyc`` files): ``PYTHONDONTWRITEBYTECODE`` is removed from the children's
environment and the package is compiled first.

The machine's speed moves from minute to minute, so besides the medians the benchmark prints
the ratio of the fastest runs, and, where valgrind is installed, the number of instructions each
program executes until its first paint (callgrind): that figure is the same from run to run, so
it shows a change of a few milliseconds that the clock cannot.
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 25

# Both programs stop the clock the same way: at the first Paint event of the top-level window a
# zero timer is queued, which fires once that paint pass (children included) is over.
WATCH = r"""
import os, time

def watch(window):
    # Qt is imported here, when the window exists, so that watching changes no import order.
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and not getattr(self, "seen", False):
                self.seen = True
                QTimer.singleShot(0, self.done)
            return False

        def done(self):
            print(time.time(), flush=True)
            if os.environ.get("BENCH_EXIT_AT_PAINT"):
                os._exit(0)  # instruction counts: nothing after the first paint
            QCoreApplication.quit()

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

# smsdesk starts as the owner starts it: the ``smsdesk`` command without arguments
# (``smsdesk.cli.main.main``, which the installer's launcher calls too). The clock is attached to
# the main window as it is shown, by wrapping ``MainWindow.show`` once its module has loaded, so
# nothing is imported earlier or in another order than in the owner's start.
SMSDESK = r"""
import sys

class AttachClock:
    def find_spec(self, name, path=None, target=None):
        if name != "smsdesk.gui.main_window":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        run_module = spec.loader.exec_module

        def exec_module(module):
            run_module(module)
            shown = module.MainWindow.show

            def show(window):
                watch(window)
                shown(window)

            module.MainWindow.show = show

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, AttachClock())
""" + WATCH + r"""
from smsdesk.cli.main import main

sys.argv = ["smsdesk"]
main()
"""


def _time_once(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return float(out.stdout.strip().splitlines()[-1]) - start


def _instructions(code: str, env: dict[str, str]) -> int:
    """Instructions executed until the first paint, counted by callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code],
        env={**env, "BENCH_EXIT_AT_PAINT": "1"}, capture_output=True, text=True, check=True, timeout=600,
    )
    found = re.search(r"Collected : (\d+)", out.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no count: {out.stderr[-300:]}")
    return int(found.group(1))


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
        counted = shutil.which("valgrind") is not None
        if counted:
            bare_instructions, our_instructions = _instructions(BARE, env), _instructions(SMSDESK, env)
    b, o = statistics.median(bare), statistics.median(ours)
    # Each round starts the two programs one after the other; the spread of the rounds' own
    # ratios shows how much the machine's speed moved during the run.
    rounds = sorted(x / y for x, y in zip(ours, bare, strict=True))
    q1, mid, q3 = statistics.quantiles(rounds, n=4)
    print(f"bare QMainWindow painted:    {b * 1000:7.0f} ms (median of {RUNS})")
    print(f"smsdesk main window painted: {o * 1000:7.0f} ms (median of {RUNS})")
    print(f"ratio smsdesk / bare:        {o / b:7.2f}x   (goal: at most 1.5x)")
    print(f"ratio of each round:         {mid:7.2f}x   median; middle half {q1:.2f}x to {q3:.2f}x")
    print(f"ratio of the fastest runs:   {min(ours) / min(bare):7.2f}x   ({min(bare) * 1000:.0f} ms and {min(ours) * 1000:.0f} ms)")
    if counted:
        print(
            f"instructions to first paint: {our_instructions / bare_instructions:7.3f}x   "
            f"(bare {bare_instructions / 1e6:.0f} M, smsdesk {our_instructions / 1e6:.0f} M; callgrind)"
        )
    else:
        print("instructions to first paint: not counted (valgrind is not installed)")


if __name__ == "__main__":
    main()
