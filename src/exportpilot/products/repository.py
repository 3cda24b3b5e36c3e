from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select

from exportpilot.kit.repository import LIKE_ESCAPE, RepositoryBase, contains
from exportpilot.models import Product, Role, User
from exportpilot.products.schemas import ProductFilter


class ProductRepository(RepositoryBase[Product]):
    model = Product

    def filtered(self, f: ProductFilter, *, only_company: int | None = None) -> Select[Product]:
        stmt = select(Product)
        if only_company is not None:
            stmt = stmt.where(Product.company_id == only_company)
        if f.company_id is not None:
            stmt = stmt.where(Product.company_id == f.company_id)
        if f.q:
            like = contains(f.q)
            stmt = stmt.where(
                or_(
                    func.lower(Product.name_ko).like(like, escape=LIKE_ESCAPE),
                    func.lower(Product.name_en).like(like, escape=LIKE_ESCAPE),
                    func.lower(Product.description_en).like(like, escape=LIKE_ESCAPE),
                    func.lower(Product.description_ko).like(like, escape=LIKE_ESCAPE),
                )
            )
        if f.hs_prefix:
            stmt = stmt.where(Product.hs_code.like(f"{f.hs_prefix}%"))
        return stmt.order_by(Product.id)

    def confirmed_by_staff(self) -> Sequence[Any]:
        """The HS codes confirmed by agency staff, with the text each was confirmed on, newest first."""
        stmt = (
            select(Product.hs_code, Product.hs_confirmed_text, Product.hs_confirmed_at, Product.is_generated)
            .join(User, User.id == Product.hs_confirmed_by_id)
            .where(
                Product.hs_code.is_not(None),
                Product.hs_confirmed_text.is_not(None),
                Product.hs_confirmed_at.is_not(None),
                User.role.in_([Role.admin, Role.advisor]),
            )
            .order_by(Product.hs_confirmed_at.desc(), Product.id.desc())
        )
        return self.session.execute(stmt).all()
