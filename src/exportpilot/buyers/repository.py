from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, func, or_, select

from exportpilot.buyers.schemas import BuyerFilter, InquiryFilter
from exportpilot.kit.repository import LIKE_ESCAPE, RepositoryBase, contains
from exportpilot.models import Buyer, BuyerContact, Inquiry, Introduction


class BuyerRepository(RepositoryBase[Buyer]):
    model = Buyer

    def filtered(self, f: BuyerFilter, *, only_id: int | None = None) -> Select[Buyer]:
        """The listed buyers: merged duplicates are left out (they live on in the record they joined)."""
        stmt = select(Buyer).where(Buyer.merged_into_id.is_(None))
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

    def active_in_countries(self, countries: Iterable[str]) -> Sequence[Buyer]:
        """Every buyer not merged away in these countries, for de-duplication."""
        wanted = sorted(set(countries))
        if not wanted:
            return []
        stmt = (
            select(Buyer)
            .where(Buyer.country_code.in_(wanted), Buyer.merged_into_id.is_(None))
            .order_by(Buyer.id)
        )
        return self.session.scalars(stmt).unique().all()

    def active(self, *, exclude_blocked: bool = True) -> Sequence[Buyer]:
        stmt = select(Buyer).where(Buyer.merged_into_id.is_(None)).order_by(Buyer.id)
        if exclude_blocked:
            stmt = stmt.where(Buyer.verification_status != "blocked")
        return self.session.scalars(stmt).unique().all()

    def by_ids(self, ids: Iterable[int]) -> Sequence[Buyer]:
        wanted = sorted(set(ids))
        if not wanted:
            return []
        return (
            self.session.scalars(select(Buyer).where(Buyer.id.in_(wanted)).order_by(Buyer.id)).unique().all()
        )

    def merged_from(self, buyer_id: int) -> list[int]:
        stmt = select(Buyer.id).where(Buyer.merged_into_id == buyer_id).order_by(Buyer.id)
        return list(self.session.scalars(stmt).all())

    def contacts_of(self, buyer_id: int) -> Sequence[BuyerContact]:
        stmt = select(BuyerContact).where(BuyerContact.buyer_id == buyer_id).order_by(BuyerContact.id)
        return self.session.scalars(stmt).all()

    def inquiries_of(self, buyer_ids: Iterable[int]) -> Sequence[Inquiry]:
        wanted = sorted(set(buyer_ids))
        if not wanted:
            return []
        stmt = select(Inquiry).where(Inquiry.buyer_id.in_(wanted)).order_by(Inquiry.id)
        return self.session.scalars(stmt).all()

    def introductions_of(self, buyer_ids: Iterable[int]) -> Sequence[Introduction]:
        wanted = sorted(set(buyer_ids))
        if not wanted:
            return []
        stmt = select(Introduction).where(Introduction.buyer_id.in_(wanted)).order_by(Introduction.id)
        return self.session.scalars(stmt).unique().all()


class InquiryRepository(RepositoryBase[Inquiry]):
    model = Inquiry

    def filtered(self, f: InquiryFilter, *, only_buyer: int | None = None) -> Select[Inquiry]:
        stmt = select(Inquiry)
        if only_buyer is not None:
            stmt = stmt.where(Inquiry.buyer_id == only_buyer)
        if f.buyer_id is not None:
            stmt = stmt.where(Inquiry.buyer_id == f.buyer_id)
        if f.status is not None:
            stmt = stmt.where(Inquiry.status == f.status)
        if f.q:
            like = contains(f.q)
            stmt = stmt.where(
                or_(
                    func.lower(Inquiry.title).like(like, escape=LIKE_ESCAPE),
                    func.lower(Inquiry.text).like(like, escape=LIKE_ESCAPE),
                )
            )
        return stmt.order_by(Inquiry.id.desc())

    def open_of_buyers(self, buyer_ids: Iterable[int]) -> Sequence[Inquiry]:
        wanted = sorted(set(buyer_ids))
        if not wanted:
            return []
        stmt = (
            select(Inquiry).where(Inquiry.buyer_id.in_(wanted), Inquiry.status == "open").order_by(Inquiry.id)
        )
        return self.session.scalars(stmt).all()
