"""`exportpilot buyers ...` and `exportpilot match inquiry|product` on a fresh database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from exportpilot.cli import matching as match_cli
from exportpilot.cli.main import app
from exportpilot.config import get_settings
from exportpilot.db.session import unit_of_work
from exportpilot.models import Buyer, Inquiry, Role
from exportpilot.reference.loader import load_reference
from tests.buyers.helpers import make_inquiry, trusted_buyer
from tests.factories import make_company, make_product, make_user

runner = CliRunner()
CSV = (
    "company_name,country,website,email\n"
    "Saigon Kitchenware JSC,VN,https://saigonkitchen.vn,info@saigonkitchen.vn\n"
    "Bad Row,XX,,\n"
)


@pytest.fixture
def db(cli_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("EXPORTPILOT_MATCHING_RETRIEVAL", "lexical")
    get_settings.cache_clear()  # cli_engine read the settings before this variable was set
    with unit_of_work(sessionmaker(bind=cli_engine)) as session:
        load_reference(session)
    return cli_engine


def buyers(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(Buyer)) or 0)


class TestBuyersCommands:
    def test_import_all_or_nothing_then_skip_invalid_then_rerun(self, db: Engine, tmp_path: Path) -> None:
        path = tmp_path / "buyers.csv"
        path.write_text(CSV)
        result = runner.invoke(app, ["buyers", "import", str(path)])
        out = " ".join(result.output.split())
        assert result.exit_code == 1 and "nothing imported" in out and "unknown country code" in out
        assert buyers(db) == 0
        result = runner.invoke(app, ["buyers", "import", str(path), "--dry-run", "--skip-invalid"])
        assert result.exit_code == 0 and buyers(db) == 0
        result = runner.invoke(app, ["buyers", "import", str(path), "--skip-invalid", "--json"])
        assert result.exit_code == 0, result.output
        report = json.loads(result.output)
        assert (report["created"], report["invalid"]) == (1, 1) and buyers(db) == 1
        again = json.loads(
            runner.invoke(app, ["buyers", "import", str(path), "--skip-invalid", "--json"]).output
        )
        assert (again["created"], again["unchanged"]) == (0, 1) and buyers(db) == 1

    def test_duplicates_merge_and_trust(self, db: Engine, tmp_path: Path) -> None:
        with unit_of_work(sessionmaker(bind=db)) as s:
            a = trusted_buyer(s, company_name="Sao Mai Trading Co., Ltd.", slug="saomai")
            b = trusted_buyer(s, company_name="SAO MAI TRADING", slug="saomai")
            ids = (a.id, b.id)
        result = runner.invoke(app, ["buyers", "duplicates", "--country", "VN"])
        assert result.exit_code == 0 and "same" in result.output
        result = runner.invoke(app, ["buyers", "trust", str(ids[0])])
        assert result.exit_code == 0 and "Possible duplicate" in result.output
        assert runner.invoke(app, ["buyers", "merge", str(ids[0]), str(ids[1])]).exit_code == 0
        with Session(db) as s:
            assert s.get(Buyer, ids[1]).merged_into_id == ids[0]
        result = runner.invoke(app, ["buyers", "trust", str(ids[0])])
        assert "Possible duplicate" not in result.output and "trust 45/100" in result.output
        assert runner.invoke(app, ["buyers", "merge", str(ids[0]), str(ids[1])]).exit_code == 1

    def test_add_inquiry(self, db: Engine) -> None:
        with unit_of_work(sessionmaker(bind=db)) as s:
            buyer_id = trusted_buyer(s).id
            email = make_user(s, Role.advisor).email
        args = [
            "buyers",
            "add-inquiry",
            str(buyer_id),
            "Cuchillos de acero inoxidable para cocina",
            "--as",
            email,
            "--hs-code",
            "8211.91",
            "--quantity",
            "500",
            "--unit",
            "pcs",
        ]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        bad = runner.invoke(app, [*args, "--currency", "XYZ", "--target-price", "3"])
        assert bad.exit_code == 1 and "currency" in bad.output
        with Session(db) as s:
            assert s.scalar(select(func.count()).select_from(Inquiry)) == 1


class TestMatchCommands:
    def test_inquiry_and_product(self, db: Engine) -> None:
        with unit_of_work(sessionmaker(bind=db)) as s:
            company = make_company(s)
            product = make_product(
                s, company, hs_code="821191", name_en="Chef knife", description_en="Stainless knife"
            )
            buyer = trusted_buyer(s, hs_interests=["8211"], products_of_interest="kitchen knives")
            inquiry = make_inquiry(s, buyer, hs_code="821191", text="Stainless chef knives 500 pcs")
            exporter = make_user(s, Role.exporter, company_id=company.id).email
            other = make_user(s, Role.exporter, company_id=make_company(s).id).email
            ids = (inquiry.id, product.id, buyer.id)
        result = runner.invoke(match_cli.app, ["inquiry", str(ids[0]), "--json"])
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        assert out["retrieval"] == "lexical" and out["matches"][0]["product_id"] == ids[1]
        assert out["matches"][0]["explanation"]["next_question"]["code"]
        result = runner.invoke(match_cli.app, ["product", str(ids[1]), "--as", exporter, "--json"])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)["matches"]
        assert rows[0]["buyer_id"] == ids[2] and "email" not in rows[0]
        assert runner.invoke(match_cli.app, ["product", str(ids[1]), "--as", other]).exit_code == 1
        table = runner.invoke(match_cli.app, ["inquiry", str(ids[0])])
        assert table.exit_code == 0 and "Chef knife" in table.output
