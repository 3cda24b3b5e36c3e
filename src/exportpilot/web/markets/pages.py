"""Export-market pages: ranked markets for a product (HS code or product group) or for a company, a Plotly
chart of each market's score components, the what-if control (htmx) and the CSV download."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
from babel.numbers import format_compact_currency
from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from exportpilot.auth import policy
from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.markets import service
from exportpilot.markets.firm import FirmRanking
from exportpilot.markets.schemas import ExportMarketIn, ExportMarketsUpdate
from exportpilot.markets.store import MarketSnapshot, NoTradeData, current_snapshot
from exportpilot.models import Product, Role
from exportpilot.reference import service as reference
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash, web_settings
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)

TOP = 20
CHART_MARKETS = 12
#: Score components in chart order, with their labels and colours.
COMPONENTS: list[tuple[str, str, str]] = [
    ("position", N_("Current position"), "#1f4e8c"),
    ("demand", N_("Import demand"), "#2f9e8f"),
    ("demand_growth", N_("Demand growth"), "#7cc6a4"),
    ("supply", N_("Exporter's strength"), "#8a6fc2"),
    ("relatedness", N_("Relatedness and bilateral trade"), "#c77dba"),
    ("distance", N_("Distance and ties"), "#e0a63a"),
    ("agreements", N_("Trade agreements"), "#d4663f"),
    ("itc_potential", N_("ITC export potential"), "#5d8fd6"),
    ("neighbours", N_("Sales to neighbouring markets"), "#9aa6b2"),
    ("hs4_demand", N_("HS4 demand mix"), "#2c7a3f"),
    ("near_current", N_("Next to your current markets"), "#b5452b"),
]
#: The trade data's product groups, for the product field and the tables (translated where shown).
GROUP_LABELS = {
    "Animal Hides": N_("Animal Hides"),
    "Animal Products": N_("Animal Products"),
    "Animal and Vegetable Bi-Products": N_("Animal and Vegetable Bi-Products"),
    "Arts and Antiques": N_("Arts and Antiques"),
    "Chemical Products": N_("Chemical Products"),
    "Foodstuffs": N_("Foodstuffs"),
    "Footwear and Headwear": N_("Footwear and Headwear"),
    "Instruments": N_("Instruments"),
    "Machines": N_("Machines"),
    "Metals": N_("Metals"),
    "Mineral Products": N_("Mineral Products"),
    "Miscellaneous": N_("Miscellaneous"),
    "Others": N_("Others"),
    "Paper Goods": N_("Paper Goods"),
    "Plastics and Rubbers": N_("Plastics and Rubbers"),
    "Precious Metals": N_("Precious Metals"),
    "Stone And Glass": N_("Stone And Glass"),
    "Textiles": N_("Textiles"),
    "Transportation": N_("Transportation"),
    "Unspecified": N_("Unspecified"),
    "Vegetable Products": N_("Vegetable Products"),
    "Weapons": N_("Weapons"),
    "Wood Products": N_("Wood Products"),
}


def compact_usd(lang: str) -> Callable[[object], str]:
    """Return a formatter of large dollar amounts for ``lang`` ($690.4B, US$6904.1억); blank for NaN."""

    def fmt(value: object) -> str:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return ""
        if not math.isfinite(number):
            return ""
        return format_compact_currency(number, "USD", locale=lang, fraction_digits=1)

    return fmt


def _group_label(web: Web, group: str) -> str:
    return web._(GROUP_LABELS[group]) if group in GROUP_LABELS else group


def component_chart(web: Web, ranking: FirmRanking, names: dict[str, str]) -> str:
    """A Plotly bar chart: for the best new markets, how much each family of evidence moves the score."""
    top = ranking.new_markets.head(CHART_MARKETS).iloc[::-1]  # best at the top of a horizontal chart
    labels = [names.get(p, p) for p in top["partner_iso3"]]
    fig = go.Figure()
    for key, label, colour in COMPONENTS:
        column = f"c_{key}"
        if column not in top or not top[column].abs().gt(1e-9).any():
            continue
        fig.add_trace(
            go.Bar(
                y=labels,
                x=top[column].round(3),
                name=web._(label),
                orientation="h",
                marker_color=colour,
                hovertemplate="%{y}: %{x:+.2f}<extra>" + web._(label) + "</extra>",
            )
        )
    fig.update_layout(
        barmode="relative",
        height=190 + 30 * len(top),
        margin={"l": 12, "r": 12, "t": 110, "b": 48},
        font={"family": "Noto Sans CJK KR, Noto Sans KR, Malgun Gothic, sans-serif", "size": 12},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": 1.02, "x": 0, "yanchor": "bottom"},
        xaxis={
            "title": {"text": web._(N_("Effect on the score (log points; + raises it)"))},
            "zeroline": True,
            "zerolinecolor": "#7b8794",
            "gridcolor": "#e3e8ef",
        },
        yaxis={"automargin": True},
    )
    return fig.to_html(
        include_plotlyjs=False,
        full_html=False,
        div_id="market-chart",
        config={"displayModeBar": False, "responsive": True, "locale": web.lang},
    )


def _scenario(web: Web) -> tuple[list[str], dict[str, float], dict[str, str]]:
    """The what-if of the query string (``block``, ``tariff=ISO3:PCT``, or the form's ``tariff_country`` and
    ``tariff_pct``), with a message per bad field."""
    query = web.request.query_params
    errors: dict[str, str] = {}
    block: list[str] = []
    tariffs: dict[str, float] = {}
    try:
        block = service.parse_block(query.getlist("block"))
    except ExportPilotError as exc:
        errors["block"] = exc.message
    items = list(query.getlist("tariff"))
    country, pct = query.get("tariff_country", "").strip(), query.get("tariff_pct", "").strip()
    if country or pct:
        items.append(f"{country}:{pct}")
    try:
        tariffs = service.parse_tariffs(items)
    except ExportPilotError as exc:
        errors["tariff"] = exc.message
    return block, tariffs, errors


def _render_ranking(
    web: Web,
    *,
    template_context: dict[str, Any],
    run: Callable[[list[str], dict[str, float], MarketSnapshot], FirmRanking],
    csv_url: str,
) -> Response:
    """Run the ranking (with the page's what-if) and render the page, or only its results for htmx.

    No trade data is not an error of the page: it says how to load it. A bad what-if is shown next to its
    control (422) with the ranking without the scenario.
    """
    block, tariffs, errors = _scenario(web)
    context: dict[str, Any] = {
        **template_context,
        "block": block,
        "tariffs": tariffs,
        "errors": errors,
        "ranking": None,
        "no_data": None,
        "problem": None,
        "components": COMPONENTS,
        "group_label": lambda g: _group_label(web, g),
        "csv_url": csv_url,
        "compact": compact_usd(web.lang),
    }
    status = 200
    snapshot: MarketSnapshot | None = None
    try:
        snapshot = current_snapshot(web_settings(web.request))
    except NoTradeData as exc:
        context["no_data"] = exc.message
    ranking: FirmRanking | None = None
    if snapshot is not None and template_context.get("ready", True):
        try:
            ranking = run([], {}, snapshot) if errors else run(block, tariffs, snapshot)
        except ExportPilotError as exc:
            if exc.field in ("block", "tariff"):
                errors[exc.field] = exc.message
                ranking = run([], {}, snapshot)
            else:
                context["problem"] = exc.message
                status = exc.status_code
    if ranking is not None:
        names = service.country_names(web.session, web.lang)
        context.update(
            ranking=ranking,
            names=names,
            new_markets=ranking.new_markets.head(TOP),
            current=ranking.current,
            options=sorted(ranking.markets["partner_iso3"], key=lambda c: names.get(c, c)),
            chart=component_chart(web, ranking, names),
            whatif="rank_before" in ranking.markets,
        )
    if errors and status == 200:
        status = 422
    if web.wants_fragment("market-results"):
        return web.render("markets/_results.html", context, status_code=status)
    return web.render("markets/ranking.html", context, status_code=status)


def _bad_scenario(errors: dict[str, str]) -> InvalidInput:
    field, message = next(iter(errors.items()))
    return InvalidInput(message, field=field)


@router.get("/markets")
def markets_page(
    web: LoggedIn,
    product: str = Query(default="", max_length=80),
    exporter: str = Query(default="KOR", max_length=3),
) -> Response:
    policy.require(policy.can_view_market_ranking(web.actor), "buyers do not see market rankings")
    product = product.strip()
    groups: list[str] = []
    try:
        groups = [str(g) for g in current_snapshot(web_settings(web.request)).recommender.products_]
    except NoTradeData:
        pass

    def run(block: list[str], tariffs: dict[str, float], snapshot: Any) -> FirmRanking:
        return service.rank_product(
            actor=web.actor,
            product=product,
            exporter=exporter,
            block=block,
            tariff=tariffs,
            snapshot=snapshot,
        )

    query = web.request.url.query
    return _render_ranking(
        web,
        template_context={
            "mode": "product",
            "page_url": "/markets",
            "product": product,
            "exporter": exporter.strip().upper() or "KOR",
            "groups": groups,
            "company": None,
            "ready": bool(product),
            "own_company_id": web.actor.company_id if web.actor.role == Role.exporter else None,
        },
        run=run,
        csv_url=f"/markets.csv?{query}" if query else "/markets.csv",
    )


@router.get("/markets.csv")
def markets_csv(
    web: LoggedIn,
    product: str = Query(min_length=1, max_length=80),
    exporter: str = Query(default="KOR", max_length=3),
) -> Response:
    block, tariffs, errors = _scenario(web)
    if errors:
        raise _bad_scenario(errors)
    ranking = service.rank_product(
        actor=web.actor,
        product=product,
        exporter=exporter,
        block=block,
        tariff=tariffs,
        settings=web_settings(web.request),
    )
    body = service.to_csv(ranking, names=service.country_names(web.session, web.lang))
    return _csv(body, f"markets-{ranking.exporter}-{product.strip()}.csv")


def _csv(body: str, filename: str) -> Response:
    return Response(
        content=body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/companies/{company_id}/markets")
def company_markets_page(web: LoggedIn, company_id: int) -> Response:
    company = service.get_company(web.session, company_id=company_id, actor=web.actor)
    markets_rows = service.list_export_markets(web.session, company_id=company_id, actor=web.actor)
    current, exports = service.current_position(web.session, company)
    hs_codes = [p.hs_code for p in company_products(web, company_id) if p.hs_code]

    def run(block: list[str], tariffs: dict[str, float], snapshot: Any) -> FirmRanking:
        _, ranking = service.rank_company(
            web.session,
            company_id=company_id,
            actor=web.actor,
            block=block,
            tariff=tariffs,
            snapshot=snapshot,
        )
        return ranking

    query = web.request.url.query
    return _render_ranking(
        web,
        template_context={
            "mode": "company",
            "page_url": f"/companies/{company_id}/markets",
            "company": company,
            "recorded": markets_rows,
            "hs_codes": hs_codes,
            "firm_exports": exports,
            "can_edit": policy.can_edit_company_markets(web.actor, company),
            "countries": reference.list_countries(web.session, "ko" if web.lang == "ko" else "en"),
            "ready": True,
            "product": "",
            "exporter": "KOR",
            "groups": [],
            "own_company_id": None,
        },
        run=run,
        csv_url=f"/companies/{company_id}/markets.csv" + (f"?{query}" if query else ""),
    )


def company_products(web: Web, company_id: int) -> list[Product]:
    return list(
        web.session.scalars(
            select(Product).where(Product.company_id == company_id).order_by(Product.id)
        ).all()
    )


@router.get("/companies/{company_id}/markets.csv")
def company_markets_csv(web: LoggedIn, company_id: int) -> Response:
    block, tariffs, errors = _scenario(web)
    if errors:
        raise _bad_scenario(errors)
    _, ranking = service.rank_company(
        web.session,
        company_id=company_id,
        actor=web.actor,
        block=block,
        tariff=tariffs,
        settings=web_settings(web.request),
    )
    body = service.to_csv(ranking, names=service.country_names(web.session, web.lang))
    return _csv(body, f"markets-company-{company_id}.csv")


@router.post("/companies/{company_id}/markets/exports")
def record_export_market(web: LoggedIn, company_id: int, form: PostedForm) -> Response:
    """Add (or change) one destination of the company's exports in a year, or remove it (value 0)."""
    rows = service.list_export_markets(web.session, company_id=company_id, actor=web.actor)
    try:
        year = int(str(form.get("year", "")).strip())
        value = int(float(str(form.get("value_usd", "")).replace(",", "").strip()))
        country = reference.get_country(web.session, str(form.get("country", "")), field="country").iso3
    except ValueError:
        flash(web.request, N_("Enter a year, a country and a value in US dollars."))
        return RedirectResponse(f"/companies/{company_id}/markets", status_code=303)
    except ExportPilotError as exc:
        flash(web.request, exc.message)
        return RedirectResponse(f"/companies/{company_id}/markets", status_code=303)
    same_year = {r.country_code: r.value_usd for r in rows if r.year == year}
    if value > 0:
        same_year[country] = value
    else:
        same_year.pop(country, None)
    try:
        data = ExportMarketsUpdate(
            year=year, markets=[ExportMarketIn(country=c, value_usd=v) for c, v in same_year.items()]
        )
        service.set_export_markets(web.session, company_id=company_id, actor=web.actor, data=data)
    except ExportPilotError as exc:
        flash(web.request, exc.message)
        return RedirectResponse(f"/companies/{company_id}/markets", status_code=303)
    except ValueError:
        flash(web.request, N_("Enter a year, a country and a value in US dollars."))
        return RedirectResponse(f"/companies/{company_id}/markets", status_code=303)
    flash(web.request, N_("Export markets saved."))
    return RedirectResponse(f"/companies/{company_id}/markets", status_code=303)
