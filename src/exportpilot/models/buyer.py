from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Enum, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base, TimestampMixin
from exportpilot.models.reference import Country


class VerificationStatus(enum.StrEnum):
    unverified = "unverified"
    verified = "verified"
    flagged = "flagged"
    blocked = "blocked"


class VerificationSource(enum.StrEnum):
    """Who confirmed a buyer's identity: an advisor at home or one of the agency's overseas trade offices."""

    advisor = "advisor"
    overseas_office = "overseas_office"


class Buyer(TimestampMixin, Base):
    """An overseas importer."""

    __tablename__ = "buyers"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_name: Mapped[str] = mapped_column(String(200), index=True)
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    city: Mapped[str | None] = mapped_column(String(120), nullable=True)
    website: Mapped[str | None] = mapped_column(String(300), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    business_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    annual_imports_usd: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    products_of_interest: Mapped[str] = mapped_column(Text, default="")
    hs_interests: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    verification_status: Mapped[VerificationStatus] = mapped_column(
        Enum(VerificationStatus, native_enum=False, length=16), default=VerificationStatus.unverified
    )
    # The last screening decision (verify, flag, block) and why; the audit log keeps every earlier one.
    verified_via: Mapped[VerificationSource | None] = mapped_column(
        Enum(VerificationSource, native_enum=False, length=16), nullable=True
    )
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), nullable=True
    )
    # A duplicate merged into another record is kept (for its history) but no longer listed.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyers.id", ondelete="SET NULL"), nullable=True, index=True
    )
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)

    country: Mapped[Country] = relationship(lazy="joined")
    contacts: Mapped[list[BuyerContact]] = relationship(
        back_populates="buyer", cascade="all, delete-orphan", lazy="selectin", order_by="BuyerContact.id"
    )


class BuyerContact(Base):
    __tablename__ = "buyer_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str | None] = mapped_column(String(120), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)

    buyer: Mapped[Buyer] = relationship(back_populates="contacts")
