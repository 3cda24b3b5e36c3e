"""Every query of matching and introductions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from exportpilot.kit.repository import RepositoryBase
from exportpilot.matching.schemas import IntroductionFilter
from exportpilot.models import (
    Buyer,
    Company,
    Country,
    HSCode,
    Introduction,
    IntroductionStage,
    Product,
    Province,
    Region,
    User,
)


class MatchingRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def products(self) -> Sequence[tuple[Product, Company]]:
        stmt = select(Product, Company).join(Company, Company.id == Product.company_id).order_by(Product.id)
        return [(p, c) for p, c in self.session.execute(stmt).unique().all()]

    def hs_descriptions(self, codes: Iterable[str | None]) -> dict[str, str]:
        wanted = sorted({c for c in codes if c})
        if not wanted:
            return {}
        rows = self.session.execute(select(HSCode.code, HSCode.description).where(HSCode.code.in_(wanted)))
        return {str(row[0]): str(row[1]) for row in rows}

    def introductions_between(
        self, *, buyer_ids: Iterable[int] | None = None, product_ids: Iterable[int] | None = None
    ) -> Sequence[tuple[Introduction, str | None]]:
        """Introductions (with their product's HS code) of some buyers and/or products."""
        stmt = select(Introduction, Product.hs_code).join(Product, Product.id == Introduction.product_id)
        if buyer_ids is not None:
            stmt = stmt.where(Introduction.buyer_id.in_(sorted(set(buyer_ids)) or [-1]))
        if product_ids is not None:
            stmt = stmt.where(Introduction.product_id.in_(sorted(set(product_ids)) or [-1]))
        return [(i, hs) for i, hs in self.session.execute(stmt.order_by(Introduction.id)).unique().all()]


class IntroductionRepository(RepositoryBase[Introduction]):
    model = Introduction

    def filtered(
        self, f: IntroductionFilter, *, only_buyer: int | None = None, only_company: int | None = None
    ) -> Select[Introduction]:
        stmt = select(Introduction)
        if only_buyer is not None:
            stmt = stmt.where(Introduction.buyer_id == only_buyer)
        if only_company is not None:
            stmt = stmt.where(Introduction.company_id == only_company)
        if f.stage is not None:
            stmt = stmt.where(Introduction.stage == f.stage)
        if f.buyer_id is not None:
            stmt = stmt.where(Introduction.buyer_id == f.buyer_id)
        if f.company_id is not None:
            stmt = stmt.where(Introduction.company_id == f.company_id)
        return stmt.order_by(Introduction.id.desc())

    def open_between(self, buyer_id: int, product_id: int) -> Introduction | None:
        stmt = select(Introduction).where(
            Introduction.buyer_id == buyer_id,
            Introduction.product_id == product_id,
            Introduction.stage != IntroductionStage.declined,
        )
        return self.session.scalars(stmt).first()

    def stage_counts(self, by: str) -> list[tuple[str, str, str, str, int]]:
        """(group key, Korean name, English name, stage, count) for the funnel grouped ``by``."""
        stage = Introduction.stage
        stmt: Any
        if by == "region":
            stmt = (
                select(Region.code, Region.name_ko, Region.name_en, stage, func.count())
                .join(Company, Company.id == Introduction.company_id)
                .join(Province, Province.code == Company.province_code)
                .join(Region, Region.code == Province.region_code)
                .group_by(Region.code, Region.name_ko, Region.name_en, stage)
            )
        elif by == "market":
            stmt = (
                select(Country.iso3, Country.name_ko, Country.name_en, stage, func.count())
                .join(Buyer, Buyer.id == Introduction.buyer_id)
                .join(Country, Country.iso3 == Buyer.country_code)
                .group_by(Country.iso3, Country.name_ko, Country.name_en, stage)
            )
        else:
            stmt = (
                select(User.id, User.full_name, User.full_name, stage, func.count())
                .join(Company, Company.id == Introduction.company_id)
                .outerjoin(User, User.id == Company.advisor_id)
                .group_by(User.id, User.full_name, stage)
            )
        rows = self.session.execute(stmt).all()
        out = []
        for key, ko, en, st, n in rows:
            value = st.value if hasattr(st, "value") else str(st)
            out.append(("" if key is None else str(key), ko or "", en or "", value, int(n)))
        return out
