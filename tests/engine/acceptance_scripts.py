"""Running the send engine's acceptance scripts (``bench/crash_test.py``, ``bench/fault_profile.py``)
as the owner would: ``python -m bench.<script> --json`` in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run_script(module: str, *args: str, timeout: float = 240) -> dict[str, Any]:
    """The figures the script printed; its exit status must say whether every check held."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-m", module, *args, "--json"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    assert out.stdout.strip(), out.stderr
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert out.returncode == (0 if figures["ok"] else 1), out.stderr
    return figures
