from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from exportpilot.buyers.schemas import BuyerPublic
from exportpilot.matching.explain import Explanation
from exportpilot.models import DeclineReason, IntroductionStage


class ProductBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    company_id: int
    company_name_ko: str = ""
    company_name_en: str = ""
    name_ko: str
    name_en: str
    hs_code: str | None
    certifications: list[str]
    moq: int | None
    moq_unit: str | None
    price_min: Decimal | None
    price_max: Decimal | None
    currency: str | None


class InquiryBrief(BaseModel):
    """An inquiry as a match shows it; exporters get the text without any contact details in it."""

    id: int
    title: str
    text: str
    hs_code: str | None
    quantity: Decimal | None
    unit: str | None
    target_price: Decimal | None
    currency: str | None
    destination_country: str | None
    certifications: list[str]
    deadline: date | None


class ProductMatch(BaseModel):
    rank: int
    score: float
    product: ProductBrief
    signals: dict[str, float]
    explanation: Explanation
    introduction_id: int | None = Field(None, description="the introduction already made for this pair")


class InquiryMatches(BaseModel):
    inquiry_id: int
    buyer_id: int
    buyer_introducible: bool
    retrieval: str = Field(description="'text-engine' (cross-lingual) or 'lexical' (fallback)")
    matches: list[ProductMatch]


class BuyerMatch(BaseModel):
    rank: int
    score: float
    buyer: BuyerPublic
    trust: int
    introducible: bool
    inquiry: InquiryBrief | None
    signals: dict[str, float]
    explanation: Explanation
    introduction_id: int | None = None


class ProductMatches(BaseModel):
    product_id: int
    bar: int = Field(description="the minimum buyer trust score for introductions")
    retrieval: str
    matches: list[BuyerMatch]


class IntroductionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    buyer_id: int
    product_id: int
    inquiry_id: int | None = None
    note: str | None = Field(None, max_length=500)


class DeclineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: DeclineReason
    note: str | None = Field(None, max_length=500)


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str | None = Field(None, max_length=500)


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    stage: Literal["contacted", "meeting", "sample", "contract"]
    note: str | None = Field(None, max_length=500)
    contract_value: Decimal | None = Field(None, gt=0, le=10**13, decimal_places=2)
    contract_currency: str | None = Field(None, min_length=3, max_length=3)


class IntroductionEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    stage: IntroductionStage
    at: datetime
    actor_id: int | None
    note: str | None


class IntroductionRead(BaseModel):
    id: int
    buyer: BuyerPublic
    product: ProductBrief
    inquiry_id: int | None
    stage: IntroductionStage
    score: float | None
    explanation: dict[str, Any]
    introduced_by_id: int | None
    answered_at: datetime | None
    decline_reason: DeclineReason | None
    decline_note: str | None
    contract_value: Decimal | None
    contract_currency: str | None
    created_at: datetime
    events: list[IntroductionEventRead]
    contacts_visible: bool = Field(description="whether you may read the buyer's contact details")


class IntroductionFilter(BaseModel):
    stage: IntroductionStage | None = None
    buyer_id: int | None = None
    company_id: int | None = None


FUNNEL_STAGES: tuple[str, ...] = ("introduced", "accepted", "contacted", "meeting", "sample", "contract")


class FunnelRow(BaseModel):
    key: str
    name_ko: str
    name_en: str
    counts: dict[str, int]
    declined: int


class FunnelRead(BaseModel):
    by: Literal["region", "advisor", "market"]
    stages: list[str]
    total: dict[str, int]
    declined: int
    rows: list[FunnelRow]
