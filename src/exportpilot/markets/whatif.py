"""What-if scenarios: a market is blocked, or its tariff on the exporter's product rises by X %.

A tariff rise is turned into lost sales with a trade elasticity: with trade costs multiplied by
``1 + X/100``, the exporter keeps ``(1 + X/100) ** -ELASTICITY`` of its expected exports to that market.
``ELASTICITY = 5`` is the central estimate of the trade (tariff) elasticity in structural gravity models —
Head & Mayer (2014), "Gravity equations: workhorse, toolkit, and cookbook", Handbook of International
Economics vol. 4, whose meta-analysis of structural estimates has a median near −5. A block is a tariff
rise to infinity (nothing kept).

The exports lost in the hit markets (the *displaced value*) are re-homed across the other markets in
proportion to the exporter's expected exports there (current level plus the recommender's expected gain):
in gravity models with a given supply, diverted sales go where the exporter already competes.
``redirect_share`` (default 1, an upper bound) is the part of the displaced value that finds a new market.
Each alternative's score becomes its expected gain plus the value it absorbs, and the list is re-ranked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

ELASTICITY = 5.0


def retained_share(tariff_increase_pct: float, elasticity: float = ELASTICITY) -> float:
    """Return the share of exports kept after trade costs rise by ``tariff_increase_pct`` percent.

    Examples
    --------
    >>> round(retained_share(25.0), 3)
    0.328
    """
    if tariff_increase_pct < 0:
        raise ValueError("the tariff increase must be >= 0")
    return float((1.0 + tariff_increase_pct / 100.0) ** (-elasticity))


def apply_scenario(
    ranking: pd.DataFrame,
    *,
    block: Iterable[str] = (),
    tariff_increase: Mapping[str, float] | None = None,
    elasticity: float = ELASTICITY,
    redirect_share: float = 1.0,
) -> pd.DataFrame:
    """Re-rank one exporter × product list under a scenario.

    Parameters
    ----------
    ranking : pandas.DataFrame
        One row per partner with ``partner_iso3``, ``score`` (expected gain, USD a year),
        ``expected_exports_usd`` (current level plus expected gain) and ``rank``.
    block : iterable of str
        Partners closed to the exporter.
    tariff_increase : mapping of str to float, optional
        Partner → tariff increase in percent (``{"USA": 25}``).
    elasticity : float
        Trade elasticity (see the module docstring).
    redirect_share : float
        Share of the displaced value that is re-homed in other markets.

    Returns
    -------
    pandas.DataFrame
        ``ranking`` re-ranked, with ``rank_before``, ``score_before``, ``retained_share``,
        ``displaced_usd`` (lost in this market, ≥ 0) and ``absorbed_usd`` (gained from the others).
    """
    out = ranking.copy()
    keep = pd.Series(1.0, index=out.index)
    blocked = set(block)
    for partner, pct in (tariff_increase or {}).items():
        keep[out["partner_iso3"] == partner] = retained_share(float(pct), elasticity)
    keep[out["partner_iso3"].isin(blocked)] = 0.0
    unknown = (blocked | set(tariff_increase or {})) - set(out["partner_iso3"])
    if unknown:
        raise ValueError(f"not a partner in this ranking: {', '.join(sorted(unknown))}")
    expected = out["expected_exports_usd"].to_numpy(dtype=np.float64)
    hit = keep.to_numpy() < 1.0
    displaced = np.where(hit, (1.0 - keep.to_numpy()) * expected, 0.0)
    weights = np.where(hit, 0.0, np.maximum(expected, 0.0))
    total_weight = weights.sum()
    absorbed = (
        redirect_share * displaced.sum() * weights / total_weight
        if total_weight > 0
        else np.zeros_like(weights)
    )
    out["rank_before"] = out["rank"]
    out["score_before"] = out["score"]
    out["retained_share"] = keep.to_numpy()
    out["displaced_usd"] = displaced
    out["absorbed_usd"] = absorbed
    out["score"] = out["score"].to_numpy() - displaced + absorbed
    out["expected_exports_usd"] = expected - displaced + absorbed
    out = out.sort_values(["score", "partner_iso3"], ascending=[False, True], kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    return out.reset_index(drop=True)
