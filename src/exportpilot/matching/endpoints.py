from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, status
from sqlalchemy.orm import Session

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.buyers.endpoints import contact_details_read
from exportpilot.buyers.inquiries import shown_text
from exportpilot.buyers.schemas import BuyerContactDetails, BuyerPublic
from exportpilot.buyers.service import trust_bar
from exportpilot.kit.pagination import Page
from exportpilot.matching import introductions as intros
from exportpilot.matching import service
from exportpilot.matching.schemas import (
    AcceptIn,
    AdvanceIn,
    BuyerMatch,
    DeclineIn,
    FunnelRead,
    InquiryBrief,
    InquiryMatches,
    IntroductionCreate,
    IntroductionEventRead,
    IntroductionFilter,
    IntroductionRead,
    ProductBrief,
    ProductMatch,
    ProductMatches,
)
from exportpilot.models import Buyer, Company, Inquiry, Introduction, Product, User

router = APIRouter(tags=["matching"])
introductions_router = APIRouter(prefix="/introductions", tags=["introductions"])

Top = Annotated[int, Query(ge=1, le=service.MAX_TOP, description="how many matches")]


def product_brief(product: Product, company: Company | None) -> ProductBrief:
    brief = ProductBrief.model_validate(product)
    if company is not None:
        brief.company_name_ko, brief.company_name_en = company.name_ko, company.name_en
    return brief


def inquiry_brief(inquiry: Inquiry, actor: User) -> InquiryBrief:
    return InquiryBrief(
        id=inquiry.id,
        title=inquiry.title,
        text=shown_text(inquiry, actor),
        hs_code=inquiry.hs_code,
        quantity=inquiry.quantity,
        unit=inquiry.unit,
        target_price=inquiry.target_price,
        currency=inquiry.currency,
        destination_country=inquiry.destination_country,
        certifications=list(inquiry.certifications or ()),
        deadline=inquiry.deadline,
    )


def introduction_read(session: Session, intro: Introduction, actor: User) -> IntroductionRead:
    buyer = session.get(Buyer, intro.buyer_id)
    product = session.get(Product, intro.product_id)
    company = session.get(Company, intro.company_id)
    assert buyer is not None
    assert product is not None
    return IntroductionRead(
        id=intro.id,
        buyer=BuyerPublic.model_validate(buyer),
        product=product_brief(product, company),
        inquiry_id=intro.inquiry_id,
        stage=intro.stage,
        score=intro.score,
        explanation=intro.explanation,
        introduced_by_id=intro.introduced_by_id,
        answered_at=intro.answered_at,
        decline_reason=intro.decline_reason,
        decline_note=intro.decline_note,
        contract_value=intro.contract_value,
        contract_currency=intro.contract_currency,
        created_at=intro.created_at,
        events=[IntroductionEventRead.model_validate(e) for e in intro.events],
        contacts_visible=intros.contacts_visible(session, intro, actor),
    )


@router.get(
    "/inquiries/{inquiry_id}/matches",
    response_model=InquiryMatches,
    summary="Products ranked for an inquiry, each with its explanation",
)
def match_inquiry(inquiry_id: int, session: SessionDep, user: CurrentUser, top: Top = 10) -> InquiryMatches:
    inquiry, introducible, results, retrieval = service.match_inquiry(
        session, inquiry_id=inquiry_id, actor=user, top=top
    )
    return InquiryMatches(
        inquiry_id=inquiry.id,
        buyer_id=inquiry.buyer_id,
        buyer_introducible=introducible,
        retrieval=retrieval,
        matches=[
            ProductMatch(
                rank=n,
                score=r.scored.score,
                product=product_brief(r.product, r.company),
                signals=r.scored.signals,
                explanation=r.scored.explanation,
                introduction_id=r.introduction_id,
            )
            for n, r in enumerate(results, start=1)
        ],
    )


@router.get(
    "/products/{product_id}/matches",
    response_model=ProductMatches,
    summary="Buyers (and their inquiries) ranked for a product, without their contact details",
)
def match_product(product_id: int, session: SessionDep, user: CurrentUser, top: Top = 10) -> ProductMatches:
    product, results, retrieval = service.match_product(session, product_id=product_id, actor=user, top=top)
    return ProductMatches(
        product_id=product.id,
        bar=trust_bar(),
        retrieval=retrieval,
        matches=[
            BuyerMatch(
                rank=n,
                score=r.scored.score,
                buyer=BuyerPublic.model_validate(r.buyer),
                trust=r.trust.score,
                introducible=r.introducible,
                inquiry=inquiry_brief(r.inquiry, user) if r.inquiry else None,
                signals=r.scored.signals,
                explanation=r.scored.explanation,
                introduction_id=r.introduction_id,
            )
            for n, r in enumerate(results, start=1)
        ],
    )


@introductions_router.get("", response_model=Page[IntroductionRead], summary="Introductions you are party to")
def list_introductions(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[IntroductionFilter, Depends()]
) -> Page[IntroductionRead]:
    items, total = intros.list_introductions(session, actor=user, filters=filters, params=params)
    return Page(
        items=[introduction_read(session, i, user) for i in items],
        total=total,
        page=params.page,
        size=params.size,
    )


@introductions_router.post(
    "",
    response_model=IntroductionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Introduce a buyer to a product (buyers above the trust bar only)",
)
def create_introduction(body: IntroductionCreate, session: SessionDep, user: CurrentUser) -> IntroductionRead:
    return introduction_read(session, intros.create_introduction(session, data=body, actor=user), user)


@introductions_router.get(
    "/funnel", response_model=FunnelRead, summary="Outcomes funnel per region, advisor or market (staff)"
)
def get_funnel(
    session: SessionDep, user: CurrentUser, by: Literal["region", "advisor", "market"] = "region"
) -> FunnelRead:
    return intros.funnel(session, actor=user, by=by)


@introductions_router.get("/{introduction_id}", response_model=IntroductionRead, summary="One introduction")
def get_introduction(introduction_id: int, session: SessionDep, user: CurrentUser) -> IntroductionRead:
    return introduction_read(
        session, intros.get_introduction(session, introduction_id=introduction_id, actor=user), user
    )


@introductions_router.post(
    "/{introduction_id}/accept",
    response_model=IntroductionRead,
    summary="Accept an introduction (the buyer, or staff on its behalf)",
)
def accept(
    introduction_id: int, session: SessionDep, user: CurrentUser, body: AcceptIn | None = None
) -> IntroductionRead:
    intro = intros.accept_introduction(
        session, introduction_id=introduction_id, actor=user, note=body.note if body else None
    )
    return introduction_read(session, intro, user)


@introductions_router.post(
    "/{introduction_id}/decline",
    response_model=IntroductionRead,
    summary="Decline an introduction, with a reason",
)
def decline(
    introduction_id: int, body: DeclineIn, session: SessionDep, user: CurrentUser
) -> IntroductionRead:
    intro = intros.decline_introduction(session, introduction_id=introduction_id, data=body, actor=user)
    return introduction_read(session, intro, user)


@introductions_router.post(
    "/{introduction_id}/advance",
    response_model=IntroductionRead,
    summary="Record progress: contacted, meeting, sample, contract (with its value)",
)
def advance(
    introduction_id: int, body: AdvanceIn, session: SessionDep, user: CurrentUser
) -> IntroductionRead:
    intro = intros.advance_introduction(session, introduction_id=introduction_id, data=body, actor=user)
    return introduction_read(session, intro, user)


@introductions_router.get(
    "/{introduction_id}/contacts",
    response_model=BuyerContactDetails,
    summary="The buyer's contact details (exporters: once the buyer accepted)",
)
def contacts(introduction_id: int, session: SessionDep, user: CurrentUser) -> BuyerContactDetails:
    return contact_details_read(
        intros.introduction_contacts(session, introduction_id=introduction_id, actor=user)
    )
