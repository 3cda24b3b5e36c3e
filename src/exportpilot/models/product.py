from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from exportpilot.db.base import Base, TimestampMixin


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
