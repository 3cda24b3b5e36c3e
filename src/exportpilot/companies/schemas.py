from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from exportpilot.kit.brn import format_brn, is_valid_brn, normalize_brn
from exportpilot.models import ExportStatus


class AnnualExport(BaseModel):
    model_config = ConfigDict(from_attributes=True, extra="forbid")

    year: int = Field(ge=1950, le=date.today().year)
    value_usd: int = Field(ge=0, le=10**13)


class _CompanyFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("brn", check_fields=False)
    @classmethod
    def _brn(cls, v: str | None) -> str | None:
        if v is None:
            return v
        brn = normalize_brn(v)
        if len(brn) != 10 or not brn.isdigit():
            raise ValueError("a business registration number has 10 digits (NNN-NN-NNNNN)")
        if not is_valid_brn(brn):
            raise ValueError(f"{format_brn(brn)} fails the check digit of a business registration number")
        return brn

    @field_validator("exports", check_fields=False)
    @classmethod
    def _unique_years(cls, v: list[AnnualExport] | None) -> list[AnnualExport] | None:
        if v is not None and len({e.year for e in v}) != len(v):
            raise ValueError("each year may appear only once")
        return v


class CompanyCreate(_CompanyFields):
    name_ko: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    brn: str = Field(description="사업자등록번호, 10 digits with or without hyphens")
    province: str = Field(min_length=1, max_length=40, description="ISO 3166-2 code (KR-11) or name")
    industry: str = Field(min_length=1, max_length=40)
    employees: int = Field(0, ge=0, le=1_000_000)
    export_status: ExportStatus = ExportStatus.none
    founded_year: int | None = Field(None, ge=1800, le=date.today().year)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    exports: list[AnnualExport] = Field(default_factory=list, max_length=100)


class CompanyUpdate(_CompanyFields):
    name_ko: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, min_length=1, max_length=200)
    brn: str | None = None
    province: str | None = Field(None, min_length=1, max_length=40)
    industry: str | None = Field(None, min_length=1, max_length=40)
    employees: int | None = Field(None, ge=0, le=1_000_000)
    export_status: ExportStatus | None = None
    founded_year: int | None = Field(None, ge=1800, le=date.today().year)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    exports: list[AnnualExport] | None = Field(None, max_length=100)


class AdvisorAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advisor_id: int | None


class CompanyRead(BaseModel):
    id: int
    name_ko: str
    name_en: str
    brn: str
    province_code: str
    province_ko: str
    province_en: str
    region_code: str
    region_ko: str
    region_en: str
    hq_code: str
    hq_ko: str
    hq_en: str
    industry: str
    employees: int
    export_status: ExportStatus
    founded_year: int | None
    website: str | None
    description: str | None
    advisor_id: int | None
    exports: list[AnnualExport]
    is_generated: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: object) -> CompanyRead:
        from exportpilot.models import Company

        assert isinstance(c, Company)
        p = c.province
        return cls(
            id=c.id,
            name_ko=c.name_ko,
            name_en=c.name_en,
            brn=format_brn(c.brn),
            province_code=p.code,
            province_ko=p.name_ko,
            province_en=p.name_en,
            region_code=p.region.code,
            region_ko=p.region.name_ko,
            region_en=p.region.name_en,
            hq_code=p.hq.code,
            hq_ko=p.hq.name_ko,
            hq_en=p.hq.name_en,
            industry=c.industry,
            employees=c.employees,
            export_status=c.export_status,
            founded_year=c.founded_year,
            website=c.website,
            description=c.description,
            advisor_id=c.advisor_id,
            exports=[AnnualExport(year=e.year, value_usd=e.value_usd) for e in c.exports],
            is_generated=c.is_generated,
            created_at=c.created_at,
            updated_at=c.updated_at,
        )


class CompanyFilter(BaseModel):
    q: str | None = Field(None, max_length=100, description="part of the Korean or English name, or the BRN")
    province: str | None = None
    region: str | None = None
    industry: str | None = None
    export_status: ExportStatus | None = None
    advisor_id: int | None = None
