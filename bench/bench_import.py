"""How fast and how lean a 100,000-row customer list imports, against the raw readers.

``python bench/bench_import.py`` writes ``bench/out/customers-100k.xlsx`` once (kept between
runs), then measures in this one run:

* the raw read of every cell with python-calamine and with openpyxl's read-only mode;
* ``pandas.read_excel`` with its default engine;
* ``smsdesk.importers.import_file``: read, map the columns, normalise and validate every phone,
  drop duplicates and opt-outs (no storage: that is the storage layer's part);
* the peak memory of that import, in a fresh interpreter so nothing else is counted.

Goals: import within 2x of the fastest raw read, at least 5x faster than pandas, peak memory
under 400 MB.  ``run()`` returns the figures as a dict.
"""

from __future__ import annotations

import datetime
import json
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smsdesk.importers import ImportResult

ROOT = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"
ROWS = 100_000
WORKBOOK = OUT / "customers-100k.xlsx"

GOAL_VS_RAW = 2.0
GOAL_VS_PANDAS = 5.0
GOAL_PEAK_MB = 400.0

_CITIES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安"]
_MOBILE_PREFIXES = ["138", "139", "137", "136", "135", "150", "151", "158", "186", "188", "199"]


def make_workbook(path: Path = WORKBOOK, rows: int = ROWS) -> Path:
    """A list shaped like a shop's: mostly number cells, some typed text, a few bad rows."""
    if path.exists():
        return path
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.xlsx")
    rng = random.Random(20240501)
    workbook = xlsxwriter.Workbook(str(partial))
    sheet = workbook.add_worksheet("客户")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ["姓名", "手机号码", "生日", "积分", "城市", "备注"])
    issued: list[int] = []
    for row in range(1, rows + 1):
        number = int(rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}")
        roll = rng.random()
        if roll < 0.01 and issued:
            phone: object = rng.choice(issued)  # duplicate
        elif roll < 0.015:
            phone = str(number)[:7]  # too short
        elif roll < 0.10:
            phone = f"+86 {str(number)[:3]} {str(number)[3:7]} {str(number)[7:]}"
        elif roll < 0.20:
            phone = str(number)
        else:
            phone = number
        if isinstance(phone, int):
            issued.append(phone)
        sheet.write_string(row, 0, f"客户{row:06d}")
        if isinstance(phone, int):
            sheet.write_number(row, 1, phone)
        else:
            sheet.write_string(row, 1, str(phone))
        birthday = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(25000))
        sheet.write_datetime(row, 2, birthday, date_format)
        sheet.write_number(row, 3, rng.randrange(100000))
        sheet.write_string(row, 4, rng.choice(_CITIES))
        sheet.write_string(row, 5, rng.choice(["", "VIP", "老客户", "新客户", "生日送券"]))
    workbook.close()
    partial.replace(path)
    return path


def _timed(function: Callable[[], object], repeat: int = 1) -> float:
    """Best wall time of ``repeat`` calls; freeing what a call returned is not counted."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        kept = function()
        best = min(best, time.perf_counter() - start)
        del kept
    return best


def read_calamine(path: Path) -> int:
    import python_calamine

    with python_calamine.CalamineWorkbook.from_path(str(path)) as workbook:
        sheet = workbook.get_sheet_by_index(0)
        return sum(len(row) for row in sheet.iter_rows())


def read_openpyxl(path: Path) -> int:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(len(row) for row in workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_pandas(path: Path) -> int:
    import warnings

    import pandas

    with warnings.catch_warnings():
        # pandas 3 announces that its default engine will change; the default is what we time.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.filterwarnings("ignore", message=".*default engine.*")
        return int(pandas.read_excel(path).size)


def check_only(path: Path) -> object:
    from smsdesk.importers.file_checks import check_file

    return check_file(path)


def import_full(path: Path) -> ImportResult:
    from smsdesk.importers import import_file

    return import_file(path, opt_outs=frozenset({"+8613800138000", "+8613900139000"}))


def import_once(path: Path) -> dict[str, int]:
    result = import_full(path)
    return {
        "rows_read": result.rows_read,
        "recipients": len(result.recipients),
        "rejected": len(result.rejected),
        "duplicates": result.duplicates,
        "invalid": result.invalid,
        "blank_rows": result.blank_rows,
    }


_MEMORY_PROBE = """
import json, sys, tracemalloc
sys.path.insert(0, {root!r})
from bench.bench_import import import_once, peak_rss_bytes
from pathlib import Path
import smsdesk.importers
baseline = peak_rss_bytes()
if {trace!r}:
    tracemalloc.start()
import_once(Path({path!r}))
python_peak = tracemalloc.get_traced_memory()[1] if {trace!r} else 0
print(json.dumps({{"baseline": baseline, "peak": peak_rss_bytes(), "python_peak": python_peak}}))
"""


def peak_rss_bytes() -> int:
    """This process's peak resident memory.

    Linux's ``VmHWM`` belongs to the process image; ``ru_maxrss`` is inherited from the
    parent across fork and exec, so in a child it reports the parent's peak if that was higher.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def _probe(path: Path, trace: bool) -> dict[str, int]:
    code = _MEMORY_PROBE.format(root=str(ROOT), path=str(path), trace=trace)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=600
    )
    figures: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def measure_memory(path: Path) -> dict[str, float]:
    """Peak memory of one import, each figure from a fresh interpreter.

    The resident-set peak counts everything the process holds (the Rust reader's grid
    included); the tracemalloc peak, taken in a second run because tracing costs memory of
    its own, counts only Python objects.
    """
    rss = _probe(path, trace=False)
    traced = _probe(path, trace=True)
    megabyte = 1024 * 1024
    return {
        "peak_rss_mb": rss["peak"] / megabyte,
        "baseline_rss_mb": rss["baseline"] / megabyte,
        "python_peak_mb": traced["python_peak"] / megabyte,
    }


def run(path: Path | None = None, *, repeat: int = 3) -> dict[str, Any]:
    """Measure everything once and return the figures (seconds, MB and ratios)."""
    path = make_workbook() if path is None else path
    figures: dict[str, Any] = {"file": str(path), "file_mb": path.stat().st_size / 2**20}
    figures.update(measure_memory(path))  # first, before this process loads pandas
    counts = import_once(path)  # warm the file cache and the imports
    # The import and its baseline are timed side by side, before openpyxl and pandas have grown
    # this process's heap, so that both run in the same conditions.
    figures["calamine_s"] = figures["import_s"] = float("inf")
    for _ in range(repeat):
        figures["calamine_s"] = min(figures["calamine_s"], _timed(lambda: read_calamine(path)))
        figures["import_s"] = min(figures["import_s"], _timed(lambda: import_full(path)))
    figures["checks_s"] = _timed(lambda: check_only(path), repeat)
    figures["openpyxl_s"] = _timed(lambda: read_openpyxl(path))
    figures["pandas_s"] = _timed(lambda: read_pandas(path))
    fastest_raw = min(figures["calamine_s"], figures["openpyxl_s"])
    figures["import_vs_fastest_raw"] = figures["import_s"] / fastest_raw
    figures["pandas_vs_import"] = figures["pandas_s"] / figures["import_s"]
    figures["goals_met"] = {
        "import_within_2x_of_raw": figures["import_vs_fastest_raw"] <= GOAL_VS_RAW,
        "pandas_5x_slower": figures["pandas_vs_import"] >= GOAL_VS_PANDAS,
        "peak_under_400_mb": figures["peak_rss_mb"] < GOAL_PEAK_MB,
    }
    figures["counts"] = counts
    return figures


def report(figures: dict[str, Any]) -> str:
    counts = figures["counts"]
    lines = [
        f"file: {figures['file']} ({figures['file_mb']:.1f} MB, {counts['rows_read']:,} rows)",
        f"raw read, python-calamine      {figures['calamine_s']:7.2f} s",
        f"raw read, openpyxl read-only   {figures['openpyxl_s']:7.2f} s",
        f"pandas.read_excel (default)    {figures['pandas_s']:7.2f} s",
        f"import_file (full)             {figures['import_s']:7.2f} s"
        f"   -> {counts['recipients']:,} recipients, {counts['rejected']:,} rejected "
        f"({counts['duplicates']:,} duplicates, {counts['invalid']:,} invalid)",
        f"  of which safety checks       {figures['checks_s']:7.2f} s"
        "   (zip directory, every member inflated once with its CRC, used area measured)",
        f"import / fastest raw read      {figures['import_vs_fastest_raw']:7.2f} x"
        f"   (goal <= {GOAL_VS_RAW:g}x)",
        f"pandas / import                {figures['pandas_vs_import']:7.2f} x"
        f"   (goal >= {GOAL_VS_PANDAS:g}x)",
        f"peak memory of the import      {figures['peak_rss_mb']:7.1f} MB RSS"
        f"   (interpreter and libraries alone {figures['baseline_rss_mb']:.1f} MB;"
        f" Python objects {figures['python_peak_mb']:.1f} MB; goal < {GOAL_PEAK_MB:g} MB)",
    ]
    return "\n".join(lines)


def main() -> None:
    print(report(run()))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
