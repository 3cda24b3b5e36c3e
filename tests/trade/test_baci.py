from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from exportpilot.trade import baci, checks
from exportpilot.trade.countries import normalise_alpha3, numeric_to_alpha3, valid_alpha3
from exportpilot.trade.report import TradeDataError

RAW_HEADER = "t,i,j,k,v,q\n"


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text(RAW_HEADER + "".join(line + "\n" for line in lines))
    return path


class TestCountryCodes:
    def test_iso_numeric_and_baci_special_codes(self) -> None:
        codes = numeric_to_alpha3()
        assert codes[410] == "KOR" and codes[4] == "AFG" and codes[710] == "ZAF"
        # BACI's own codes for customs territories and Comtrade's Taiwan.
        assert codes[842] == "USA" and codes[251] == "FRA" and codes[757] == "CHE"
        assert codes[699] == "IND" and codes[490] == "TWN" and codes[579] == "NOR"
        # ISO reused 891 for two historic entries; BACI means Serbia and Montenegro.
        assert codes[891] == "SCG"
        assert codes[530] == "ANT"  # historic: Netherlands Antilles

    def test_aliases(self) -> None:
        assert normalise_alpha3("ROM") == "ROU"
        assert normalise_alpha3("KOR") == "KOR"
        assert {"SCG", "SUN", "ROM", "KOR"} <= valid_alpha3()
        assert "XYZ" not in valid_alpha3()


class TestStageBaci:
    def test_real_raw_sample(self, shared_trade: Path) -> None:
        con = checks.connect()
        report = baci.stage_baci(con, shared_trade / "baci_samples" / "baci_hs17_2020_afg_zaf.csv")
        assert report.ok and report.rows_loaded == report.rows_read == 72_097
        assert report.notes["hs_revision"] == "HS17" and report.notes["layout"] == "raw"
        exporters = dict(con.execute("SELECT exporter_iso3, count(*) FROM baci GROUP BY 1").fetchall())
        assert exporters == {"ZAF": 69_685, "AFG": 2_412}
        # Leading zero restored, values in USD (v is thousand USD), NA quantities become NULL.
        row = checks.first_row(
            con,
            "SELECT hs6, value_usd, quantity_t FROM baci "
            "WHERE exporter_iso3 = 'AFG' AND importer_iso3 = 'AUT' "
            "AND hs6 = '080420'",
        )
        assert row == ("080420", pytest.approx(1.0), None)
        assert (
            checks.scalar(con, "SELECT count(*) FROM baci WHERE length(hs6) <> 6 OR importer_iso3 IS NULL")
            == 0
        )
        partners = {r[0] for r in con.execute("SELECT DISTINCT importer_iso3 FROM baci").fetchall()}
        assert {"USA", "FRA", "TWN", "IND", "CHE", "NOR"} <= partners

    def test_real_named_sample_drops_non_country_areas(self, shared_trade: Path) -> None:
        con = checks.connect()
        report = baci.stage_baci(con, shared_trade / "baci_samples" / "baci_hs12_2018_seafood.csv")
        assert report.notes["layout"] == "named" and report.notes["hs_revision"] == "HS12"
        assert report.dropped == {"non_country_area": 12}
        assert report.notes["area_codes"] == ["NEI"]
        assert report.rows_loaded == report.rows_read - 12

    def test_unknown_code_rejected_with_its_line_or_dropped(self, tmp_path: Path) -> None:
        path = _csv(
            tmp_path / "BACI_HS17_Y2020_V202401b.csv",
            ["2020,410,842,10121,1.5,2", "2020,410,999,10121,1.5,NA", "2020,410,156,854231,3.0,  0.1"],
        )
        with pytest.raises(TradeDataError) as err:
            baci.stage_baci(checks.connect(), path)
        (problem,) = err.value.report.problems
        assert problem.check == "unknown_country" and problem.rows == [3] and problem.values == ["999"]

        con = checks.connect()
        report = baci.stage_baci(con, path, on_unknown="drop")
        assert report.dropped == {"unknown_country": 1} and report.notes["unknown_codes"] == ["999"]
        assert con.execute("SELECT importer_iso3, hs6, value_usd FROM baci ORDER BY 1").fetchall() == [
            ("CHN", "854231", 3000.0),
            ("USA", "010121", 1500.0),
        ]

    def test_negative_value_bad_product_and_columns(self, tmp_path: Path) -> None:
        path = _csv(
            tmp_path / "BACI_HS17_Y2020.csv", ["2020,410,842,10121,-1.5,2", "2020,410,842,1234567,1,2"]
        )
        with pytest.raises(TradeDataError) as err:
            baci.stage_baci(checks.connect(), path)
        found = {(p.check, tuple(p.rows)) for p in err.value.report.problems}
        assert found == {("negative_value", (2,)), ("bad_value", (3,))}

        wrong = tmp_path / "BACI_HS17_Y2021.csv"
        wrong.write_text("year,exporter,importer,value\n2021,410,842,1\n")
        with pytest.raises(TradeDataError) as err:
            baci.stage_baci(checks.connect(), wrong)
        assert err.value.report.problems[0].check == "missing_columns"

    def test_release_zip_with_its_country_codes(self, tmp_path: Path) -> None:
        year = _csv(tmp_path / "y.csv", ["2021,410,842,10121,2,1", "2021,410,998,10121,2,1"])
        codes = tmp_path / "codes.csv"
        codes.write_text("country_code,country_name,country_iso2,country_iso3\n998,Testland,XT,KOR\n")
        archive = tmp_path / "BACI_HS17_V202401b.zip"
        with zipfile.ZipFile(archive, "w") as z:
            z.write(year, "BACI_HS17_Y2021_V202401b.csv")
            z.write(codes, "country_codes_V202401b.csv")
        con = checks.connect()
        report = baci.stage_baci_zip(con, archive)
        assert report.rows_loaded == 2 and report.notes["members"] == ["BACI_HS17_Y2021_V202401b.csv"]
        assert checks.scalar(con, "SELECT count(*) FROM baci WHERE importer_iso3 = 'KOR'") == 1
