"""``/api/markets/*`` and ``/api/companies/{id}/markets``: ranked export markets, what-if, CSV."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from exportpilot.api.deps import CurrentUser, SessionDep, SettingsDep
from exportpilot.auth import policy
from exportpilot.markets import service
from exportpilot.markets.schemas import (
    ExportMarketRead,
    ExportMarketsUpdate,
    MarketModelStatus,
    MarketRanking,
)

router = APIRouter(tags=["markets"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "Buyers, or an exporter asking about another company."},
    404: {"description": "Unknown product (HS code or group), exporter country or company."},
    409: {
        "description": "No trade data (or no market model) is loaded: the body says which command to run "
        "(`exportpilot data load ots`). For a company: none of its products has an HS code."
    },
    422: {"description": "Malformed exporter, `block` or `tariff`, or a what-if market not in the ranking."},
}
_CSV: dict[str, Any] = {
    "content": {"text/csv": {}},
    "description": "The ranking (JSON, or CSV with `format=csv`).",
}

Block = Annotated[
    list[str] | None,
    Query(description="What-if: a market closed to the exporter (ISO3; repeat or comma-separate)."),
]
Tariff = Annotated[
    list[str] | None,
    Query(description="What-if: `ISO3:PERCENT` tariff increase, e.g. `USA:25` (repeat for more markets)."),
]
Top = Annotated[int, Query(ge=1, le=250, description="New markets returned (current markets always are).")]
Format = Annotated[Literal["json", "csv"], Query(description="`csv` downloads every market as CSV.")]
Lang = Annotated[Literal["en", "ko"], Query(description="Language of the country names.")]


def _csv(body: str, filename: str) -> Response:
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/markets/status",
    response_model=MarketModelStatus,
    summary="Whether markets can be ranked: the market model's as-of year, or what to load first",
)
def market_status(user: CurrentUser, settings: SettingsDep) -> MarketModelStatus:
    policy.require(policy.can_view_market_ranking(user), "buyers do not see market rankings")
    return service.status(settings)


@router.get(
    "/markets/recommend",
    response_model=MarketRanking,
    summary="Rank export markets for a product (HS code or product group) of an exporter country",
    responses={200: _CSV, **_ERRORS},
)
def recommend_markets(
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    product: Annotated[
        str,
        Query(
            min_length=1,
            max_length=80,
            description="An HS code (2–10 digits, e.g. `854231`) or a product group of the trade data "
            "(e.g. `Machines`; see `/api/markets/status`).",
        ),
    ],
    exporter: Annotated[str, Query(max_length=3, description="Exporting country (ISO3).")] = "KOR",
    block: Block = None,
    tariff: Tariff = None,
    top: Top = 20,
    format: Format = "json",
    lang: Lang = "en",
) -> MarketRanking | Response:
    """Every partner is scored by the expected growth of the exporter's sales there over the next three years
    (the learned recommender), tilted to the HS4 heading's demand where the data has it. With `block` or
    `tariff` the markets are re-ranked under the scenario, with the displaced and absorbed value."""
    blocked, tariffs = service.parse_block(block), service.parse_tariffs(tariff)
    ranking = service.rank_product(
        actor=user, product=product, exporter=exporter, block=blocked, tariff=tariffs, settings=settings
    )
    names = service.country_names(session, lang)
    if format == "csv":
        return _csv(service.to_csv(ranking, names=names), f"markets-{ranking.exporter}-{product}.csv")
    return service.to_schema(ranking, names=names, top=top, block=blocked, tariff=tariffs)


@router.get(
    "/companies/{company_id}/markets",
    response_model=MarketRanking,
    summary="Rank export markets for a company: its products' HS codes and its current markets",
    responses={200: _CSV, **_ERRORS},
)
def company_markets(
    company_id: int,
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    block: Block = None,
    tariff: Tariff = None,
    top: Top = 20,
    format: Format = "json",
    lang: Lang = "en",
) -> MarketRanking | Response:
    """Markets the company already sells in are its current position (listed with their expected growth,
    never recommended as new); new markets next to them are scored up. Exporters see their own company,
    agency staff any."""
    blocked, tariffs = service.parse_block(block), service.parse_tariffs(tariff)
    _, ranking = service.rank_company(
        session, company_id=company_id, actor=user, block=blocked, tariff=tariffs, settings=settings
    )
    names = service.country_names(session, lang)
    if format == "csv":
        return _csv(service.to_csv(ranking, names=names), f"markets-company-{company_id}.csv")
    return service.to_schema(
        ranking, names=names, top=top, company_id=company_id, block=blocked, tariff=tariffs
    )


@router.get(
    "/companies/{company_id}/export-markets",
    response_model=list[ExportMarketRead],
    summary="A company's recorded exports by destination country",
    responses={403: _ERRORS[403], 404: {"description": "No such company."}},
)
def get_export_markets(company_id: int, session: SessionDep, user: CurrentUser) -> list[ExportMarketRead]:
    rows = service.list_export_markets(session, company_id=company_id, actor=user)
    return [ExportMarketRead.model_validate(r) for r in rows]


@router.put(
    "/companies/{company_id}/export-markets",
    response_model=list[ExportMarketRead],
    status_code=status.HTTP_200_OK,
    summary="Record a company's exports by destination for one year (replaces that year)",
    responses={
        403: {"description": "You may not edit this company."},
        404: {"description": "No such company."},
        422: {"description": "Unknown country, Korea itself, or a country twice."},
    },
)
def put_export_markets(
    company_id: int, body: ExportMarketsUpdate, session: SessionDep, user: CurrentUser
) -> list[ExportMarketRead]:
    rows = service.set_export_markets(session, company_id=company_id, actor=user, data=body)
    return [ExportMarketRead.model_validate(r) for r in rows]
