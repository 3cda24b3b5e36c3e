"""Company pages: the filtered list (htmx swaps the table), detail, register and edit forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from exportpilot.auth import policy
from exportpilot.companies import service
from exportpilot.companies.schemas import CompanyCreate, CompanyFilter, CompanyUpdate
from exportpilot.errors import ExportPilotError
from exportpilot.kit.brn import format_brn
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Company, ExportStatus
from exportpilot.products import service as products
from exportpilot.products.schemas import ProductFilter
from exportpilot.reference import service as reference
from exportpilot.reference.industries import list_industries
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash
from exportpilot.web.forms import (
    FormRejected,
    domain_errors,
    list_filter,
    non_empty,
    none_if_empty,
    validation_errors,
    values,
)
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
FIELDS = (
    "name_ko", "name_en", "brn", "province", "industry", "employees", "export_status",
    "founded_year", "website", "description",
)  # fmt: skip
OPTIONAL = ("founded_year", "website", "description")
BLANK_EXPORT_ROWS = 3


@router.get("/companies")
def company_list(
    web: LoggedIn,
    q: str | None = None,
    region: str | None = None,
    province: str | None = None,
    industry: str | None = None,
    export_status: str | None = None,
    page: int = Query(1, ge=1),
) -> Response:
    actor = web.actor
    raw = {
        "q": q,
        "region": region,
        "province": province,
        "industry": industry,
        "export_status": export_status,
    }
    filters = list_filter(CompanyFilter, raw)
    params = PageParams(page=page, size=PAGE_SIZE)
    items, total = service.list_companies(web.session, actor=actor, filters=filters, params=params)
    context: dict[str, Any] = {
        "companies": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {k: v or "" for k, v in raw.items()},
    }
    if web.wants_fragment("company-table"):
        return web.render("companies/_company_table.html", context)
    context.update(
        regions=reference.list_regions(web.session),
        provinces=reference.list_provinces(web.session),
        industries=list_industries(),
        export_statuses=list(ExportStatus),
        can_create=policy.can_create_company(actor),
    )
    return web.render("companies/list.html", context)


def _form_context(
    web: Web, form: dict[str, Any], exports: list[dict[str, str]], errors: dict[str, str]
) -> dict[str, Any]:
    rows = [*exports, *({"year": "", "value_usd": ""} for _ in range(BLANK_EXPORT_ROWS))]
    return {
        "form": form,
        "exports": rows,
        "errors": errors,
        "provinces": reference.list_provinces(web.session),
        "industries": list_industries(),
        "export_statuses": list(ExportStatus),
        "this_year": date.today().year,
    }


def _export_rows(form: FormData) -> list[dict[str, str]]:
    """The filled rows of the annual-exports table (a row with both cells empty is ignored)."""
    years = form.getlist("export_year")
    amounts = form.getlist("export_value")
    rows = []
    for year, value in zip(years, amounts, strict=False):
        year, value = str(year).strip(), str(value).strip()
        if year or value:
            rows.append({"year": year, "value_usd": value})
    return rows


def _exports_input(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows as the model reads them: thousands separators (1,200,000) dropped."""
    return [{"year": r["year"], "value_usd": r["value_usd"].replace(",", "")} for r in rows]


def _reject(
    web: Web,
    form: dict[str, str],
    exports: list[dict[str, str]],
    errors: dict[str, str],
    company: Company | None,
) -> FormRejected:
    context = _form_context(web, form, exports, errors) | {"company": company}
    return FormRejected(web.render("companies/form.html", context, status_code=422))


@router.get("/companies/new")
def new_company(web: LoggedIn) -> Response:
    policy.require(policy.can_create_company(web.actor), "you may not register a company")
    form = dict.fromkeys(FIELDS, "") | {"export_status": ExportStatus.none.value}
    return web.render("companies/form.html", _form_context(web, form, [], {}) | {"company": None})


@router.post("/companies/new")
def create_company(web: LoggedIn, posted: PostedForm) -> Response:
    form = values(posted, FIELDS)
    exports = _export_rows(posted)
    try:
        data = CompanyCreate.model_validate(non_empty(form) | {"exports": _exports_input(exports)})
        company = service.create_company(web.session, data=data, actor=web.actor)
    except ValidationError as exc:
        errors = validation_errors(web.lang, exc)
        raise _reject(web, form, exports, errors, None) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = domain_errors(exc, (*FIELDS, "exports"))
        raise _reject(web, form, exports, errors, None) from exc
    flash(
        web.request,
        N_("Company %(name)s registered."),
        name=company.name_ko if web.lang == "ko" else company.name_en,
    )
    return RedirectResponse(f"/companies/{company.id}", status_code=303)


@router.get("/companies/{company_id}")
def company_detail(web: LoggedIn, company_id: int) -> Response:
    actor = web.actor
    company = service.get_company(web.session, company_id=company_id, actor=actor)
    items, total = products.list_products(
        web.session,
        actor=actor,
        filters=ProductFilter(company_id=company.id),
        params=PageParams(page=1, size=100),
    )
    context = {
        "company": company,
        "advisor": service.get_advisor(web.session, company_id=company.id, actor=actor),
        "products": items,
        "product_total": total,
        "can_edit": policy.can_edit_company(actor, company),
    }
    return web.render("companies/detail.html", context)


def _initial(company: Company) -> dict[str, str]:
    return {
        "name_ko": company.name_ko,
        "name_en": company.name_en,
        "brn": format_brn(company.brn),
        "province": company.province_code,
        "industry": company.industry,
        "employees": str(company.employees),
        "export_status": company.export_status.value,
        "founded_year": str(company.founded_year or ""),
        "website": company.website or "",
        "description": company.description or "",
    }


def _editable(web: Web, company_id: int) -> Company:
    company = service.get_company(web.session, company_id=company_id, actor=web.actor)
    policy.require(policy.can_edit_company(web.actor, company), "you may not edit this company")
    return company


@router.get("/companies/{company_id}/edit")
def edit_company(web: LoggedIn, company_id: int) -> Response:
    company = _editable(web, company_id)
    exports = [{"year": str(e.year), "value_usd": str(e.value_usd)} for e in company.exports]
    return web.render(
        "companies/form.html", _form_context(web, _initial(company), exports, {}) | {"company": company}
    )


@router.post("/companies/{company_id}/edit")
def update_company(web: LoggedIn, company_id: int, posted: PostedForm) -> Response:
    company = _editable(web, company_id)
    form = values(posted, FIELDS)
    exports = _export_rows(posted)
    try:
        data = CompanyUpdate.model_validate(
            none_if_empty(form, OPTIONAL) | {"exports": _exports_input(exports)}
        )
        service.update_company(web.session, company_id=company.id, data=data, actor=web.actor)
    except ValidationError as exc:
        errors = validation_errors(web.lang, exc)
        raise _reject(web, form, exports, errors, company) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = domain_errors(exc, (*FIELDS, "exports"))
        raise _reject(web, form, exports, errors, company) from exc
    flash(web.request, N_("Changes saved."))
    return RedirectResponse(f"/companies/{company.id}", status_code=303)
