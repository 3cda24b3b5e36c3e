"""A fitted recommender saved to a folder and read back ranks exactly as the fitted one, without the panel."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exportpilot.markets.recommender import MarketRecommender


class TestSaveLoad:
    def test_round_trip_ranks_identically(self, fitted_2012: MarketRecommender, tmp_path: Path) -> None:
        folder = fitted_2012.save(tmp_path / "model")
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["candidates.parquet", "meta.json", "model.txt", "scale_model.txt"]
        loaded = MarketRecommender.load(folder)
        assert loaded.panel_ is None and loaded.as_of_year_ == 2012
        assert loaded.get_params() == fitted_2012.get_params()

        before = fitted_2012.rank("KOR", "Machines", block=["USA"], tariff_increase={"CHN": 25})
        after = loaded.rank("KOR", "Machines", block=["USA"], tariff_increase={"CHN": 25})
        pd.testing.assert_frame_equal(before, after)
        pd.testing.assert_frame_equal(fitted_2012.rank_all(["KOR", "JPN"]), loaded.rank_all(["KOR", "JPN"]))
        assert loaded.exporter_products("KOR") == fitted_2012.exporter_products("KOR")
        assert "Machines" in loaded.exporter_products("KOR") and loaded.exporter_products("XXX") == []
        assert loaded._largest_product("KOR") == fitted_2012._largest_product("KOR")

    def test_saving_again_replaces_the_folder(self, fitted_2012: MarketRecommender, tmp_path: Path) -> None:
        folder = tmp_path / "model"
        fitted_2012.save(folder)
        (folder / "stale.txt").write_text("from an older model")
        fitted_2012.save(folder)
        assert not (folder / "stale.txt").exists()
        assert [p.name for p in tmp_path.iterdir()] == ["model"]  # no temporary folder left behind

    def test_unknown_product_and_missing_folder(self, fitted_2012: MarketRecommender, tmp_path: Path) -> None:
        loaded = MarketRecommender.load(fitted_2012.save(tmp_path / "model"))
        with pytest.raises(KeyError, match="no exports"):
            loaded.rank("KOR", "Not a product group")
        with pytest.raises(FileNotFoundError):
            MarketRecommender.load(tmp_path / "nothing-here")
