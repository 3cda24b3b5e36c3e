from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, or_, select

from exportpilot.companies.schemas import CompanyFilter
from exportpilot.kit.repository import LIKE_ESCAPE, RepositoryBase, contains
from exportpilot.models import Company, Province, Region


class CompanyRepository(RepositoryBase[Company]):
    model = Company

    def by_brn(self, brn: str) -> Company | None:
        return self.session.scalar(select(Company).where(Company.brn == brn))

    def filtered(self, f: CompanyFilter, *, only_id: int | None = None) -> Select[Company]:
        stmt = select(Company).join(Province, Company.province_code == Province.code)
        if only_id is not None:
            stmt = stmt.where(Company.id == only_id)
        if f.q:
            like = contains(f.q)
            digits = f.q.replace("-", "").strip()
            conditions = [
                func.lower(Company.name_ko).like(like, escape=LIKE_ESCAPE),
                func.lower(Company.name_en).like(like, escape=LIKE_ESCAPE),
            ]
            if digits.isdigit():
                conditions.append(Company.brn.like(f"{digits}%"))
            stmt = stmt.where(or_(*conditions))
        if f.province:
            stmt = stmt.where(Company.province_code == f.province)
        if f.region:
            stmt = stmt.where(Province.region_code == f.region)
        if f.industry:
            stmt = stmt.where(Company.industry == f.industry)
        if f.export_status:
            stmt = stmt.where(Company.export_status == f.export_status)
        if f.advisor_id is not None:
            stmt = stmt.where(Company.advisor_id == f.advisor_id)
        return stmt.order_by(Company.id)

    def counts_by_region(self) -> Sequence[tuple[str, str, str, int]]:
        """(region code, Korean name, English name, number of companies), every region listed."""
        stmt = (
            select(Region.code, Region.name_ko, Region.name_en, func.count(Company.id))
            .select_from(Region)
            .outerjoin(Province, Province.region_code == Region.code)
            .outerjoin(Company, Company.province_code == Province.code)
            .group_by(Region.code, Region.name_ko, Region.name_en, Region.sort_order)
            .order_by(Region.sort_order)
        )
        return [tuple(r) for r in self.session.execute(stmt).all()]  # type: ignore[misc]
