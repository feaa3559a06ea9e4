"""``python -m bench [name ...]``: run the benchmarks (all by default)."""

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


def main(argv: list[str]) -> int:
    names = argv or [n for n, module in BENCHMARKS.items() if importlib.util.find_spec(module) is not None]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}",
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
