"""Ranking metrics of the back-test, vectorised over thousands of (exporter, product) lists.

Definitions (``docs/benchmarks.md`` repeats them):

* **gain** of partner ``j`` for exporter ``i`` and product ``k`` at as-of year ``T``:
  ``max(0, mean(x[T+1..T+3]) - mean(x[T-2..T]))``, missing years counting as 0.
* **NDCG@10** (gain-weighted): ``DCG = sum_{r=1..10} gain_r / log2(r + 1)`` over the ranking, divided by
  the DCG of the ideal ranking. Averaged over the lists with *real growth*: total gain ≥ ``min_total_gain``
  (USD 1 M by default).
* **precision@10 for new markets**: among the partners where ``i`` sold less than USD 0.1 M a year in
  ``T-2..T`` (the markets it could *enter*), the share of the 10 best-ranked that reach at least
  USD 1 M a year in ``T+1..T+3``. Averaged over the lists with at least one such new market.

Ties in a score are broken by the partner's import demand, then by its code, so that no ranking gets
credit or blame from the order rows happen to arrive in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

NEW_FROM_USD = 100_000.0
NEW_TO_USD = 1_000_000.0


def order_lists(
    frame: pd.DataFrame, list_keys: Sequence[str], score: np.ndarray, tiebreak: np.ndarray
) -> np.ndarray:
    """Return the row order that sorts ``frame`` by list, then ``score`` and ``tiebreak`` descending, then
    partner id (NaN scores last)."""
    partner = frame["importer_id"].to_numpy() if "importer_id" in frame else np.arange(len(frame))
    # np.lexsort sorts by its last key first.
    keys = [partner, -np.nan_to_num(tiebreak, nan=-np.inf), -np.nan_to_num(score, nan=-np.inf)]
    keys += [frame[k].to_numpy() for k in reversed(list_keys)]
    return np.lexsort(keys)


def rank_in_lists(frame: pd.DataFrame, list_keys: Sequence[str], order: np.ndarray) -> np.ndarray:
    """Return the 0-based position of each row of ``frame`` within its list, given the row ``order``."""
    sorted_keys = frame[list(list_keys)].to_numpy()[order]
    new_list = np.ones(len(order), dtype=bool)
    new_list[1:] = (sorted_keys[1:] != sorted_keys[:-1]).any(axis=1)
    starts = np.flatnonzero(new_list)
    run = np.diff(np.append(starts, len(order)))
    pos_sorted = np.arange(len(order)) - np.repeat(starts, run)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = pos_sorted
    return ranks


def ndcg_at_k(
    frame: pd.DataFrame,
    score: np.ndarray | pd.Series,
    *,
    list_keys: Sequence[str] = ("exporter_id", "product_id"),
    gain: str = "gain",
    tiebreak: str = "m0",
    k: int = 10,
    min_total_gain: float = 1_000_000.0,
) -> pd.Series:
    """Return gain-weighted NDCG@k for each list with real growth.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per candidate partner, with the ``list_keys``, ``gain`` and ``tiebreak`` columns.
    score : array-like
        The ranking's score for each row (higher is better).
    list_keys : sequence of str
        Columns that identify a list.
    gain : str
        Column with each partner's gain (USD).
    tiebreak : str
        Column used to break ties in ``score`` (higher first).
    k : int
        Cut-off.
    min_total_gain : float
        Lists whose gains sum to less are skipped.

    Returns
    -------
    pandas.Series
        NDCG@k indexed by the list keys.
    """
    list_keys = list(list_keys)
    s = np.asarray(score, dtype=np.float64)
    g = frame[gain].to_numpy(dtype=np.float64)
    tb = frame[tiebreak].to_numpy(dtype=np.float64)
    rank = rank_in_lists(frame, list_keys, order_lists(frame, list_keys, s, tb))
    ideal = rank_in_lists(frame, list_keys, order_lists(frame, list_keys, g, np.zeros_like(g)))
    discount = 1.0 / np.log2(np.arange(k) + 2.0)
    dcg = np.where(rank < k, g * discount[np.minimum(rank, k - 1)], 0.0)
    idcg = np.where(ideal < k, g * discount[np.minimum(ideal, k - 1)], 0.0)
    parts = pd.DataFrame({"dcg": dcg, "idcg": idcg, "total": g})
    for key in list_keys:
        parts[key] = frame[key].to_numpy()
    sums = parts.groupby(list_keys, observed=True, sort=True)[["dcg", "idcg", "total"]].sum()
    sums = sums[(sums["total"] >= min_total_gain) & (sums["idcg"] > 0)]
    return (sums["dcg"] / sums["idcg"]).rename("ndcg")


def new_market_precision_at_k(
    frame: pd.DataFrame,
    score: np.ndarray | pd.Series,
    *,
    list_keys: Sequence[str] = ("exporter_id", "product_id"),
    past: str = "x_mean",
    future: str = "future_mean",
    tiebreak: str = "m0",
    k: int = 10,
    new_from: float = NEW_FROM_USD,
    new_to: float = NEW_TO_USD,
) -> pd.Series:
    """Return precision@k for new markets, for each list that has at least one new market.

    Only partners with ``past < new_from`` are ranked; a hit is one with ``future >= new_to``.
    """
    list_keys = list(list_keys)
    candidates = frame[past].to_numpy() < new_from
    sub = frame.loc[candidates]
    s = np.asarray(score, dtype=np.float64)[candidates]
    hit = (sub[future].to_numpy() >= new_to).astype(np.float64)
    rank = rank_in_lists(
        sub, list_keys, order_lists(sub, list_keys, s, sub[tiebreak].to_numpy(dtype=np.float64))
    )
    parts = pd.DataFrame({"top_hit": np.where(rank < k, hit, 0.0), "hits": hit})
    for key in list_keys:
        parts[key] = sub[key].to_numpy()
    sums = parts.groupby(list_keys, observed=True, sort=True)[["top_hit", "hits"]].sum()
    sums = sums[sums["hits"] > 0]
    return (sums["top_hit"] / k).rename("precision")
