from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from exportpilot.trade import checks, ots
from exportpilot.trade.report import TradeDataError


def _write(path: Path, rows: list[dict]) -> Path:
    pd.DataFrame(rows).to_parquet(path, index=False)
    return path


def _row(
    year: int = 2010,
    group: str = "Machines",
    rep: str = "KOR",
    par: str = "USA",
    ex: float = 5.0,
    im: float = 3.0,
) -> dict:
    return {
        "year": year,
        "product_group": group,
        "reporter_iso3": rep,
        "partner_iso3": par,
        "export_value_usd": ex,
        "import_value_usd": im,
    }


class TestStageBilateral:
    def test_real_sample_is_reconciled(self, small_trade_dir: Path) -> None:
        con = checks.connect()
        report = ots.stage_bilateral(
            con,
            ots.bilateral_files(small_trade_dir),
            product_groups=ots.read_product_groups(small_trade_dir / "product_groups.csv"),
        )
        assert report.ok
        assert report.rows_loaded > 100_000
        assert report.dropped["self_trade"] >= 0
        assert report.notes["years"] == [1995, 2015]
        assert report.notes["both_differ_over_1pct"] == 0
        bad = checks.scalar(
            con, "SELECT count(*) FROM flows_group WHERE value_usd <= 0 OR exporter_iso3 = importer_iso3"
        )
        assert bad == 0
        # ROM (UN Comtrade's Romania) is renamed ROU; one row per flow.
        codes = {r[0] for r in con.execute("SELECT DISTINCT exporter_iso3 FROM flows_group").fetchall()}
        assert "ROU" in codes and "ROM" not in codes
        dups = checks.scalar(
            con,
            "SELECT count(*) - count(DISTINCT (year, product_group, exporter_iso3, importer_iso3)) "
            "FROM flows_group",
        )
        assert dups == 0

    def test_importer_report_preferred_and_mirror_fills_gaps(self, tmp_path: Path) -> None:
        path = _write(
            tmp_path / "bilateral_groups_2010_2010.parquet",
            [
                _row(rep="KOR", par="USA", ex=100.0, im=0.0),  # KOR says it sold 100 to USA
                _row(rep="USA", par="KOR", ex=0.0, im=90.0),  # USA says it bought 90 from KOR
                _row(rep="KOR", par="JPN", ex=40.0, im=0.0),  # JPN does not report: mirror
            ],
        )
        con = checks.connect()
        report = ots.stage_bilateral(con, [path])
        flows = con.execute(
            "SELECT exporter_iso3, importer_iso3, value_usd, source FROM flows_group ORDER BY 1, 2"
        ).fetchall()
        assert flows == [("KOR", "JPN", 40.0, "exporter"), ("KOR", "USA", 90.0, "importer")]
        assert report.notes["exporter_only_mirrored"] == 1
        assert report.notes["reported_by_both"] == 1
        assert report.notes["both_differ_over_1pct"] == 1

    def test_unknown_country_is_rejected_with_row_numbers(self, tmp_path: Path) -> None:
        rows = [_row(par="USA")] * 5 + [_row(par="XYZ")] + [_row(par="JPN")] * 3 + [_row(rep="QQQ")]
        path = _write(tmp_path / "bilateral_groups_bad.parquet", rows)
        with pytest.raises(TradeDataError) as err:
            ots.stage_bilateral(checks.connect(), [path])
        problems = {(p.check, p.message.split()[0]): p for p in err.value.report.problems}
        partner = problems[("unknown_country", "partner_iso3")]
        assert partner.count == 1 and partner.rows == [6] and partner.values == ["XYZ"]
        assert problems[("unknown_country", "reporter_iso3")].rows == [10]
        assert "XYZ" in str(err.value)

    def test_negative_value_and_missing_columns(self, tmp_path: Path) -> None:
        neg = _write(tmp_path / "bilateral_groups_neg.parquet", [_row(), _row(par="JPN", ex=-1.0)])
        with pytest.raises(TradeDataError) as err:
            ots.stage_bilateral(checks.connect(), [neg])
        assert [(p.check, p.rows) for p in err.value.report.problems] == [("negative_value", [2])]

        cols = tmp_path / "bilateral_groups_cols.parquet"
        pd.DataFrame([{"year": 2010, "reporter": "KOR", "partner": "USA", "value": 1.0}]).to_parquet(cols)
        with pytest.raises(TradeDataError) as err:
            ots.stage_bilateral(checks.connect(), [cols])
        (problem,) = err.value.report.problems
        assert problem.check == "missing_columns"
        assert "reporter_iso3" in problem.values

    def test_conflicting_duplicates_within_a_file(self, tmp_path: Path) -> None:
        path = _write(
            tmp_path / "bilateral_groups_dup.parquet", [_row(ex=5.0), _row(ex=6.0), _row(par="JPN")]
        )
        with pytest.raises(TradeDataError) as err:
            ots.stage_bilateral(checks.connect(), [path])
        (problem,) = err.value.report.problems
        assert problem.check == "duplicate_key" and problem.rows == [1, 2]

    def test_later_file_revises_overlapping_year(self, tmp_path: Path) -> None:
        a = _write(
            tmp_path / "bilateral_groups_2009_2010.parquet",
            [_row(year=2009, im=1.0), _row(year=2010, im=2.0)],
        )
        b = _write(
            tmp_path / "bilateral_groups_2010_2011.parquet",
            [_row(year=2010, im=7.0), _row(year=2011, im=8.0)],
        )
        con = checks.connect()
        report = ots.stage_bilateral(con, [b, a])
        values = con.execute(
            "SELECT year, value_usd FROM flows_group WHERE exporter_iso3 = 'USA' ORDER BY year"
        ).fetchall()
        assert values == [(2009, 1.0), (2010, 7.0), (2011, 8.0)]
        assert report.notes["overlapping_rows_between_files"] == 1

    def test_rows_after_max_year_are_never_read(self, tmp_path: Path) -> None:
        # A row after max_year that would be rejected (negative, unknown code) is filtered before any check.
        path = _write(
            tmp_path / "bilateral_groups_x.parquet",
            [_row(year=2010), _row(year=2012, par="XYZ", ex=-5.0)],
        )
        con = checks.connect()
        ots.stage_bilateral(con, [path], max_year=2011)
        assert checks.scalar(con, "SELECT max(year) FROM flows_group") == 2010
        with pytest.raises(TradeDataError):
            ots.stage_bilateral(checks.connect(), [path])


class TestReporterHs4:
    def test_real_file(self, shared_trade: Path) -> None:
        con = checks.connect()
        report = ots.stage_reporter_hs4(con, shared_trade / "reporter_hs4_2018.parquet")
        assert report.ok and report.rows_loaded == 233_724
        assert report.notes["rows_without_hs4"] > 0
        year, bad = checks.first_row(
            con, "SELECT min(year), count(*) FILTER (WHERE length(hs4) <> 4) FROM reporter_hs4"
        )
        assert year == 2018 and bad == 0

    def test_bad_hs4_code(self, tmp_path: Path) -> None:
        path = tmp_path / "reporter_hs4_2018.parquet"
        pd.DataFrame(
            [
                {
                    "reporter_iso3": "KOR",
                    "hs4": "8703",
                    "product_shortname": "Cars",
                    "product_group": "Transportation",
                    "export_value_usd": 1.0,
                    "import_value_usd": 2.0,
                },
                {
                    "reporter_iso3": "KOR",
                    "hs4": "87A3",
                    "product_shortname": "?",
                    "product_group": "Transportation",
                    "export_value_usd": 1.0,
                    "import_value_usd": 2.0,
                },
            ]
        ).to_parquet(path)
        with pytest.raises(TradeDataError) as err:
            ots.stage_reporter_hs4(checks.connect(), path)
        assert err.value.report.problems[0].rows == [2]
