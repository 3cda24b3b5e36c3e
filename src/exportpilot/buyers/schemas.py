from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from exportpilot.models import VerificationStatus


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=120)
    title: str | None = Field(None, max_length=120)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+()\-. ]{4,40}$")
    language: str | None = Field(None, min_length=2, max_length=2)


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    title: str | None
    email: str | None
    phone: str | None
    language: str | None


class _BuyerFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("hs_interests", check_fields=False)
    @classmethod
    def _hs(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        out = []
        for code in v:
            digits = re.sub(r"[\s.]", "", code)
            if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", digits):
                raise ValueError(f"{code!r} is not an HS code of 2, 4 or 6 digits")
            out.append(digits)
        return out


class BuyerCreate(_BuyerFields):
    company_name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=3, description="ISO 3166-1 alpha-2 or alpha-3")
    city: str | None = Field(None, max_length=120)
    website: str | None = Field(None, max_length=300)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+()\-. ]{4,40}$")
    business_type: str | None = Field(None, max_length=40)
    annual_imports_usd: int | None = Field(None, ge=0, le=10**13)
    products_of_interest: str = Field("", max_length=5000)
    hs_interests: list[str] = Field(default_factory=list, max_length=50)
    languages: list[str] = Field(default_factory=list, max_length=10)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=20)


class BuyerUpdate(_BuyerFields):
    company_name: str | None = Field(None, min_length=1, max_length=200)
    country: str | None = Field(None, min_length=2, max_length=3)
    city: str | None = Field(None, max_length=120)
    website: str | None = Field(None, max_length=300)
    email: EmailStr | None = None
    phone: str | None = Field(None, max_length=40, pattern=r"^[0-9+()\-. ]{4,40}$")
    business_type: str | None = Field(None, max_length=40)
    annual_imports_usd: int | None = Field(None, ge=0, le=10**13)
    products_of_interest: str | None = Field(None, max_length=5000)
    hs_interests: list[str] | None = Field(None, max_length=50)
    languages: list[str] | None = Field(None, max_length=10)
    contacts: list[ContactIn] | None = Field(None, max_length=20)
    verification_status: VerificationStatus | None = None


class BuyerRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    company_name: str
    country_code: str
    city: str | None
    website: str | None
    email: str | None
    phone: str | None
    business_type: str | None
    annual_imports_usd: int | None
    products_of_interest: str
    hs_interests: list[str]
    languages: list[str]
    verification_status: VerificationStatus
    contacts: list[ContactRead]
    is_generated: bool
    created_at: datetime
    updated_at: datetime


class BuyerFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=3)
    verification_status: VerificationStatus | None = None
