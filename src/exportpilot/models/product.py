from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Enum, Float, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exportpilot.db.base import Base, TimestampMixin


class HSCodeSource(enum.StrEnum):
    """Where a product's HS code came from."""

    model = "model"  # a suggestion of the HS classifier, accepted
    advisor = "advisor"  # set or corrected by agency staff
    exporter = "exporter"  # stated by the exporter


class ProfileSource(enum.StrEnum):
    """How a product's profile was last written."""

    extracted = "extracted"  # by the rules of products/profile.py
    edited = "edited"  # by a person


class Product(TimestampMixin, Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description_ko: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    hs_code: Mapped[str | None] = mapped_column(ForeignKey("hs_codes.code"), nullable=True, index=True)
    hsk_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    specifications: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    certifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    moq: Mapped[int | None] = mapped_column(Integer, nullable=True)
    moq_unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    price_min: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    price_max: Mapped[Decimal | None] = mapped_column(Numeric(14, 2), nullable=True)
    currency: Mapped[str | None] = mapped_column(ForeignKey("currencies.code"), nullable=True)
    photo_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)

    # The HS code's provenance. A confirmation (who, when, on which text) is the feedback that a staff
    # member's decision turns into training data of the HS classifier; changing the code clears it.
    hs_source: Mapped[HSCodeSource | None] = mapped_column(
        Enum(HSCodeSource, native_enum=False, length=16), nullable=True
    )
    hs_confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    hs_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The text the suggestions were made from when the code was confirmed (see products/hs_suggestions.py).
    hs_confirmed_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The classifier's probability for the confirmed code then (None: it was not among its suggestions).
    hs_model_probability: Mapped[float | None] = mapped_column(Float, nullable=True)

    # The structured profile (products/profile.py ProductProfile as JSON).
    profile: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    profile_source: Mapped[ProfileSource | None] = mapped_column(
        Enum(ProfileSource, native_enum=False, length=16), nullable=True
    )
    profile_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
