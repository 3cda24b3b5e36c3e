"""Benchmark of the meeting scheduler (issue 5): weight vs the proven bound and vs the greedy baseline.

Each run is a fresh child process (so its peak memory is its own) that generates the instance with
``scheduler_instance.generate`` (deterministic), solves it with ``Scheduler(time_limit=T)`` and checks the
schedule with the independent checker. Prints one JSON object per run, then a summary with the median
of the runs per (instance, time limit) as JSON and as Markdown rows for docs/benchmarks.md.

    python benchmarks/bench_scheduler.py                      # both instances, 30/60/120 s, 3 runs
    python benchmarks/bench_scheduler.py --instances medium --limits 10 --runs 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTANCES = {
    # Boom-up Korea scale: 4,000 buyers, 7,000 exporters, 60,000 requests, 3 days x 16 slots, 600 tables.
    "boomup": {
        "buyers": 4000,
        "exporters": 7000,
        "requests": 60000,
        "days": 3,
        "slots_per_day": 16,
        "tables": 600,
    },
    # The instance the issue measured greedy on: 1,000 x 2,000, 30,000 requests, 24 slots, 300 tables.
    "medium": {
        "buyers": 1000,
        "exporters": 2000,
        "requests": 30000,
        "days": 2,
        "slots_per_day": 12,
        "tables": 300,
    },
}


def run_one(name: str, limit: float, seed: int, workers: int) -> dict[str, object]:
    sys.path.insert(0, str(HERE))
    from scheduler_instance import generate

    from exportpilot.events.check import check_schedule
    from exportpilot.events.scheduler import Scheduler

    t = time.monotonic()
    instance = generate(**INSTANCES[name])  # type: ignore[arg-type]
    gen = time.monotonic() - t
    load_before = os.getloadavg()[0]
    t = time.monotonic()
    result = Scheduler(time_limit=limit, seed=seed, workers=workers).solve(instance)
    solve = time.monotonic() - t
    problems = check_schedule(instance, result.meetings)
    return {
        "instance": name,
        "time_limit": limit,
        "seed": seed,
        "workers": workers,
        "requests": len(instance.requests),
        "meetings": len(result.meetings),
        "weight": result.weight,
        "upper_bound": round(result.upper_bound, 3),
        "fraction_of_bound": round(result.weight / result.upper_bound, 5),
        "greedy_weight": result.greedy_weight,
        "greedy_fraction_of_bound": round(result.greedy_weight / result.upper_bound, 5),
        "gain_over_greedy": round(result.weight / result.greedy_weight - 1, 5),
        "solve_seconds": round(solve, 2),
        "timings": {k: round(v, 2) for k, v in result.timings.items()},
        "history": [(round(t, 1), w) for t, w in result.history],
        "lns_iterations": result.lns_iterations,
        "lns_improvements": result.lns_improvements,
        "lp_status": result.lp_status,
        "generate_seconds": round(gen, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "feasible": not problems,
        "violations": problems[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", nargs="+", default=["boomup", "medium"], choices=sorted(INSTANCES))
    parser.add_argument("--limits", nargs="+", type=float, default=[30.0, 60.0, 120.0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--single", nargs=3, metavar=("INSTANCE", "LIMIT", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.single:
        name, limit, seed = args.single
        print(json.dumps(run_one(name, float(limit), int(seed), args.workers)))
        return

    runs: list[dict[str, object]] = []
    for name in args.instances:
        for limit in args.limits:
            for seed in range(args.runs):
                cmd = [
                    sys.executable,
                    __file__,
                    "--workers",
                    str(args.workers),
                    "--single",
                    name,
                    str(limit),
                    str(seed),
                ]
                out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
                row = json.loads(out.strip().splitlines()[-1])
                runs.append(row)
                print(json.dumps(row), flush=True)
    summary = []
    for name in args.instances:
        for limit in args.limits:
            rows = [r for r in runs if r["instance"] == name and r["time_limit"] == limit]

            def med(key: str, rows: list[dict[str, object]] = rows) -> float:
                return statistics.median(float(r[key]) for r in rows)  # type: ignore[arg-type]

            summary.append(
                {
                    "instance": name,
                    "time_limit": limit,
                    "runs": len(rows),
                    "weight": med("weight"),
                    "upper_bound": med("upper_bound"),
                    "fraction_of_bound": med("fraction_of_bound"),
                    "greedy_weight": med("greedy_weight"),
                    "greedy_fraction_of_bound": med("greedy_fraction_of_bound"),
                    "solve_seconds": med("solve_seconds"),
                    "peak_rss_mib": med("peak_rss_mib"),
                    "load": med("load_after"),
                    "all_feasible": all(r["feasible"] for r in rows),
                }
            )
    print(json.dumps({"summary": summary}, indent=2))
    print()
    print(
        "| instance | time limit | runs | weight | bound | % of bound | greedy | greedy % "
        "| solve s | peak MiB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in summary:
        print(
            f"| {s['instance']} | {s['time_limit']:g} s | {s['runs']} | {s['weight']:,.0f} | "
            f"{s['upper_bound']:,.1f} | {100 * s['fraction_of_bound']:.2f} % | {s['greedy_weight']:,.0f} | "
            f"{100 * s['greedy_fraction_of_bound']:.2f} % | {s['solve_seconds']:.1f} | "
            f"{s['peak_rss_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
