from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from exportpilot.buyers.schemas import BuyerFilter
from exportpilot.kit.repository import LIKE_ESCAPE, RepositoryBase, contains
from exportpilot.models import Buyer


class BuyerRepository(RepositoryBase[Buyer]):
    model = Buyer

    def filtered(self, f: BuyerFilter, *, only_id: int | None = None) -> Select[Buyer]:
        stmt = select(Buyer)
        if only_id is not None:
            stmt = stmt.where(Buyer.id == only_id)
        if f.q:
            like = contains(f.q)
            stmt = stmt.where(
                or_(
                    func.lower(Buyer.company_name).like(like, escape=LIKE_ESCAPE),
                    func.lower(Buyer.products_of_interest).like(like, escape=LIKE_ESCAPE),
                )
            )
        if f.country:
            stmt = stmt.where(Buyer.country_code == f.country)
        if f.verification_status:
            stmt = stmt.where(Buyer.verification_status == f.verification_status)
        return stmt.order_by(Buyer.id)

    def by_name_country(self, name: str, country: str) -> Buyer | None:
        return self.session.scalar(
            select(Buyer).where(
                func.lower(Buyer.company_name) == name.strip().lower(), Buyer.country_code == country
            )
        )
