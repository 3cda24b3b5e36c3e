"""`exportpilot products profile|hs-suggestions` and `exportpilot hs confirm` on a real database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from exportpilot.cli.main import app
from exportpilot.config import get_settings
from exportpilot.db.session import unit_of_work
from exportpilot.models import HSCodeSource, Product, Role
from exportpilot.products.hs_model import model_dir
from exportpilot.reference.loader import load_reference
from tests.factories import make_company, make_product, make_user

if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier

runner = CliRunner()


@pytest.fixture
def db(cli_engine: Engine) -> dict[str, object]:
    factory = sessionmaker(bind=cli_engine, expire_on_commit=False)
    with unit_of_work(factory) as session:
        load_reference(session)
        company = make_company(session)
        product = make_product(
            session,
            company,
            name_en="Frozen boneless beef",
            name_ko="냉동 소고기",
            description_en="Meat of bovine animals, frozen, boneless. Packed in 20 kg cartons, HACCP plant.",
            description_ko="",
            hs_code=None,
        )
        make_user(session, Role.advisor, email="advisor@agency.example")
        make_user(session, Role.exporter, email="owner@firm.example", company_id=company.id)
        make_user(session, Role.exporter, email="other@firm.example", company_id=make_company(session).id)
    return {"factory": factory, "product": product.id}


def reload(db: dict[str, object]) -> Product:
    factory = db["factory"]
    assert isinstance(factory, sessionmaker)
    with factory() as session:
        product = Session.get(session, Product, db["product"])
        assert product is not None
        return product


class TestProfileCommand:
    def test_show_as_table_and_json_then_extract(self, db) -> None:  # type: ignore[no-untyped-def]
        pid = str(db["product"])
        result = runner.invoke(app, ["products", "profile", pid])
        assert result.exit_code == 0, result.output
        assert "not stored yet" in result.stdout and "HACCP" in result.stdout and "20 kg" in result.stdout
        data = json.loads(runner.invoke(app, ["products", "profile", pid, "--json"]).stdout)
        assert data["stored"] is False and data["profile"]["certifications"] == ["HACCP"]
        spec = data["profile"]["specifications"][0]
        assert (spec["value"], spec["unit"], spec["base_value"]) == (20.0, "kg", 20000.0)
        result = runner.invoke(app, ["products", "profile", pid, "--extract"])
        assert result.exit_code == 2 and "--as" in result.stderr
        result = runner.invoke(app, ["products", "profile", pid, "--extract", "--as", "owner@firm.example"])
        assert result.exit_code == 0, result.output
        assert reload(db).profile is not None and reload(db).profile_source == "extracted"

    def test_errors(self, db) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["products", "profile", "999999"])
        assert result.exit_code == 1 and "NotFound" in result.stderr
        pid = str(db["product"])
        result = runner.invoke(app, ["products", "profile", pid, "--as", "other@firm.example"])
        assert result.exit_code == 1 and "PermissionDenied" in result.stderr
        result = runner.invoke(app, ["products", "profile", pid, "--as", "nobody@x.example"])
        assert result.exit_code == 1 and "no user" in result.stderr


class TestHsCommands:
    def test_without_a_model(self, db) -> None:  # type: ignore[no-untyped-def]
        result = runner.invoke(app, ["products", "hs-suggestions", str(db["product"])])
        assert result.exit_code == 1 and "exportpilot hs train" in result.stderr
        # A correction needs no model.
        result = runner.invoke(
            app, ["hs", "confirm", str(db["product"]), "0202.30", "--as", "advisor@agency.example"]
        )
        assert result.exit_code == 0, result.output
        assert "training data" in result.stdout
        product = reload(db)
        assert (product.hs_code, product.hs_source) == ("020230", HSCodeSource.advisor)

    def test_suggest_then_confirm(self, db, small_hs_model: HSClassifier, hs_var_dir: Path) -> None:  # type: ignore[no-untyped-def]
        small_hs_model.save(model_dir(get_settings()))
        pid = str(db["product"])
        result = runner.invoke(app, ["products", "hs-suggestions", pid, "--top", "3"])
        assert result.exit_code == 0, result.output
        assert "Frozen boneless beef" in result.stdout
        data = json.loads(runner.invoke(app, ["products", "hs-suggestions", pid, "--json"]).stdout)
        assert len(data["candidates"]) == 5 and data["candidates"][0]["hs6"].startswith("02")
        best = data["candidates"][0]["hs6"]

        result = runner.invoke(
            app, ["hs", "confirm", pid, best, "--as", "owner@firm.example", "--source", "model"]
        )
        assert result.exit_code == 0, result.output
        assert "not training data" in result.stdout
        result = runner.invoke(app, ["hs", "confirm", pid, best, "--as", "advisor@agency.example"])
        assert result.exit_code == 0, result.output
        product = reload(db)
        assert product.hs_code == best and product.hs_source == HSCodeSource.model
        assert product.hs_confirmed_text and product.hs_confirmed_text.startswith("Frozen boneless beef")

    def test_confirm_rejects(self, db) -> None:  # type: ignore[no-untyped-def]
        pid = str(db["product"])
        result = runner.invoke(app, ["hs", "confirm", pid, "12.34", "--as", "advisor@agency.example"])
        assert result.exit_code == 2 and "InvalidInput" in result.stderr
        result = runner.invoke(app, ["hs", "confirm", pid, "020230", "--as", "other@firm.example"])
        assert result.exit_code == 1 and "PermissionDenied" in result.stderr
        result = runner.invoke(app, ["hs", "confirm", pid, "020230"])
        assert result.exit_code == 2  # who confirms is not optional
        assert reload(db).hs_code is None
