from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from exportpilot.cli.reference import app
from exportpilot.config import get_settings
from exportpilot.models import HSCode, Province

runner = CliRunner()


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


class TestLoadCommand:
    def test_loads_and_prints_the_counts(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["load"])
        assert result.exit_code == 0, result.output
        for table in ("countries", "currencies", "languages", "regions", "regional_hqs", "provinces"):
            assert table in result.output
        assert "6,939" in result.output
        assert _count(cli_engine, HSCode) == 6939  # committed by the command's unit of work
        assert _count(cli_engine, Province) == 17

    def test_is_safe_to_rerun(self, cli_engine: Engine) -> None:
        first = runner.invoke(app, ["load"])
        second = runner.invoke(app, ["load"])
        assert (first.exit_code, second.exit_code) == (0, 0)
        assert _count(cli_engine, HSCode) == 6939

    def test_bad_regions_file_exits_with_the_message_and_writes_nothing(
        self, cli_engine: Engine, regions_toml: Callable[..., Path]
    ) -> None:
        path = regions_toml(('hq = "ulsan"', 'hq = "ulsn"'))
        result = runner.invoke(app, ["load", "--regions-file", str(path)])
        assert result.exit_code == 1
        assert "unknown hq 'ulsn'" in " ".join(result.output.split())
        assert _count(cli_engine, HSCode) == 0  # rolled back

    def test_regions_file_from_the_environment(
        self, cli_engine: Engine, regions_toml: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = regions_toml(('region = "jeju"', 'region = "nowhere"'))
        monkeypatch.setenv("EXPORTPILOT_REGIONS_FILE", str(path))
        get_settings.cache_clear()
        result = runner.invoke(app, ["load"])
        assert result.exit_code == 1
        assert "KR-49 (제주특별자치도): unknown region 'nowhere'" in " ".join(result.output.split())

    def test_help(self) -> None:
        result = runner.invoke(app, ["--help"])
        assert result.exit_code == 0
        assert "load" in result.output
