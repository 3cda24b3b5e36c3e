"""``MarketRecommender``: which partner countries will an exporter's sales of a product grow most in?

The model learns from history what predicts the **gain** in a market over the next three years,
``max(0, mean exports t+1..t+3 - mean exports t-2..t)``, from what is known at ``t`` (features in
``markets.features``: the exporter's position and momentum in the market, the market's import demand and
its growth, gravity, trade agreements, ITC Export Potential components, Atlas density, exports to the
market's neighbours).

How it learns, and why it cannot peek
-------------------------------------
For an as-of year ``T`` the training rows are candidates at years ``t <= T - 3``, so their targets use years
``<= T``; ranking uses features at ``T``. ``fit`` refuses a panel that holds any row after ``T`` (cut it with
``TradePanel.restricted(T)`` or read it with ``max_year=T``), so the boundary is enforced by the data the
model can reach, not by care in the code.

The model is a LightGBM ensemble of extremely randomised trees with a Tweedie loss (a zero-inflated,
right-skewed target: most markets gain nothing, a few gain a lot). It learns *where* an exporter's growth
in a product will go: each partner's share of the list's total gain (lists with real growth only), boosting
from the partner's current share of the exporter's exports (``init_score``), so the trees learn how growth
departs from "more of the same" rather than re-learning market size. NDCG judges each list on its own,
so this within-list target is what it rewards. A small list-level model of the total gain ÷ the exporter's
exports (*how much* growth) turns the shares, normalised within each list, back into USD a year.

Hyper-parameters (target, extra-trees, training years, tree count and size, row sampling) were chosen on
as-of years 2002 and 2003 only — outcomes up to 2006, before any year the back-test reports (2006, 2009,
2012) — with the back-test's own metrics; ``docs/benchmarks.md`` lists what was tried.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from exportpilot.markets import whatif
from exportpilot.markets.features import FEATURE_FAMILIES, FEATURES, build_features, dimension
from exportpilot.markets.metrics import NEW_FROM_USD, order_lists, rank_in_lists
from exportpilot.trade.panel import TradePanel

LIST_KEYS = ["exporter_id", "product_id"]
#: The exporter × product features (the same for every partner of a list) the list-level scale model uses.
LIST_FEATURES = [
    "s0_log",
    "s_growth3",
    "s_share_world",
    "s_share_world_growth3",
    "s_n_markets",
    "rca_log",
    "density",
    "e_log",
    "gdppc_i_log",
]


def _list_codes(frame: pd.DataFrame) -> np.ndarray:
    """Return one integer per list (feature year × exporter × product) of ``frame``'s rows."""
    t = frame["t"].to_numpy(np.int64) if "t" in frame else np.zeros(len(frame), dtype=np.int64)
    return (t * 100_000 + frame["exporter_id"].to_numpy(np.int64)) * 10_000 + frame["product_id"].to_numpy(
        np.int64
    )


def _list_sum(frame: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Return, for each row, the sum of ``values`` over the rows of its list."""
    _, inverse = np.unique(_list_codes(frame), return_inverse=True)
    return np.bincount(inverse, weights=values)[inverse]


def _list_firsts(frame: pd.DataFrame) -> np.ndarray:
    """Return the position of the first row of each list."""
    _, first = np.unique(_list_codes(frame), return_index=True)
    return np.sort(first)


class NotEnoughHistory(ValueError):
    """The panel does not reach far enough back to train for this as-of year."""


class MarketRecommender(BaseEstimator):
    """Rank partner markets for an exporter and a product, with the evidence behind each rank.

    Parameters
    ----------
    as_of_year : int, optional
        Last year of data the model may use; default: the panel's last year.
    train_years : int
        How many feature years (``T-3`` and earlier) to learn from.
    horizon : int
        Years ahead the target looks (3, as in the back-test).
    sample_inactive : float
        Fraction of training candidates without recent exports to the partner that are kept (weighted by
        the inverse); all active ones are kept.
    min_exporter_usd : float
        Training lists (exporter × product) with smaller mean exports are left out: their "growth" is noise.
    n_estimators, learning_rate, num_leaves, min_child_samples, colsample_bytree, subsample : LightGBM
        Tree-ensemble settings.
    share_offset : float
        Added to the market's share before the log that starts the boosting (so new markets have a finite
        prior).
    target_clip : float
        Gains above this multiple of the exporter's exports are clipped while training.
    target : {"list_share", "exporter_share"}
        What the trees learn. ``list_share``: each partner's share of the list's total gain (where the
        exporter's growth will go; lists whose gains sum to less than ``min_list_gain`` are left out), with
        a small list-level model of the total gain ÷ the exporter's exports (how much growth) giving the
        USD scale. ``exporter_share``: the gain ÷ the exporter's exports directly.
    min_list_gain : float
        With ``list_share``: lists with less total gain (USD a year) do not train the allocation model.
    extra_trees : bool
        LightGBM's extremely randomised trees (random split thresholds): less variance, faster.
    n_jobs : int
        Threads.
    random_state : int
        Seed of the row sample and of LightGBM.

    Attributes
    ----------
    booster_ : lightgbm.Booster
        The fitted model (with ``list_share``: of each partner's share of the list's gain).
    scale_booster_ : lightgbm.Booster or None
        With ``list_share``: the list-level model of total gain ÷ the exporter's exports.
    as_of_year_ : int
    train_years_ : list of int
        Feature years the model learnt from.
    n_train_rows_ : int
    feature_names_ : list of str
    feature_importances_ : pandas.Series
        Share of the total split gain per feature.
    countries_, products_ : numpy.ndarray
        Country and product codes, indexed by the integer ids of the feature frames.
    korea_fta_ : pandas.DataFrame
        Korea's FTAs (``partner_iso3, agreement, year_in_force``), for the evidence.
    panel_ : TradePanel or None
        The data the model ranks with (nothing after ``as_of_year_``); ``None`` for a model read back with
        ``load``, which ranks the candidates saved with it.

    Examples
    --------
    >>> panel = TradePanel.from_trade_dir(trade_dir, max_year=2012)  # doctest: +SKIP
    >>> rec = MarketRecommender().fit(panel)  # doctest: +SKIP
    >>> rec.rank("KOR", "Machines", top=10)  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        as_of_year: int | None = None,
        train_years: int = 2,
        horizon: int = 3,
        sample_inactive: float = 0.05,
        min_exporter_usd: float = 1_000_000.0,
        n_estimators: int = 150,
        learning_rate: float = 0.1,
        num_leaves: int = 31,
        min_child_samples: int = 100,
        colsample_bytree: float = 0.8,
        subsample: float = 0.5,
        share_offset: float = 1e-3,
        target_clip: float = 5.0,
        target: str = "list_share",
        min_list_gain: float = 1_000_000.0,
        extra_trees: bool = True,
        n_jobs: int = 2,
        random_state: int = 0,
    ) -> None:
        self.as_of_year = as_of_year
        self.train_years = train_years
        self.horizon = horizon
        self.sample_inactive = sample_inactive
        self.min_exporter_usd = min_exporter_usd
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.colsample_bytree = colsample_bytree
        self.subsample = subsample
        self.share_offset = share_offset
        self.target_clip = target_clip
        self.target = target
        self.min_list_gain = min_list_gain
        self.extra_trees = extra_trees
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------------ learning
    def fit(self, X: TradePanel, y: None = None) -> MarketRecommender:
        """Learn from the panel's history up to the as-of year.

        Parameters
        ----------
        X : TradePanel
            Flows and context; it must not hold any year after ``as_of_year``.
        y : None
            Unused (the targets come from the panel's later years).

        Returns
        -------
        MarketRecommender
            ``self``.

        Raises
        ------
        ValueError
            The panel holds data after ``as_of_year``.
        NotEnoughHistory
            Fewer than ``horizon + 4`` years of data before ``as_of_year``.
        """
        panel = X
        as_of = int(self.as_of_year if self.as_of_year is not None else panel.max_year)
        last_seen = panel.last_year_seen()
        if last_seen > as_of:
            raise ValueError(
                f"the panel holds data up to {last_seen}, after the as-of year {as_of}: "
                f"cut it with panel.restricted({as_of})"
            )
        years = panel.years()
        first_feature_year = years[0] + 3  # features need t-3
        last_feature_year = as_of - self.horizon
        train = [
            y
            for y in range(
                max(first_feature_year, last_feature_year - self.train_years + 1), last_feature_year + 1
            )
            if y in years
        ]
        if not train:
            raise NotEnoughHistory(
                f"as-of {as_of} needs data from {as_of - self.horizon - 3} on; the panel starts in {years[0]}"
            )
        frame = build_features(
            panel,
            train,
            with_target=True,
            sample_inactive=self.sample_inactive,
            min_exporter_usd=self.min_exporter_usd,
            seed=self.random_state,
        )
        if frame.empty:
            raise NotEnoughHistory(f"no exporter sold more than {self.min_exporter_usd:,.0f} USD in {train}")
        if self.target not in ("list_share", "exporter_share"):
            raise ValueError(f"target must be 'list_share' or 'exporter_share', not {self.target!r}")
        self.scale_booster_: lgb.Booster | None = None
        if self.target == "list_share":
            gain = frame["gain"].to_numpy(np.float64)
            total = _list_sum(frame, gain * frame["weight"].to_numpy(np.float64))
            self.scale_booster_ = self._fit_scale(frame, total)
            keep = total >= self.min_list_gain
            if not keep.any():
                raise NotEnoughHistory(f"no list gained {self.min_list_gain:,.0f} USD a year after {train}")
            frame = frame.loc[keep].reset_index(drop=True)
            target = gain[keep] / total[keep]
        else:
            target = np.minimum(
                frame["gain"].to_numpy(np.float64) / frame["s_mean"].to_numpy(np.float64), self.target_clip
            )
        data = lgb.Dataset(
            frame[FEATURES].to_numpy(np.float32),
            label=target,
            weight=frame["weight"].to_numpy(np.float64),
            init_score=self._offset(frame),
            feature_name=FEATURES,
            free_raw_data=True,
        )
        params = {
            "objective": "tweedie",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": self.colsample_bytree,
            "bagging_fraction": self.subsample,
            "bagging_freq": 1 if self.subsample < 1.0 else 0,
            "max_bin": 63,
            "force_col_wise": True,
            "extra_trees": bool(self.extra_trees),
            "num_threads": self.n_jobs,
            "seed": self.random_state,
            "deterministic": True,
            "verbose": -1,
        }
        self.booster_ = lgb.train(params, data, num_boost_round=self.n_estimators)
        self.as_of_year_ = as_of
        self.train_years_ = train
        self.n_train_rows_ = len(frame)
        self.feature_names_ = list(FEATURES)
        gains = self.booster_.feature_importance("gain")
        self.feature_importances_ = pd.Series(gains / max(gains.sum(), 1e-12), index=FEATURES).sort_values(
            ascending=False
        )
        self.level_ = panel.level
        self.countries_ = dimension(panel, "country")
        self.products_ = dimension(panel, "product")
        self.korea_fta_ = panel.con.execute(
            "SELECT partner_iso3, agreement, year_in_force FROM korea_fta ORDER BY 1, 3"
        ).df()
        self.panel_: TradePanel | None = panel
        self._candidates: pd.DataFrame | None = None
        self._candidate_file: Path | None = None
        return self

    def _fit_scale(self, frame: pd.DataFrame, total: np.ndarray) -> lgb.Booster:
        """Learn each list's total gain ÷ the exporter's exports from the exporter's list-level features."""
        first = _list_firsts(frame)
        lists = frame.iloc[first]
        label = np.minimum(total[first] / lists["s_mean"].to_numpy(np.float64), self.target_clip)
        params = {
            "objective": "tweedie",
            "learning_rate": 0.05,
            "num_leaves": 15,
            "min_data_in_leaf": 50,
            "max_bin": 63,
            "num_threads": self.n_jobs,
            "seed": self.random_state,
            "deterministic": True,
            "verbose": -1,
        }
        data = lgb.Dataset(lists[LIST_FEATURES].to_numpy(np.float32), label=label, feature_name=LIST_FEATURES)
        return lgb.train(params, data, num_boost_round=100)

    def _offset(self, frame: pd.DataFrame) -> np.ndarray:
        return np.log(frame["share_of_exporter"].to_numpy(np.float64) + self.share_offset)

    def _check_fitted(self) -> None:
        if not hasattr(self, "booster_"):
            raise RuntimeError("call fit() first")

    # ------------------------------------------------------------------ scoring
    def predict_gain_share(self, frame: pd.DataFrame) -> np.ndarray:
        """Return the expected gain of each candidate as a share of the exporter's exports of the product.

        Parameters
        ----------
        frame : pandas.DataFrame
            Candidates from ``markets.features.build_features`` at the as-of year. With the ``list_share``
            target every list (exporter × product) must be complete: each partner's predicted share is
            normalised within its list, then multiplied by the list's predicted total.
        """
        self._check_fitted()
        raw = self.booster_.predict(
            frame[FEATURES].to_numpy(np.float32), raw_score=True, num_threads=self.n_jobs
        )
        share = np.exp(raw + self._offset(frame))
        if self.scale_booster_ is None:
            return share
        share = share / _list_sum(frame, share)
        total = np.exp(
            self.scale_booster_.predict(
                frame[LIST_FEATURES].to_numpy(np.float32), raw_score=True, num_threads=self.n_jobs
            )
        )
        return share * total

    def predict_gain(self, frame: pd.DataFrame) -> np.ndarray:
        """Return the expected gain of each candidate in USD a year (the ranking score)."""
        return self.predict_gain_share(frame) * frame["s_mean"].to_numpy(np.float64)

    def candidates(
        self, exporters: Sequence[str] | None = None, products: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Return the candidate markets at the as-of year with features and the model's score.

        Parameters
        ----------
        exporters, products : sequence of str, optional
            Restrict to these exporters / products; default: all with exports in the last three years.
        """
        self._check_fitted()
        if exporters is None and products is None and self._candidates is not None:
            return self._candidates
        if self.panel_ is None:
            return self._saved_candidates(exporters, products)
        frame = build_features(self.panel_, [self.as_of_year_], exporters=exporters, products=products)
        frame["score"] = self.predict_gain(frame)
        if exporters is None and products is None:
            self._candidates = frame
        return frame

    def rank_all(
        self,
        exporters: Sequence[str] | None = None,
        products: Sequence[str] | None = None,
        *,
        top: int | None = 20,
    ) -> pd.DataFrame:
        """Rank partners for every exporter × product that has exports.

        Returns
        -------
        pandas.DataFrame
            ``exporter_iso3, product, rank, partner_iso3, score`` (rank 1 = best; score = expected gain in
            USD a year), ordered by exporter, product and rank.
        """
        frame = self.candidates(exporters, products)
        score = frame["score"].to_numpy()
        rank = rank_in_lists(frame, LIST_KEYS, order_lists(frame, LIST_KEYS, score, frame["m0"].to_numpy()))
        keep = rank < top if top is not None else np.ones(len(frame), dtype=bool)
        out = frame.loc[keep, ["exporter_id", "product_id", "importer_id", "score"]].copy()
        out["rank"] = rank[keep] + 1
        countries, product_names = self.countries_, self.products_
        result = pd.DataFrame(
            {
                "exporter_iso3": countries[out["exporter_id"].to_numpy()],
                "product": product_names[out["product_id"].to_numpy()],
                "rank": out["rank"].to_numpy(np.int32),
                "partner_iso3": countries[out["importer_id"].to_numpy()],
                "score": out["score"].to_numpy(np.float64),
            }
        )
        return result.sort_values(["exporter_iso3", "product", "rank"], kind="stable").reset_index(drop=True)

    def rank(
        self,
        exporter: str = "KOR",
        product: str | None = None,
        *,
        top: int | None = None,
        block: Iterable[str] = (),
        tariff_increase: Mapping[str, float] | None = None,
        elasticity: float = whatif.ELASTICITY,
        explain: int = 3,
        components: bool = False,
    ) -> pd.DataFrame:
        """Rank every partner market for one exporter and product, with the evidence.

        Parameters
        ----------
        exporter : str
            ISO3 code of the exporting country (Korea by default).
        product : str, optional
            Product at the panel's level (a product group); default: the exporter's largest export.
        top : int, optional
            Keep the best ``top`` partners.
        block, tariff_increase, elasticity
            A what-if scenario (see ``markets.whatif.apply_scenario``); the result then also has
            ``rank_before``, ``score_before``, ``displaced_usd`` and ``absorbed_usd``.
        explain : int
            How many of the strongest feature contributions to list per market in ``drivers``.
        components : bool
            Add ``c_<family>`` columns: how much each family of evidence (``features.FEATURE_FAMILIES``)
            moves the market's log score, and ``c_base`` (the model's average plus the market's current
            share of the exporter's exports, the start of the boosting).

        Returns
        -------
        pandas.DataFrame
            One row per partner: ``rank, partner_iso3, score`` (expected gain, USD a year),
            ``expected_exports_usd``, ``exports_usd`` (as-of year), ``exports_mean_usd`` (last three years),
            ``exporter_total_usd`` (the exporter's mean exports of the product, last three years),
            ``share_of_exporter``, ``market_share``, ``import_demand_usd``, ``import_growth_3y``,
            ``distance_km``, ``rta``, ``korea_fta``, ``itc_supply``, ``itc_demand_usd``, ``itc_ease``,
            ``itc_potential_usd``, ``itc_untapped_usd``, ``density``, ``new_market``, ``drivers``.

        Raises
        ------
        KeyError
            The exporter has no exports of the product in the last three years.
        """
        self._check_fitted()
        if product is None:
            product = self._largest_product(exporter)
        frame = self.candidates([exporter], [product])
        if frame.empty:
            raise KeyError(
                f"{exporter} has no exports of {product!r} in {self.as_of_year_ - 2}–{self.as_of_year_}"
            )
        frame = self.decode(frame)
        out = self._evidence(frame, explain=explain)
        if components:
            contrib = self.contributions(frame)
            for family, names in FEATURE_FAMILIES.items():
                out[f"c_{family}"] = contrib[names].sum(axis=1).to_numpy()
            out["c_base"] = contrib["bias"].to_numpy() + self._offset(frame)
        out = out.sort_values(["score", "import_demand_usd", "partner_iso3"], ascending=[False, False, True])
        out.insert(0, "rank", np.arange(1, len(out) + 1))
        out = out.reset_index(drop=True)
        if block or tariff_increase:
            out = whatif.apply_scenario(
                out, block=block, tariff_increase=tariff_increase, elasticity=elasticity
            )
        return out.head(top) if top is not None else out

    def _largest_product(self, exporter: str) -> str:
        if self.panel_ is not None:
            row = self.panel_.con.execute(
                "SELECT product FROM flows WHERE exporter = ? AND year = ? "
                "GROUP BY product ORDER BY sum(value) DESC "
                "LIMIT 1",
                [exporter, self.as_of_year_],
            ).fetchall()
            if not row:
                raise KeyError(f"{exporter} has no exports in {self.as_of_year_}")
            return str(row[0][0])
        frame = self._saved_candidates([exporter], None, columns=["product_id", "s0_log"])
        if frame.empty:
            raise KeyError(f"{exporter} has no exports in {self.as_of_year_ - 2}–{self.as_of_year_}")
        return str(self.products_[int(frame.loc[frame["s0_log"].idxmax(), "product_id"])])

    def exporter_products(self, exporter: str) -> list[str]:
        """Return the products the exporter has exports of in the last three years (the lists it can rank)."""
        self._check_fitted()
        if self.panel_ is not None:
            rows = self.panel_.con.execute(
                "SELECT DISTINCT product FROM flows WHERE exporter = ? AND year BETWEEN ? AND ? ORDER BY 1",
                [exporter, self.as_of_year_ - 2, self.as_of_year_],
            ).fetchall()
            return [str(r[0]) for r in rows]
        frame = self._saved_candidates([exporter], None, columns=["DISTINCT product_id"])
        return sorted(str(self.products_[i]) for i in frame["product_id"].to_numpy())

    def decode(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return ``frame`` with ``product, exporter, importer`` code columns added from their ids."""
        out = frame.copy()
        out["product"] = self.products_[out["product_id"].to_numpy()]
        out["exporter"] = self.countries_[out["exporter_id"].to_numpy()]
        out["importer"] = self.countries_[out["importer_id"].to_numpy()]
        return out

    def _evidence(self, frame: pd.DataFrame, *, explain: int) -> pd.DataFrame:
        in_force = self.korea_fta_[self.korea_fta_["year_in_force"] <= self.as_of_year_]
        fta = (
            in_force.groupby("partner_iso3", sort=True)["agreement"]
            .agg("; ".join)
            .rename("korea_fta")
            .reset_index()
        )
        m3 = frame["m3"].to_numpy(np.float64)
        out = pd.DataFrame(
            {
                "partner_iso3": frame["importer"].to_numpy(),
                "score": frame["score"].to_numpy(np.float64),
                "expected_exports_usd": frame["x_mean"].to_numpy(np.float64)
                + frame["score"].to_numpy(np.float64),
                "exports_usd": frame["x0"].to_numpy(np.float64),
                "exports_mean_usd": frame["x_mean"].to_numpy(np.float64),
                "exporter_total_usd": frame["s_mean"].to_numpy(np.float64),
                "share_of_exporter": frame["share_of_exporter"].to_numpy(np.float64),
                "market_share": frame["share_of_market"].to_numpy(np.float64),
                "import_demand_usd": frame["m0"].to_numpy(np.float64),
                "import_growth_3y": np.where(
                    m3 > 0, frame["m0"].to_numpy(np.float64) / np.where(m3 > 0, m3, 1) - 1, np.nan
                ),
                "distance_km": frame["dist_km"].to_numpy(np.float64),
                "rta": frame["rta"].to_numpy() > 0,
                "itc_supply": frame["itc_supply"].to_numpy(np.float64),
                "itc_demand_usd": frame["itc_demand"].to_numpy(np.float64),
                "itc_ease": frame["itc_ease"].to_numpy(np.float64),
                "itc_potential_usd": frame["itc_potential"].to_numpy(np.float64),
                "itc_untapped_usd": frame["itc_untapped"].to_numpy(np.float64),
                "density": frame["density"].to_numpy(np.float64),
                "new_market": frame["x_mean"].to_numpy(np.float64) < NEW_FROM_USD,
            }
        )
        korea = frame["exporter"].to_numpy() == "KOR"
        names = out["partner_iso3"].map(dict(zip(fta["partner_iso3"], fta["korea_fta"], strict=True)))
        out["korea_fta"] = np.where(korea, names, None)
        if explain:
            raw = self.booster_.predict(
                frame[FEATURES].to_numpy(np.float32), pred_contrib=True, num_threads=self.n_jobs
            )
            contrib = np.asarray(raw)[:, :-1]  # the last column is the bias
            order = np.argsort(-np.abs(contrib), axis=1)[:, :explain]
            out["drivers"] = [
                ", ".join(f"{FEATURES[j]} {contrib[i, j]:+.2f}" for j in row) for i, row in enumerate(order)
            ]
        return out

    def get_feature_names_out(self) -> list[str]:
        """Return the names of the features the model uses."""
        return list(FEATURES)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Return each feature's contribution to each candidate's log score (SHAP values of the trees).

        The log of a candidate's score is ``log(share + share_offset) + bias + sum(contributions) +
        log(exporter's exports)``: the columns say how much each feature moved it from the model's average.

        Parameters
        ----------
        frame : pandas.DataFrame
            Candidates (e.g. from ``candidates``).

        Returns
        -------
        pandas.DataFrame
            One column per feature plus ``bias``, indexed like ``frame``.
        """
        self._check_fitted()
        raw = self.booster_.predict(
            frame[FEATURES].to_numpy(np.float32), pred_contrib=True, num_threads=self.n_jobs
        )
        return pd.DataFrame(np.asarray(raw), columns=[*FEATURES, "bias"], index=frame.index)

    # ------------------------------------------------------------------ persistence
    def save(
        self,
        folder: Path,
        *,
        extra_tables: Mapping[str, pd.DataFrame | None] | None = None,
        extra_meta: Mapping[str, Any] | None = None,
    ) -> Path:
        """Write the fitted model and its scored candidates to ``folder`` (atomically); return the folder.

        ``folder`` receives ``model.txt`` (the LightGBM trees), ``candidates.parquet`` (every exporter ×
        product × partner at the as-of year with its features and score) and ``meta.json`` (parameters,
        learned attributes, code dictionaries). ``load`` reads it back and ranks without the panel, so a web
        request answers in milliseconds instead of re-fitting.

        Parameters
        ----------
        folder : Path
            Replaced as a whole: a reader sees the old model or the new one, never a mix.
        extra_tables : mapping of str to pandas.DataFrame, optional
            More tables to keep with the model, written as ``<name>.parquet`` (``None`` values skipped).
        extra_meta : mapping, optional
            More JSON-serialisable entries for ``meta.json`` (under ``"extra"``).
        """
        self._check_fitted()
        folder = Path(folder)
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.tmp")
        tmp.mkdir()
        try:
            self.booster_.save_model(str(tmp / "model.txt"))
            if self.scale_booster_ is not None:
                self.scale_booster_.save_model(str(tmp / "scale_model.txt"))
            frame = self.candidates()
            frame.to_parquet(tmp / "candidates.parquet", index=False, row_group_size=100_000)
            meta = {
                "params": self.get_params(),
                "as_of_year": self.as_of_year_,
                "train_years": self.train_years_,
                "n_train_rows": self.n_train_rows_,
                "feature_names": self.feature_names_,
                "feature_importances": self.feature_importances_.to_dict(),
                "countries": [str(c) for c in self.countries_],
                "products": [str(p) for p in self.products_],
                "korea_fta": self.korea_fta_.to_dict(orient="records"),
                "level": self.level_,
                "extra": dict(extra_meta or {}),
            }
            for name, table in (extra_tables or {}).items():
                if table is not None:
                    table.to_parquet(tmp / f"{name}.parquet", index=False)
            (tmp / "meta.json").write_text(json.dumps(meta, indent=1, default=_json_default))
            old = folder.with_name(f".{folder.name}.{uuid.uuid4().hex}.old")
            if folder.exists():
                os.replace(folder, old)
            os.replace(tmp, folder)
            _remove_tree(old)
        finally:
            _remove_tree(tmp)
        return folder

    @classmethod
    def load(cls, folder: Path) -> MarketRecommender:
        """Read a model written by ``save``; it ranks the saved candidates (``panel_`` is ``None``).

        Raises
        ------
        FileNotFoundError
            ``folder`` does not hold a saved model.
        """
        folder = Path(folder)
        meta_file = folder / "meta.json"
        if not meta_file.is_file() or not (folder / "model.txt").is_file():
            raise FileNotFoundError(f"no saved market model in {folder}")
        meta = json.loads(meta_file.read_text())
        rec = cls(**meta["params"])
        rec.booster_ = lgb.Booster(model_file=str(folder / "model.txt"))
        scale = folder / "scale_model.txt"
        rec.scale_booster_ = lgb.Booster(model_file=str(scale)) if scale.is_file() else None
        rec.as_of_year_ = int(meta["as_of_year"])
        rec.train_years_ = [int(y) for y in meta["train_years"]]
        rec.n_train_rows_ = int(meta["n_train_rows"])
        rec.feature_names_ = list(meta["feature_names"])
        rec.feature_importances_ = pd.Series(meta["feature_importances"], dtype=np.float64)
        rec.countries_ = np.array(meta["countries"], dtype=object)
        rec.products_ = np.array(meta["products"], dtype=object)
        rec.korea_fta_ = pd.DataFrame(
            meta["korea_fta"], columns=["partner_iso3", "agreement", "year_in_force"]
        )
        rec.level_ = str(meta.get("level", "group"))
        rec.panel_ = None
        rec._candidates = None
        rec._candidate_file = folder / "candidates.parquet"
        return rec

    @staticmethod
    def _ids(codes: np.ndarray, wanted: Sequence[str]) -> list[int]:
        index = {str(c): i for i, c in enumerate(codes)}
        return [index[w] for w in wanted if w in index]

    def _saved_candidates(
        self,
        exporters: Sequence[str] | None,
        products: Sequence[str] | None,
        *,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Read the saved candidates of these exporters and products (a filtered Parquet scan)."""
        if self._candidate_file is None:
            raise RuntimeError("this model has neither a panel nor saved candidates")
        where = ["true"]
        for column, codes, wanted in (
            ("exporter_id", self.countries_, exporters),
            ("product_id", self.products_, products),
        ):
            if wanted is not None:
                ids = self._ids(codes, wanted)
                where.append(f"{column} IN ({', '.join(str(i) for i in ids) or 'NULL'})")
        cols = ", ".join(columns) if columns else "*"
        con = duckdb.connect()
        try:
            path = str(self._candidate_file).replace("'", "''")
            frame = con.execute(f"SELECT {cols} FROM read_parquet('{path}') WHERE {' AND '.join(where)}").df()
        finally:
            con.close()
        return frame


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def _remove_tree(path: Path) -> None:
    if not path.exists():
        return
    for child in path.iterdir():
        child.unlink()
    path.rmdir()
