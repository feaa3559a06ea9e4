"""``python -m bench [name ...]``: run the benchmarks (all by default).

``python -m bench crash [options]`` and ``python -m bench faults [options]`` run the send
engine's acceptance scripts (the crash test and the fault profile) with their own options;
they take minutes and check rather than measure, so they only run when named.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

BENCHMARKS = {
    "startup": "bench.bench_startup",
    "import": "bench.bench_import",
    "import-gui": "bench.bench_import_gui",
    "templates": "bench.bench_templates",
    "send": "bench.bench_send",
    "log": "bench.bench_log",
}
CHECKS = {
    "crash": "bench.crash_test",
    "faults": "bench.fault_profile",
}


def main(argv: list[str]) -> int:
    if argv[:1] and argv[0] in CHECKS:
        status: int = importlib.import_module(CHECKS[argv[0]]).main(argv[1:])
        return status
    names = argv or [n for n, module in BENCHMARKS.items() if importlib.util.find_spec(module) is not None]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}; "
            f"checks (one at a time, with options): {', '.join(CHECKS)}",
            file=sys.stderr,
        )
        return 2
    for name in names:
        print(f"== {name}")
        module = importlib.import_module(BENCHMARKS[name])
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
