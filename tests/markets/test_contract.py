"""`exportpilot markets rank`, the contract used for external evaluation, end to end on a small real
folder."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from exportpilot.cli.markets import CONTRACT_COLUMNS, app
from exportpilot.markets import recommender
from exportpilot.trade.panel import TradePanel
from tests.markets.conftest import FAST

runner = CliRunner()


@pytest.fixture(autouse=True)
def small_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the command's code path with fewer trees (bench_markets.py times the default model)."""
    monkeypatch.setattr(
        recommender, "MarketRecommender", functools.partial(recommender.MarketRecommender, **FAST)
    )


def _rank(trade_dir: Path, out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["rank", "--trade-dir", str(trade_dir), "--out", str(out), *args])
    return result.exit_code, result.output


class TestRankContract:
    def test_all_exporters(self, small_trade_dir: Path, tmp_path: Path) -> None:
        out = tmp_path / "ranking.parquet"
        code, output = _rank(
            small_trade_dir, out, "--as-of", "2010", "--level", "group", "--exporters", "ALL", "--top", "20"
        )
        assert code == 0, output
        table = pd.read_parquet(out)
        assert list(table.columns) == CONTRACT_COLUMNS
        assert table["rank"].min() == 1 and table["rank"].max() == 20
        # Every exporter × product group with exports in 2008–2010 has a list; ranks are 1..n without gaps.
        panel = TradePanel.from_trade_dir(small_trade_dir, max_year=2010)
        expected = {
            tuple(r)
            for r in panel.con.execute(
                "SELECT DISTINCT exporter, product FROM flows WHERE year BETWEEN 2008 AND 2010"
            ).fetchall()
        }
        got = set(map(tuple, table[["exporter_iso3", "product_group"]].drop_duplicates().to_numpy()))
        assert got == expected
        per_list = table.groupby(["exporter_iso3", "product_group"])["rank"]
        assert (per_list.max() == per_list.count()).all()
        assert not (table["exporter_iso3"] == table["partner_iso3"]).any()

    def test_selected_exporters(self, small_trade_dir: Path, tmp_path: Path) -> None:
        out = tmp_path / "kor.parquet"
        code, output = _rank(small_trade_dir, out, "--as-of", "2011", "--exporters", "kor,JPN", "--top", "3")
        assert code == 0, output
        table = pd.read_parquet(out)
        assert set(table["exporter_iso3"]) == {"KOR", "JPN"}
        assert (table.groupby(["exporter_iso3", "product_group"]).size() <= 3).all()

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--as-of", "2010", "--level", "hs6"], "--level"),
            (["--as-of", "2010", "--exporters", "XYZ"], "XYZ"),
            (["--as-of", "1997"], "--as-of 1997"),
            (["--as-of", "2030"], "ends in 2015"),
            (["--as-of", "2010", "--top", "0"], "--top"),
        ],
    )
    def test_bad_arguments_exit_2_without_output(
        self, small_trade_dir: Path, tmp_path: Path, args: list[str], message: str
    ) -> None:
        out = tmp_path / "never.parquet"
        code, output = _rank(small_trade_dir, out, *args)
        assert code == 2 and message in output
        assert not out.exists() and not list(tmp_path.glob("*.tmp"))

    def test_bad_folder_exit_2(self, small_trade_dir: Path, tmp_path: Path) -> None:
        out = tmp_path / "never.parquet"
        assert _rank(tmp_path / "missing", out, "--as-of", "2010")[0] == 2
        bad = tmp_path / "bad"
        bad.mkdir()
        frame = pd.read_parquet(small_trade_dir / "bilateral_groups_1995_2015.parquet")
        frame.loc[7, "partner_iso3"] = "XYZ"
        frame.to_parquet(bad / "bilateral_groups_1995_2015.parquet", index=False)
        code, output = _rank(bad, out, "--as-of", "2010")
        assert code == 2 and "XYZ" in output and "row 8" in output
        assert not out.exists()


class TestOtherCommands:
    def test_recommend_with_what_if(self, small_trade_dir: Path, tmp_path: Path) -> None:
        csv = tmp_path / "kor.csv"
        result = runner.invoke(
            app,
            [
                "recommend",
                "--trade-dir",
                str(small_trade_dir),
                "--as-of",
                "2012",
                "--exporter",
                "KOR",
                "--product",
                "Machines",
                "--block",
                "CHN",
                "--tariff",
                "USA=25",
                "--csv",
                str(csv),
            ],
        )
        assert result.exit_code == 0, result.output
        table = pd.read_csv(csv).set_index("partner_iso3")
        assert table.loc["CHN", "retained_share"] == 0.0
        assert table.loc["USA", "retained_share"] == pytest.approx(1.25**-5)
        assert table.loc["CHN", "displaced_usd"] > 0 and table["absorbed_usd"].sum() > 0

    def test_backtest_rejects_years_without_three_later_years(self, small_trade_dir: Path) -> None:
        result = runner.invoke(
            app, ["backtest", "--trade-dir", str(small_trade_dir), "--as-of", "2010", "2013"]
        )
        assert result.exit_code == 2 and "2013" in result.output
