"""How the market recommender's hyper-parameters were chosen: the back-test's metrics on tuning years only.

    .venv/bin/python benchmarks/bench_markets_tuning.py [--as-of 2002 2003] [--trade-dir ../shared/data/trade]
        [CONFIG_JSON ...]

For each tuning as-of year T (before any reported year: 2002 and 2003 judge on outcomes up to 2006) the
training frame (feature years up to T-3, inactive candidates sampled as the recommender does) and the
candidates at T with their outcomes are built once; each configuration then trains LightGBM on the frame and
is judged like the back-test (gain-weighted NDCG@10, new-market precision@10, all exporters and Korea).
Configurations are JSON objects over these keys (defaults: the previous recommender): ``target``
(``exporter_share`` | ``list_share``), ``years`` (training years), ``n``, ``lr``, ``leaves``, ``mcs``, ``ff``,
``bag``, ``off``, ``extra`` (extra-trees), ``objective`` (tweedie | poisson). Without arguments it compares
the previous default with the shipped one. Ranking only: the shipped model's list-level scale model, which
does not change any ranking, is left out. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

import exportpilot.markets  # noqa: F401  (sets OMP_WAIT_POLICY before lightgbm's OpenMP runtime starts)
from exportpilot.config import PROJECT_ROOT
from exportpilot.markets.backtest import attach_outcomes, outcomes
from exportpilot.markets.features import FEATURES, build_features, dimension
from exportpilot.markets.metrics import ndcg_at_k, new_market_precision_at_k
from exportpilot.trade.panel import TradePanel

PREVIOUS: dict[str, Any] = {"target": "exporter_share", "years": 3, "extra": False}
SHIPPED: dict[str, Any] = {"target": "list_share", "years": 2, "extra": True}
DEFAULTS: dict[str, Any] = {
    "target": "exporter_share", "years": 3, "n": 150, "lr": 0.1, "leaves": 31, "mcs": 100, "ff": 0.8,
    "bag": 0.5, "off": 1e-3, "clip": 5.0, "extra": False, "objective": "tweedie", "min_list_gain": 1e6,
}  # fmt: skip


def frames(panel: TradePanel, as_of: int) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Return the training frame (every feature year available), the judged candidates and Korea's id."""
    cut = panel.restricted(as_of)
    first = cut.years()[0] + 3
    train = build_features(
        cut, list(range(first, as_of - 2)), with_target=True, sample_inactive=0.05, min_exporter_usd=1e6
    )
    judged = attach_outcomes(build_features(cut, [as_of]), cut, outcomes(panel, as_of))
    korea = int(np.flatnonzero(dimension(cut, "country") == "KOR")[0])
    cut.close()
    return train, judged, korea


def score(train: pd.DataFrame, judged: pd.DataFrame, config: dict[str, Any]) -> tuple[np.ndarray, int]:
    """Train one configuration; return its scores of the judged candidates and its training rows."""
    c = {**DEFAULTS, **config}
    train = train[train["t"].isin(sorted(train["t"].unique())[-c["years"] :])]
    gain = train["gain"].to_numpy(np.float64)
    if c["target"] == "list_share":
        keys = [train[k] for k in ("t", "product_id", "exporter_id")]
        total = (train["gain"] * train["weight"]).groupby(keys).transform("sum").to_numpy(np.float64)
        keep = total >= c["min_list_gain"]
        train, label = train[keep], gain[keep] / total[keep]
    else:
        label = np.minimum(gain / train["s_mean"].to_numpy(np.float64), c["clip"])
    params = {
        "objective": c["objective"], "learning_rate": c["lr"], "num_leaves": c["leaves"],
        "min_data_in_leaf": c["mcs"], "feature_fraction": c["ff"], "bagging_fraction": c["bag"],
        "bagging_freq": 1 if c["bag"] < 1 else 0, "max_bin": 63, "force_col_wise": True,
        "extra_trees": bool(c["extra"]), "num_threads": 1, "seed": 0, "deterministic": True, "verbose": -1,
    }  # fmt: skip
    offset = np.log(train["share_of_exporter"].to_numpy(np.float64) + c["off"])
    data = lgb.Dataset(
        train[FEATURES].to_numpy(np.float32),
        label=label,
        weight=train["weight"].to_numpy(np.float64),
        init_score=offset,
        params=params,
    )
    booster = lgb.train(params, data, num_boost_round=c["n"])
    raw = booster.predict(judged[FEATURES].to_numpy(np.float32), raw_score=True)
    share = np.exp(raw + np.log(judged["share_of_exporter"].to_numpy(np.float64) + c["off"]))
    return share * judged["s_mean"].to_numpy(np.float64), len(train)


def metrics(judged: pd.DataFrame, scores: np.ndarray, korea: int) -> dict[str, float]:
    out = {}
    for scope, mask in (
        ("all", np.ones(len(judged), bool)),
        ("kor", (judged["exporter_id"] == korea).to_numpy()),
    ):
        sub = judged.loc[mask]
        out[f"ndcg_{scope}"] = round(float(ndcg_at_k(sub, scores[mask]).mean()), 4)
        out[f"precision_new_{scope}"] = round(float(new_market_precision_at_k(sub, scores[mask]).mean()), 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trade-dir", type=Path, default=PROJECT_ROOT.parent / "shared" / "data" / "trade")
    parser.add_argument("--as-of", type=int, nargs="+", default=[2002, 2003])
    parser.add_argument("configs", nargs="*", help="JSON objects (default: the previous and shipped models)")
    args = parser.parse_args()
    if max(args.as_of) > 2003:
        raise SystemExit(
            "tuning years must be before the reported ones (2006, 2009, 2012): use 2003 or earlier"
        )
    configs = [json.loads(c) for c in args.configs] or [PREVIOUS, SHIPPED]
    panel = TradePanel.from_trade_dir(args.trade_dir)
    data = {year: frames(panel, year) for year in args.as_of}
    results = []
    for config in configs:
        per_year = {}
        for year, (train, judged, korea) in data.items():
            started = time.process_time()
            scores, rows = score(train, judged, config)
            per_year[year] = {
                **metrics(judged, scores, korea),
                "rows": rows,
                "cpu_seconds": round(time.process_time() - started, 1),
            }
        keys = [k for k in next(iter(per_year.values())) if k.startswith(("ndcg", "precision"))]
        mean = {k: round(float(np.mean([v[k] for v in per_year.values()])), 4) for k in keys}
        results.append({"config": config, "mean": mean, "by_year": per_year})
    baselines = {}
    from exportpilot.markets.baselines import BASELINES

    for year, (_train, judged, korea) in data.items():
        baselines[year] = {name: metrics(judged, fn(judged), korea) for name, fn in BASELINES.items()}
    print(json.dumps({"tuning_years": args.as_of, "results": results, "baselines": baselines}, indent=2))


if __name__ == "__main__":
    main()
