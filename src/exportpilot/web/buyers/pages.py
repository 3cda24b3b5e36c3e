"""Buyer pages: the list with country and verification filters, and one buyer's record."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from exportpilot.buyers import service
from exportpilot.buyers.schemas import BuyerFilter
from exportpilot.errors import InvalidInput
from exportpilot.kit.pagination import PageParams
from exportpilot.models import HSCode, Language, VerificationStatus
from exportpilot.reference import service as reference
from exportpilot.web.deps import LoggedIn
from exportpilot.web.forms import list_filter

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25


@router.get("/buyers")
def buyer_list(
    web: LoggedIn,
    q: str | None = None,
    country: str | None = None,
    verification_status: str | None = None,
    page: int = Query(1, ge=1),
) -> Response:
    raw = {"q": q, "country": country, "verification_status": verification_status}
    filters = list_filter(BuyerFilter, raw)
    params = PageParams(page=page, size=PAGE_SIZE)
    items, total = service.list_buyers(web.session, actor=web.actor, filters=filters, params=params)
    context: dict[str, Any] = {
        "buyers": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {k: v or "" for k, v in raw.items()},
    }
    if web.wants_fragment("buyer-table"):
        return web.render("buyers/_buyer_table.html", context)
    context.update(
        countries=reference.list_countries(web.session, "ko" if web.lang == "ko" else "en"),
        statuses=list(VerificationStatus),
    )
    return web.render("buyers/list.html", context)


@router.get("/buyers/{buyer_id}")
def buyer_detail(web: LoggedIn, buyer_id: int) -> Response:
    buyer = service.get_buyer(web.session, buyer_id=buyer_id, actor=web.actor)
    languages: dict[str, Language] = {}
    for code in {*buyer.languages, *(c.language for c in buyer.contacts if c.language)}:
        try:
            languages[code] = reference.get_language(web.session, code)
        except InvalidInput:
            continue  # a code the reference data no longer has: shown as the bare code
    hs_lines: list[tuple[str, HSCode | None]] = []
    for code in buyer.hs_interests:
        try:
            hs_lines.append((code, reference.get_hs_code(web.session, code, levels=(2, 4, 6))))
        except InvalidInput:
            hs_lines.append((code, None))
    return web.render("buyers/detail.html", {"buyer": buyer, "languages": languages, "hs_lines": hs_lines})
