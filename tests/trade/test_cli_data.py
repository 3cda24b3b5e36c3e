from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from exportpilot.cli import data as data_cli
from exportpilot.config import get_settings

runner = CliRunner()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[typer.Typer]:
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    app = typer.Typer()
    app.add_typer(data_cli.app, name="data")
    yield app
    get_settings.cache_clear()


def test_load_ots_status_and_rejection(cli: typer.Typer, small_trade_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["data", "load", "ots", "--trade-dir", str(small_trade_dir), "--no-model"])
    assert result.exit_code == 0, result.output
    assert "flows_group" in result.output and "gravity" in result.output
    status = runner.invoke(cli, ["data", "status"])
    assert status.exit_code == 0 and "flows_group" in status.output and "korea_fta" in status.output

    table = tmp_path / "var" / "warehouse" / "flows_group.parquet"
    before = table.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()
    frame = pd.read_parquet(small_trade_dir / "bilateral_groups_1995_2015.parquet")
    frame.loc[3, "import_value_usd"] = -10.0
    frame.to_parquet(bad / "bilateral_groups_1995_2015.parquet", index=False)
    rejected = runner.invoke(cli, ["data", "load", "ots", "--trade-dir", str(bad), "--no-model"])
    assert rejected.exit_code == 1
    assert "unchanged" in rejected.output and "row 4" in rejected.output
    assert table.read_bytes() == before


def test_load_baci_with_unknown_codes(cli: typer.Typer, tmp_path: Path) -> None:
    path = tmp_path / "BACI_HS17_Y2020_V202401b.csv"
    path.write_text("t,i,j,k,v,q\n2020,410,842,10121,1,1\n2020,410,999,10121,1,1\n")
    rejected = runner.invoke(cli, ["data", "load", "baci", str(path)])
    assert rejected.exit_code == 1 and "999" in rejected.output
    dropped = runner.invoke(cli, ["data", "load", "baci", str(path), "--drop-unknown"])
    assert dropped.exit_code == 0 and "unknown_country" in dropped.output
