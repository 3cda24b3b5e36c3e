"""Firm-level ranking: HS codes → product groups, current markets, nearby markets, HS4 demand mix."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from exportpilot.markets.firm import (
    COMPONENTS,
    NoExportsOfProduct,
    UnknownProductGroup,
    demand_mix,
    rank_markets,
)
from exportpilot.markets.hs import HSGroupMap, UnknownHSCode
from exportpilot.markets.store import MarketSnapshot, load_snapshot


@pytest.fixture(scope="module")
def snapshot(small_snapshot_dir: Path) -> MarketSnapshot:
    return load_snapshot(small_snapshot_dir)


class TestHSGroupMap:
    def test_levels_and_fallbacks(self, shared_trade: Path) -> None:
        hs = HSGroupMap.from_csv(shared_trade / "hs4_to_product_group.csv")
        chips = hs.match("8542.31")
        assert (chips.code, chips.hs4, chips.group, chips.via) == ("854231", "8542", "Machines", "hs4")
        assert hs.match("0306").group == "Animal Products"
        # A heading created after the OTS nomenclature (HS 2022's e-waste) falls back on its chapter.
        assert hs.match("854900").via == "chapter" and hs.match("854900").group == "Machines"
        assert hs.match("03").hs4 is None and hs.match("03").group == "Animal Products"
        assert hs.match("8542310000").hs4 == "8542"  # a Korean HSK code
        for bad in ("7777", "85A2", "123", ""):
            with pytest.raises(UnknownHSCode):
                hs.match(bad)

    def test_a_heading_in_two_groups_goes_to_the_first(self) -> None:
        table = pd.DataFrame({"hs4": ["9999", "9999", "0101"], "product_group": ["Zeta", "Alpha", "Animals"]})
        assert HSGroupMap(table).match("9999").group == "Alpha"


class TestRankMarkets:
    def test_product_of_a_country(self, snapshot: MarketSnapshot) -> None:
        ranking = rank_markets(snapshot, groups=["Machines"], per_exporter_usd=True)
        frame = ranking.markets
        assert ranking.unit == "usd" and not frame["current"].any()
        assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
        assert frame["score"].is_monotonic_decreasing and "KOR" not in set(frame["partner_iso3"])
        # Without an HS4 heading the ranking is the country model's, scaled to Korea's exports of the group.
        country = snapshot.recommender.rank("KOR", "Machines")
        assert frame["partner_iso3"].tolist() == country["partner_iso3"].tolist()
        np.testing.assert_allclose(frame["expected_gain_usd"], country["score"], rtol=1e-6)
        assert set(COMPONENTS) <= set(frame.columns)

    def test_hs4_demand_mix_tilts_the_group(self, snapshot: MarketSnapshot) -> None:
        mix = demand_mix(snapshot, "8542", "Machines")
        assert mix.between(0.2, 5.0).all() and mix.max() > 1.5 and mix.min() < 0.7
        chips = rank_markets(snapshot, hs_codes=["854231"]).markets.set_index("partner_iso3")
        group = rank_markets(snapshot, groups=["Machines"]).markets.set_index("partner_iso3")
        for partner in ("HKG", "USA"):
            expected = group.loc[partner, "score"] * mix.get(partner, 1.0)
            assert chips.loc[partner, "score"] == pytest.approx(expected, rel=1e-6)
            assert chips.loc[partner, "c_hs4_demand"] == pytest.approx(np.log(mix.get(partner, 1.0)))

    def test_current_markets_are_the_position_not_new_markets(self, snapshot: MarketSnapshot) -> None:
        ranking = rank_markets(
            snapshot, hs_codes=["854231", "841370"], current_markets={"VNM": 300_000, "THA": 100_000}
        )
        assert ranking.groups == {"Machines": 1.0} and ranking.unit == "usd"
        current = ranking.current
        assert set(current["partner_iso3"]) == {"VNM", "THA"} and current["rank"].isna().all()
        new = ranking.new_markets
        assert not ({"VNM", "THA"} & set(new["partner_iso3"]))
        assert new["rank"].tolist() == list(range(1, len(new) + 1))
        assert current.set_index("partner_iso3").loc["VNM", "firm_exports_usd"] == 300_000
        np.testing.assert_allclose(new["expected_gain_usd"], new["score"] * 400_000)

    def test_markets_next_to_current_ones_are_scored_up(self, snapshot: MarketSnapshot) -> None:
        boosted = dataclasses.replace(snapshot, neighbour_uplift=1.8)
        plain = rank_markets(boosted, groups=["Machines"]).markets.set_index("partner_iso3")
        firm = rank_markets(boosted, groups=["Machines"], current_markets={"VNM": 1e6}).markets
        firm = firm.set_index("partner_iso3")
        # Thailand, Malaysia … lie within 1,500 km of Vietnam (or border it); the US does not.
        near = firm[firm["near_current"] != ""]
        assert {"THA", "MYS"} <= set(near.index) and "USA" not in near.index
        for partner in ("THA", "USA"):
            factor = 1.8 if partner in near.index else 1.0
            assert firm.loc[partner, "uplift"] == factor
            assert firm.loc[partner, "score"] == pytest.approx(plain.loc[partner, "score"] * factor)
        assert "VNM" in firm.loc["THA", "near_current"]

    def test_what_if_blocks_a_current_market(self, snapshot: MarketSnapshot) -> None:
        ranking = rank_markets(
            snapshot, groups=["Machines"], current_markets={"USA": 800_000, "VNM": 200_000}, block=["USA"]
        )
        frame = ranking.markets.set_index("partner_iso3")
        assert frame.loc["USA", "displaced_usd"] > 800_000 * 0.99
        assert frame["absorbed_usd"].sum() == pytest.approx(frame["displaced_usd"].sum())
        # Most of it goes where the firm already sells (Vietnam), the rest to new markets.
        assert frame.loc["VNM", "absorbed_usd"] > frame.drop(["VNM", "USA"])["absorbed_usd"].max()
        new = ranking.new_markets
        assert new["rank"].tolist() == list(range(1, len(new) + 1)) and "rank_before" in new

    def test_errors(self, snapshot: MarketSnapshot) -> None:
        with pytest.raises(UnknownProductGroup):
            rank_markets(snapshot, groups=["Spaceships"])
        with pytest.raises(UnknownHSCode):
            rank_markets(snapshot, hs_codes=["7777"])
        with pytest.raises(NoExportsOfProduct):
            rank_markets(snapshot, groups=["Machines"], exporter="ATA")
        with pytest.raises(ValueError, match="no product"):
            rank_markets(snapshot)
        with pytest.raises(ValueError, match="not a partner"):
            rank_markets(snapshot, groups=["Machines"], block=["ATA"])
