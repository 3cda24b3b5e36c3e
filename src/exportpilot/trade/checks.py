"""Row checks written as SQL over a staged DuckDB table, so a 7-million-row file is checked without a
Python loop. Every staged table carries ``_row`` (the row's line or number in its file) and ``_file``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from exportpilot.trade.countries import AGGREGATE_CODES, ALPHA3_ALIASES, valid_alpha3
from exportpilot.trade.report import MAX_EXAMPLES, Problem


def quote(value: str) -> str:
    """Return ``value`` as a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def case_map(column: str, mapping: Mapping[str, str]) -> str:
    """Return a SQL expression that rewrites ``column`` through ``mapping`` (others unchanged)."""
    if not mapping:
        return column
    whens = " ".join(f"WHEN {quote(k)} THEN {quote(v)}" for k, v in sorted(mapping.items()))
    return f"(CASE {column} {whens} ELSE {column} END)"


def normalise_country_sql(column: str) -> str:
    """Return a SQL expression giving the current alpha-3 code for ``column`` (``ROM`` → ``ROU``)."""
    return case_map(column, ALPHA3_ALIASES)


def connect() -> duckdb.DuckDBPyConnection:
    """Return an in-memory DuckDB connection without the terminal progress bar."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    return con


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> Any:
    """Return the single value of a one-row, one-column query (and finish the result)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def first_row(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[object] | None = None) -> tuple:
    """Return the first row of a query (and finish the result)."""
    return tuple(con.execute(sql, params or []).fetchall()[0])


def register_country_codes(con: duckdb.DuckDBPyConnection, *, allow_aggregates: bool = True) -> str:
    """Create (once per connection) the temp table of accepted alpha-3 codes and return its name."""
    name = "_valid_alpha3_agg" if allow_aggregates else "_valid_alpha3"
    codes = set(valid_alpha3()) | (set(AGGREGATE_CODES) if allow_aggregates else set())
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (code VARCHAR PRIMARY KEY)")
    if not scalar(con, f"SELECT count(*) FROM {name}"):
        con.executemany(f"INSERT INTO {name} VALUES (?)", [(c,) for c in sorted(codes)])
    return name


def missing_columns(
    con: duckdb.DuckDBPyConnection, relation_sql: str, required: Iterable[str], source: str
) -> Problem | None:
    """Return a problem when ``relation_sql`` lacks any of the ``required`` columns."""
    found = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {relation_sql}").fetchall()]
    missing = [c for c in required if c not in found]
    if not missing:
        return None
    return Problem(
        check="missing_columns",
        message=f"missing column(s) {', '.join(missing)}; found {', '.join(found)}",
        values=missing,
        source=source,
    )


@dataclass(frozen=True)
class RowCheck:
    """One row-level rule: rows matching ``where`` are bad; ``value`` is what the report shows for them."""

    check: str
    message: str
    where: str
    value: str


def run_checks(con: duckdb.DuckDBPyConnection, table: str, rules: Sequence[RowCheck]) -> list[Problem]:
    """Count every rule's offending rows in one scan of ``table``; fetch examples only for rules that fail."""
    if not rules:
        return []
    counts = ", ".join(f"count(*) FILTER (WHERE {r.where})" for r in rules)
    rows = con.execute(f"SELECT _file, {counts} FROM {table} GROUP BY _file ORDER BY _file").fetchall()
    problems: list[Problem] = []
    for rule_index, rule in enumerate(rules):
        for row in rows:
            source, count = row[0], int(row[rule_index + 1])
            if not count:
                continue
            examples = con.execute(
                f"SELECT _row, CAST({rule.value} AS VARCHAR) FROM {table} WHERE ({rule.where}) AND _file = ? "
                f"ORDER BY _row LIMIT {MAX_EXAMPLES}",
                [source],
            ).fetchall()
            problems.append(
                Problem(
                    check=rule.check,
                    message=rule.message,
                    count=count,
                    rows=[int(r) for r, _ in examples],
                    values=[str(v) for _, v in examples],
                    source=str(source),
                )
            )
    return problems


def bad_number(column: str) -> str:
    """SQL condition: ``column`` is present but not a number."""
    return f"({column} IS NOT NULL AND TRY_CAST({column} AS DOUBLE) IS NULL)"


def negative(column: str) -> str:
    """SQL condition: ``column`` is a negative number."""
    return f"(TRY_CAST({column} AS DOUBLE) < 0)"


def unknown_country(column: str, codes_table: str) -> str:
    """SQL condition: ``column`` is not an accepted country code (NULL counts as unknown)."""
    return f"({column} IS NULL OR {column} NOT IN (SELECT code FROM {codes_table}))"
