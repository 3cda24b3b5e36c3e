from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exportpilot.db.base import Base, TimestampMixin


class InquiryStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class HSSource(enum.StrEnum):
    """Where an inquiry's HS code came from."""

    buyer = "buyer"
    classifier = "classifier"


class Inquiry(TimestampMixin, Base):
    """A buyer's request for quotation (RFQ): free text in any language plus optional structured fields."""

    __tablename__ = "inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    hs_code: Mapped[str | None] = mapped_column(ForeignKey("hs_codes.code"), nullable=True, index=True)
    hs_source: Mapped[HSSource | None] = mapped_column(
        Enum(HSSource, native_enum=False, length=16), nullable=True
    )
    hs_note: Mapped[str | None] = mapped_column(String(300), nullable=True)
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(18, 3), nullable=True)
    unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    target_price: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    currency: Mapped[str | None] = mapped_column(ForeignKey("currencies.code"), nullable=True)
    destination_country: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"), nullable=True)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[InquiryStatus] = mapped_column(
        Enum(InquiryStatus, native_enum=False, length=16), default=InquiryStatus.open, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)
