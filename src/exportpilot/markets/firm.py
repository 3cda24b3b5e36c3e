"""Market ranking for one firm (or one HS-coded product): its products' HS codes and its current markets.

A firm is not its country. Korea as a whole sells machines everywhere; a firm that sells pumps in Vietnam
and Thailand has a different next market. The firm's ranking starts from the country model and adds what is
known about the firm:

1. **Products → product groups.** Each product's HS code is placed in the trade data's product group
   (``markets.hs``); every product weighs the same.
2. **Country-level potential.** For each group, the recommender's expected gain for every partner, as a
   share of the exporter country's exports of the group (``gain share``: the growth the model expects per
   dollar already exported).
3. **HS4 demand mix.** Where the loaded data has imports by HS4 heading, each partner's share is multiplied
   by how much more (or less) of the product's heading it buys than the world does, relative to the whole
   group: ``(imports_j[hs4] / imports_j[group]) / (imports_world[hs4] / imports_world[group])``, clipped to
   ``DEMAND_MIX_BOUNDS``. A firm making chips is steered to chip importers within "Machines".
4. **Current position.** The markets the firm already sells in (``CompanyExportMarket``) are its current
   position: listed with their expected growth, never recommended as new markets.
5. **Nearby markets scored up.** A new market that borders, or lies within ``features.NEAR_KM`` of, one of
   the firm's current markets is multiplied by the snapshot's neighbour uplift, learned from the trade
   panel (``store.learn_neighbour_uplift``: exporters with few markets enter such markets about 1.8 times
   as often as comparable markets elsewhere).

The score is the expected yearly gain per dollar of current exports; ``expected_gain_usd`` scales it by the
firm's exports when they are known. A what-if (block a market, raise its tariff) re-ranks the list with the
rules of ``markets.whatif``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from exportpilot.markets import whatif
from exportpilot.markets.features import FEATURE_FAMILIES
from exportpilot.markets.hs import HSMatch, UnknownHSCode
from exportpilot.markets.store import MarketSnapshot

#: Bounds of the HS4 demand-mix factor.
DEMAND_MIX_BOUNDS = (0.2, 5.0)
#: Evidence columns taken from the country-level ranking of the firm's main product group.
EVIDENCE = [
    "import_demand_usd",
    "import_growth_3y",
    "exports_usd",
    "market_share",
    "distance_km",
    "rta",
    "korea_fta",
    "itc_potential_usd",
    "itc_untapped_usd",
    "density",
]
#: Score components charted per market (log points): the model's evidence families, then the firm's own.
COMPONENTS = [*(f"c_{f}" for f in FEATURE_FAMILIES), "c_hs4_demand", "c_near_current"]


class UnknownProductGroup(KeyError):
    """A product group the trade data does not have."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class NoExportsOfProduct(KeyError):
    """The exporter country has no exports of any of the product groups asked for."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


@dataclass
class FirmRanking:
    """A firm's (or a product's) ranked markets.

    Attributes
    ----------
    markets : pandas.DataFrame
        One row per partner (see ``rank_markets``), new markets first by rank, then current markets.
    products : list of HSMatch
        Where each HS code landed.
    groups : dict of str to float
        Product group → weight in the ranking.
    skipped_groups : list of str
        Groups without exports of the exporter country (left out).
    exporter : str
    as_of_year : int
    neighbour_uplift : float
    unit : str
        ``"usd"`` when ``expected_gain_usd`` is in US dollars, ``"share"`` when the firm's exports are
        unknown (the score is then per dollar of current exports).
    """

    markets: pd.DataFrame
    products: list[HSMatch]
    groups: dict[str, float]
    skipped_groups: list[str]
    exporter: str
    as_of_year: int
    neighbour_uplift: float
    unit: str
    current_markets: dict[str, float] = field(default_factory=dict)

    @property
    def new_markets(self) -> pd.DataFrame:
        """The recommended new markets, best first."""
        return self.markets[~self.markets["current"]].reset_index(drop=True)

    @property
    def current(self) -> pd.DataFrame:
        """The firm's current markets with their expected growth."""
        return self.markets[self.markets["current"]].reset_index(drop=True)


def demand_mix(snapshot: MarketSnapshot, hs4: str | None, group: str) -> pd.Series:
    """Return each importer's HS4 demand-mix factor for ``hs4`` within ``group`` (see the module docstring).

    Empty when the snapshot has no HS4 imports, or ``hs4`` is unknown to them (factor 1 everywhere).
    """
    table = snapshot.hs4_imports
    if table is None or hs4 is None:
        return pd.Series(dtype=np.float64)
    in_group = table[table["product_group"] == group]
    heading = in_group[in_group["hs4"] == hs4]
    if heading.empty:
        return pd.Series(dtype=np.float64)
    group_by_country = in_group.groupby("importer_iso3")["import_value_usd"].sum()
    heading_by_country = heading.groupby("importer_iso3")["import_value_usd"].sum()
    world = heading_by_country.sum() / group_by_country.sum()
    share = (heading_by_country / group_by_country).reindex(group_by_country.index).fillna(0.0)
    return (share / world).clip(*DEMAND_MIX_BOUNDS)


def _near_current(snapshot: MarketSnapshot, current: Iterable[str]) -> dict[str, list[str]]:
    """Return, for every country next to one of the ``current`` markets, those markets."""
    current = set(current)
    pairs = snapshot.neighbours
    pairs = pairs[pairs["neighbour_iso3"].isin(current)]
    near: dict[str, list[str]] = {}
    for country, market in zip(pairs["iso3"], pairs["neighbour_iso3"], strict=True):
        near.setdefault(str(country), []).append(str(market))
    return {k: sorted(v) for k, v in near.items()}


def rank_markets(
    snapshot: MarketSnapshot,
    *,
    hs_codes: Sequence[str] = (),
    groups: Sequence[str] = (),
    exporter: str = "KOR",
    current_markets: Mapping[str, float] | None = None,
    exports_usd: float | None = None,
    per_exporter_usd: bool = False,
    block: Iterable[str] = (),
    tariff_increase: Mapping[str, float] | None = None,
    elasticity: float = whatif.ELASTICITY,
) -> FirmRanking:
    """Rank partner markets for a firm's products (or one product), with the evidence.

    Parameters
    ----------
    snapshot : MarketSnapshot
        The saved market model (``store.current_snapshot()``).
    hs_codes : sequence of str
        The firm's products' HS codes (HS2 to HS10); each product weighs the same.
    groups : sequence of str
        Product groups asked for directly (each weighs as one product).
    exporter : str
        The firm's country (ISO3).
    current_markets : mapping of str to float, optional
        ISO3 → the firm's exports there (USD a year); these are its current position.
    exports_usd : float, optional
        The firm's yearly exports (for ``expected_gain_usd``); default: the sum of ``current_markets``.
    per_exporter_usd : bool
        Without a firm (a product of a country): express ``expected_gain_usd`` in the exporter country's
        exports of the product groups (the mean of the last three years, weighted like the products).
    block, tariff_increase, elasticity
        A what-if scenario (``markets.whatif.apply_scenario``): the result then has ``rank_before``,
        ``displaced_usd`` and ``absorbed_usd`` too.

    Returns
    -------
    FirmRanking
        ``markets`` has ``rank`` (new markets 1..n; current markets have none), ``partner_iso3``,
        ``current``, ``score``, ``expected_gain_usd``, ``firm_exports_usd``, ``near_current`` (the current
        markets it is next to), ``uplift``, ``demand_mix``, the country-level evidence (``EVIDENCE``) of the
        main group and the score components ``COMPONENTS``.

    Raises
    ------
    UnknownHSCode
        An HS code that cannot be placed.
    UnknownProductGroup
        A product group the trade data does not have.
    NoExportsOfProduct
        The exporter has no exports of any of the groups.
    ValueError
        No product at all, or a what-if names a market that is not in the ranking.
    """
    rec = snapshot.recommender
    current = {k.upper(): float(v) for k, v in (current_markets or {}).items() if v and v > 0}
    if not hs_codes and not groups:
        raise ValueError("no product: give HS codes or product groups")
    if hs_codes and snapshot.hs_map is None:
        raise UnknownHSCode("the loaded trade data has no HS4 → product group table; ask by product group")
    matches = snapshot.hs_map.match_all(hs_codes) if hs_codes and snapshot.hs_map is not None else []
    known_groups = set(map(str, rec.products_))
    for g in groups:
        if g not in known_groups:
            known = ", ".join(sorted(known_groups))
            raise UnknownProductGroup(f"unknown product group {g!r}; the trade data has: {known}")
    items: list[tuple[str, str | None]] = [(m.group, m.hs4) for m in matches] + [(g, None) for g in groups]
    weight = 1.0 / len(items)

    rankings: dict[str, pd.DataFrame] = {}
    skipped: list[str] = []
    for group in dict.fromkeys(g for g, _ in items):
        try:
            rankings[group] = rec.rank(exporter, group, explain=0, components=True).set_index("partner_iso3")
        except KeyError:
            skipped.append(group)
    if not rankings:
        names = ", ".join(sorted(set(skipped)))
        years = f"{rec.as_of_year_ - 2}–{rec.as_of_year_}"
        raise NoExportsOfProduct(f"{exporter} has no exports of {names} in {years} in the trade data")
    partners = sorted(set().union(*(r.index for r in rankings.values())) - {exporter})
    index = pd.Index(partners, name="partner_iso3")
    score = pd.Series(0.0, index=index)
    mix_log = pd.Series(0.0, index=index)
    comps = pd.DataFrame(0.0, index=index, columns=[f"c_{f}" for f in FEATURE_FAMILIES])
    group_weight: dict[str, float] = {}
    used = 0.0
    exporter_total = 0.0
    for group, hs4 in items:
        if group not in rankings:
            continue
        r = rankings[group].reindex(index)
        share = (r["score"] / r["exporter_total_usd"]).fillna(0.0)
        mix = demand_mix(snapshot, hs4, group).reindex(index).fillna(1.0)
        score += weight * share * mix
        mix_log += weight * np.log(mix)
        comps += weight * r[comps.columns].fillna(0.0)
        group_weight[group] = group_weight.get(group, 0.0) + weight
        used += weight
        exporter_total += weight * float(rankings[group]["exporter_total_usd"].iloc[0])
    score /= used
    mix_log /= used
    comps /= used
    main = max(group_weight, key=lambda g: (group_weight[g], g))
    evidence = rankings[main].reindex(index)[EVIDENCE]

    near = _near_current(snapshot, current)
    is_current = index.isin(list(current))
    near_lists = [", ".join(near.get(p, [])) if not c else "" for p, c in zip(index, is_current, strict=True)]
    uplift = np.where((~is_current) & np.array([bool(n) for n in near_lists]), snapshot.neighbour_uplift, 1.0)
    score = score * uplift
    total = float(exports_usd) if exports_usd else sum(current.values())
    if not total and per_exporter_usd:
        total = exporter_total / used
    unit = "usd" if total > 0 else "share"
    scale = total if total > 0 else 1.0

    out = pd.DataFrame(
        {
            "partner_iso3": index.to_numpy(),
            "current": is_current,
            "score": score.to_numpy(),
            "expected_gain_usd": score.to_numpy() * total if total > 0 else np.nan,
            "firm_exports_usd": [current.get(p, 0.0) for p in index],
            "near_current": near_lists,
            "uplift": uplift,
            "demand_mix": np.exp(mix_log.to_numpy()),
        }
    )
    for col in EVIDENCE:
        out[col] = evidence[col].to_numpy()
    for col in comps.columns:
        out[col] = comps[col].to_numpy()
    out["c_hs4_demand"] = mix_log.to_numpy()
    out["c_near_current"] = np.log(uplift)
    # The what-if rules work on expected exports: the firm's current exports plus the expected gain, in
    # the ranking's unit (USD, or shares of current exports when the firm's exports are unknown).
    out["expected_exports_usd"] = out["firm_exports_usd"] + out["score"] * scale
    out["score"] = out["score"] * scale
    out = out.sort_values(["score", "import_demand_usd", "partner_iso3"], ascending=[False, False, True])
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out = out.reset_index(drop=True)
    if block or tariff_increase:
        out = whatif.apply_scenario(out, block=block, tariff_increase=tariff_increase, elasticity=elasticity)
        out["rank_before"] = _new_market_rank(out, "score_before")
    out["score"] = out["score"] / scale
    if "score_before" in out:
        out["score_before"] = out["score_before"] / scale
    if total > 0:
        out["expected_gain_usd"] = out["score"] * total
    out["rank"] = _new_market_rank(out, "score")
    out = pd.concat(
        [out[~out["current"]].sort_values("rank"), out[out["current"]].sort_values("score", ascending=False)]
    ).reset_index(drop=True)
    return FirmRanking(
        markets=out,
        products=matches,
        groups=group_weight,
        skipped_groups=skipped,
        exporter=exporter,
        as_of_year=int(rec.as_of_year_),
        neighbour_uplift=float(snapshot.neighbour_uplift),
        unit=unit,
        current_markets=current,
    )


def _new_market_rank(frame: pd.DataFrame, by: str) -> pd.Series:
    """Rank the new (not current) markets by ``by``, best first; current markets get ``<NA>``."""
    new = ~frame["current"]
    order = frame.loc[new].sort_values(
        [by, "import_demand_usd", "partner_iso3"], ascending=[False, False, True], kind="stable"
    )
    rank = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    rank.loc[order.index] = np.arange(1, len(order) + 1)
    return rank
