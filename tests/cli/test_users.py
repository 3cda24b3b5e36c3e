from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from exportpilot.cli.main import app
from exportpilot.kit.security import verify_password
from exportpilot.models import Role, User

runner = CliRunner()


def _users(engine: Engine) -> list[User]:
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        return list(s.scalars(select(User)))


class TestDbUpgrade:
    def test_upgrade_is_rerunnable(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert "head" in result.output


class TestUsersCreate:
    def test_creates_with_generated_password(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["users", "create", "--email", "Kim@Agency.example", "--role", "advisor"])
        assert result.exit_code == 0, result.output
        password = result.output.split("password:")[1].split()[0]
        (user,) = _users(cli_engine)
        assert user.email == "kim@agency.example" and user.role == Role.advisor
        assert verify_password(user.password_hash, password)

    def test_duplicate_is_refused_and_if_missing_is_quiet(self, cli_engine: Engine) -> None:
        args = ["users", "create", "--email", "a@agency.example", "--password", "long-enough"]
        assert runner.invoke(app, args).exit_code == 0
        dup = runner.invoke(app, args)
        assert dup.exit_code == 1 and "Conflict" in dup.output
        assert runner.invoke(app, [*args, "--if-missing"]).exit_code == 0
        assert len(_users(cli_engine)) == 1

    def test_short_password_is_refused(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["users", "create", "--email", "b@agency.example", "--password", "short"])
        assert result.exit_code == 1 and "invalid" in result.output
        assert _users(cli_engine) == []


class TestEnsureAdmin:
    def test_prints_the_same_login_twice(self, cli_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("EXPORTPILOT_ENVIRONMENT", "development")
        from exportpilot.config import get_settings

        get_settings.cache_clear()
        first = runner.invoke(app, ["users", "ensure-admin"])
        second = runner.invoke(app, ["users", "ensure-admin"])
        assert first.exit_code == 0 and second.exit_code == 0, first.output
        pw = first.output.split("password:")[1].split()[0]
        assert pw == second.output.split("password:")[1].split()[0]
        (admin,) = _users(cli_engine)
        assert admin.role == Role.admin and verify_password(admin.password_hash, pw)

    def test_refused_outside_development(self, cli_engine: Engine) -> None:
        result = runner.invoke(app, ["users", "ensure-admin"])
        assert result.exit_code == 1
        assert _users(cli_engine) == []
