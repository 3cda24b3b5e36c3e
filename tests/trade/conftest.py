"""Fixtures on the real trade data in ../shared/data/trade (skipped when it is missing, unless CI is set)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from exportpilot.config import PROJECT_ROOT

SHARED_TRADE = PROJECT_ROOT.parent / "shared" / "data" / "trade"
#: Reporters kept in the small trade folder: their exports and imports, both sides of each flow.
SAMPLE_REPORTERS = ("KOR", "JPN", "CHN", "USA", "DEU", "VNM", "CHL", "AUS", "IND", "MEX", "ZAF", "ROM")
#: Partners kept: the reporters and thirty more, so the folder is small but has real structure.
SAMPLE_PARTNERS = SAMPLE_REPORTERS + (
    "FRA",
    "GBR",
    "ITA",
    "ESP",
    "NLD",
    "CAN",
    "BRA",
    "RUS",
    "IDN",
    "THA",
    "MYS",
    "SGP",
    "PHL",
    "TUR",
    "SAU",
    "ARE",
    "EGY",
    "NGA",
    "ARG",
    "POL",
    "SWE",
    "CHE",
    "NZL",
    "HKG",
    "TWN",
    "PAK",
    "BGD",
    "KEN",
    "COL",
    "PER",
)


def shared_trade_dir() -> Path:
    """Return the shared trade folder; skip (or fail under CI) when it is not there."""
    if not (SHARED_TRADE / "bilateral_groups_1995_2015.parquet").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but the shared trade data is missing: {SHARED_TRADE}")
        pytest.skip(f"shared trade data not found at {SHARED_TRADE} (set up ../shared/data to run this test)")
    return SHARED_TRADE


@pytest.fixture(scope="session")
def shared_trade() -> Path:
    return shared_trade_dir()


def write_small_trade_dir(
    target: Path, *, reporters: tuple[str, ...] = SAMPLE_REPORTERS, max_year: int = 2015
) -> Path:
    """Write a trade folder with the real flows of a few reporters with a few partners (same file names)."""
    source = shared_trade_dir()
    target.mkdir(parents=True, exist_ok=True)
    codes = ", ".join(f"'{r}'" for r in reporters)
    partners = ", ".join(f"'{p}'" for p in SAMPLE_PARTNERS)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(
        f"""COPY (SELECT * FROM read_parquet('{source / "bilateral_groups_1995_2015.parquet"}')
                  WHERE reporter_iso3 IN ({codes}) AND partner_iso3 IN ({partners}) AND year <= {max_year})
            TO '{target / "bilateral_groups_1995_2015.parquet"}' (FORMAT parquet)"""
    )
    con.close()
    for name in (
        "product_groups.csv",
        "countries.csv",
        "hs4_to_product_group.csv",
        "rta_in_force_1990_2020.parquet",
    ):
        shutil.copy(source / name, target / name)
    return target


@pytest.fixture(scope="session")
def small_trade_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_trade_dir(tmp_path_factory.mktemp("trade"))
