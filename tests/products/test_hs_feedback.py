"""The feedback loop: HS codes confirmed by agency staff become training data of the next `hs train`."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from exportpilot.cli.hs import app as hs_app
from exportpilot.config import Settings, get_settings
from exportpilot.db.session import unit_of_work
from exportpilot.models import Role
from exportpilot.products import hs_suggestions as hs
from exportpilot.products.hs_model import load_default
from exportpilot.products.schemas import ProductUpdate
from exportpilot.products.service import update_product
from exportpilot.reference.loader import load_reference
from tests.factories import make_company, make_product, make_user

CHEF_KNIFE = {
    "name_en": "Stainless steel chef knife",
    "name_ko": "스테인리스 셰프 나이프",
    "description_en": "One-piece chef knife with a 20 cm molybdenum steel blade. Lifetime warranty.",
    "hs_code": None,
}


def confirm(session, product, actor, code: str, when: dt.datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    hs.confirm_hs_code(session, product_id=product.id, actor=actor, code=code)
    if when is not None:
        product.hs_confirmed_at = when


class TestFeedbackFromTheDatabase:
    def test_staff_confirmations_only_latest_wins_no_demo_no_duplicates(self, session, hs_var_dir) -> None:  # type: ignore[no-untyped-def]
        adv = make_user(session, Role.advisor)
        admin = make_user(session, Role.admin)
        c = make_company(session)
        ex = make_user(session, Role.exporter, company_id=c.id)
        knife = make_product(session, c, **CHEF_KNIFE)
        confirm(session, knife, adv, "821191")
        by_exporter = make_product(
            session, c, name_en="Kimchi", name_ko="김치", description_en="", description_ko="", hs_code=None
        )
        confirm(session, by_exporter, ex, "200599")
        demo = make_product(
            session,
            name_en="Demo lathe",
            description_en="",
            description_ko="",
            hs_code=None,
            is_generated=True,
        )
        confirm(session, demo, admin, "845811")
        # The same text confirmed twice with different codes: the later decision is the one learnt.
        old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        twin_a = make_product(
            session, name_en="Gochujang", name_ko="고추장", description_en="", description_ko="", hs_code=None
        )
        twin_b = make_product(
            session, name_en="Gochujang", name_ko="고추장", description_en="", description_ko="", hs_code=None
        )
        confirm(session, twin_a, adv, "210390", when=old)
        confirm(session, twin_b, admin, "210320", when=old + dt.timedelta(days=1))
        # A confirmation undone by a later edit of the code is no training data.
        edited = make_product(
            session, c, name_en="Soy sauce", description_en="", description_ko="", hs_code=None
        )
        confirm(session, edited, adv, "210310")
        update_product(session, product_id=edited.id, data=ProductUpdate(hs_code="210390"), actor=ex)
        session.flush()

        found = hs.feedback_from_session(session)
        pairs = dict(zip(found.texts, found.codes, strict=True))
        assert pairs[hs.product_hs_text(knife)] == "821191"
        assert pairs["Gochujang. 고추장"] == "210320"
        for left_out in (by_exporter, demo, edited):
            assert hs.product_hs_text(left_out) not in pairs
        assert len(pairs) == 2
        assert found.skipped_generated == 1 and found.skipped_duplicates == 1
        # A text already among the customs cases with the same code is not added twice.
        known = {(" ".join(hs.product_hs_text(knife).split()).casefold(), "821191")}
        again = hs.feedback_from_session(session, known=known)
        assert hs.product_hs_text(knife) not in again.texts and again.skipped_duplicates == 2
        assert hs.feedback_from_session(session, include_generated=True).skipped_generated == 0

    def test_no_database_or_an_unmigrated_one(self, tmp_path: Path) -> None:
        settings = Settings(var_dir=tmp_path, database_url="")
        nothing = hs.feedback_cases(settings)
        assert (nothing.texts, nothing.note) == ([], None)
        (tmp_path / "exportpilot.db").write_bytes(b"")  # an empty SQLite file: no tables
        unmigrated = hs.feedback_cases(settings)
        assert unmigrated.texts == [] and "not read" in (unmigrated.note or "")
        broken = hs.feedback_cases(Settings(var_dir=tmp_path, database_url="sqlite:////nonexistent/dir/x.db"))
        assert broken.texts == [] and broken.note


@pytest.fixture
def small_cases(hs_cases: tuple[list[str], list[str]], tmp_path: Path) -> Path:
    """Every 200th real customs case (about 175), enough for a quick real training."""
    path = tmp_path / "cases.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hs6", "text"])
        writer.writerows(zip(hs_cases[1][::200], hs_cases[0][::200], strict=True))
    return path


class TestTrainWithFeedback:
    def test_hs_train_adds_the_confirmed_product_text_and_says_so(
        self, cli_engine: Engine, small_cases: Path
    ) -> None:
        factory = sessionmaker(bind=cli_engine, expire_on_commit=False)
        with unit_of_work(factory) as session:
            load_reference(session)
            adv = make_user(session, Role.advisor)
            knife = make_product(session, **CHEF_KNIFE)
            confirm(session, knife, adv, "8211.91")
            text = hs.product_hs_text(knife)
        assert get_settings().database_url  # the CLI reads the database cli_engine made

        result = CliRunner().invoke(hs_app, ["train", "--cases", str(small_cases)])
        assert result.exit_code == 0, result.output
        assert "Confirmed product codes added" in result.stdout
        row = next(line for line in result.stdout.splitlines() if "Confirmed product codes added" in line)
        assert row.strip("│ ").endswith("1")

        model = load_default(get_settings())
        assert text in list(model.doc_texts_)
        prediction = model.predict_top([text], k=3)[0]
        assert prediction.top is not None and prediction.top.hs6 == "821191"
        assert prediction.top.neighbours[0].text == text and prediction.top.neighbours[0].source == "case"

        result = CliRunner().invoke(hs_app, ["train", "--cases", str(small_cases), "--no-feedback"])
        assert result.exit_code == 0, result.output
        row = next(line for line in result.stdout.splitlines() if "Confirmed product codes added" in line)
        assert row.strip("│ ").endswith("0")
        assert text not in list(load_default(get_settings()).doc_texts_)
