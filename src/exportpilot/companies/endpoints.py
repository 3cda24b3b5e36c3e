from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, status

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.audit import service as audit
from exportpilot.companies import service
from exportpilot.companies.schemas import (
    AdvisorAssignment,
    CompanyCreate,
    CompanyFilter,
    CompanyRead,
    CompanyUpdate,
)
from exportpilot.kit.pagination import Page

router = APIRouter(prefix="/companies", tags=["companies"])


@router.get("", response_model=Page[CompanyRead], summary="List the companies you may see")
def list_companies(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[CompanyFilter, Depends()]
) -> Page[CompanyRead]:
    items, total = service.list_companies(session, actor=user, filters=filters, params=params)
    return Page(items=[CompanyRead.of(c) for c in items], total=total, page=params.page, size=params.size)


@router.post(
    "", response_model=CompanyRead, status_code=status.HTTP_201_CREATED, summary="Register a company"
)
def create_company(body: CompanyCreate, session: SessionDep, user: CurrentUser) -> CompanyRead:
    return CompanyRead.of(service.create_company(session, data=body, actor=user))


@router.get("/{company_id}", response_model=CompanyRead, summary="One company")
def get_company(company_id: int, session: SessionDep, user: CurrentUser) -> CompanyRead:
    return CompanyRead.of(service.get_company(session, company_id=company_id, actor=user))


@router.patch("/{company_id}", response_model=CompanyRead, summary="Change a company")
def update_company(
    company_id: int, body: CompanyUpdate, session: SessionDep, user: CurrentUser
) -> CompanyRead:
    return CompanyRead.of(service.update_company(session, company_id=company_id, data=body, actor=user))


@router.delete("/{company_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a company (admin)")
def delete_company(company_id: int, session: SessionDep, user: CurrentUser) -> None:
    service.delete_company(session, company_id=company_id, actor=user)


@router.put(
    "/{company_id}/advisor", response_model=CompanyRead, summary="Assign the advisor in charge (admin)"
)
def assign_advisor(
    company_id: int, body: AdvisorAssignment, session: SessionDep, user: CurrentUser
) -> CompanyRead:
    return CompanyRead.of(
        service.assign_advisor(session, company_id=company_id, advisor_id=body.advisor_id, actor=user)
    )


@router.get("/{company_id}/history", summary="Who changed this company, and what")
def company_history(company_id: int, session: SessionDep, user: CurrentUser) -> list[dict[str, object]]:
    service.get_company(session, company_id=company_id, actor=user)
    return [
        {"at": e.at, "actor_id": e.actor_id, "action": e.action, "changes": e.changes}
        for e in audit.history(session, entity="company", entity_id=company_id)
    ]
