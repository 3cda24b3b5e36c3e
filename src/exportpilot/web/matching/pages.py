"""Matching pages: inquiries with their matches, introductions and their outcomes, an exporter's
"buyers for you", and the outcomes funnel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import plotly.graph_objects as go
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from exportpilot.auth import policy
from exportpilot.buyers import inquiries as inquiry_service
from exportpilot.buyers import service as buyer_service
from exportpilot.buyers.repository import BuyerRepository
from exportpilot.buyers.schemas import UNITS, InquiryCreate, InquiryFilter
from exportpilot.companies import service as companies
from exportpilot.errors import ExportPilotError, InvalidInput, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.matching import introductions as intros
from exportpilot.matching import service as matching
from exportpilot.matching.schemas import (
    FUNNEL_STAGES,
    AdvanceIn,
    DeclineIn,
    IntroductionCreate,
    IntroductionFilter,
)
from exportpilot.models import Buyer, Company, Introduction, IntroductionStage, Product, Role, User
from exportpilot.products import service as products
from exportpilot.products.schemas import ProductFilter
from exportpilot.reference import service as reference
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash
from exportpilot.web.forms import FormRejected, domain_errors, non_empty, validation_errors, values
from exportpilot.web.i18n import N_
from exportpilot.web.matching.labels import DECLINE_REASONS, RETRIEVAL, STAGES, explanation_view

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
INQUIRY_FIELDS = (
    "buyer_id",
    "title",
    "text",
    "language",
    "hs_code",
    "quantity",
    "unit",
    "target_price",
    "currency",
    "destination_country",
    "certifications",
    "deadline",
)
PROGRESS = ("contacted", "meeting", "sample", "contract")
FUNNEL_COLOURS = ["#1f4e8c", "#2a64ad", "#2f9e8f", "#5bb28f", "#e0a43a", "#c0632b"]


# Inquiries -------------------------------------------------------------------------------------------------


@router.get("/inquiries")
def inquiry_list(web: LoggedIn, page: int = Query(1, ge=1), status: str | None = None) -> Response:
    filters = InquiryFilter.model_validate({"status": status} if status else {})
    items, total = inquiry_service.list_inquiries(
        web.session, actor=web.actor, filters=filters, params=PageParams(page=page, size=PAGE_SIZE)
    )
    buyers = {b.id: b for b in (web.session.get(Buyer, bid) for bid in {i.buyer_id for i in items}) if b}
    context = {
        "inquiries": items,
        "buyers": buyers,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }
    return web.render("matching/inquiries.html", context)


def _inquiry_form(
    web: Web, form: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    buyers: list[Buyer] = []
    if web.actor.role != Role.buyer:
        buyers = list(BuyerRepository(web.session).active(exclude_blocked=True))
    context = {
        "form": form,
        "errors": errors,
        "buyers": buyers,
        "units": list(UNITS),
        "currencies": reference.list_currencies(web.session),
        "countries": reference.list_countries(web.session, "ko" if web.lang == "ko" else "en"),
    }
    return web.render("matching/inquiry_form.html", context, status_code=status_code)


@router.get("/inquiries/new")
def new_inquiry(web: LoggedIn, buyer_id: int | None = None) -> Response:
    if web.actor.role == Role.exporter:
        raise PermissionDenied("exporters do not post inquiries")
    form = dict.fromkeys(INQUIRY_FIELDS, "")
    form["buyer_id"] = str(buyer_id or web.actor.buyer_id or "")
    return _inquiry_form(web, form, {})


@router.post("/inquiries/new")
def create_inquiry(web: LoggedIn, posted: PostedForm) -> Response:
    form = values(posted, INQUIRY_FIELDS)
    data: dict[str, Any] = non_empty(form)
    if "certifications" in data:
        data["certifications"] = [c.strip() for c in data["certifications"].split(",") if c.strip()]
    for key in ("quantity", "target_price"):
        if key in data:
            data[key] = data[key].replace(",", "")
    try:
        inquiry = inquiry_service.create_inquiry(
            web.session, data=InquiryCreate.model_validate(data), actor=web.actor
        )
    except ValidationError as exc:
        raise FormRejected(_inquiry_form(web, form, validation_errors(web.lang, exc), 422)) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        raise FormRejected(_inquiry_form(web, form, domain_errors(exc, INQUIRY_FIELDS), 422)) from exc
    flash(web.request, N_("Inquiry posted."))
    return RedirectResponse(f"/inquiries/{inquiry.id}", status_code=303)


@router.get("/inquiries/{inquiry_id}")
def inquiry_detail(web: LoggedIn, inquiry_id: int) -> Response:
    inquiry = inquiry_service.get_inquiry(web.session, inquiry_id=inquiry_id, actor=web.actor)
    buyer = web.session.get(Buyer, inquiry.buyer_id)
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "text": inquiry_service.shown_text(inquiry, web.actor),
        "buyer": buyer,
        "matches": [],
        "retrieval": None,
        "can_introduce": False,
    }
    if policy.can_match_inquiry(web.actor, inquiry):
        _, introducible, results, retrieval = matching.match_inquiry(
            web.session, inquiry_id=inquiry.id, actor=web.actor, top=10
        )
        context.update(
            matches=[(r, explanation_view(web.lang, r.scored.explanation)) for r in results],
            retrieval=web._(RETRIEVAL[retrieval]),
            introducible=introducible,
            can_introduce=introducible and inquiry.status.value == "open",
        )
    return web.render("matching/inquiry.html", context)


# Introductions ---------------------------------------------------------------------------------------------


@router.post("/introductions")
def create_introduction(web: LoggedIn, posted: PostedForm) -> Response:
    raw = values(posted, ("buyer_id", "product_id", "inquiry_id"))
    try:
        data = IntroductionCreate.model_validate(non_empty(raw))
    except ValidationError as exc:
        raise InvalidInput(f"{exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}") from exc
    intro = intros.create_introduction(web.session, data=data, actor=web.actor)
    flash(web.request, N_("Introduction made."))
    return RedirectResponse(f"/introductions/{intro.id}", status_code=303)


@router.get("/introductions")
def introduction_list(web: LoggedIn, page: int = Query(1, ge=1), stage: str | None = None) -> Response:
    filters = IntroductionFilter.model_validate({"stage": stage} if stage else {})
    items, total = intros.list_introductions(
        web.session, actor=web.actor, filters=filters, params=PageParams(page=page, size=PAGE_SIZE)
    )
    rows = [
        (
            i,
            web.session.get(Buyer, i.buyer_id),
            web.session.get(Product, i.product_id),
            web.session.get(Company, i.company_id),
        )
        for i in items
    ]
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "stage_labels": STAGES,
        "stage": stage or "",
        "stages": list(IntroductionStage),
    }
    return web.render("matching/introductions.html", context)


def _introduction_page(
    web: Web, intro: Introduction, errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    actor = web.actor
    buyer = web.session.get(Buyer, intro.buyer_id)
    product = web.session.get(Product, intro.product_id)
    company = web.session.get(Company, intro.company_id)
    visible = intros.contacts_visible(web.session, intro, actor)
    contact = (
        intros.introduction_contacts(web.session, introduction_id=intro.id, actor=actor) if visible else None
    )
    done = {e.stage for e in intro.events}
    context = {
        "intro": intro,
        "buyer": buyer,
        "product": product,
        "company": company,
        "contact": contact,
        "explanation": explanation_view(web.lang, intro.explanation or {}),
        "stage_labels": STAGES,
        "flow": [s for s in IntroductionStage if s != IntroductionStage.declined],
        "done": done,
        "decline_reasons": DECLINE_REASONS,
        "can_answer": intro.stage == IntroductionStage.introduced
        and policy.can_answer_introduction(actor, intro),
        "can_decline": intro.stage in (IntroductionStage.introduced, IntroductionStage.accepted)
        and policy.can_decline_introduction(actor, intro),
        "next_stages": [s for s in PROGRESS if _later(s, intro.stage)]
        if policy.can_record_progress(actor, intro)
        else [],
        "currencies": reference.list_currencies(web.session),
        "errors": errors,
        "actors": {e.actor_id: web.session.get(User, e.actor_id) for e in intro.events if e.actor_id},
    }
    return web.render("matching/introduction.html", context, status_code=status_code)


def _later(stage: str, current: IntroductionStage) -> bool:
    return intros.STAGE_RANK[stage] > intros.STAGE_RANK.get(current.value, 99)


@router.get("/introductions/{introduction_id}")
def introduction_detail(web: LoggedIn, introduction_id: int) -> Response:
    intro = intros.get_introduction(web.session, introduction_id=introduction_id, actor=web.actor)
    return _introduction_page(web, intro, {})


@router.post("/introductions/{introduction_id}/accept")
def accept(web: LoggedIn, introduction_id: int, posted: PostedForm) -> Response:
    intros.accept_introduction(web.session, introduction_id=introduction_id, actor=web.actor)
    flash(web.request, N_("Introduction accepted: the exporter now sees your contact details."))
    return RedirectResponse(f"/introductions/{introduction_id}", status_code=303)


@router.post("/introductions/{introduction_id}/decline")
def decline(web: LoggedIn, introduction_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("reason", "note"))
    try:
        data = DeclineIn.model_validate(non_empty(form))
    except ValidationError as exc:
        intro = intros.get_introduction(web.session, introduction_id=introduction_id, actor=web.actor)
        raise FormRejected(_introduction_page(web, intro, validation_errors(web.lang, exc), 422)) from exc
    intros.decline_introduction(web.session, introduction_id=introduction_id, data=data, actor=web.actor)
    flash(web.request, N_("Introduction declined."))
    return RedirectResponse(f"/introductions/{introduction_id}", status_code=303)


@router.post("/introductions/{introduction_id}/advance")
def advance(web: LoggedIn, introduction_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("stage", "note", "contract_value", "contract_currency"))
    if form["contract_value"]:
        form["contract_value"] = form["contract_value"].replace(",", "")
    try:
        data = AdvanceIn.model_validate(non_empty(form))
        intros.advance_introduction(web.session, introduction_id=introduction_id, data=data, actor=web.actor)
    except ValidationError as exc:
        intro = intros.get_introduction(web.session, introduction_id=introduction_id, actor=web.actor)
        raise FormRejected(_introduction_page(web, intro, validation_errors(web.lang, exc), 422)) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        intro = intros.get_introduction(web.session, introduction_id=introduction_id, actor=web.actor)
        errors = domain_errors(exc, ("stage", "contract_value", "contract_currency"))
        raise FormRejected(_introduction_page(web, intro, errors, 422)) from exc
    flash(web.request, N_("Progress recorded."))
    return RedirectResponse(f"/introductions/{introduction_id}", status_code=303)


# Buyers for you --------------------------------------------------------------------------------------------


@router.get("/buyers-for-you")
def buyers_for_you(web: LoggedIn, product_id: int | None = None, company_id: int | None = None) -> Response:
    actor = web.actor
    if actor.role == Role.buyer:
        raise PermissionDenied("this page is for exporters")
    if actor.role == Role.exporter:
        company_id = actor.company_id
    company = companies.get_company(web.session, company_id=company_id, actor=actor) if company_id else None
    items: list[Product] = []
    if company is not None:
        found, _ = products.list_products(
            web.session,
            actor=actor,
            filters=ProductFilter(company_id=company.id),
            params=PageParams(page=1, size=200),
        )
        items = list(found)
    product = next((p for p in items if p.id == product_id), items[0] if items else None)
    context: dict[str, Any] = {
        "company": company,
        "products": items,
        "product": product,
        "matches": [],
        "retrieval": None,
        "bar": buyer_service.trust_bar(),
    }
    if product is not None:
        _, results, retrieval = matching.match_product(
            web.session, product_id=product.id, actor=actor, top=15
        )
        context["matches"] = [
            (
                r,
                explanation_view(web.lang, r.scored.explanation),
                inquiry_service.shown_text(r.inquiry, actor) if r.inquiry else None,
            )
            for r in results
        ]
        context["retrieval"] = web._(RETRIEVAL[retrieval])
    return web.render("matching/buyers_for_you.html", context)


# Funnel ----------------------------------------------------------------------------------------------------


def funnel_chart(web: Web, stages: list[str], counts: dict[str, int]) -> str:
    fig = go.Figure(
        go.Funnel(
            y=[web._(STAGES[IntroductionStage(s)]) for s in stages],
            x=[counts[s] for s in stages],
            textinfo="value+percent initial",
            marker={"color": FUNNEL_COLOURS[: len(stages)]},
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    fig.update_layout(
        height=360,
        margin={"l": 100, "r": 24, "t": 16, "b": 24},
        font={"family": "Noto Sans CJK KR, Noto Sans KR, Malgun Gothic, sans-serif", "size": 13},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig.to_html(
        include_plotlyjs=False,
        full_html=False,
        div_id="funnel-chart",
        config={"displayModeBar": False, "responsive": True, "locale": web.lang},
    )


@router.get("/funnel")
def funnel_page(web: LoggedIn, by: str = "region") -> Response:
    if by not in ("region", "advisor", "market"):
        raise InvalidInput(f"by: {by!r} is not one of region, advisor, market", field="by")
    data = intros.funnel(web.session, actor=web.actor, by=by)
    context = {
        "funnel": data,
        "by": by,
        "chart": funnel_chart(web, list(FUNNEL_STAGES), data.total),
        "stage_labels": {s: STAGES[IntroductionStage(s)] for s in FUNNEL_STAGES},
        "today": dt.date.today(),
    }
    return web.render("matching/funnel.html", context)
