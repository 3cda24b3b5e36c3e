from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.buyers import service
from exportpilot.buyers.schemas import BuyerCreate, BuyerFilter, BuyerRead, BuyerUpdate
from exportpilot.kit.pagination import Page

router = APIRouter(prefix="/buyers", tags=["buyers"])


@router.get("", response_model=Page[BuyerRead], summary="List the buyers you may see")
def list_buyers(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[BuyerFilter, Depends()]
) -> Page[BuyerRead]:
    items, total = service.list_buyers(session, actor=user, filters=filters, params=params)
    return Page(
        items=[BuyerRead.model_validate(b) for b in items], total=total, page=params.page, size=params.size
    )


@router.post("", response_model=BuyerRead, status_code=status.HTTP_201_CREATED, summary="Register a buyer")
def create_buyer(body: BuyerCreate, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return BuyerRead.model_validate(service.create_buyer(session, data=body, actor=user))


@router.get("/{buyer_id}", response_model=BuyerRead, summary="One buyer")
def get_buyer(buyer_id: int, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return BuyerRead.model_validate(service.get_buyer(session, buyer_id=buyer_id, actor=user))


@router.patch("/{buyer_id}", response_model=BuyerRead, summary="Change a buyer")
def update_buyer(buyer_id: int, body: BuyerUpdate, session: SessionDep, user: CurrentUser) -> BuyerRead:
    return BuyerRead.model_validate(service.update_buyer(session, buyer_id=buyer_id, data=body, actor=user))


@router.delete("/{buyer_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a buyer (admin)")
def delete_buyer(buyer_id: int, session: SessionDep, user: CurrentUser) -> None:
    service.delete_buyer(session, buyer_id=buyer_id, actor=user)
