"""The market model that pages, endpoints and commands rank with: fitted once, read back per request.

Fitting the recommender on the whole panel takes about a minute, far too long for a web request, so the
model is fitted after each trade-data load (``exportpilot data load ots`` does it; ``exportpilot markets
fit`` re-does it) and saved to ``<var_dir>/markets/model/`` with

* the LightGBM trees, the scored candidates of every exporter × product group × partner at the panel's last
  year (``MarketRecommender.save``);
* ``hs4_group.parquet`` — HS4 heading → product group (``markets.hs``), so products' HS codes can be placed;
* ``hs4_imports.parquet`` — each country's imports by HS4 heading (the OTS reporter × HS4 totals), the
  finest demand the loaded data has, used to tilt a product group's ranking towards the markets that buy
  that heading;
* the **neighbour uplift** (``neighbour_uplift``), learned from the panel.

A request reads the saved folder (cached per process until the folder changes).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exportpilot.config import Settings, get_settings
from exportpilot.errors import Conflict
from exportpilot.markets.features import NEAR_KM, build_features
from exportpilot.markets.hs import HS4_GROUP_FILE, HSGroupMap
from exportpilot.markets.metrics import NEW_FROM_USD
from exportpilot.markets.recommender import MarketRecommender
from exportpilot.trade import checks, ots
from exportpilot.trade.panel import TradePanel

#: ``MarketRecommender`` parameters of the saved model (its own defaults; tests use fewer trees).
DEFAULT_PARAMS: dict[str, Any] = {}
#: Largest number of markets an exporter may serve to count as "firm-like" when the uplift is learned.
FEW_MARKETS = 20
#: A new market counts as entered when three-year mean exports reach this share of the exporter's exports.
ENTRY_SHARE = 0.01
#: Bounds of the learned uplift (1 = no effect; the stratified estimate on 2003 data was about 1.8).
UPLIFT_BOUNDS = (1.0, 3.0)


class NoTradeData(Conflict):
    """No trade data (or no market model) is loaded: the ranking cannot be computed yet."""


@dataclass
class MarketSnapshot:
    """A saved market model with the HS tables and the learned neighbour uplift.

    Attributes
    ----------
    recommender : MarketRecommender
        The fitted model (ranks the saved candidates).
    hs_map : HSGroupMap or None
        HS → product group; ``None`` when the loaded data had no HS4 table.
    hs4_imports : pandas.DataFrame or None
        ``year, importer_iso3, hs4, product_group, import_value_usd``.
    neighbours : pandas.DataFrame
        Country pairs that border or lie within ``features.NEAR_KM``: ``iso3, neighbour_iso3, dist_km,
        contig``.
    neighbour_uplift : float
        Factor by which a new market next to one of a firm's current markets is scored up.
    meta : dict
        What ``meta.json`` says (as-of year, training years, the uplift's evidence …).
    """

    recommender: MarketRecommender
    hs_map: HSGroupMap | None
    hs4_imports: pd.DataFrame | None
    neighbours: pd.DataFrame
    neighbour_uplift: float
    folder: Path
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def as_of_year(self) -> int:
        return int(self.recommender.as_of_year_)


def model_folder(settings: Settings | None = None) -> Path:
    """Return ``<var_dir>/markets/model``."""
    settings = settings or get_settings()
    return settings.var_dir / "markets" / "model"


# ---------------------------------------------------------------------------------------------- learning
def learn_neighbour_uplift(panel: TradePanel, *, as_of: int | None = None) -> tuple[float, dict[str, Any]]:
    """Learn how much likelier an exporter enters a market next to one it already sells in.

    Among exporters that serve at most ``FEW_MARKETS`` markets with a product (the country-level stand-in
    for a firm), every market they did not sell in at ``T-3`` (< USD 0.1 M a year) is *entered* if their
    mean exports there in ``T-2..T`` reach ``ENTRY_SHARE`` of their exports of the product. The uplift is
    the Mantel–Haenszel risk ratio of entering for markets that border, or lie within
    ``features.NEAR_KM`` of, a market the exporter already sells in, against the others — stratified by
    deciles of the market's distance from the exporter and of its import demand, so that it does not count
    again what the ranking already knows (near and big markets are entered more anyway). Clipped to
    ``UPLIFT_BOUNDS``. Only data up to ``as_of`` is used.

    Returns
    -------
    tuple of (float, dict)
        The uplift and its evidence (rows, strata, raw and stratified ratios).
    """
    as_of = int(as_of if as_of is not None else panel.max_year)
    t = as_of - 3
    if t - 3 < panel.years()[0]:
        return 1.0, {"note": f"not enough history before {as_of} to learn the uplift"}
    frame = build_features(panel, [t], with_target=True)
    frame = frame[(frame["s_n_markets"] <= FEW_MARKETS) & (frame["x_mean"] < NEW_FROM_USD)]
    if frame.empty:
        return 1.0, {"note": "no small exporter with new markets"}
    entered = (frame["future_mean"] >= ENTRY_SHARE * frame["s_mean"]).to_numpy(np.float64)
    near = ((frame["nb_contig_share"] > 0) | (frame["nb_near_share"] > 0)).to_numpy()
    distance = frame["dist_km"].fillna(frame["dist_km"].median())
    strata = pd.DataFrame(
        {
            "d": pd.qcut(distance, 10, labels=False, duplicates="drop"),
            "m": pd.qcut(np.log1p(frame["m0"]), 10, labels=False, duplicates="drop"),
            "near": near,
            "entered": entered,
        }
    )
    g = strata.groupby(["d", "m", "near"])["entered"].agg(["sum", "count"]).unstack("near", fill_value=0)
    a, n1 = g[("sum", True)], g[("count", True)]
    c, n0 = g[("sum", False)], g[("count", False)]
    n = n1 + n0
    ok = (n1 > 0) & (n0 > 0)
    num, den = float((a * n0 / n)[ok].sum()), float((c * n1 / n)[ok].sum())
    stratified = num / den if den > 0 else float("nan")
    raw_near, raw_far = float(entered[near].mean()), float(entered[~near].mean()) if (~near).any() else 0.0
    uplift = float(np.clip(stratified, *UPLIFT_BOUNDS)) if np.isfinite(stratified) else 1.0
    evidence = {
        "feature_year": t,
        "outcome_years": [t + 1, t + 3],
        "candidates": len(frame),
        "strata": int(ok.sum()),
        "entry_rate_near": round(raw_near, 5),
        "entry_rate_elsewhere": round(raw_far, 5),
        "raw_ratio": round(raw_near / raw_far, 3) if raw_far > 0 else None,
        "stratified_ratio": round(stratified, 3) if np.isfinite(stratified) else None,
    }
    return uplift, evidence


def build_snapshot(
    panel: TradePanel,
    folder: Path,
    *,
    hs_groups: pd.DataFrame | None = None,
    hs4_imports: pd.DataFrame | None = None,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
    source: str = "",
) -> MarketSnapshot:
    """Fit the recommender on ``panel`` (as of its last year), learn the uplift and save everything.

    Parameters
    ----------
    panel : TradePanel
    folder : Path
        Where to save (replaced atomically).
    hs_groups : pandas.DataFrame, optional
        ``hs4, product_group``.
    hs4_imports : pandas.DataFrame, optional
        ``year, importer_iso3, hs4, product_group, import_value_usd``.
    params : mapping, optional
        ``MarketRecommender`` parameters.
    progress : callable, optional
        Called with a short message before each step.
    source : str
        Where the data came from, recorded in ``meta.json``.
    """
    say = progress or (lambda _m: None)
    cut = None
    if panel.last_year_seen() > panel.max_year:
        # Context tables (agreements in force, GDP) may run past the last year of flows: leave them out.
        panel = cut = panel.restricted(panel.max_year)
    try:
        return _build(panel, folder, hs_groups, hs4_imports, params, say, source)
    finally:
        if cut is not None:
            cut.close()


def _build(
    panel: TradePanel,
    folder: Path,
    hs_groups: pd.DataFrame | None,
    hs4_imports: pd.DataFrame | None,
    params: Mapping[str, Any] | None,
    say: Callable[[str], None],
    source: str,
) -> MarketSnapshot:
    say(f"fitting the market recommender as of {panel.max_year}")
    rec = MarketRecommender(**{**DEFAULT_PARAMS, **dict(params or {})}).fit(panel)
    say("learning the neighbour uplift")
    uplift, evidence = learn_neighbour_uplift(panel, as_of=rec.as_of_year_)
    say("scoring every exporter × product × partner and saving")
    neighbours = panel.con.execute(
        f"""SELECT exporter_iso3 AS iso3, importer_iso3 AS neighbour_iso3, dist_km, contig FROM gravity
        WHERE (contig = 1 OR dist_km < {NEAR_KM}) AND exporter_iso3 <> importer_iso3 ORDER BY 1, 2"""
    ).df()
    rec.save(
        folder,
        extra_tables={"hs4_group": hs_groups, "hs4_imports": hs4_imports, "neighbours": neighbours},
        extra_meta={"neighbour_uplift": uplift, "neighbour_uplift_evidence": evidence, "source": source},
    )
    _cache.clear()
    return load_snapshot(folder)


def hs_tables_from_trade_dir(trade_dir: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Read the HS4 → group map and the latest reporter × HS4 imports of a trade folder (if it has them)."""
    trade_dir = Path(trade_dir)
    groups = None
    if (trade_dir / HS4_GROUP_FILE).is_file():
        groups = HSGroupMap.from_csv(trade_dir / HS4_GROUP_FILE).table
    files = sorted(trade_dir.glob("reporter_hs4_*.parquet"), key=lambda p: ots.hs4_year(p) or 0)
    imports = None
    if files:
        con = checks.connect()
        try:
            ots.stage_reporter_hs4(con, files[-1], table="reporter_hs4")
            imports = _hs4_imports(con)
        finally:
            con.close()
        if groups is None:
            groups = imports[["hs4", "product_group"]].drop_duplicates()
    return groups, imports


def _hs4_imports(con: Any) -> pd.DataFrame:
    return con.execute(
        """SELECT year, reporter_iso3 AS importer_iso3, hs4, product_group, import_value_usd
        FROM reporter_hs4
        WHERE hs4 IS NOT NULL AND hs4 <> '9999' AND import_value_usd > 0
          AND year = (SELECT max(year) FROM reporter_hs4)
        ORDER BY hs4, importer_iso3"""
    ).df()


def hs_tables_from_warehouse(warehouse: Any) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """Read the HS4 → group map and the latest reporter × HS4 imports from the warehouse (if loaded)."""
    tables = set(warehouse.tables())
    if "reporter_hs4" not in tables and "hs4_group" not in tables:
        return None, None
    con = warehouse.connect()
    try:
        imports = _hs4_imports(con) if "reporter_hs4" in tables else None
        if "hs4_group" in tables:
            groups = con.execute("SELECT hs4, product_group FROM hs4_group").df()
        else:
            groups = imports[["hs4", "product_group"]].drop_duplicates() if imports is not None else None
    finally:
        con.close()
    return groups, imports


def build_from_warehouse(
    warehouse: Any,
    folder: Path | None = None,
    *,
    params: Mapping[str, Any] | None = None,
    progress: Callable[[str], None] | None = None,
) -> MarketSnapshot:
    """Fit and save the market model from the warehouse's loaded tables.

    Raises
    ------
    NoTradeData
        The warehouse has no ``flows_group`` table.
    """
    if "flows_group" not in warehouse.tables():
        raise NoTradeData(NO_DATA_MESSAGE)
    say = progress or (lambda _m: None)
    say("reading the trade panel from the warehouse")
    panel = TradePanel.from_warehouse(warehouse)
    try:
        groups, imports = hs_tables_from_warehouse(warehouse)
        return build_snapshot(
            panel,
            folder or model_folder(),
            hs_groups=groups,
            hs4_imports=imports,
            params=params,
            progress=progress,
            source=f"warehouse {warehouse.root}",
        )
    finally:
        panel.close()


# ---------------------------------------------------------------------------------------------- reading
NO_DATA_MESSAGE = (
    "no trade data is loaded, so markets cannot be ranked yet: an administrator runs "
    "`exportpilot data load ots` (it reads EXPORTPILOT_SHARED_DATA/trade and builds the market model)"
)
NO_MODEL_MESSAGE = (
    "trade data is loaded but the market model is not built yet: run `exportpilot markets fit` "
    "(or `exportpilot data load ots` again)"
)

_cache: dict[Path, tuple[float, MarketSnapshot]] = {}
_lock = threading.Lock()


def load_snapshot(folder: Path) -> MarketSnapshot:
    """Read a saved snapshot (cached until its ``meta.json`` changes).

    Raises
    ------
    FileNotFoundError
        ``folder`` holds no saved model.
    """
    folder = Path(folder)
    meta_file = folder / "meta.json"
    if not meta_file.is_file():
        raise FileNotFoundError(f"no saved market model in {folder}")
    stamp = meta_file.stat().st_mtime
    with _lock:
        cached = _cache.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        rec = MarketRecommender.load(folder)
        meta = json.loads(meta_file.read_text())
        extra = meta.get("extra", {})
        groups_file, imports_file = folder / "hs4_group.parquet", folder / "hs4_imports.parquet"
        snapshot = MarketSnapshot(
            recommender=rec,
            hs_map=HSGroupMap(pd.read_parquet(groups_file)) if groups_file.is_file() else None,
            hs4_imports=pd.read_parquet(imports_file) if imports_file.is_file() else None,
            neighbours=pd.read_parquet(folder / "neighbours.parquet")
            if (folder / "neighbours.parquet").is_file()
            else pd.DataFrame(columns=["iso3", "neighbour_iso3", "dist_km", "contig"]),
            neighbour_uplift=float(extra.get("neighbour_uplift", 1.0)),
            folder=folder,
            meta=meta,
        )
        _cache[folder] = (stamp, snapshot)
        return snapshot


def current_snapshot(settings: Settings | None = None) -> MarketSnapshot:
    """Return the saved market model of this installation.

    Raises
    ------
    NoTradeData
        (409) Nothing is loaded, or the data is loaded but the model was not built; the message says which
        command to run.
    """
    settings = settings or get_settings()
    folder = model_folder(settings)
    try:
        return load_snapshot(folder)
    except FileNotFoundError:
        warehouse_flows = settings.var_dir / "warehouse" / "flows_group.parquet"
        raise NoTradeData(NO_MODEL_MESSAGE if warehouse_flows.is_file() else NO_DATA_MESSAGE) from None
