from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from sqlalchemy.orm import Session

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.buyers import importer, inquiries, service
from exportpilot.buyers.schemas import (
    BuyerContactDetails,
    BuyerCreate,
    BuyerFilter,
    BuyerRead,
    BuyerRef,
    BuyerUpdate,
    ContactRead,
    DuplicateRead,
    EvidenceRead,
    ImportReport,
    InquiryCreate,
    InquiryFilter,
    InquiryRead,
    InquiryUpdate,
    MergeIn,
    ScreeningIn,
    TrustComponentRead,
    TrustRead,
)
from exportpilot.buyers.trust import TrustScore
from exportpilot.kit.pagination import Page
from exportpilot.models import Buyer, Inquiry, User, VerificationStatus

router = APIRouter(prefix="/buyers", tags=["buyers"])
inquiries_router = APIRouter(prefix="/inquiries", tags=["inquiries"])


def buyer_read(session: Session, buyer: Buyer) -> BuyerRead:
    read = BuyerRead.model_validate(buyer)
    read.merged_from_ids = service.merged_from_ids(session, buyer_id=buyer.id)
    return read


def trust_read(buyer: Buyer, score: TrustScore) -> TrustRead:
    return TrustRead(
        buyer_id=buyer.id,
        score=score.score,
        bar=service.trust_bar(),
        introducible=service.is_introducible(buyer, score),
        blocked=score.blocked,
        components=[
            TrustComponentRead(
                code=c.code,
                points=c.points,
                max_points=c.max_points,
                evidence=[
                    EvidenceRead(code=e.code, points=e.points, params=e.params, text=e.text())
                    for e in c.evidence
                ],
            )
            for c in score.components
        ],
    )


def inquiry_read(inquiry: Inquiry, actor: User) -> InquiryRead:
    read = InquiryRead.model_validate(inquiry)
    read.text = inquiries.shown_text(inquiry, actor)
    return read


@router.get("", response_model=Page[BuyerRead], summary="List the buyers you may see")
def list_buyers(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[BuyerFilter, Depends()]
) -> Page[BuyerRead]:
    items, total = service.list_buyers(session, actor=user, filters=filters, params=params)
    return Page(
        items=[buyer_read(session, b) for b in items], total=total, page=params.page, size=params.size
    )


@router.post("", response_model=BuyerRead, status_code=status.HTTP_201_CREATED, summary="Register a buyer")
def create_buyer(body: BuyerCreate, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return buyer_read(session, service.create_buyer(session, data=body, actor=user))


@router.post(
    "/import",
    response_model=ImportReport,
    summary="Import buyers from a CSV or Excel file (staff)",
    description="All rows or none: a file with bad rows imports nothing and answers 422 with the report "
    "(row, field, reason), unless `skip_invalid` is set. Rows of already registered companies fill the "
    "gaps of those records, so importing the same file twice changes nothing.",
)
async def import_buyers(
    session: SessionDep,
    user: CurrentUser,
    file: Annotated[UploadFile, File(description=".csv or .xlsx, header in the first row")],
    skip_invalid: Annotated[bool, Query(description="import the good rows and report the bad ones")] = False,
) -> ImportReport:
    content = await file.read()
    return importer.import_buyers(
        session,
        filename=file.filename or "upload.csv",
        content=content,
        actor=user,
        skip_invalid=skip_invalid,
    )


@router.get(
    "/duplicates", response_model=list[DuplicateRead], summary="Buyers that may be the same company (staff)"
)
def list_duplicates(
    session: SessionDep,
    user: CurrentUser,
    country: Annotated[str | None, Query(max_length=3, description="ISO country code")] = None,
) -> list[DuplicateRead]:
    pairs = service.find_duplicates(session, actor=user, country=country)
    return [
        DuplicateRead(
            buyer=BuyerRef(id=a.id, company_name=a.company_name, country_code=a.country_code),
            duplicate=BuyerRef(id=b.id, company_name=b.company_name, country_code=b.country_code),
            verdict=m.verdict,
            score=m.score,
            name_score=m.name_score,
            shared_domains=list(m.shared_domains),
        )
        for a, b, m in pairs
    ]


@router.get("/{buyer_id}", response_model=BuyerRead, summary="One buyer")
def get_buyer(buyer_id: int, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return buyer_read(session, service.get_buyer(session, buyer_id=buyer_id, actor=user))


@router.patch("/{buyer_id}", response_model=BuyerRead, summary="Change a buyer")
def update_buyer(buyer_id: int, body: BuyerUpdate, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return buyer_read(session, service.update_buyer(session, buyer_id=buyer_id, data=body, actor=user))


@router.delete("/{buyer_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a buyer (admin)")
def delete_buyer(buyer_id: int, session: SessionDep, user: CurrentUser) -> None:
    service.delete_buyer(session, buyer_id=buyer_id, actor=user)


@router.get("/{buyer_id}/trust", response_model=TrustRead, summary="A buyer's trust score with its evidence")
def get_trust(buyer_id: int, session: SessionDep, user: CurrentUser) -> TrustRead:
    buyer, score = service.get_trust(session, buyer_id=buyer_id, actor=user)
    return trust_read(buyer, score)


@router.get(
    "/{buyer_id}/contacts",
    response_model=BuyerContactDetails,
    summary="How to reach a buyer (exporters: after it accepted an introduction)",
)
def get_contacts(buyer_id: int, session: SessionDep, user: CurrentUser) -> BuyerContactDetails:
    buyer = service.contact_details(session, buyer_id=buyer_id, actor=user)
    return contact_details_read(buyer)


def contact_details_read(buyer: Buyer) -> BuyerContactDetails:
    return BuyerContactDetails(
        buyer_id=buyer.id,
        company_name=buyer.company_name,
        website=buyer.website,
        email=buyer.email,
        phone=buyer.phone,
        contacts=[ContactRead.model_validate(c) for c in buyer.contacts],
    )


def _screen(
    buyer_id: int, new: VerificationStatus, body: ScreeningIn, session: Session, user: User
) -> BuyerRead:
    return buyer_read(
        session, service.screen_buyer(session, buyer_id=buyer_id, status=new, data=body, actor=user)
    )


@router.post("/{buyer_id}/verify", response_model=BuyerRead, summary="Verify a buyer's identity (staff)")
def verify_buyer(buyer_id: int, body: ScreeningIn, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return _screen(buyer_id, VerificationStatus.verified, body, session, user)


@router.post("/{buyer_id}/flag", response_model=BuyerRead, summary="Flag a buyer for review (staff)")
def flag_buyer(buyer_id: int, body: ScreeningIn, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return _screen(buyer_id, VerificationStatus.flagged, body, session, user)


@router.post(
    "/{buyer_id}/block", response_model=BuyerRead, summary="Block a buyer (staff; only admins unblock)"
)
def block_buyer(buyer_id: int, body: ScreeningIn, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return _screen(buyer_id, VerificationStatus.blocked, body, session, user)


@router.post(
    "/{buyer_id}/merge",
    response_model=BuyerRead,
    summary="Merge duplicates into this buyer (staff)",
    description="Moves the duplicates' contacts, inquiries, introductions and users here; the duplicates "
    "are kept, marked as merged, with audit entries on both sides.",
)
def merge_buyers(buyer_id: int, body: MergeIn, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return buyer_read(
        session, service.merge_buyers(session, keep_id=buyer_id, merge_ids=body.merge_ids, actor=user)
    )


@inquiries_router.get("", response_model=Page[InquiryRead], summary="List the inquiries you may see")
def list_inquiries(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[InquiryFilter, Depends()]
) -> Page[InquiryRead]:
    items, total = inquiries.list_inquiries(session, actor=user, filters=filters, params=params)
    return Page(items=[inquiry_read(i, user) for i in items], total=total, page=params.page, size=params.size)


@inquiries_router.post(
    "",
    response_model=InquiryRead,
    status_code=status.HTTP_201_CREATED,
    summary="Post an inquiry (RFQ) for a buyer",
    description="Free text in any language plus optional structured fields. Without an HS code, the HS "
    "classifier suggests one when it is installed and trained (`hs_source` = classifier, see `hs_note`).",
)
def create_inquiry(body: InquiryCreate, session: SessionDep, user: CurrentUser) -> InquiryRead:
    return inquiry_read(inquiries.create_inquiry(session, data=body, actor=user), user)


@inquiries_router.get("/{inquiry_id}", response_model=InquiryRead, summary="One inquiry")
def get_inquiry(inquiry_id: int, session: SessionDep, user: CurrentUser) -> InquiryRead:
    return inquiry_read(inquiries.get_inquiry(session, inquiry_id=inquiry_id, actor=user), user)


@inquiries_router.patch("/{inquiry_id}", response_model=InquiryRead, summary="Change or close an inquiry")
def update_inquiry(
    inquiry_id: int, body: InquiryUpdate, session: SessionDep, user: CurrentUser
) -> InquiryRead:
    return inquiry_read(inquiries.update_inquiry(session, inquiry_id=inquiry_id, data=body, actor=user), user)
