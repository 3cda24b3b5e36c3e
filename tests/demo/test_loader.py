from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from exportpilot.db.migrate import upgrade
from exportpilot.db.session import make_engine
from exportpilot.demo.generator import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoData
from exportpilot.demo.loader import STEPS, load_demo
from exportpilot.errors import InvalidInput
from exportpilot.kit.security import verify_password
from exportpilot.models import (
    Buyer,
    BuyerContact,
    Company,
    CompanyExport,
    Country,
    HSCode,
    Product,
    Role,
    User,
)
from tests.factories import make_company, make_user


def _table_counts(session: Session) -> dict[str, int]:
    def count(model: type, *where: object) -> int:
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)  # type: ignore[arg-type]

    return {
        "users": count(User, User.email.endswith("@" + DEMO_EMAIL_DOMAIN)),
        "companies": count(Company, Company.is_generated.is_(True)),
        "company_exports": count(CompanyExport),
        "products": count(Product, Product.is_generated.is_(True)),
        "buyers": count(Buyer, Buyer.is_generated.is_(True)),
        "buyer_contacts": count(BuyerContact),
    }


class TestReferenceCodes:
    def test_every_hs_code_used_is_a_subheading_in_the_table(
        self, session: Session, demo_data: DemoData
    ) -> None:
        codes = {p.hs_code for c in demo_data.companies for p in c.products}
        codes |= {code for b in demo_data.buyers for code in b.hs_interests}
        found = dict(session.execute(select(HSCode.code, HSCode.level).where(HSCode.code.in_(codes))).all())
        assert set(found) == codes
        assert set(found.values()) == {6}

    def test_every_buyer_country_is_in_the_table(self, session: Session, demo_data: DemoData) -> None:
        codes = {b.country_code for b in demo_data.buyers}
        found = set(session.scalars(select(Country.iso3).where(Country.iso3.in_(codes))))
        assert found == codes


class TestLoadDemo:
    def test_loads_everything_and_returns_the_counts(self, session: Session, demo_data: DemoData) -> None:
        steps: list[str] = []
        counts = load_demo(session, demo_data, progress=steps.append)
        assert steps == list(STEPS)
        assert counts == demo_data.counts()
        assert _table_counts(session) == counts
        assert counts["companies"] >= 300 and counts["buyers"] >= 2000

        companies = session.scalars(select(Company).where(Company.is_generated.is_(True))).unique().all()
        assert all(c.advisor_id is not None for c in companies)
        assert {c.brn for c in companies} == {c.brn for c in demo_data.companies}
        users = session.scalars(select(User).where(User.email.endswith("@" + DEMO_EMAIL_DOMAIN))).all()
        by_role = {role: [u for u in users if u.role is role] for role in Role}
        assert (len(by_role[Role.advisor]), len(by_role[Role.exporter]), len(by_role[Role.buyer])) == (
            12,
            30,
            20,
        )
        assert not by_role[Role.admin]
        assert len({u.password_hash for u in users}) == 1  # hashed once
        assert verify_password(users[0].password_hash, DEMO_PASSWORD)
        generated_company_ids = {c.id for c in companies}
        assert all(u.company_id in generated_company_ids for u in by_role[Role.exporter])
        buyer_ids = set(session.scalars(select(Buyer.id).where(Buyer.is_generated.is_(True))))
        assert all(u.buyer_id in buyer_ids for u in by_role[Role.buyer])

        # The exporter user points at the company the generator chose for it.
        first = next(u for u in demo_data.users if u.role is Role.exporter)
        user = session.scalars(select(User).where(User.email == first.email)).one()
        assert first.company_index is not None
        assert session.get(Company, user.company_id).brn == demo_data.companies[first.company_index].brn  # type: ignore[union-attr]

    def test_rows_keep_their_texts_and_json(self, session: Session, demo_data: DemoData) -> None:
        load_demo(session, demo_data)
        expected = demo_data.companies[0].products[0]
        product = session.scalars(select(Product).where(Product.name_en == expected.name_en)).first()
        assert product is not None
        assert product.description_ko == expected.description_ko
        assert product.specifications == expected.specifications
        assert product.certifications == list(expected.certifications)
        assert (product.price_min, product.price_max) == (expected.price_min, expected.price_max)
        buyer_data = demo_data.buyers[0]
        buyer = session.scalars(select(Buyer).where(Buyer.email == buyer_data.email)).first()
        assert buyer is not None
        assert buyer.products_of_interest == buyer_data.products_of_interest
        assert buyer.hs_interests == list(buyer_data.hs_interests)
        assert [c.email for c in buyer.contacts] == [c.email for c in buyer_data.contacts]

    def test_reloading_replaces_instead_of_duplicating(self, session: Session, demo_data: DemoData) -> None:
        small = _small(demo_data)
        load_demo(session, demo_data)
        # Rows entered by people that point at demo rows survive a reload, without the pointers.
        real = make_company(
            session, advisor_id=session.scalars(select(User.id).where(User.role == Role.advisor)).first()
        )
        demo_company_id = session.scalars(select(Company.id).where(Company.is_generated.is_(True))).first()
        real_user = make_user(session, Role.exporter, company_id=demo_company_id)
        before = _table_counts(session)

        assert load_demo(session, demo_data) == before
        assert _table_counts(session) == before
        session.expire_all()
        assert session.get(Company, real.id).advisor_id is None  # type: ignore[union-attr]
        assert session.get(User, real_user.id).company_id is None  # type: ignore[union-attr]

        counts = load_demo(session, small)  # a smaller set replaces the larger one completely
        assert _table_counts(session) == counts == small.counts()
        assert session.get(Company, real.id) is not None

    def test_wrong_codes_in_the_data_are_rejected(self, session: Session, demo_data: DemoData) -> None:
        company = demo_data.companies[0]
        product = dataclasses.replace(company.products[0], hs_code="330411")
        bad = dataclasses.replace(
            _small(demo_data), companies=(dataclasses.replace(company, products=(product,)),), users=()
        )
        with pytest.raises(InvalidInput, match="lacks HS codes the demo data uses \\(330411\\)"):
            load_demo(session, bad)
        assert _table_counts(session)["companies"] == 0


def _small(data: DemoData) -> DemoData:
    """The first 20 companies and 50 buyers of ``data``, with the users that still have their record."""
    users = tuple(
        u
        for u in data.users
        if (u.company_index is None or u.company_index < 20) and (u.buyer_index is None or u.buyer_index < 50)
    )
    return dataclasses.replace(data, companies=data.companies[:20], buyers=data.buyers[:50], users=users)


@pytest.fixture
def empty_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database with the schema but no reference data."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


class TestMissingReference:
    def test_tells_to_load_the_reference_data_first(self, empty_engine: Engine, demo_data: DemoData) -> None:
        with Session(empty_engine) as session:
            with pytest.raises(InvalidInput, match="run `exportpilot reference load` first") as info:
                load_demo(session, _small(demo_data))
            assert "countries, provinces, hs_codes" in str(info.value)
            assert session.scalar(select(func.count()).select_from(Company)) == 0
