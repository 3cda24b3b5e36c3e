"""The trade warehouse: a folder of Parquet tables queried with DuckDB.

Each table is one Parquet file ``<root>/<table>.parquet`` plus a manifest ``<root>/<table>.json`` (what was
loaded, from where, when, and the load report). A load

1. stages and checks everything in an in-memory DuckDB connection (nothing is written if any file fails),
2. writes each new table to ``<root>/.tmp/`` and moves it over the old one with ``os.replace`` — atomic on
   one filesystem, so a reader sees the old table or the new one, never half a table — then writes the
   manifest the same way.

Loads are re-runnable: loading the same files again gives the same tables. The queries are plain SQL
(DuckDB dialect, portable with SQLGlot) so the same pipeline can later run on a distributed engine over the
same Parquet files.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from exportpilot.config import Settings, get_settings
from exportpilot.trade import checks, context, ots
from exportpilot.trade.baci import stage_baci, stage_baci_zip
from exportpilot.trade.report import LoadReport, Problem, TradeDataError

#: Tables written by ``load_open_trade_statistics`` and ``load_context``.
OTS_TABLES = ("flows_group", "reporter_hs4")
CONTEXT_TABLES = ("rta", "gravity", "macro", "korea_fta")


class Warehouse:
    """A folder of Parquet tables with atomic replacement (see the module docstring).

    Parameters
    ----------
    root : Path
        The folder; created on first write.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Warehouse:
        """Return the warehouse in ``<var_dir>/warehouse``."""
        settings = settings or get_settings()
        return cls(settings.var_dir / "warehouse")

    def table_path(self, table: str) -> Path:
        return self.root / f"{table}.parquet"

    def manifest(self, table: str) -> dict[str, Any] | None:
        """Return the manifest of ``table``, or ``None`` when it was never loaded."""
        path = self.root / f"{table}.json"
        return json.loads(path.read_text()) if path.is_file() else None

    def tables(self) -> list[str]:
        """Return the names of the loaded tables."""
        return sorted(p.stem for p in self.root.glob("*.parquet")) if self.root.is_dir() else []

    def connect(self) -> duckdb.DuckDBPyConnection:
        """Return an in-memory DuckDB connection with one view per loaded table."""
        con = checks.connect()
        for table in self.tables():
            path = checks.quote(str(self.table_path(table)))
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({path})")
        return con

    def publish(self, con: duckdb.DuckDBPyConnection, query: str, table: str, report: LoadReport) -> None:
        """Write the result of ``query`` as ``table``, atomically replacing the previous version."""
        tmp_dir = self.root / ".tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{table}-{uuid.uuid4().hex}.parquet"
        try:
            con.execute(f"COPY ({query}) TO {checks.quote(str(tmp))} (FORMAT parquet, COMPRESSION zstd)")
            os.replace(tmp, self.table_path(table))
        finally:
            tmp.unlink(missing_ok=True)
        manifest = {
            "table": table,
            "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "rows": report.rows_loaded,
            "report": report.to_dict(),
        }
        tmp_manifest = tmp_dir / f"{table}-{uuid.uuid4().hex}.json"
        tmp_manifest.write_text(json.dumps(manifest, indent=2, default=str))
        os.replace(tmp_manifest, self.root / f"{table}.json")


def load_open_trade_statistics(warehouse: Warehouse, trade_dir: Path) -> list[LoadReport]:
    """Load the OTS flows (every ``bilateral_groups_*.parquet``) and HS4 totals of ``trade_dir``.

    Returns
    -------
    list of LoadReport
        One per table written.

    Raises
    ------
    TradeDataError
        Any file fails its checks; no table is changed.
    """
    trade_dir = Path(trade_dir)
    con = checks.connect()
    groups_file = trade_dir / "product_groups.csv"
    groups = ots.read_product_groups(groups_file) if groups_file.is_file() else None
    flows = ots.stage_bilateral(
        con, ots.bilateral_files(trade_dir), product_groups=groups, table="flows_group"
    )
    reports = [flows]
    hs4_files = sorted(trade_dir.glob("reporter_hs4_*.parquet"))
    for path in hs4_files:
        reports.append(ots.stage_reporter_hs4(con, path, table=f"_hs4_{ots.hs4_year(path)}"))
    groups_csv = trade_dir / "hs4_to_product_group.csv"
    hs4_groups = _stage_hs4_groups(con, groups_csv, groups) if groups_csv.is_file() else None
    # Everything is staged and checked: only now is anything written.
    warehouse.publish(
        con,
        "SELECT * FROM flows_group ORDER BY year, product_group, exporter_iso3, importer_iso3",
        "flows_group",
        flows,
    )
    if hs4_groups is not None:
        warehouse.publish(con, "SELECT * FROM hs4_group ORDER BY hs4", "hs4_group", hs4_groups)
    if hs4_files:
        union = " UNION ALL ".join(f"SELECT * FROM {r.table}" for r in reports[1:])
        hs4 = LoadReport(
            table="reporter_hs4",
            sources=[s for r in reports[1:] for s in r.sources],
            rows_read=sum(r.rows_read for r in reports[1:]),
            rows_loaded=sum(r.rows_loaded for r in reports[1:]),
            notes={r.table: r.notes for r in reports[1:]},
        )
        warehouse.publish(
            con, f"SELECT * FROM ({union}) ORDER BY year, reporter_iso3, hs4", "reporter_hs4", hs4
        )
        reports = [flows, hs4]
    if hs4_groups is not None:
        reports.append(hs4_groups)
    con.close()
    return reports


def _stage_hs4_groups(con: duckdb.DuckDBPyConnection, path: Path, groups: Sequence[str] | None) -> LoadReport:
    """Read ``hs4_to_product_group.csv`` into ``hs4_group``: HS4 codes of four digits, known groups."""
    report = LoadReport(table="hs4_group", sources=[str(path)])
    problem = checks.missing_columns(
        con,
        f"read_csv({checks.quote(str(path))}, header=true, all_varchar=true)",
        ("hs4", "product_group"),
        str(path),
    )
    if problem:
        report.problems.append(problem)
        raise TradeDataError(report)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE _hs4_group_raw AS
        SELECT {checks.quote(str(path))} AS _file, row_number() OVER () + 1 AS _row,
               trim(hs4) AS hs4, trim(product_group) AS product_group
        FROM read_csv({checks.quote(str(path))}, header=true, all_varchar=true)"""
    )
    rules = [
        checks.RowCheck(
            "bad_value",
            "hs4 is not a four-digit code",
            "NOT regexp_full_match(coalesce(hs4, ''), '[0-9]{4}')",
            "hs4",
        )
    ]
    if groups is not None:
        allowed = ", ".join(checks.quote(g) for g in groups)
        rules.append(
            checks.RowCheck(
                "unknown_product",
                "product_group is not in product_groups.csv",
                f"product_group IS NULL OR product_group NOT IN ({allowed})",
                "product_group",
            )
        )
    report.problems += checks.run_checks(con, "_hs4_group_raw", rules)
    if report.problems:
        raise TradeDataError(report)
    # A heading listed under two groups goes to the alphabetically first (as markets.hs does).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hs4_group AS
        SELECT hs4, min(product_group) AS product_group FROM _hs4_group_raw GROUP BY hs4"""
    )
    report.rows_read = int(checks.scalar(con, "SELECT count(*) FROM _hs4_group_raw"))
    report.rows_loaded = int(checks.scalar(con, "SELECT count(*) FROM hs4_group"))
    report.notes["headings_in_two_groups"] = report.rows_read - report.rows_loaded
    return report


def load_context(warehouse: Warehouse, trade_dir: Path | None = None) -> list[LoadReport]:
    """Load the gravity and context tables: GeoDist, WDI, Korea's FTAs and (from ``trade_dir``) RTAs."""
    con = checks.connect()
    reports = [context.stage_gravity(con), context.stage_macro(con), context.stage_korea_ftas(con)]
    rta_file = Path(trade_dir) / "rta_in_force_1990_2020.parquet" if trade_dir else None
    if rta_file is not None and rta_file.is_file():
        reports.append(context.stage_rta(con, rta_file))
    for report in reports:
        warehouse.publish(con, f"SELECT * FROM {report.table}", report.table, report)
    con.close()
    return reports


def load_baci(
    warehouse: Warehouse,
    paths: Sequence[Path],
    *,
    hs: str | None = None,
    on_unknown: str = "reject",
) -> LoadReport:
    """Load BACI files (raw ``t,i,j,k,v,q`` CSVs, the named-column variant, or release zips).

    Rows go to ``baci_<hs>`` (e.g. ``baci_hs17``). The years in the new files replace the same years in
    the table; other years stay. All files are checked before anything is written.

    Parameters
    ----------
    warehouse : Warehouse
    paths : sequence of Path
        CSV files or BACI release zips.
    hs : str, optional
        HS revision (``HS17``); default: read from the file names.
    on_unknown : {"reject", "drop"}
        What to do with rows whose country code is unknown: reject the file (default) or drop the rows and
        count them in the report.

    Raises
    ------
    TradeDataError
        A file fails its checks, or the files mix HS revisions; the table is unchanged.
    """
    con = checks.connect()
    staged: list[LoadReport] = []
    problems: list[Problem] = []
    for n, path in enumerate(paths):
        try:
            if Path(path).suffix.lower() == ".zip":
                staged.append(
                    stage_baci_zip(con, Path(path), hs=hs, on_unknown=on_unknown, table=f"_baci_{n}")
                )
            else:
                staged.append(stage_baci(con, Path(path), hs=hs, on_unknown=on_unknown, table=f"_baci_{n}"))
        except TradeDataError as exc:
            problems += exc.report.problems
    report = LoadReport(
        table="baci",
        sources=[s for r in staged for s in r.sources] or [str(p) for p in paths],
        problems=problems,
    )
    revisions = {r.notes.get("hs_revision") for r in staged}
    if len(revisions) > 1:
        report.problems.append(
            Problem(
                check="bad_value",
                message="files of different HS revisions",
                values=sorted(map(str, revisions)),
            )
        )
    if report.problems or not staged:
        con.close()
        raise TradeDataError(report)
    revision = str(revisions.pop()).lower()
    table = f"baci_{revision}"
    report.table = table
    report.rows_read = sum(r.rows_read for r in staged)
    report.rows_loaded = sum(r.rows_loaded for r in staged)
    for r in staged:
        for reason, count in r.dropped.items():
            report.dropped[reason] = report.dropped.get(reason, 0) + count
    report.notes = {
        "files": {src: r.notes for r in staged for src in r.sources},
        "hs_revision": revision.upper(),
    }
    new = " UNION ALL ".join(f"SELECT * FROM {r.table}" for r in staged)
    con.execute(f"CREATE TEMP TABLE _baci_new AS {new}")
    query = "SELECT * FROM _baci_new"
    if warehouse.table_path(table).is_file():
        old = checks.quote(str(warehouse.table_path(table)))
        query = (
            f"SELECT * FROM read_parquet({old}) WHERE year NOT IN (SELECT DISTINCT year FROM _baci_new) "
            f"UNION ALL SELECT * FROM _baci_new"
        )
    con.execute(f"CREATE TEMP TABLE _baci_all AS {query}")
    report.notes["table_rows"] = int(checks.scalar(con, "SELECT count(*) FROM _baci_all"))
    report.notes["years"] = [
        int(r[0]) for r in con.execute("SELECT DISTINCT year FROM _baci_all ORDER BY 1").fetchall()
    ]
    warehouse.publish(
        con, "SELECT * FROM _baci_all ORDER BY year, exporter_iso3, importer_iso3, hs6", table, report
    )
    con.close()
    return report
