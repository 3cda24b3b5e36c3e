"""Benchmark the HS classifier: grouped cross-validation against a character TF-IDF kNN baseline
measured in the same run, then train time, load time, classification speed and peak memory.

Prints JSON (``--markdown`` prints the table of ``docs/benchmarks.md`` from a saved JSON instead).

    .venv/bin/python benchmarks/bench_hs.py [--folds 5] [--quick] [--embeddings] [--skip-cv] [--save out.json]
    .venv/bin/python benchmarks/bench_hs.py --markdown out.json

Load time and classification speed are measured in a fresh process, as a server would see them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("EXPORTPILOT_ENVIRONMENT", "test")
os.environ.setdefault("EXPORTPILOT_SECRET_KEY", "benchmark-secret")

_SERVE = r"""
import json, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from exportpilot.products.hs_classifier import HSClassifier
model = HSClassifier.load(sys.argv[1])
load = (time.perf_counter() - t0, time.process_time() - c0)
texts = json.loads(open(sys.argv[2], encoding="utf-8").read())
out = {"load_seconds": round(load[0], 2), "load_cpu_seconds": round(load[1], 2)}
for explain in (False, True):
    runs = []
    for _ in range(3):
        t0, c0 = time.perf_counter(), time.process_time()
        model.predict_top(texts, k=5, explain=explain)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    key = "explained" if explain else "plain"
    out[f"classify_1000_{key}_seconds_runs"] = [round(r[0], 2) for r in runs]
    out[f"classify_1000_{key}_cpu_seconds_runs"] = [round(r[1], 2) for r in runs]
    wall = sorted(r[0] for r in runs)[1]
    out[f"texts_per_second_{key}_median"] = round(len(texts) / wall, 1)
# VmHWM: this process's own peak (ru_maxrss would carry the parent's peak over from the fork)
hwm = [l for l in open("/proc/self/status").read().splitlines() if l.startswith("VmHWM:")]
out["peak_rss_mb"] = round(int(hwm[0].split()[1]) / 1024, 1) if hwm else None
print(json.dumps(out))
"""


def _machine() -> dict[str, Any]:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024**2, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run(folds: int, quick: bool, embeddings: bool, skip_cv: bool = False) -> dict[str, Any]:
    from exportpilot.config import get_settings
    from exportpilot.products.hs_classifier import HSClassifier
    from exportpilot.products.hs_data import cases_path, load_cases
    from exportpilot.products.hs_eval import cross_validate

    path = cases_path(get_settings().shared_data)
    if path is None:
        return {"skipped": "no hs/kcs_cases_train.csv under EXPORTPILOT_SHARED_DATA"}
    texts, codes = load_cases(path)
    params = {"use_embeddings": embeddings}
    result: dict[str, Any] = {"machine": _machine(), "load_average_start": os.getloadavg()}
    result["cases"] = len(texts)

    if not skip_cv:
        started = time.perf_counter()
        report = cross_validate(texts, codes, folds=folds, only_folds=[0] if quick else None, params=params)
        result["cross_validation"] = report.as_dict()
        result["cross_validation_seconds"] = round(time.perf_counter() - started, 1)

    t0, c0 = time.perf_counter(), time.process_time()
    model = HSClassifier(**params).fit(texts, codes)
    result["train_seconds"] = round(time.perf_counter() - t0, 1)
    result["train_cpu_seconds"] = round(time.process_time() - c0, 1)
    with tempfile.TemporaryDirectory(prefix="ep-bench-hs-") as tmp:
        folder = model.save(Path(tmp) / "hs")
        result["model_mb"] = round(sum(f.stat().st_size for f in folder.iterdir()) / 1024**2, 1)
        sample = Path(tmp) / "texts.json"
        sample.write_text(json.dumps(texts[7::35][:1000]), encoding="utf-8")
        served = subprocess.run(
            [sys.executable, "-c", _SERVE, str(folder), str(sample)],
            check=True,
            capture_output=True,
            text=True,
        )
        result["serving"] = json.loads(served.stdout.strip().splitlines()[-1])
    # the peak of this process: cross-validation (if run) and the full training
    result["benchmark_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["load_average_end"] = os.getloadavg()
    return result


def markdown(result: dict[str, Any]) -> str:
    """Return the table of ``docs/benchmarks.md`` for one benchmark result."""
    cv = result["cross_validation"]
    scores, counts = cv["scores"], cv["counts"]
    lines = [
        "| metric (% of texts) | all: model | all: baseline | Korean script: model | Korean: baseline "
        "| Latin script: model | Latin: baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level in (6, 4, 2):
        for k in (1, 5):
            metric = f"hs{level}@{k}"
            cells = []
            for subset in ("all", "korean", "latin"):
                cells += [f"{100 * scores[s][subset][metric]:.1f}" for s in ("model", "baseline")]
            bold = "**" if level == 6 else ""
            lines.append(f"| {bold}HS{level} top-{k}{bold} | " + " | ".join(cells) + " |")
    lines.append(f"| texts | {counts['all']:,} | | {counts['korean']:,} | | {counts['latin']:,} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="evaluate the first fold only")
    parser.add_argument("--embeddings", action="store_true", help="add the sentence-embedding view")
    parser.add_argument("--skip-cv", action="store_true", help="only train, load and classify")
    parser.add_argument("--save", type=Path, help="also write the JSON here")
    parser.add_argument("--markdown", type=Path, help="print the docs table of a saved JSON and exit")
    args = parser.parse_args()
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())))
        return
    result = run(args.folds, args.quick, args.embeddings, args.skip_cv)
    text = json.dumps(result, indent=2)
    if args.save:
        args.save.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
