"""Importing the 100,000-row workbook through the window: time to a saved list, and how long the
GUI thread was ever kept from running its event loop meanwhile.

A 5 ms timer on the GUI thread records the gap between its ticks; the longest gap minus the
interval is the longest stall a user could have felt. The same file is also imported and stored
without the window (the engine alone) in the same run, as the baseline.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from bench.bench_import import WORKBOOK, make_workbook

TICK_MS = 5


def _engine_import(path: Path) -> float:
    from smsdesk.engine.lists import import_list
    from smsdesk.storage import Store

    with Store.open() as store:
        start = time.perf_counter()
        import_list(store, path, "engine baseline", replace=True)
        return time.perf_counter() - start


def _window_import(path: Path) -> tuple[float, float, int]:
    from PySide6.QtCore import QElapsedTimer, QTimer

    from smsdesk.gui.app import create_application
    from smsdesk.gui.import_dialog import ImportChoice
    from smsdesk.gui.recipients_pane import RecipientsPane
    from smsdesk.storage import Store

    app = create_application()
    store = Store.open()
    pane = RecipientsPane(store)
    pane.show()
    stalls: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def tick() -> None:
        now = clock.elapsed()
        stalls.append(now - last[0] - TICK_MS)
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(TICK_MS)
    for _ in range(20):  # let the first paint happen before measuring
        app.processEvents()
        time.sleep(0.005)
    stalls.clear()
    last[0] = clock.elapsed()
    choice = ImportChoice("window import", None, None, None, "CN", None)
    start = time.perf_counter()
    pane.run_import(path, choice)
    while pane._task is not None:
        app.processEvents()
        time.sleep(0.001)
    elapsed = time.perf_counter() - start
    timer.stop()
    size = store.lists.get("window import").size
    store.close()
    worst = sorted(stalls, reverse=True)[:3]
    print(f"three longest stalls: {', '.join(f'{w:.0f} ms' for w in worst)} over {len(stalls)} ticks")
    return elapsed, max(stalls or [0.0]), size


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    path = make_workbook(WORKBOOK)
    with tempfile.TemporaryDirectory() as home:
        os.environ["SMSDESK_HOME"] = home
        engine = _engine_import(path)
        window, stall, size = _window_import(path)
    print(f"engine import + store (baseline): {engine:6.2f} s")
    print(f"window import + store:            {window:6.2f} s  ({window / engine:.2f}x the engine alone), {size} recipients saved")
    print(f"longest GUI-thread stall:         {stall:6.1f} ms  (goal: under 50 ms)")


if __name__ == "__main__":
    main()
