"""Benchmark the market recommender: the contract command's time and memory, and the back-test table.

    .venv/bin/python benchmarks/bench_markets.py [--as-of 2006 2009 2012] [--rank-as-of 2012 2015]
                                                 [--skip-backtest] [--trade-dir ../shared/data/trade]

The contract run is `exportpilot markets rank --exporters ALL --top 20` in a fresh process (so its peak
memory is its own); the back-test fits one recommender per as-of year on data up to that year only and
judges it, with every baseline, on the three following years. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from exportpilot.config import PROJECT_ROOT

RANK_SNIPPET = """
import sys
from exportpilot.cli.markets import app
app(sys.argv[1:])
"""


def _run_contract(trade_dir: Path, as_of: int, out: Path) -> dict[str, float]:
    """One run of the contract command in a fresh process: wall and CPU seconds, peak RSS, load average."""
    cmd = [
        sys.executable, "-c", RANK_SNIPPET, "rank", "--trade-dir", str(trade_dir), "--as-of", str(as_of),
        "--level", "group", "--exporters", "ALL", "--top", "20", "--out", str(out),
    ]  # fmt: skip
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"rank failed ({proc.returncode}): {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(after.ru_maxrss / 1024),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def time_contract(trade_dir: Path, as_of: int, runs: int = 3) -> dict[str, object]:
    """Run the contract command ``runs`` times in child processes; return the median wall time and more."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "ranking.parquet"
        timings = [_run_contract(trade_dir, as_of, out) for _ in range(runs)]
        table = pd.read_parquet(out)
    walls = sorted(t["seconds"] for t in timings)
    return {
        "as_of": as_of,
        "median_seconds": walls[len(walls) // 2],
        "runs": timings,
        "rows": len(table),
        "lists": int(table.groupby(["exporter_iso3", "product_group"]).ngroups),
        "exporters": int(table["exporter_iso3"].nunique()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trade-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "data" / "trade")
    parser.add_argument("--as-of", type=int, nargs="+", default=[2006, 2009, 2012])
    parser.add_argument("--rank-as-of", type=int, nargs="+", default=[2012, 2015])
    parser.add_argument("--skip-backtest", action="store_true")
    parser.add_argument("--runs", type=int, default=3, help="Contract runs per as-of year (median reported).")
    args = parser.parse_args()
    result: dict[str, object] = {
        "benchmark": "market_recommender",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {sys.version.split()[0]}",
        "load_average_1m_start": os.getloadavg()[0],
        "contract_rank_all": [time_contract(args.trade_dir, year, args.runs) for year in args.rank_as_of],
    }
    if not args.skip_backtest:
        from exportpilot.markets.backtest import margins, run_backtest
        from exportpilot.trade.panel import TradePanel

        started = time.perf_counter()
        panel = TradePanel.from_trade_dir(args.trade_dir)
        table = run_backtest(panel, args.as_of)
        result["backtest_seconds"] = round(time.perf_counter() - started)
        result["backtest"] = table.round(4).to_dict(orient="records")
        result["margins"] = margins(table).round(4).to_dict(orient="records")
        result["peak_rss_mb_backtest"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    result["load_average_1m_end"] = os.getloadavg()[0]
    print(json.dumps(result, indent=2, default=str))


if __name__ == "__main__":
    main()
