from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from exportpilot.api.deps import SessionDep
from exportpilot.reference import service

router = APIRouter(prefix="/reference", tags=["reference"])


@router.get("/countries", summary="Countries with Korean and English names")
def countries(session: SessionDep) -> list[dict[str, Any]]:
    return [
        {"iso3": c.iso3, "iso2": c.iso2, "name_en": c.name_en, "name_ko": c.name_ko}
        for c in service.list_countries(session, "en")
    ]


@router.get("/provinces", summary="Korea's provinces with their region (5 poles, 3 special) and regional HQ")
def provinces(session: SessionDep) -> list[dict[str, Any]]:
    return [
        {
            "code": p.code,
            "name_ko": p.name_ko,
            "name_en": p.name_en,
            "region_code": p.region_code,
            "hq_code": p.hq_code,
        }
        for p in service.list_provinces(session)
    ]


@router.get("/regions", summary="The 5 poles and 3 special self-governing provinces")
def regions(session: SessionDep) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "name_ko": r.name_ko, "name_en": r.name_en, "kind": r.kind}
        for r in service.list_regions(session)
    ]


@router.get("/hs", summary="Search the HS 2022 nomenclature by code prefix or words")
def hs_search(
    session: SessionDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> list[dict[str, Any]]:
    return [
        {"code": h.code, "level": h.level, "parent": h.parent, "description": h.description}
        for h in service.search_hs(session, q, limit=limit)
    ]


@router.get("/hs/{code}", summary="One HS code with its parents")
def hs_code(code: str, session: SessionDep) -> dict[str, Any]:
    h = service.get_hs_code(session, code, field="code", levels=(2, 4, 6))
    return {
        "code": h.code,
        "level": h.level,
        "parent": h.parent,
        "section": h.section,
        "description": h.description,
    }
