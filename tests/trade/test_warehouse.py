from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest

from exportpilot.trade.report import TradeDataError
from exportpilot.trade.warehouse import Warehouse, load_baci, load_context, load_open_trade_statistics


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bad_copy(source: Path, target: Path, *, column: str, value: object, row: int) -> Path:
    """Copy a trade folder's bilateral file with one value changed (0-based ``row``)."""
    target.mkdir()
    frame = pd.read_parquet(source / "bilateral_groups_1995_2015.parquet")
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    frame.to_parquet(target / "bilateral_groups_1995_2015.parquet", index=False)
    return target


class TestWarehouse:
    def test_load_open_trade_statistics_is_rerunnable(self, tmp_path: Path, small_trade_dir: Path) -> None:
        warehouse = Warehouse(tmp_path / "wh")
        reports = load_open_trade_statistics(warehouse, small_trade_dir)
        assert [r.table for r in reports] == ["flows_group", "hs4_group"]
        assert reports[1].rows_loaded == 1207 and reports[1].notes["headings_in_two_groups"] == 10
        first = _digest(warehouse.table_path("flows_group"))
        load_open_trade_statistics(warehouse, small_trade_dir)
        assert _digest(warehouse.table_path("flows_group")) == first
        manifest = warehouse.manifest("flows_group")
        assert manifest is not None and manifest["rows"] == reports[0].rows_loaded
        assert manifest["report"]["notes"]["reconciliation"].startswith("importer-reported")
        con = warehouse.connect()
        assert con.execute("SELECT count(*) FROM flows_group").fetchall()[0][0] == reports[0].rows_loaded
        assert not list((warehouse.root / ".tmp").iterdir())

    @pytest.mark.parametrize(
        ("column", "value", "check"),
        [("partner_iso3", "XYZ", "unknown_country"), ("export_value_usd", -5.0, "negative_value")],
    )
    def test_bad_file_keeps_previous_table(
        self, tmp_path: Path, small_trade_dir: Path, column: str, value: object, check: str
    ) -> None:
        warehouse = Warehouse(tmp_path / "wh")
        load_open_trade_statistics(warehouse, small_trade_dir)
        before = _digest(warehouse.table_path("flows_group"))
        bad = _bad_copy(small_trade_dir, tmp_path / "bad", column=column, value=value, row=41)
        with pytest.raises(TradeDataError) as err:
            load_open_trade_statistics(warehouse, bad)
        (problem,) = err.value.report.problems
        assert problem.check == check and problem.rows == [42] and problem.count == 1
        assert _digest(warehouse.table_path("flows_group")) == before

    def test_bad_hs4_mapping_is_rejected(self, tmp_path: Path, small_trade_dir: Path) -> None:
        bad = tmp_path / "bad"
        shutil.copytree(small_trade_dir, bad)
        mapping = (bad / "hs4_to_product_group.csv").read_text().splitlines()
        mapping[5] = "01X5,Animal Products"
        mapping[9] = "0109,Spaceships"
        (bad / "hs4_to_product_group.csv").write_text("\n".join(mapping) + "\n")
        warehouse = Warehouse(tmp_path / "wh")
        with pytest.raises(TradeDataError) as err:
            load_open_trade_statistics(warehouse, bad)
        problems = {p.check: p for p in err.value.report.problems}
        assert problems["bad_value"].rows == [6] and problems["unknown_product"].values == ["Spaceships"]
        assert warehouse.tables() == []

    def test_context_tables(self, tmp_path: Path, shared_trade: Path) -> None:
        warehouse = Warehouse(tmp_path / "wh")
        load_context(warehouse, shared_trade)
        assert {"gravity", "macro", "korea_fta", "rta"} <= set(warehouse.tables())

    def test_baci_years_replace_and_bad_file_is_rejected(self, tmp_path: Path, shared_trade: Path) -> None:
        warehouse = Warehouse(tmp_path / "wh")
        sample = shared_trade / "baci_samples" / "baci_hs17_2020_afg_zaf.csv"
        report = load_baci(warehouse, [sample])
        assert report.table == "baci_hs17" and report.notes["table_rows"] == 72_097
        other = tmp_path / "BACI_HS17_Y2021_V202401b.csv"
        other.write_text("t,i,j,k,v,q\n2021,410,842,10121,2,1\n")
        load_baci(warehouse, [other])
        again = load_baci(warehouse, [sample])  # re-loading 2020 replaces 2020 only
        assert again.notes["table_rows"] == 72_098 and again.notes["years"] == [2020, 2021]
        before = _digest(warehouse.table_path("baci_hs17"))
        bad = tmp_path / "BACI_HS17_Y2022_V202401b.csv"
        bad.write_text("t,i,j,k,v,q\n2022,410,842,10121,2,1\n2022,410,842,10121,-2,1\n")
        with pytest.raises(TradeDataError) as err:
            load_baci(warehouse, [bad])
        assert err.value.report.problems[0].rows == [3]
        assert _digest(warehouse.table_path("baci_hs17")) == before
