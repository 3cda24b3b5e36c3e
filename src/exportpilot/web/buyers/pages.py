"""Buyer pages: the registry with trust scores, one buyer with its trust evidence and screening, import,
duplicates and merge."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from exportpilot.auth import policy
from exportpilot.buyers import importer, service
from exportpilot.buyers.repository import BuyerRepository, InquiryRepository
from exportpilot.buyers.schemas import BuyerFilter, ImportReport, InquiryFilter, ScreeningIn
from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.kit.pagination import PageParams
from exportpilot.matching import introductions as intros
from exportpilot.matching.schemas import IntroductionFilter
from exportpilot.models import HSCode, Language, VerificationSource, VerificationStatus
from exportpilot.reference import service as reference
from exportpilot.web.buyers.labels import IMPORT_ACTIONS, VERIFICATION_SOURCE, component_view
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash
from exportpilot.web.forms import FormRejected, domain_errors, list_filter, validation_errors
from exportpilot.web.i18n import N_
from exportpilot.web.matching.labels import STAGES

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
_SCREEN = {
    "verify": VerificationStatus.verified,
    "flag": VerificationStatus.flagged,
    "block": VerificationStatus.blocked,
}
_SCREENED = {
    "verify": N_("Buyer %(name)s verified."),
    "flag": N_("Buyer %(name)s flagged for review."),
    "block": N_("Buyer %(name)s blocked."),
}


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
        "trust": {bid: t.score for bid, t in service.trust_scores(web.session, items).items()},
        "bar": service.trust_bar(),
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


def _import_page(
    web: Web, report: ImportReport | None, errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    context = {"report": report, "errors": errors, "actions": IMPORT_ACTIONS}
    return web.render("buyers/import.html", context, status_code=status_code)


@router.get("/buyers/import")
def import_form(web: LoggedIn) -> Response:
    policy.require(policy.can_import_buyers(web.actor), "only agency staff import buyers")
    return _import_page(web, None, {})


@router.post("/buyers/import")
async def import_upload(web: LoggedIn, posted: PostedForm) -> Response:
    policy.require(policy.can_import_buyers(web.actor), "only agency staff import buyers")
    upload = posted.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _import_page(web, None, {"file": web._(N_("Choose a .csv or .xlsx file."))}, 422)
    content = await upload.read()
    try:
        report = importer.import_buyers(
            web.session,
            filename=upload.filename,
            content=content,
            actor=web.actor,
            skip_invalid=posted.get("skip_invalid") == "on",
        )
    except importer.ImportRejected as exc:
        raise FormRejected(_import_page(web, exc.report, {}, 422)) from exc
    except InvalidInput as exc:
        raise FormRejected(
            _import_page(web, None, {"file": exc.message.removeprefix("file: ")}, 422)
        ) from exc
    return _import_page(web, report, {})


@router.get("/buyers/duplicates")
def duplicates(web: LoggedIn, country: str | None = None) -> Response:
    pairs = service.find_duplicates(web.session, actor=web.actor, country=country or None)
    return web.render("buyers/duplicates.html", {"pairs": pairs, "country": country or ""})


def _languages(web: Web, codes: set[str]) -> dict[str, Language]:
    languages: dict[str, Language] = {}
    for code in codes:
        try:
            languages[code] = reference.get_language(web.session, code)
        except InvalidInput:
            continue  # a code the reference data no longer has: shown as the bare code
    return languages


def _detail_context(web: Web, buyer_id: int, errors: dict[str, str], form: dict[str, str]) -> dict[str, Any]:
    buyer = service.get_buyer(web.session, buyer_id=buyer_id, actor=web.actor)
    languages = _languages(web, {*buyer.languages, *(c.language for c in buyer.contacts if c.language)})
    hs_lines: list[tuple[str, HSCode | None]] = []
    for code in buyer.hs_interests:
        try:
            hs_lines.append((code, reference.get_hs_code(web.session, code, levels=(2, 4, 6))))
        except InvalidInput:
            hs_lines.append((code, None))
    trust = service.trust_scores(web.session, [buyer])[buyer.id]
    inquiry_items, _ = InquiryRepository(web.session).paginate(
        InquiryRepository(web.session).filtered(InquiryFilter(buyer_id=buyer.id)), PageParams(page=1, size=20)
    )
    intro_items, _ = intros.list_introductions(
        web.session,
        actor=web.actor,
        filters=IntroductionFilter(buyer_id=buyer.id),
        params=PageParams(page=1, size=20),
    )
    repo = BuyerRepository(web.session)
    return {
        "buyer": buyer,
        "languages": languages,
        "hs_lines": hs_lines,
        "trust": trust,
        "components": [component_view(web.lang, c) for c in trust.components],
        "bar": service.trust_bar(),
        "introducible": service.is_introducible(buyer, trust),
        "merged_from": repo.by_ids(service.merged_from_ids(web.session, buyer_id=buyer.id)),
        "merged_into": repo.get(buyer.merged_into_id) if buyer.merged_into_id else None,
        "inquiries": inquiry_items,
        "introductions": intro_items,
        "stage_labels": STAGES,
        "source_labels": VERIFICATION_SOURCE,
        "sources": list(VerificationSource),
        "can_screen": policy.is_staff(web.actor),
        "errors": errors,
        "form": form,
    }


@router.get("/buyers/{buyer_id}")
def buyer_detail(web: LoggedIn, buyer_id: int) -> Response:
    return web.render("buyers/detail.html", _detail_context(web, buyer_id, {}, {}))


@router.post("/buyers/{buyer_id}/screen")
def screen(web: LoggedIn, buyer_id: int, posted: PostedForm) -> Response:
    policy.require(policy.is_staff(web.actor), "only agency staff verify, flag or block buyers")
    action = str(posted.get("action") or "")
    form = {"reason": str(posted.get("reason") or "").strip(), "via": str(posted.get("via") or "")}
    if action not in _SCREEN:
        raise InvalidInput(f"action: {action!r} is not one of verify, flag, block", field="action")
    try:
        data = ScreeningIn.model_validate({"reason": form["reason"], "via": form["via"] or None})
        buyer = service.screen_buyer(
            web.session, buyer_id=buyer_id, status=_SCREEN[action], data=data, actor=web.actor
        )
    except ValidationError as exc:
        errors = validation_errors(web.lang, exc)
        raise FormRejected(
            web.render("buyers/detail.html", _detail_context(web, buyer_id, errors, form), status_code=422)
        ) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = domain_errors(exc, ("reason", "via"))
        raise FormRejected(
            web.render("buyers/detail.html", _detail_context(web, buyer_id, errors, form), status_code=422)
        ) from exc
    flash(web.request, _SCREENED[action], name=buyer.company_name)
    return RedirectResponse(f"/buyers/{buyer.id}", status_code=303)


@router.post("/buyers/{buyer_id}/merge")
def merge(web: LoggedIn, buyer_id: int, posted: PostedForm) -> Response:
    raw = [str(v) for v in posted.getlist("merge_ids")]
    try:
        ids = [int(v) for v in raw if v.strip()]
    except ValueError as exc:
        raise InvalidInput("merge_ids: buyer ids are whole numbers", field="merge_ids") from exc
    buyer = service.merge_buyers(web.session, keep_id=buyer_id, merge_ids=ids, actor=web.actor)
    flash(
        web.request,
        N_("Merged %(count)s duplicate(s) into %(name)s."),
        count=len(ids),
        name=buyer.company_name,
    )
    return RedirectResponse(f"/buyers/{buyer.id}", status_code=303)
