from __future__ import annotations

import enum

from sqlalchemy import BigInteger, Boolean, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base, TimestampMixin
from exportpilot.models.reference import Province


class ExportStatus(enum.StrEnum):
    none = "none"  # has never exported
    initial = "initial"  # first exports, under $100 k a year
    growing = "growing"
    established = "established"


class Company(TimestampMixin, Base):
    """A Korean SME served by the agency."""

    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    brn: Mapped[str] = mapped_column(String(10), unique=True)  # 사업자등록번호, digits only
    province_code: Mapped[str] = mapped_column(ForeignKey("provinces.code"), index=True)
    industry: Mapped[str] = mapped_column(String(40), index=True)
    employees: Mapped[int] = mapped_column(Integer, default=0)
    export_status: Mapped[ExportStatus] = mapped_column(
        Enum(ExportStatus, native_enum=False, length=16), default=ExportStatus.none
    )
    founded_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    advisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), nullable=True, index=True
    )
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)

    province: Mapped[Province] = relationship(lazy="joined")
    exports: Mapped[list[CompanyExport]] = relationship(
        back_populates="company",
        cascade="all, delete-orphan",
        order_by="CompanyExport.year",
        lazy="selectin",
    )


class CompanyExport(Base):
    """A company's exports in one calendar year, in US dollars."""

    __tablename__ = "company_exports"

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value_usd: Mapped[int] = mapped_column(BigInteger)

    company: Mapped[Company] = relationship(back_populates="exports")
