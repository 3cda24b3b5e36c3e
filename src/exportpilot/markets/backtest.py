"""Back-test: rank with data up to T, judge on T+1..T+3, against the formula baselines, in one run.

For each as-of year ``T`` the recommender is fitted on ``panel.restricted(T)`` — a physical copy of the data
up to ``T`` — and ranks every exporter × product list at ``T``. The outcomes (mean exports in ``T+1..T+3``)
come from the full panel and are joined on country and product codes afterwards; the model never sees
them. Baselines score the same candidate rows, so every method is judged on the same lists. Metrics are
defined in ``markets.metrics``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from exportpilot.markets.baselines import BASELINES
from exportpilot.markets.features import dimension
from exportpilot.markets.metrics import ndcg_at_k, new_market_precision_at_k
from exportpilot.markets.recommender import MarketRecommender
from exportpilot.trade.panel import TradePanel

RECOMMENDER = "recommender"


def outcomes(panel: TradePanel, as_of: int, horizon: int = 3) -> pd.DataFrame:
    """Return mean exports in ``as_of+1 .. as_of+horizon`` per exporter × product × partner (codes)."""
    if panel.max_year < as_of + horizon:
        raise ValueError(
            f"judging as-of {as_of} needs data to {as_of + horizon}; the panel ends in {panel.max_year}"
        )
    return panel.con.execute(
        f"""SELECT exporter, product, importer, sum(value) / {int(horizon)} AS future_mean
        FROM flows WHERE year BETWEEN {int(as_of) + 1} AND {int(as_of) + int(horizon)}
        GROUP BY ALL"""
    ).df()


def attach_outcomes(candidates: pd.DataFrame, cut: TradePanel, truth: pd.DataFrame) -> pd.DataFrame:
    """Return ``candidates`` (ids of the ``cut`` panel) with ``future_mean`` and ``gain`` from ``truth``."""
    country_id = {code: i for i, code in enumerate(dimension(cut, "country"))}
    product_id = {code: i for i, code in enumerate(dimension(cut, "product"))}
    t = pd.DataFrame(
        {
            "exporter_id": truth["exporter"].map(country_id),
            "product_id": truth["product"].map(product_id),
            "importer_id": truth["importer"].map(country_id),
            "future_mean": truth["future_mean"].to_numpy(np.float64),
        }
    ).dropna()
    t = t.astype({"exporter_id": "int16", "product_id": "int16", "importer_id": "int16"})
    out = candidates.merge(t, on=["exporter_id", "product_id", "importer_id"], how="left")
    out["future_mean"] = out["future_mean"].fillna(0.0)
    out["gain"] = np.maximum(0.0, out["future_mean"] - out["x_mean"].astype(np.float64))
    return out


def run_backtest(
    panel: TradePanel,
    as_of_years: Sequence[int],
    *,
    scopes: Mapping[str, Sequence[str] | None] | None = None,
    params: Mapping[str, Any] | None = None,
    min_total_gain: float = 1_000_000.0,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """Back-test the recommender and every baseline.

    Parameters
    ----------
    panel : TradePanel
        The full panel (it must reach ``max(as_of_years) + 3``); each fit only sees a cut of it.
    as_of_years : sequence of int
    scopes : mapping of str to sequence of str or None
        Name → exporters whose lists are judged (``None`` = all). Default: ``{"KOR": ["KOR"], "ALL": None}``.
    params : mapping, optional
        ``MarketRecommender`` parameters.
    min_total_gain : float
        Lists whose partners' gains sum to less are not judged (no real growth).
    progress : callable, optional
        Called with a short message as each step starts.

    Returns
    -------
    pandas.DataFrame
        One row per as-of × scope × method: ``ndcg_at_10``, ``precision_new_at_10``, ``lists``,
        ``lists_with_new_markets``, and ``fit_seconds`` for the recommender.
    """
    scopes = dict(scopes or {"KOR": ["KOR"], "ALL": None})
    rows: list[dict[str, Any]] = []
    say = progress or (lambda _msg: None)
    for as_of in as_of_years:
        say(f"as-of {as_of}: cutting the panel at {as_of}")
        cut = panel.restricted(as_of)
        say(f"as-of {as_of}: fitting the recommender on data up to {as_of}")
        started = time.perf_counter()
        rec = MarketRecommender(as_of_year=as_of, **dict(params or {})).fit(cut)
        candidates = rec.candidates()
        fit_seconds = time.perf_counter() - started
        say(f"as-of {as_of}: judging on {as_of + 1}-{as_of + 3}")
        judged = attach_outcomes(candidates, cut, outcomes(panel, as_of))
        scores = {RECOMMENDER: judged["score"].to_numpy(np.float64)}
        scores.update({name: fn(judged) for name, fn in BASELINES.items()})
        countries = dimension(cut, "country")
        for scope, exporters in scopes.items():
            if exporters is None:
                mask = np.ones(len(judged), dtype=bool)
            else:
                ids = [i for i, c in enumerate(countries) if c in set(exporters)]
                mask = judged["exporter_id"].isin(ids).to_numpy()
            sub = judged.loc[mask]
            for method, score in scores.items():
                nd = ndcg_at_k(sub, score[mask], min_total_gain=min_total_gain)
                pr = new_market_precision_at_k(sub, score[mask])
                rows.append(
                    {
                        "as_of": as_of,
                        "scope": scope,
                        "method": method,
                        "ndcg_at_10": float(nd.mean()) if len(nd) else float("nan"),
                        "precision_new_at_10": float(pr.mean()) if len(pr) else float("nan"),
                        "lists": len(nd),
                        "lists_with_new_markets": len(pr),
                        "fit_seconds": round(fit_seconds, 1) if method == RECOMMENDER else None,
                    }
                )
        cut.close()
    return pd.DataFrame(rows)


def margins(table: pd.DataFrame) -> pd.DataFrame:
    """Return, per as-of × scope, the recommender's lead over the best baseline on each metric."""
    out = []
    for (as_of, scope), group in table.groupby(["as_of", "scope"], sort=True):
        rec = group[group["method"] == RECOMMENDER].iloc[0]
        base = group[group["method"] != RECOMMENDER]
        row = {"as_of": as_of, "scope": scope}
        for metric in ("ndcg_at_10", "precision_new_at_10"):
            best = base.loc[base[metric].idxmax()]
            row[f"{metric}_recommender"] = rec[metric]
            row[f"{metric}_best_baseline"] = best[metric]
            row[f"{metric}_best_baseline_name"] = best["method"]
            row[f"{metric}_lead"] = rec[metric] - best[metric]
        out.append(row)
    return pd.DataFrame(out)
