"""`exportpilot data load ots` builds the market model; `markets fit`, `recommend`, `company-markets`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from exportpilot.cli import data as data_cli
from exportpilot.cli import markets as markets_cli
from exportpilot.db.session import unit_of_work
from exportpilot.markets import store
from exportpilot.reference.loader import load_reference
from tests.factories import make_company, make_product
from tests.markets.conftest import FAST

runner = CliRunner()


@pytest.fixture
def cli(cli_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    """Both command groups on a fresh database with reference data; the model code path with fewer trees."""
    monkeypatch.setattr(store, "DEFAULT_PARAMS", FAST)
    monkeypatch.setenv("COLUMNS", "240")  # rich tables: room for every column
    with unit_of_work() as session:
        load_reference(session)
    app = typer.Typer()
    app.add_typer(data_cli.app, name="data")
    app.add_typer(markets_cli.app, name="markets")
    return app


def test_without_data_the_commands_say_what_to_run(cli: typer.Typer) -> None:
    fit = runner.invoke(cli, ["markets", "fit"])
    assert fit.exit_code == 1 and "exportpilot data load ots" in fit.output
    rec = runner.invoke(cli, ["markets", "recommend", "--product", "Machines"])
    assert rec.exit_code == 1 and "exportpilot data load ots" in rec.output


def test_load_builds_the_model_then_recommend(
    cli: typer.Typer, small_trade_dir: Path, tmp_path: Path
) -> None:
    load = runner.invoke(cli, ["data", "load", "ots", "--trade-dir", str(small_trade_dir)])
    assert load.exit_code == 0, load.output
    assert "market model as of 2015" in load.output
    assert (tmp_path / "var" / "markets" / "model" / "meta.json").is_file()

    csv = tmp_path / "machines.csv"
    args = ["markets", "recommend", "--product", "Machines", "--block", "CHN", "--tariff", "USA:25"]
    r = runner.invoke(cli, [*args, "--csv", str(csv), "--top", "5"])
    assert r.exit_code == 0, r.output
    assert "new markets" in r.output and "displaced" in r.output
    table = pd.read_csv(csv).set_index("partner_iso3")
    assert table.loc["CHN", "retained_share"] == 0 and table.loc["USA", "retained_share"] == pytest.approx(
        1.25**-5
    )

    hs = runner.invoke(cli, ["markets", "recommend", "--product", "854231", "--lang", "ko"])
    assert hs.exit_code == 0, hs.output
    assert "854231→Machines" in hs.output and "미국" in hs.output

    with unit_of_work() as session:
        company = make_company(session, name_en="Gyeongnam Pumps")
        make_product(session, company, hs_code="841370")
        company_id = company.id
    setm = runner.invoke(
        cli,
        ["markets", "company-markets", "--company", str(company_id), "--year", "2024", "--set", "VNM=300000"],
    )
    assert setm.exit_code == 0, setm.output
    assert "VNM" in setm.output and "300,000" in setm.output
    firm = runner.invoke(cli, ["markets", "recommend", "--company", str(company_id), "--top", "5"])
    assert firm.exit_code == 0, firm.output
    assert "Gyeongnam Pumps" in firm.output and "current markets" in firm.output and "Viet" in firm.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "either --product"),
        (["--product", "Machines", "--company", "1"], "either --product"),
        (["--product", "Machines", "--tariff", "USA=lots"], "tariff"),
        (["--product", "Machines", "--block", "ATA"], "not a partner"),
        (["--product", "Spaceships"], "unknown product group"),
        (["--company", "999999"], "not found"),
    ],
)
def test_bad_input_exits_2(
    cli: typer.Typer, small_snapshot_dir: Path, tmp_path: Path, args: list[str], message: str
) -> None:
    import shutil

    shutil.copytree(small_snapshot_dir, tmp_path / "var" / "markets" / "model")
    r = runner.invoke(cli, ["markets", "recommend", *args])
    assert r.exit_code == 2 and message in r.output, r.output


def test_company_markets_rejects_bad_items(cli: typer.Typer) -> None:
    with unit_of_work() as session:
        company_id = make_company(session).id
    for extra in (
        ["--set", "VNM=10"],
        ["--year", "2024", "--set", "XX=10"],
        ["--year", "2024", "--set", "VNM"],
    ):
        r = runner.invoke(cli, ["markets", "company-markets", "--company", str(company_id), *extra])
        assert r.exit_code == 2, r.output
    shown = runner.invoke(cli, ["markets", "company-markets", "--company", str(company_id)])
    assert shown.exit_code == 0 and "no recorded export markets" in shown.output
