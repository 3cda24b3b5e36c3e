"""What a load read, kept, dropped and rejected, and where: the report every loader returns or raises."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from exportpilot.errors import InvalidInput

#: How many offending rows a problem lists; the count is always complete.
MAX_EXAMPLES = 10


@dataclass
class Problem:
    """One reason to reject a file.

    Attributes
    ----------
    check : str
        Machine-readable name: ``missing_columns``, ``bad_value``, ``unknown_country``, ``negative_value``,
        ``null_key``, ``duplicate_key``, ``unknown_product``, ``empty``.
    message : str
        What is wrong, for a person.
    count : int
        How many rows have the problem (0 for file-level problems such as missing columns).
    rows : list of int
        Up to ``MAX_EXAMPLES`` row numbers: the line in a CSV file (the header is line 1), the 1-based row
        in a Parquet file.
    values : list of str
        The offending values, aligned with ``rows`` (or the distinct offending values for file-level checks).
    source : str
        The file the rows come from.
    """

    check: str
    message: str
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    source: str = ""

    def describe(self) -> str:
        where = ""
        if self.rows:
            pairs = ", ".join(f"row {r}: {v}" for r, v in zip(self.rows, self.values, strict=False))
            more = f" (first {len(self.rows)} of {self.count:,})" if self.count > len(self.rows) else ""
            where = f" — {pairs}{more}"
        elif self.values:
            where = f" — {', '.join(self.values)}"
        count = f"{self.count:,} rows: " if self.count else ""
        src = f"{self.source}: " if self.source else ""
        return f"{src}{count}{self.message}{where}"


@dataclass
class LoadReport:
    """The outcome of one load into the warehouse (or of one read of a trade folder).

    Attributes
    ----------
    table : str
        Warehouse table written (or the logical name of what was read).
    sources : list of str
        Files read.
    rows_read : int
        Rows in the sources (within the year window, if one was given).
    rows_loaded : int
        Rows written after normalisation.
    dropped : dict of str to int
        Rows left out on purpose and why (placeholders, zero values, self-trade); not errors.
    problems : list of Problem
        Reasons to reject; a load with problems writes nothing.
    notes : dict
        Facts worth keeping, e.g. how exporter- and importer-reported values were reconciled.
    seconds : float
        Wall time of the load.
    """

    table: str
    sources: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"{self.table}: loaded {self.rows_loaded:,} of {self.rows_read:,} rows"
        lines = [f"{self.table}: rejected, nothing written ({len(self.problems)} problem(s))"]
        lines += [f"  - {p.describe()}" for p in self.problems]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class TradeDataError(InvalidInput):
    """A trade file is unusable; ``report`` says what is wrong and where. Nothing was written."""

    def __init__(self, report: LoadReport) -> None:
        super().__init__(report.summary())
        self.report = report
