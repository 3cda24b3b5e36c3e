"""CEPII BACI: bilateral trade at HS6, reconciled by CEPII from UN Comtrade declarations.

Raw layout (one CSV per year in a release zip, e.g. ``BACI_HS17_Y2020_V202401b.csv``)::

    t,i,j,k,v,q
    2020,4,24,300431,0.198,        0.001

``t`` year, ``i`` exporter and ``j`` importer as numeric country codes (ISO 3166 numeric plus BACI's own,
see ``countries.BACI_SPECIAL_CODES``), ``k`` the HS6 code with its leading zero dropped, ``v`` value in
**thousand** USD, ``q`` quantity in tonnes (``NA`` when unknown). A named-column variant
(``exporter_iso3c, importer_iso3c, hs6, year, total_q, total_v``, values also in thousand USD) is accepted
too. Both become ``year, exporter_iso3, importer_iso3, hs6, hs_revision, value_usd, quantity_t``.
"""

from __future__ import annotations

import re
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

from exportpilot.trade import checks
from exportpilot.trade.countries import AREA_ALPHA3_CODES, AREA_NUMERIC_CODES, numeric_to_alpha3, valid_alpha3
from exportpilot.trade.report import LoadReport, Problem, TradeDataError

RAW_COLUMNS = ("t", "i", "j", "k", "v", "q")
NAMED_COLUMNS = ("exporter_iso3c", "importer_iso3c", "hs6", "year", "total_q", "total_v")
BACI_COLUMNS = ("year", "exporter_iso3", "importer_iso3", "hs6", "hs_revision", "value_usd", "quantity_t")


def hs_revision_from_name(name: str) -> str | None:
    """Return ``HS17`` for ``BACI_HS17_Y2020_V202401b.csv`` or ``baci_hs17_2020_afg_zaf.csv``."""
    match = re.search(r"hs(\d{2})", Path(name).name, flags=re.IGNORECASE)
    return f"HS{match.group(1)}" if match else None


def _register_numeric_codes(con: duckdb.DuckDBPyConnection, extra: dict[int, str] | None = None) -> str:
    mapping = dict(numeric_to_alpha3())
    for code, iso3 in (extra or {}).items():
        mapping.setdefault(code, iso3)
    con.execute("CREATE OR REPLACE TEMP TABLE _baci_codes (code INTEGER PRIMARY KEY, iso3 VARCHAR)")
    con.executemany("INSERT INTO _baci_codes VALUES (?, ?)", sorted(mapping.items()))
    return "_baci_codes"


def read_country_codes(path: Path) -> dict[int, str]:
    """Return ``{code: iso3}`` from a release's ``country_codes_V*.csv`` (only valid alpha-3 codes).

    Used to accept codes a newer release adds; codes the built-in table knows keep their mapping.
    """
    con = checks.connect()
    try:
        cols = [
            r[0]
            for r in con.execute(
                f"DESCRIBE SELECT * FROM read_csv({checks.quote(str(path))}, header=true, all_varchar=true)"
            ).fetchall()
        ]
        iso_col = next((c for c in ("country_iso3", "iso_3digit_alpha") if c in cols), None)
        if "country_code" not in cols or iso_col is None:
            return {}
        rows = con.execute(
            f"SELECT TRY_CAST(country_code AS INTEGER), upper(trim({iso_col})) "
            f"FROM read_csv({checks.quote(str(path))}, header=true, all_varchar=true)"
        ).fetchall()
    finally:
        con.close()
    valid = valid_alpha3()
    return {int(c): iso for c, iso in rows if c is not None and iso in valid}


def stage_baci(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    hs: str | None = None,
    on_unknown: str = "reject",
    country_codes: dict[int, str] | None = None,
    table: str = "baci",
) -> LoadReport:
    """Read and check one BACI CSV into the temp table ``table`` of ``con``.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
    path : Path
        A raw (``t,i,j,k,v,q``) or named-column BACI CSV.
    hs : str, optional
        HS revision such as ``HS17``; default: from the file name (or the ``hs_version`` column).
    on_unknown : {"reject", "drop"}
        Unknown country codes reject the file (default) or are dropped and counted.
    country_codes : dict, optional
        Extra numeric → alpha-3 codes (from the release's ``country_codes_V*.csv``).
    table : str
        Temp table to create with ``BACI_COLUMNS``.

    Returns
    -------
    LoadReport
        With ``notes["hs_revision"]``, ``notes["years"]`` and, when rows were dropped,
        ``notes["unknown_codes"]``.

    Raises
    ------
    TradeDataError
        Missing columns, non-numeric or negative values, HS codes that are not 1–6 digits, unknown country
        codes (unless ``on_unknown="drop"``). Line numbers in the report count the header as line 1.
    """
    if on_unknown not in ("reject", "drop"):
        raise ValueError("on_unknown must be 'reject' or 'drop'")
    started = time.perf_counter()
    path = Path(path)
    report = LoadReport(table=table, sources=[str(path)])
    if not path.is_file():
        report.problems.append(Problem(check="empty", message="file not found", source=str(path)))
        raise TradeDataError(report)
    rel = f"read_csv({checks.quote(str(path))}, header=true, all_varchar=true)"
    try:
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
    except duckdb.Error as exc:
        report.problems.append(
            Problem(check="unreadable", message=f"not a CSV file ({exc})", source=str(path))
        )
        raise TradeDataError(report) from exc
    if all(c in columns for c in RAW_COLUMNS):
        layout = "raw"
        exporter, importer, product, year, value, quantity = "i", "j", "k", "t", "v", "q"
    elif all(c in columns for c in NAMED_COLUMNS):
        layout = "named"
        exporter, importer, product, year, value, quantity = (
            "exporter_iso3c",
            "importer_iso3c",
            "hs6",
            "year",
            "total_v",
            "total_q",
        )
    else:
        report.problems.append(
            Problem(
                check="missing_columns",
                message=f"expected BACI columns {', '.join(RAW_COLUMNS)}; found {', '.join(columns)}",
                values=[c for c in RAW_COLUMNS if c not in columns],
                source=str(path),
            )
        )
        raise TradeDataError(report)
    revision = hs or hs_revision_from_name(path.name)
    if revision is None and "hs_version" in columns:
        revision = checks.scalar(con, f"SELECT max(hs_version) FROM {rel}")
    if revision is None:
        report.problems.append(
            Problem(check="bad_value", message="HS revision unknown: pass hs='HS17'", source=str(path))
        )
        raise TradeDataError(report)
    revision = revision.upper()

    # rowid follows file order (DuckDB preserves insertion order), so line = rowid + 2.
    con.execute(f"CREATE OR REPLACE TEMP TABLE _baci_raw AS SELECT * FROM {rel}")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _baci_rows AS
        SELECT {checks.quote(str(path))} AS _file, rowid + 2 AS _row,
               trim({year}) AS year, trim({exporter}) AS exporter, trim({importer}) AS importer,
               trim({product}) AS product, trim({value}) AS value,
               nullif(nullif(trim({quantity}), 'NA'), '') AS quantity
        FROM _baci_raw"""
    )
    con.execute("DROP TABLE _baci_raw")
    report.rows_read = int(checks.scalar(con, "SELECT count(*) FROM _baci_rows"))
    if layout == "raw":
        codes = _register_numeric_codes(con, country_codes)
        known = f"(SELECT code FROM {codes})"
        area_list = "(" + ", ".join(str(c) for c in sorted(AREA_NUMERIC_CODES)) + ")"

        def is_area(col: str) -> str:
            return f"(TRY_CAST({col} AS INTEGER) IN {area_list})"

        def unknown(col: str) -> str:
            return (
                f"((TRY_CAST({col} AS INTEGER) IS NULL OR TRY_CAST({col} AS INTEGER) NOT IN {known}) "
                f"AND NOT {is_area(col)})"
            )

        product_rule = "NOT regexp_full_match(coalesce(product, ''), '[0-9]{1,6}')"
    else:
        codes = checks.register_country_codes(con, allow_aggregates=False)
        area_list = "(" + ", ".join(checks.quote(c) for c in sorted(AREA_ALPHA3_CODES)) + ")"

        def is_area(col: str) -> str:
            return f"(coalesce({col} IN {area_list}, false))"

        def unknown(col: str) -> str:
            return f"({checks.unknown_country(col, codes)} AND NOT {is_area(col)})"

        product_rule = "NOT regexp_full_match(coalesce(product, ''), '[0-9]{6}')"
    rules = [
        checks.RowCheck("bad_value", "year is not a number", "TRY_CAST(year AS INTEGER) IS NULL", "year"),
        checks.RowCheck("bad_value", "product is not an HS6 code", product_rule, "product"),
        checks.RowCheck(
            "bad_value", "value is missing or not a number", "TRY_CAST(value AS DOUBLE) IS NULL", "value"
        ),
        checks.RowCheck("negative_value", "value is negative", checks.negative("value"), "value"),
        checks.RowCheck("bad_value", "quantity is not a number", checks.bad_number("quantity"), "quantity"),
        checks.RowCheck("negative_value", "quantity is negative", checks.negative("quantity"), "quantity"),
    ]
    unknown_rules = [
        checks.RowCheck("unknown_country", f"{label} country code is unknown", unknown(col), col)
        for label, col in (("exporter", "exporter"), ("importer", "importer"))
    ]
    report.problems += checks.run_checks(con, "_baci_rows", rules)
    unknown_problems = checks.run_checks(con, "_baci_rows", unknown_rules)
    unknown_where = f"({unknown('exporter')} OR {unknown('importer')})"
    if unknown_problems and on_unknown == "drop":
        dropped = con.execute(
            "SELECT count(*), "
            f"list(DISTINCT CASE WHEN {unknown('exporter')} THEN exporter ELSE importer END) "
            f"FROM _baci_rows WHERE {unknown_where}"
        ).fetchall()[0]
        report.dropped["unknown_country"] = int(dropped[0])
        report.notes["unknown_codes"] = sorted(str(c) for c in dropped[1])
    else:
        report.problems += unknown_problems
    if report.problems:
        con.execute("DROP TABLE IF EXISTS _baci_rows")
        report.seconds = time.perf_counter() - started
        raise TradeDataError(report)

    area_where = f"({is_area('exporter')} OR {is_area('importer')})"
    areas = con.execute(
        f"SELECT count(*), list(DISTINCT CASE WHEN {is_area('exporter')} THEN exporter ELSE importer END) "
        f"FROM _baci_rows WHERE {area_where}"
    ).fetchall()[0]
    if areas[0]:
        report.dropped["non_country_area"] = int(areas[0])
        report.notes["area_codes"] = sorted(str(c) for c in areas[1])
    if layout == "raw":
        exporter_sql, importer_sql = "ce.iso3", "ci.iso3"
        joins = (
            "LEFT JOIN _baci_codes ce ON ce.code = TRY_CAST(exporter AS INTEGER) "
            "LEFT JOIN _baci_codes ci ON ci.code = TRY_CAST(importer AS INTEGER)"
        )
    else:
        exporter_sql = checks.normalise_country_sql("exporter")
        importer_sql = checks.normalise_country_sql("importer")
        joins = ""
    keep = f"WHERE NOT {area_where}" + (f" AND NOT {unknown_where}" if on_unknown == "drop" else "")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
        SELECT CAST(year AS SMALLINT) AS year, {exporter_sql} AS exporter_iso3,
               {importer_sql} AS importer_iso3,
               lpad(product, 6, '0') AS hs6, {checks.quote(revision)} AS hs_revision,
               CAST(value AS DOUBLE) * 1000 AS value_usd, CAST(quantity AS DOUBLE) AS quantity_t
        FROM _baci_rows {joins} {keep}"""
    )
    con.execute("DROP TABLE IF EXISTS _baci_rows")
    stats = checks.first_row(con, f"SELECT count(*), min(year), max(year), sum(value_usd) FROM {table}")
    report.rows_loaded = int(stats[0])
    report.notes.update(
        {
            "layout": layout,
            "hs_revision": revision,
            "years": [stats[1], stats[2]],
            "value_usd": float(stats[3] or 0.0),
        }
    )
    report.seconds = time.perf_counter() - started
    return report


def stage_baci_zip(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    hs: str | None = None,
    on_unknown: str = "reject",
    table: str = "baci",
) -> LoadReport:
    """Read every yearly CSV of a BACI release zip into ``table`` (see ``stage_baci``).

    The release's ``country_codes_V*.csv`` extends the built-in code table.
    """
    path = Path(path)
    report = LoadReport(table=table, sources=[str(path)])
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.problems.append(
            Problem(check="unreadable", message=f"not a zip file ({exc})", source=str(path))
        )
        raise TradeDataError(report) from exc
    with archive, tempfile.TemporaryDirectory(prefix="baci-") as tmp:
        names = archive.namelist()
        years = sorted(
            n for n in names if re.search(r"BACI_HS\d{2}_Y\d{4}", Path(n).name, flags=re.IGNORECASE)
        )
        if not years:
            report.problems.append(
                Problem(check="empty", message="no BACI_HS??_Y????_*.csv file in the zip", source=str(path))
            )
            raise TradeDataError(report)
        extra: dict[int, str] = {}
        code_files = [n for n in names if Path(n).name.lower().startswith("country_codes")]
        if code_files:
            extra = read_country_codes(Path(archive.extract(code_files[0], tmp)))
        parts: list[LoadReport] = []
        for n, name in enumerate(years):
            csv = Path(archive.extract(name, tmp))
            try:
                parts.append(
                    stage_baci(
                        con, csv, hs=hs, on_unknown=on_unknown, country_codes=extra, table=f"{table}_{n}"
                    )
                )
            except TradeDataError as exc:
                for problem in exc.report.problems:
                    problem.source = f"{path.name}:{name}"
                report.problems += exc.report.problems
            finally:
                csv.unlink(missing_ok=True)
    if report.problems:
        for n in range(len(years)):
            con.execute(f"DROP TABLE IF EXISTS {table}_{n}")
        raise TradeDataError(report)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        + " UNION ALL ".join(f"SELECT * FROM {p.table}" for p in parts)
    )
    for p in parts:
        con.execute(f"DROP TABLE {p.table}")
    report.rows_read = sum(p.rows_read for p in parts)
    report.rows_loaded = sum(p.rows_loaded for p in parts)
    for p in parts:
        for reason, count in p.dropped.items():
            report.dropped[reason] = report.dropped.get(reason, 0) + count
    report.notes = {"hs_revision": parts[0].notes["hs_revision"], "members": years}
    return report
