from __future__ import annotations

import pandas as pd
import pytest

from exportpilot.markets.recommender import MarketRecommender
from exportpilot.markets.whatif import ELASTICITY, apply_scenario, retained_share


@pytest.fixture
def ranking() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "partner_iso3": ["USA", "CHN", "VNM"],
            "score": [30.0, 20.0, 10.0],
            "expected_exports_usd": [300.0, 100.0, 100.0],
        }
    )


class TestScenario:
    def test_retained_share(self) -> None:
        assert retained_share(0.0) == 1.0
        assert retained_share(25.0) == pytest.approx(1.25**-ELASTICITY)
        with pytest.raises(ValueError, match=">= 0"):
            retained_share(-1.0)

    def test_block_rehomes_the_displaced_value(self, ranking: pd.DataFrame) -> None:
        out = apply_scenario(ranking, block=["USA"]).set_index("partner_iso3")
        assert out.loc["USA", "displaced_usd"] == 300.0
        # 300 re-homed in proportion to expected exports (100 and 100).
        assert out.loc["CHN", "absorbed_usd"] == 150.0 and out.loc["VNM", "absorbed_usd"] == 150.0
        assert out.loc["USA", "score"] == 30.0 - 300.0
        assert list(out.index) == ["CHN", "VNM", "USA"]
        assert out.loc["USA", "rank_before"] == 1 and out.loc["USA", "rank"] == 3

    def test_tariff_uses_the_elasticity(self, ranking: pd.DataFrame) -> None:
        out = apply_scenario(ranking, tariff_increase={"USA": 10.0}, redirect_share=0.5).set_index(
            "partner_iso3"
        )
        lost = 300.0 * (1 - 1.1**-ELASTICITY)
        assert out.loc["USA", "displaced_usd"] == pytest.approx(lost)
        assert out.loc["CHN", "absorbed_usd"] == pytest.approx(0.5 * lost / 2)

    def test_unknown_partner(self, ranking: pd.DataFrame) -> None:
        with pytest.raises(ValueError, match="XYZ"):
            apply_scenario(ranking, block=["XYZ"])


def test_recommender_what_if_reranks(fitted_2012: MarketRecommender) -> None:
    rec = fitted_2012
    before = rec.rank("KOR", "Machines")
    leader = before.iloc[0]["partner_iso3"]
    after = rec.rank("KOR", "Machines", block=[leader])
    row = after.set_index("partner_iso3").loc[leader]
    assert row["rank_before"] == 1 and row["rank"] > 1
    assert row["displaced_usd"] == pytest.approx(before.iloc[0]["expected_exports_usd"])
    assert after["absorbed_usd"].sum() == pytest.approx(row["displaced_usd"])
    assert after.iloc[0]["partner_iso3"] != leader
