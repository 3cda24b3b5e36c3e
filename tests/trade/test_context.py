from __future__ import annotations

from pathlib import Path

from exportpilot.trade import checks, context


class TestContext:
    def test_gravity_from_atlas_common_data(self) -> None:
        con = checks.connect()
        report = context.stage_gravity(con)
        assert report.rows_loaded > 40_000
        dist, contig = checks.first_row(
            con, "SELECT dist_km, contig FROM gravity WHERE exporter_iso3 = 'KOR' AND importer_iso3 = 'JPN'"
        )
        assert 800 < dist < 1300 and contig == 0
        # GeoDist's old codes are renamed.
        assert checks.scalar(con, "SELECT count(*) FROM gravity WHERE exporter_iso3 = 'ROM'") == 0
        assert checks.scalar(con, "SELECT count(*) FROM gravity WHERE exporter_iso3 = 'ROU'") > 100

    def test_macro_is_cut_at_max_year(self) -> None:
        con = checks.connect()
        context.stage_macro(con, max_year=2009)
        assert checks.scalar(con, "SELECT max(year) FROM macro") == 2009
        gdp = checks.scalar(con, "SELECT gdp_usd FROM macro WHERE iso3 = 'KOR' AND year = 2009")
        assert 5e11 < gdp < 2e12

    def test_rta_symmetric_and_korea_ftas(self, shared_trade: Path) -> None:
        con = checks.connect()
        context.stage_rta(con, shared_trade / "rta_in_force_1990_2020.parquet", max_year=2015)
        both = con.execute(
            "SELECT iso3_a, rta FROM rta "
            "WHERE year = 2015 AND 'KOR' IN (iso3_a, iso3_b) AND 'CHL' IN (iso3_a, iso3_b)"
        ).fetchall()
        assert sorted(both) == [("CHL", 1), ("KOR", 1)]
        assert checks.scalar(con, "SELECT count(*) FROM rta WHERE 'PKR' IN (iso3_a, iso3_b)") == 0
        context.stage_korea_ftas(con)
        years = dict(
            con.execute("SELECT partner_iso3, min(year_in_force) FROM korea_fta GROUP BY 1").fetchall()
        )
        assert years["CHL"] == 2004 and years["USA"] == 2012 and years["CHN"] == 2016  # 20 Dec 2015 → 2016
