"""Request and response bodies of the market endpoints."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ProductPlacement(BaseModel):
    """Where one HS code landed in the trade data."""

    code: str = Field(description="The HS code as given (digits only).")
    hs4: str | None = Field(description="Its HS4 heading.")
    group: str = Field(description="The trade data's product group it was placed in.")
    via: str = Field(description="`hs4` (heading known) or `chapter` (majority group of its HS2 chapter).")


class MarketRow(BaseModel):
    """One partner market with its score and evidence."""

    rank: int | None = Field(description="Rank among the new markets (1 = best); none for current markets.")
    partner_iso3: str
    partner_name: str = Field(description="Country name in the requested language.")
    current: bool = Field(description="The firm already sells here (its current position).")
    score: float = Field(description="Expected yearly gain per dollar of current exports (the ranking).")
    expected_gain_usd: float | None = Field(
        description="Expected yearly gain in USD over the next three years (None when exports are unknown)."
    )
    firm_exports_usd: float = Field(description="The firm's exports to this market (USD a year).")
    near_current: list[str] = Field(description="Current markets this one borders or is near.")
    uplift: float = Field(description="Factor for being next to a current market (1 = none).")
    demand_mix: float = Field(description="HS4 demand-mix factor (1 = like the world).")
    import_demand_usd: float | None = Field(description="The market's imports of the product group (USD).")
    import_growth_3y: float | None = Field(description="Growth of those imports over three years.")
    exports_usd: float | None = Field(description="The exporter country's exports to the market (USD).")
    market_share: float | None = Field(description="The exporter country's share of the market's imports.")
    distance_km: float | None
    rta: bool = Field(description="A regional trade agreement is in force.")
    korea_fta: str | None = Field(description="Korea's FTA with the market (for Korea).")
    itc_potential_usd: float | None = Field(description="ITC-style potential: supply × demand × ease.")
    itc_untapped_usd: float | None = Field(description="Untapped potential = max(0, potential − actual).")
    density: float | None = Field(description="Atlas density of the exporter in the product group.")
    components: dict[str, float] = Field(
        description="How much each family of evidence moves the log score (log points)."
    )
    rank_before: int | None = Field(default=None, description="What-if: rank before the scenario.")
    retained_share: float | None = Field(default=None, description="What-if: share of exports kept here.")
    displaced_usd: float | None = Field(default=None, description="What-if: value lost in this market.")
    absorbed_usd: float | None = Field(default=None, description="What-if: value gained from hit markets.")


class Scenario(BaseModel):
    block: list[str] = Field(default_factory=list, description="Markets closed (ISO3).")
    tariff: dict[str, float] = Field(default_factory=dict, description="ISO3 → tariff increase in percent.")
    elasticity: float = Field(description="Trade elasticity used to turn a tariff into lost sales.")


class MarketRanking(BaseModel):
    """Ranked markets for a product or a company, with the evidence."""

    exporter: str
    as_of_year: int = Field(description="Last year of trade data the model used.")
    unit: str = Field(description="`usd`: expected gains are in USD; `share`: per dollar of current exports.")
    company_id: int | None = None
    products: list[ProductPlacement]
    groups: dict[str, float] = Field(description="Product group → weight in the ranking.")
    skipped_groups: list[str] = Field(description="Groups left out: the exporter has no exports of them.")
    neighbour_uplift: float
    current_markets: dict[str, float] = Field(description="ISO3 → the firm's exports there (USD a year).")
    scenario: Scenario | None = None
    total_markets: int
    markets: list[MarketRow]


class ExportMarketIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    country: str = Field(min_length=2, max_length=3, description="ISO 3166-1 alpha-2 or alpha-3.")
    value_usd: int = Field(ge=0, le=10**13)


class ExportMarketsUpdate(BaseModel):
    """A company's exports by destination for one year (replaces what that year had)."""

    model_config = ConfigDict(extra="forbid")

    year: int = Field(ge=1950, le=date.today().year)
    markets: list[ExportMarketIn] = Field(max_length=250)

    @field_validator("markets")
    @classmethod
    def _unique(cls, v: list[ExportMarketIn]) -> list[ExportMarketIn]:
        codes = [m.country.upper() for m in v]
        if len(set(codes)) != len(codes):
            raise ValueError("each country may appear only once")
        return v


class ExportMarketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    year: int
    country_code: str
    value_usd: int


class MarketModelStatus(BaseModel):
    """Whether markets can be ranked, and with what."""

    loaded: bool
    message: str | None = None
    as_of_year: int | None = None
    train_years: list[int] = Field(default_factory=list)
    product_groups: list[str] = Field(default_factory=list)
    neighbour_uplift: float | None = None
    source: str | None = None
