from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_SPEC_ITEMS = 50


class _ProductFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("certifications", check_fields=False)
    @classmethod
    def _certs(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        cleaned = []
        for c in v:
            c = c.strip()
            if not c or len(c) > 40:
                raise ValueError("each certification is 1-40 characters")
            if c not in cleaned:
                cleaned.append(c)
        return cleaned

    @field_validator("specifications", check_fields=False)
    @classmethod
    def _specs(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is None:
            return v
        if len(v) > MAX_SPEC_ITEMS:
            raise ValueError(f"at most {MAX_SPEC_ITEMS} specification items")
        for key, value in v.items():
            if not key.strip() or len(key) > 80:
                raise ValueError("specification names are 1-80 characters")
            if not isinstance(value, str | int | float | bool) or len(str(value)) > 200:
                raise ValueError(f"specification {key!r} must be a short text or number")
        return v

    @model_validator(mode="after")
    def _price_range(self) -> _ProductFields:
        lo, hi = getattr(self, "price_min", None), getattr(self, "price_max", None)
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("price_min is above price_max")
        return self


class ProductCreate(_ProductFields):
    company_id: int
    name_ko: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    description_ko: str = Field("", max_length=10_000)
    description_en: str = Field("", max_length=10_000)
    hs_code: str | None = Field(
        None, max_length=12, description="HS 2022 subheading, 6 digits (dots allowed)"
    )
    hsk_code: str | None = Field(None, pattern=r"^\d{10}$", description="Korean 10-digit HSK code")
    specifications: dict[str, Any] = Field(default_factory=dict)
    certifications: list[str] = Field(default_factory=list, max_length=30)
    moq: int | None = Field(None, ge=1, le=10**9)
    moq_unit: str | None = Field(None, max_length=20)
    price_min: Decimal | None = Field(None, ge=0, le=10**11, decimal_places=2)
    price_max: Decimal | None = Field(None, ge=0, le=10**11, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    photo_url: str | None = Field(None, max_length=500)


class ProductUpdate(_ProductFields):
    name_ko: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    description_ko: str | None = Field(None, max_length=10_000)
    description_en: str | None = Field(None, max_length=10_000)
    hs_code: str | None = Field(None, max_length=12)
    hsk_code: str | None = Field(None, pattern=r"^\d{10}$")
    specifications: dict[str, Any] | None = None
    certifications: list[str] | None = Field(None, max_length=30)
    moq: int | None = Field(None, ge=1, le=10**9)
    moq_unit: str | None = Field(None, max_length=20)
    price_min: Decimal | None = Field(None, ge=0, le=10**11, decimal_places=2)
    price_max: Decimal | None = Field(None, ge=0, le=10**11, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    photo_url: str | None = Field(None, max_length=500)


class ProductRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    company_id: int
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    hs_code: str | None
    hsk_code: str | None
    specifications: dict[str, Any]
    certifications: list[str]
    moq: int | None
    moq_unit: str | None
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str | None
    photo_url: str | None
    is_generated: bool
    created_at: datetime
    updated_at: datetime


class ProductFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    company_id: int | None = None
    hs_prefix: str | None = Field(None, pattern=r"^\d{2,6}$")
