from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from exportpilot.models import HSSource, InquiryStatus, VerificationSource, VerificationStatus


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
    verified_via: VerificationSource | None = None
    status_reason: str | None = None
    status_changed_at: datetime | None = None
    merged_into_id: int | None = None
    merged_from_ids: list[int] = Field(default_factory=list)
    contacts: list[ContactRead]
    is_generated: bool
    created_at: datetime
    updated_at: datetime


class BuyerPublic(BaseModel):
    """A buyer as an exporter sees it before an accepted introduction: no way to contact it directly."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    company_name: str
    country_code: str
    city: str | None
    business_type: str | None
    annual_imports_usd: int | None
    products_of_interest: str
    hs_interests: list[str]
    languages: list[str]
    verification_status: VerificationStatus


class BuyerContactDetails(BaseModel):
    """How to reach a buyer: shown to an exporter only after the buyer accepted its introduction."""

    model_config = ConfigDict(from_attributes=True)

    buyer_id: int
    company_name: str
    website: str | None
    email: str | None
    phone: str | None
    contacts: list[ContactRead]


class BuyerFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=3)
    verification_status: VerificationStatus | None = None


class ScreeningIn(BaseModel):
    """A screening decision and why; ``via`` says who checked the identity when verifying."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=500)
    via: VerificationSource | None = None


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    merge_ids: list[int] = Field(min_length=1, max_length=20, description="buyers merged into this one")


class EvidenceRead(BaseModel):
    code: str
    points: int
    params: dict[str, Any]
    text: str


class TrustComponentRead(BaseModel):
    code: str
    points: int
    max_points: int
    evidence: list[EvidenceRead]


class TrustRead(BaseModel):
    buyer_id: int
    score: int
    bar: int = Field(description="the configured minimum trust score for introductions")
    introducible: bool
    blocked: bool
    components: list[TrustComponentRead]


class BuyerRef(BaseModel):
    id: int
    company_name: str
    country_code: str


class DuplicateRead(BaseModel):
    buyer: BuyerRef
    duplicate: BuyerRef
    verdict: Literal["same", "possible"]
    score: int
    name_score: int
    shared_domains: list[str]


class ImportProblem(BaseModel):
    row: int = Field(description="line of the file (the header is row 1)")
    field: str
    reason: str


class ImportRow(BaseModel):
    row: int
    action: Literal["created", "updated", "unchanged", "invalid"]
    buyer_id: int | None = None
    company_name: str = ""
    possible_duplicates: list[int] = Field(default_factory=list)


class ImportReport(BaseModel):
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    invalid: int
    imported: bool = Field(description="false when bad rows stopped the whole import")
    ignored_columns: list[str] = Field(default_factory=list, description="columns ExportPilot does not know")
    problems: list[ImportProblem]
    results: list[ImportRow]


UNITS: dict[str, str] = {
    # canonical unit: what counts as the same thing
    "pcs": "pcs piece pieces pc unit units ea each 개",
    "sets": "set sets 세트",
    "pairs": "pair pairs",
    "boxes": "box boxes case cases carton cartons ctn",
    "kg": "kg kgs kilogram kilograms",
    "t": "t ton tons tonne tonnes mt",
    "l": "l liter liters litre litres",
    "m": "m meter meters metre metres",
    "m2": "m2 sqm",
    "m3": "m3 cbm",
    "containers": "container containers fcl 20ft 40ft",
}
UNIT_ALIASES = {alias: unit for unit, names in UNITS.items() for alias in names.split()}
# Quantities above these are not orders but typing mistakes.
MAX_QUANTITY = {"t": 10**7, "m3": 10**8, "containers": 10**5}
DEFAULT_MAX_QUANTITY = 10**9


def canonical_unit(unit: str | None) -> str | None:
    """'Pieces' -> 'pcs', 'tonnes' -> 't'; None when the unit is not one ExportPilot knows."""
    if unit is None:
        return None
    return UNIT_ALIASES.get(unit.strip().casefold())


class _InquiryFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("unit", check_fields=False)
    @classmethod
    def _unit(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        unit = canonical_unit(v)
        if unit is None:
            raise ValueError(f"unknown unit {v!r} (use one of {', '.join(UNITS)})")
        return unit

    @field_validator("certifications", check_fields=False)
    @classmethod
    def _certs(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        out: list[str] = []
        for c in v:
            c = c.strip()
            if not c or len(c) > 40:
                raise ValueError("each certification is 1-40 characters")
            if c.casefold() not in {o.casefold() for o in out}:
                out.append(c)
        return out


class InquiryCreate(_InquiryFields):
    buyer_id: int | None = Field(None, description="the buyer; a buyer user's own record when left out")
    title: str = Field(min_length=3, max_length=200)
    text: str = Field(min_length=10, max_length=5000, description="what the buyer wants, in any language")
    language: str | None = Field(None, min_length=2, max_length=2, description="ISO 639-1 of the text")
    hs_code: str | None = Field(None, max_length=12, description="HS chapter, heading or subheading")
    quantity: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=3)
    unit: str | None = Field(None, max_length=20)
    target_price: Decimal | None = Field(None, gt=0, le=10**9, decimal_places=2, description="per unit")
    currency: str | None = Field(None, min_length=3, max_length=3)
    destination_country: str | None = Field(None, min_length=2, max_length=3)
    certifications: list[str] = Field(default_factory=list, max_length=20)
    deadline: date | None = None


class InquiryUpdate(_InquiryFields):
    title: str | None = Field(None, min_length=3, max_length=200)
    text: str | None = Field(None, min_length=10, max_length=5000)
    language: str | None = Field(None, min_length=2, max_length=2)
    hs_code: str | None = Field(None, max_length=12)
    quantity: Decimal | None = Field(None, gt=0, max_digits=18, decimal_places=3)
    unit: str | None = Field(None, max_length=20)
    target_price: Decimal | None = Field(None, gt=0, le=10**9, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    destination_country: str | None = Field(None, min_length=2, max_length=3)
    certifications: list[str] | None = Field(None, max_length=20)
    deadline: date | None = None
    status: InquiryStatus | None = None


class InquiryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    buyer_id: int
    title: str
    text: str
    language: str | None
    hs_code: str | None
    hs_source: HSSource | None
    hs_note: str | None
    quantity: Decimal | None
    unit: str | None
    target_price: Decimal | None
    currency: str | None
    destination_country: str | None
    certifications: list[str]
    deadline: date | None
    status: InquiryStatus
    created_at: datetime


class InquiryFilter(BaseModel):
    buyer_id: int | None = None
    status: InquiryStatus | None = None
    q: str | None = Field(None, max_length=100)
