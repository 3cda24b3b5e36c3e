from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from exportpilot.markets.features import FEATURES, build_features
from exportpilot.markets.recommender import MarketRecommender, NotEnoughHistory
from exportpilot.trade.panel import TradePanel
from exportpilot.trade.report import TradeDataError
from tests.markets.conftest import FAST


def _poisoned_copy(source: Path, target: Path, after: int) -> Path:
    """The same folder plus a later file that rewrites every year after ``after`` with garbage."""
    target.mkdir()
    for path in source.iterdir():
        (target / path.name).write_bytes(path.read_bytes())
    frame = pd.read_parquet(source / "bilateral_groups_1995_2015.parquet")
    future = frame[frame["year"] > after].copy()
    rng = np.random.default_rng(0)
    future["export_value_usd"] = rng.permutation(future["export_value_usd"].to_numpy()) * 1000
    future["import_value_usd"] = rng.permutation(future["import_value_usd"].to_numpy()) * 1000
    future.iloc[0, future.columns.get_loc("export_value_usd")] = -1.0  # would be rejected if it were read
    future.to_parquet(target / "bilateral_groups_zz_revised.parquet", index=False)
    rta = pd.read_parquet(source / "rta_in_force_1990_2020.parquet")
    rta.loc[rta["year"] > after, "rta"] = 1 - rta.loc[rta["year"] > after, "rta"]
    rta.to_parquet(target / "rta_in_force_1990_2020.parquet", index=False)
    return target


class TestMarketRecommender:
    def test_estimator_api(self) -> None:
        rec = MarketRecommender(n_estimators=10)
        assert rec.get_params()["n_estimators"] == 10
        assert clone(rec).get_params() == rec.get_params()
        with pytest.raises(RuntimeError, match="fit"):
            rec.rank("KOR", "Machines")

    def test_rank_with_evidence(self, fitted_2012: MarketRecommender) -> None:
        rec = fitted_2012
        assert rec.train_years_ == [2008, 2009] and rec.as_of_year_ == 2012
        assert rec.feature_importances_.sum() == pytest.approx(1.0)
        ranking = rec.rank("KOR", "Machines")
        assert ranking["rank"].tolist() == list(range(1, len(ranking) + 1))
        assert ranking["score"].is_monotonic_decreasing
        assert "KOR" not in set(ranking["partner_iso3"]) and len(ranking) > 30
        usa = ranking.set_index("partner_iso3").loc["USA"]
        assert usa["korea_fta"] == "Korea–US FTA (KORUS)" and bool(usa["rta"])
        assert usa["exports_usd"] > 1e9 and usa["distance_km"] > 9000
        assert usa["itc_potential_usd"] > 0 and isinstance(usa["drivers"], str)
        assert ranking["new_market"].dtype == bool

    def test_rank_all_contract_shape(self, fitted_2012: MarketRecommender) -> None:
        table = fitted_2012.rank_all(["KOR", "JPN"], top=5)
        assert list(table.columns) == ["exporter_iso3", "product", "rank", "partner_iso3", "score"]
        counts = table.groupby(["exporter_iso3", "product"]).size()
        assert (counts == 5).all() and len(counts) >= 40
        assert (
            table.groupby(["exporter_iso3", "product"])["score"]
            .apply(lambda s: s.is_monotonic_decreasing)
            .all()
        )

    def test_refuses_a_panel_with_data_after_the_as_of_year(self, small_panel: TradePanel) -> None:
        with pytest.raises(ValueError, match="after the as-of year"):
            MarketRecommender(as_of_year=2010, **FAST).fit(small_panel)
        with pytest.raises(NotEnoughHistory):
            MarketRecommender(as_of_year=1999, **FAST).fit(small_panel.restricted(1999))


class TestNoLeakage:
    def test_restricted_panel_holds_nothing_after_t(self, small_panel: TradePanel) -> None:
        cut = small_panel.restricted(2008)
        assert cut.last_year_seen() == 2008 and cut.years()[-1] == 2008

    def test_features_at_t_do_not_depend_on_later_years(self, small_panel: TradePanel) -> None:
        full = build_features(small_panel, [2008], exporters=["KOR"])
        cut = build_features(small_panel.restricted(2008), [2008], exporters=["KOR"])
        pd.testing.assert_frame_equal(full[FEATURES], cut[FEATURES])

    def test_scores_unchanged_when_every_later_year_is_garbage(
        self, small_trade_dir: Path, tmp_path: Path
    ) -> None:
        as_of = 2008
        clean = TradePanel.from_trade_dir(small_trade_dir, max_year=as_of)
        poisoned = TradePanel.from_trade_dir(
            _poisoned_copy(small_trade_dir, tmp_path / "p", as_of), max_year=as_of
        )
        assert poisoned.last_year_seen() == as_of
        a = MarketRecommender(as_of_year=as_of, **FAST).fit(clean).rank_all(["KOR", "CHL"], top=10)
        b = MarketRecommender(as_of_year=as_of, **FAST).fit(poisoned).rank_all(["KOR", "CHL"], top=10)
        pd.testing.assert_frame_equal(a, b)
        # The garbage is live: any reader that reaches past the as-of year trips on it.
        with pytest.raises(TradeDataError, match="negative"):
            TradePanel.from_trade_dir(tmp_path / "p", max_year=as_of + 1)


class TestListShareTarget:
    def test_scores_are_shares_of_the_lists_expected_total(self, fitted_2012: MarketRecommender) -> None:
        """Within a list the trees' shares sum to one; the list-level model gives the total in USD."""
        from exportpilot.markets.recommender import LIST_FEATURES

        frame = fitted_2012.candidates(["KOR", "JPN"])
        frame = frame.assign(share=fitted_2012.predict_gain_share(frame))
        for _, lst in frame.groupby(["exporter_id", "product_id"]):
            total = np.exp(
                fitted_2012.scale_booster_.predict(lst[LIST_FEATURES].to_numpy(np.float32), raw_score=True)
            )
            assert lst["share"].sum() == pytest.approx(total[0], rel=1e-6)
        np.testing.assert_allclose(frame["score"], frame["share"] * frame["s_mean"], rtol=1e-6)

    def test_the_older_target_still_fits(self, small_panel: TradePanel) -> None:
        rec = MarketRecommender(as_of_year=2012, target="exporter_share", **FAST).fit(
            small_panel.restricted(2012)
        )
        assert rec.scale_booster_ is None and rec.rank("KOR", "Machines")["score"].is_monotonic_decreasing
        with pytest.raises(ValueError, match="target"):
            MarketRecommender(as_of_year=2012, target="bogus", **FAST).fit(small_panel.restricted(2012))
