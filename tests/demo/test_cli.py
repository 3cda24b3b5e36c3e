from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from exportpilot.cli.demo import app
from exportpilot.cli.reference import app as reference_app
from exportpilot.demo.generator import DEMO_PASSWORD, generate_demo
from exportpilot.models import Buyer, Company, Product, User

runner = CliRunner()
SMALL = ["--companies", "40", "--buyers", "250"]


@pytest.fixture
def with_reference(cli_engine: Engine) -> Engine:
    result = runner.invoke(reference_app, ["load"])
    assert result.exit_code == 0, result.output
    return cli_engine


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


class TestLoadCommand:
    def test_loads_commits_and_prints_the_counts(self, with_reference: Engine) -> None:
        result = runner.invoke(app, ["load", *SMALL, "--seed", "11"])
        assert result.exit_code == 0, result.output
        expected = generate_demo(11, companies=40, buyers=250).counts()
        for table, count in expected.items():
            assert table in result.output and f"{count:,}" in result.output
        assert DEMO_PASSWORD in result.output
        # Committed by the command's unit of work, visible on another connection.
        assert _count(with_reference, Company) == 40
        assert _count(with_reference, Buyer) == 250
        assert _count(with_reference, Product) == expected["products"]
        assert _count(with_reference, User) == expected["users"]

    def test_is_safe_to_rerun(self, with_reference: Engine) -> None:
        first = runner.invoke(app, ["load", *SMALL])
        second = runner.invoke(app, ["load", *SMALL])
        assert (first.exit_code, second.exit_code) == (0, 0), second.output
        assert _count(with_reference, Company) == 40
        assert _count(with_reference, Buyer) == 250

    def test_without_reference_data_exits_with_the_hint(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["load", *SMALL])
        assert result.exit_code == 1
        assert "run `exportpilot reference load` first" in " ".join(result.output.split())
        assert _count(cli_engine, Company) == 0

    def test_rejects_a_non_positive_company_count(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["load", "--companies", "0"])
        assert result.exit_code == 2
        assert _count(cli_engine, Company) == 0

    def test_help(self) -> None:
        result = runner.invoke(app, ["--help"])
        assert result.exit_code == 0
        assert "load" in result.output
        result = runner.invoke(app, ["load", "--help"])
        assert result.exit_code == 0
        for option in ("--seed", "--companies", "--buyers"):
            assert option in result.output
