from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from exportpilot.models import HSCodeSource, ProfileSource
from exportpilot.products.profile import ProductProfile

MAX_SPEC_ITEMS = 50
#: Longest text the HS endpoints accept; the classifier reads the first 1,000 characters of it.
MAX_HS_TEXT = 20_000
MAX_HS_TEXTS = 100


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
    hs_source: HSCodeSource | None = Field(None, description="Where the HS code came from")
    hs_confirmed_by_id: int | None = Field(None, description="Who confirmed the HS code")
    hs_confirmed_at: datetime | None = Field(None, description="When the HS code was confirmed")
    created_at: datetime
    updated_at: datetime


class ProductFilter(BaseModel):
    q: str | None = Field(None, max_length=100)
    company_id: int | None = None
    hs_prefix: str | None = Field(None, pattern=r"^\d{2,6}$")


# --------------------------------------------------------------------------- HS classification


class HSClassifyRequest(BaseModel):
    """Texts to classify: product descriptions in Korean, English or another language."""

    model_config = ConfigDict(extra="forbid")

    texts: list[str] = Field(
        min_length=1,
        max_length=MAX_HS_TEXTS,
        description=f"1 to {MAX_HS_TEXTS} texts of 1 to {MAX_HS_TEXT:,} characters; the classifier reads the "
        "first 1,000 characters of each.",
        examples=[["냉동 소고기 등심", "Stainless steel chef knife, 20 cm"]],
    )
    top: int = Field(5, ge=1, le=20, description="Codes per text.")
    explain: bool = Field(True, description="Add the nearest cases and nomenclature lines to each code.")

    @field_validator("texts")
    @classmethod
    def _texts(cls, texts: list[str]) -> list[str]:
        for i, text in enumerate(texts):
            if not text.strip():
                raise ValueError(f"text {i} is empty: send the product's name or description")
            if len(text) > MAX_HS_TEXT:
                raise ValueError(
                    f"text {i} has {len(text):,} characters; at most {MAX_HS_TEXT:,} are accepted "
                    "(the classifier reads the first 1,000)"
                )
        return texts


class HSNeighbourRead(BaseModel):
    text: str = Field(description="A labelled text close to the query: a customs case or a nomenclature line")
    hs6: str
    similarity: float
    source: str = Field(description="case or nomenclature")


class HSLineRead(BaseModel):
    code: str
    level: int
    title: str


class HSCandidateRead(BaseModel):
    hs6: str
    hs4: str
    hs2: str
    probability: float = Field(description="Calibrated probability that this is the right HS6 code")
    title: str
    hs4_title: str
    hs2_title: str
    in_nomenclature: bool = Field(
        True, description="Whether the code is in the HS 2022 nomenclature (only those can be confirmed)"
    )
    neighbours: list[HSNeighbourRead] = Field(default_factory=list)
    nomenclature: list[HSLineRead] = Field(default_factory=list)
    nomenclature_similarity: float = 0.0
    shared_words: list[str] = Field(default_factory=list)


class HSModelInfo(BaseModel):
    n_cases: int = Field(description="Labelled texts the model learned from")
    n_classes: int
    nomenclature_only: bool = Field(description="True when it was trained on the nomenclature alone")
    review_threshold: float = Field(description="Below this top probability a result needs expert review")
    views: list[str]


class HSResult(BaseModel):
    text: str = Field(description="The text as classified (cleaned, at most 1,000 characters)")
    script: str = Field(description="korean, latin or other")
    needs_review: bool = Field(description="An expert should decide: low confidence or an unusual text")
    issue: str | None = Field(None, description="Why the text was treated with caution, if it was")
    candidates: list[HSCandidateRead] = Field(
        description="Best first; empty when the text could not be read (no letters, binary data)"
    )


class HSClassifyResponse(BaseModel):
    model: HSModelInfo
    results: list[HSResult]


class HSCodeState(BaseModel):
    """A product's HS code and where it came from."""

    hs_code: str | None
    hs_source: HSCodeSource | None
    confirmed_by_id: int | None
    confirmed_by_name: str | None = None
    confirmed_at: datetime | None
    model_probability: float | None = Field(
        None, description="The classifier's probability for the code when it was confirmed"
    )
    training_data: bool = Field(
        description="Whether the next `exportpilot hs train` learns from this confirmation "
        "(agency staff's confirmations only)"
    )


class ProductHSSuggestions(HSResult):
    product_id: int
    text_digest: str = Field(
        description="Fingerprint of the classified text; send it with a confirmation to make sure the "
        "product's text has not changed since"
    )
    model: HSModelInfo
    current: HSCodeState


class HSCodeConfirm(BaseModel):
    """Confirm or correct a product's HS code."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(min_length=1, max_length=12, description="HS 2022 subheading, 6 digits (dots allowed)")
    source: HSCodeSource | None = Field(
        None,
        description="model: accept one of the classifier's suggestions (staff or the product's exporter); "
        "advisor: set or correct it as agency staff; exporter: state it as the product's exporter. "
        "Default: model when the code is among the suggestions, else by your role.",
    )
    text_digest: str | None = Field(
        None, pattern=r"^[0-9a-f]{16}$", description="The suggestions' text_digest (optional)"
    )


# --------------------------------------------------------------------------- product profile


class ProfileRead(BaseModel):
    product_id: int
    profile: ProductProfile
    source: ProfileSource | None = Field(
        description="extracted or edited; null when nothing is stored yet (the profile shown is a fresh "
        "extraction)"
    )
    updated_at: datetime | None
    stored: bool
