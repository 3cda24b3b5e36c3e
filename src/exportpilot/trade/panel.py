"""The analysis panel: trade flows and their context up to an as-of year, in one DuckDB connection.

A panel is what the market recommender learns from and ranks with. It holds

* ``flows(year, product, exporter, importer, value)`` — reconciled exporter → importer flows in USD,
  ``value > 0``, ``exporter <> importer``, ``year <= max_year``;
* ``gravity`` (CEPII GeoDist), ``macro`` (GDP, population; ``year <= max_year``), ``rta`` (agreements in
  force, ``year <= max_year``; may be empty) and ``korea_fta`` (Korea's FTAs with their year in force).

Nothing after ``max_year`` is ever read into the connection: every source is filtered while it is scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from exportpilot.trade import checks, context, ots
from exportpilot.trade.report import LoadReport, Problem, TradeDataError

RTA_FILE = "rta_in_force_1990_2020.parquet"
PRODUCT_GROUPS_FILE = "product_groups.csv"


@dataclass
class TradePanel:
    """Flows and context up to ``max_year`` in a DuckDB connection (see the module docstring).

    Attributes
    ----------
    con : duckdb.DuckDBPyConnection
        The connection that holds the tables.
    max_year : int
        Last year in ``flows`` (the as-of year when the panel was cut at one).
    level : str
        Product level of ``flows.product``: ``group`` (the 22 OTS product groups), ``hs4`` or ``hs6``.
    reports : list of LoadReport
        What each source contributed.
    """

    con: duckdb.DuckDBPyConnection
    max_year: int
    level: str = "group"
    reports: list[LoadReport] = field(default_factory=list)

    @classmethod
    def from_trade_dir(
        cls,
        trade_dir: Path,
        *,
        max_year: int | None = None,
        with_rta: bool = True,
    ) -> TradePanel:
        """Read every ``bilateral_groups_*.parquet`` (and the RTA table, if present) of ``trade_dir``.

        Parameters
        ----------
        trade_dir : Path
            A folder laid out like ``shared/data/trade``.
        max_year : int, optional
            Cut everything after this year while reading. Default: keep all years.
        with_rta : bool
            Read ``rta_in_force_1990_2020.parquet`` when the folder has it.

        Raises
        ------
        TradeDataError
            The folder has no usable flow file, or a file fails its checks.
        """
        trade_dir = Path(trade_dir)
        if not trade_dir.is_dir():
            report = LoadReport(table="flows", sources=[str(trade_dir)])
            report.problems.append(Problem(check="empty", message="not a folder", source=str(trade_dir)))
            raise TradeDataError(report)
        con = checks.connect()
        groups_file = trade_dir / PRODUCT_GROUPS_FILE
        groups = ots.read_product_groups(groups_file) if groups_file.is_file() else None
        reports = [
            ots.stage_bilateral(con, ots.bilateral_files(trade_dir), max_year=max_year, product_groups=groups)
        ]
        con.execute(
            """CREATE OR REPLACE TEMP VIEW flows AS
            SELECT year, product_group AS product, exporter_iso3 AS exporter, importer_iso3 AS importer,
                   value_usd AS value
            FROM flows_group"""
        )
        rta_file = trade_dir / RTA_FILE
        if with_rta and rta_file.is_file():
            reports.append(context.stage_rta(con, rta_file, max_year=max_year))
        else:
            _empty_rta(con)
        return cls._finish(con, reports, max_year=max_year, level="group")

    @classmethod
    def from_flows(
        cls,
        flows: Any,
        *,
        max_year: int | None = None,
        level: str = "group",
        rta: Any | None = None,
    ) -> TradePanel:
        """Build a panel from an in-memory flow table (pandas or Arrow) with columns
        ``year, product, exporter, importer, value`` — for tests and notebooks.
        """
        con = checks.connect()
        con.register("_flows_in", flows)
        cut = "" if max_year is None else f"AND year <= {int(max_year)}"
        con.execute(
            f"""CREATE TEMP TABLE flows AS
            SELECT CAST(year AS SMALLINT) AS year, CAST(product AS VARCHAR) AS product,
                   CAST(exporter AS VARCHAR) AS exporter, CAST(importer AS VARCHAR) AS importer,
                   CAST(value AS DOUBLE) AS value
            FROM _flows_in WHERE value > 0 AND exporter <> importer {cut}"""
        )
        con.unregister("_flows_in")
        if rta is not None:
            con.register("_rta_in", rta)
            con.execute(
                f"CREATE TEMP TABLE rta AS SELECT CAST(year AS SMALLINT) AS year, iso3_a, iso3_b, "
                f"CAST(rta AS TINYINT) AS rta FROM _rta_in {cut.replace('AND', 'WHERE')}"
            )
            con.unregister("_rta_in")
        else:
            _empty_rta(con)
        return cls._finish(con, [], max_year=max_year, level=level)

    @classmethod
    def _finish(
        cls, con: duckdb.DuckDBPyConnection, reports: list[LoadReport], *, max_year: int | None, level: str
    ) -> TradePanel:
        last = checks.scalar(con, "SELECT max(year) FROM flows")
        if last is None:
            report = LoadReport(table="flows")
            report.problems.append(Problem(check="empty", message=f"no flows up to {max_year}"))
            raise TradeDataError(report)
        year = int(last) if max_year is None else min(int(max_year), int(last))
        reports.append(context.stage_gravity(con))
        reports.append(context.stage_macro(con, max_year=year))
        reports.append(context.stage_korea_ftas(con))
        return cls(con=con, max_year=year, level=level, reports=reports)

    @classmethod
    def from_warehouse(cls, warehouse: Any, *, max_year: int | None = None) -> TradePanel:
        """Build a panel from the warehouse's ``flows_group`` (and ``rta``) tables.

        Raises
        ------
        TradeDataError
            The warehouse has no ``flows_group`` table (run ``exportpilot data load ots`` first).
        """
        path = warehouse.table_path("flows_group")
        if not path.is_file():
            report = LoadReport(table="flows", sources=[str(path)])
            report.problems.append(
                Problem(
                    check="empty",
                    message="no flows_group table in the warehouse; run `exportpilot data load ots`",
                )
            )
            raise TradeDataError(report)
        con = checks.connect()
        cut = "" if max_year is None else f"WHERE year <= {int(max_year)}"
        con.execute(
            f"""CREATE TEMP TABLE flows AS
            SELECT year, product_group AS product, exporter_iso3 AS exporter, importer_iso3 AS importer,
                   value_usd AS value
            FROM read_parquet({checks.quote(str(path))}) {cut}"""
        )
        rta = warehouse.table_path("rta")
        if rta.is_file():
            con.execute(
                f"CREATE TEMP TABLE rta AS SELECT * FROM read_parquet({checks.quote(str(rta))}) {cut}"
            )
        else:
            _empty_rta(con)
        return cls._finish(con, [], max_year=max_year, level="group")

    def restricted(self, max_year: int) -> TradePanel:
        """Return a new panel, in its own connection, holding only what this one has up to ``max_year``.

        The copy is physical: rows after ``max_year`` do not exist in the new connection, so nothing that
        reads it can use them.
        """
        con = checks.connect()
        for table, where in (
            ("flows", f"WHERE year <= {int(max_year)}"),
            ("rta", f"WHERE year <= {int(max_year)}"),
            ("macro", f"WHERE year <= {int(max_year)}"),
            ("gravity", ""),
            ("korea_fta", ""),
        ):
            data = self.con.sql(f"SELECT * FROM {table} {where}").to_arrow_table()  # noqa: F841 (used by name)
            con.execute(f"CREATE TEMP TABLE {table} AS SELECT * FROM data")
        year = min(int(max_year), self.max_year)
        return TradePanel(con=con, max_year=year, level=self.level, reports=list(self.reports))

    def years(self) -> list[int]:
        """Return the years present in ``flows``."""
        return [int(r[0]) for r in self.con.execute("SELECT DISTINCT year FROM flows ORDER BY 1").fetchall()]

    def products(self) -> list[str]:
        """Return the products (at the panel's level) present in ``flows``."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT product FROM flows ORDER BY 1").fetchall()]

    def exporters(self) -> list[str]:
        """Return every country that exports something in ``flows``."""
        return [r[0] for r in self.con.execute("SELECT DISTINCT exporter FROM flows ORDER BY 1").fetchall()]

    def last_year_seen(self) -> int:
        """Return the largest year in any time-varying table of the panel (the leakage check)."""
        return int(
            checks.scalar(
                self.con,
                "SELECT max(y) FROM (SELECT max(year) AS y FROM flows UNION ALL SELECT max(year) FROM macro "
                "UNION ALL SELECT max(year) FROM rta)",
            )
        )

    def close(self) -> None:
        self.con.close()


def _empty_rta(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE OR REPLACE TEMP TABLE rta (year SMALLINT, iso3_a VARCHAR, iso3_b VARCHAR, rta TINYINT)"
    )
