from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base
from exportpilot.models.company import Company


class CompanyExportMarket(Base):
    """A company's exports to one country in one calendar year, in US dollars: its current markets.

    ``CompanyExport`` holds the yearly totals; this table says where they went, so that the market
    recommender treats the markets a firm already sells in as its current position, not as new ones.
    """

    __tablename__ = "company_export_markets"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), primary_key=True)
    value_usd: Mapped[int] = mapped_column(BigInteger)

    company: Mapped[Company] = relationship()
