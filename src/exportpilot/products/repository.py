from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from exportpilot.kit.repository import LIKE_ESCAPE, RepositoryBase, contains
from exportpilot.models import Product
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
