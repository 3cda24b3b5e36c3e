from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.audit import service
from exportpilot.audit.schemas import AuditFilter, AuditRead
from exportpilot.kit.pagination import Page

router = APIRouter(prefix="/audit", tags=["audit"])


@router.get("", response_model=Page[AuditRead], summary="The audit log: who changed what (admin)")
def list_audit(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[AuditFilter, Depends()]
) -> Page[AuditRead]:
    items, total = service.list_entries(session, actor=user, params=params, **filters.model_dump())
    return Page(
        items=[AuditRead.model_validate(e) for e in items], total=total, page=params.page, size=params.size
    )
