from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, Float, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base, TimestampMixin, utcnow


class IntroductionStage(enum.StrEnum):
    introduced = "introduced"
    accepted = "accepted"
    declined = "declined"
    contacted = "contacted"
    meeting = "meeting"
    sample = "sample"
    contract = "contract"


class DeclineReason(enum.StrEnum):
    price = "price"
    moq = "moq"
    certification = "certification"
    specification = "specification"
    not_relevant = "not_relevant"
    timing = "timing"
    other = "other"


class Introduction(TimestampMixin, Base):
    """A match the agency put in front of both sides: one buyer, one exporter's product, maybe an inquiry."""

    __tablename__ = "introductions"

    id: Mapped[int] = mapped_column(primary_key=True)
    buyer_id: Mapped[int] = mapped_column(ForeignKey("buyers.id", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        ForeignKey("inquiries.id", ondelete="SET NULL"), nullable=True, index=True
    )
    stage: Mapped[IntroductionStage] = mapped_column(
        Enum(IntroductionStage, native_enum=False, length=16),
        default=IntroductionStage.introduced,
        index=True,
    )
    # The match as it was when introduced: score and explanation, kept even if the data changes later.
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    introduced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # When the buyer's side (the buyer or an advisor for it) accepted or declined: its responsiveness.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decline_reason: Mapped[DeclineReason | None] = mapped_column(
        Enum(DeclineReason, native_enum=False, length=16), nullable=True
    )
    decline_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    contract_value: Mapped[Decimal | None] = mapped_column(Numeric(16, 2), nullable=True)
    contract_currency: Mapped[str | None] = mapped_column(ForeignKey("currencies.code"), nullable=True)

    events: Mapped[list[IntroductionEvent]] = relationship(
        back_populates="introduction",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="IntroductionEvent.id",
    )


class IntroductionEvent(Base):
    """One step of an introduction: which stage it reached, who moved it there and when."""

    __tablename__ = "introduction_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    introduction_id: Mapped[int] = mapped_column(
        ForeignKey("introductions.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[IntroductionStage] = mapped_column(Enum(IntroductionStage, native_enum=False, length=16))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)

    introduction: Mapped[Introduction] = relationship(back_populates="events")
