"""Benchmark the trade warehouse loads: the shared OTS panel and the BACI sample. Prints JSON.

    .venv/bin/python benchmarks/bench_trade.py [--runs 3] [--trade-dir ../shared/data/trade]

Each load writes a fresh warehouse in a temporary folder (check, reconcile, Parquet, atomic swap).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from exportpilot.config import PROJECT_ROOT
from exportpilot.trade.warehouse import Warehouse, load_baci, load_open_trade_statistics


def _timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trade-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "data" / "trade")
    args = parser.parse_args()
    ots_times, baci_times = [], []
    ots_rows = baci_rows = 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            warehouse = Warehouse(Path(tmp))
            seconds, reports = _timed(lambda w=warehouse: load_open_trade_statistics(w, args.trade_dir))
            ots_times.append(seconds)
            ots_rows = reports[0].rows_read  # type: ignore[index]
            sample = args.trade_dir / "baci_samples" / "baci_hs17_2020_afg_zaf.csv"
            seconds, report = _timed(lambda w=warehouse, s=sample: load_baci(w, [s]))
            baci_times.append(seconds)
            baci_rows = report.rows_read  # type: ignore[attr-defined]
    ots_s, baci_s = statistics.median(ots_times), statistics.median(baci_times)
    result = {
        "benchmark": "trade_warehouse_load",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average_1m": os.getloadavg()[0],
        "runs": args.runs,
        "ots_bilateral_groups": {
            "rows": ots_rows,
            "seconds_median": round(ots_s, 2),
            "seconds_all": [round(t, 2) for t in ots_times],
            "rows_per_second": round(ots_rows / ots_s),
        },
        "baci_hs17_sample": {
            "rows": baci_rows,
            "seconds_median": round(baci_s, 2),
            "seconds_all": [round(t, 2) for t in baci_times],
            "rows_per_second": round(baci_rows / baci_s),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
