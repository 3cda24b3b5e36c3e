"""The home page: agency staff get the regional dashboard, exporters and buyers their own records."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from fastapi import APIRouter
from fastapi.responses import Response

from exportpilot.buyers import service as buyers
from exportpilot.buyers.schemas import BuyerFilter
from exportpilot.companies import service as companies
from exportpilot.companies.schemas import CompanyFilter
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Role, VerificationStatus
from exportpilot.products import service as products
from exportpilot.products.schemas import ProductFilter
from exportpilot.reference import service as reference
from exportpilot.web.deps import LoggedIn, Web
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)

# Only the totals are read: one row per "page" keeps each count query cheap.
_COUNT_ONLY = PageParams(page=1, size=1)
POLE_COLOUR = "#1f4e8c"
SPECIAL_COLOUR = "#2f9e8f"


def region_chart(web: Web, rows: list[tuple[str, str, str, int]], kinds: dict[str, str]) -> str:
    """A Plotly bar chart of companies by region: an HTML fragment drawn by /static/vendor/plotly.min.js."""
    names = [ko if web.lang == "ko" else en for _, ko, en, _ in rows]
    counts = [n for *_, n in rows]
    fig = go.Figure()
    for kind, label, colour in (
        ("pole", N_("5 poles"), POLE_COLOUR),
        ("special", N_("3 special self-governing provinces"), SPECIAL_COLOUR),
    ):
        picked = [i for i, (code, *_rest) in enumerate(rows) if kinds.get(code) == kind]
        fig.add_trace(
            go.Bar(
                x=[names[i] for i in picked],
                y=[counts[i] for i in picked],
                name=web._(label),
                marker_color=colour,
                text=[counts[i] for i in picked],
                textposition="outside",
                hovertemplate="%{x}: %{y}<extra></extra>",
            )
        )
    fig.update_layout(
        height=360,
        margin={"l": 48, "r": 16, "t": 24, "b": 48},
        font={"family": "Noto Sans CJK KR, Noto Sans KR, Malgun Gothic, sans-serif", "size": 13},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={"orientation": "h", "y": 1.12, "x": 0},
        xaxis={"categoryorder": "array", "categoryarray": names},
        yaxis={"title": {"text": web._(N_("Companies"))}, "rangemode": "tozero", "gridcolor": "#e3e8ef"},
        bargap=0.35,
    )
    return fig.to_html(
        include_plotlyjs=False,
        full_html=False,
        div_id="region-chart",
        config={"displayModeBar": False, "responsive": True, "locale": web.lang},
    )


def _staff_dashboard(web: Web) -> dict[str, Any]:
    actor = web.actor
    rows = companies.count_by_region(web.session, actor=actor)
    kinds = {r.code: r.kind for r in reference.list_regions(web.session)}
    _, company_total = companies.list_companies(
        web.session, actor=actor, filters=CompanyFilter(), params=_COUNT_ONLY
    )
    _, product_total = products.list_products(
        web.session, actor=actor, filters=ProductFilter(), params=_COUNT_ONLY
    )
    _, buyer_total = buyers.list_buyers(web.session, actor=actor, filters=BuyerFilter(), params=_COUNT_ONLY)
    by_status = []
    for status in VerificationStatus:
        _, n = buyers.list_buyers(
            web.session, actor=actor, filters=BuyerFilter(verification_status=status), params=_COUNT_ONLY
        )
        by_status.append((status, n))
    return {
        "region_rows": rows,
        "region_kinds": kinds,
        "chart": region_chart(web, rows, kinds),
        "company_total": company_total,
        "product_total": product_total,
        "buyer_total": buyer_total,
        "buyers_by_status": by_status,
    }


@router.get("/")
def home(web: LoggedIn) -> Response:
    actor = web.actor
    context: dict[str, Any] = {"company": None, "product_total": 0, "buyer": None}
    if actor.role in (Role.admin, Role.advisor):
        context.update(_staff_dashboard(web))
        return web.render("dashboard/home.html", context)
    if actor.role == Role.exporter and actor.company_id is not None:
        context["company"] = companies.get_company(web.session, company_id=actor.company_id, actor=actor)
        _, context["product_total"] = products.list_products(
            web.session, actor=actor, filters=ProductFilter(company_id=actor.company_id), params=_COUNT_ONLY
        )
    if actor.role == Role.buyer and actor.buyer_id is not None:
        context["buyer"] = buyers.get_buyer(web.session, buyer_id=actor.buyer_id, actor=actor)
    return web.render("dashboard/member.html", context)
