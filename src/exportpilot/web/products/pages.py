"""Product pages: the filtered list, detail with the HS code's parents, its HS suggestions (confirm or
correct) and its profile (shown, edited, re-extracted), add and edit forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from exportpilot.auth import policy
from exportpilot.companies import service as companies
from exportpilot.errors import Conflict, ExportPilotError, InvalidInput
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Company, HSCode, HSCodeSource, Product, Role
from exportpilot.products import hs_suggestions as hs
from exportpilot.products import profiles, service
from exportpilot.products.profile import (
    ProductProfile,
    Specification,
    material_label,
    specifications_from_fields,
)
from exportpilot.products.schemas import ProductCreate, ProductFilter, ProductUpdate
from exportpilot.reference import service as reference
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
SUGGESTIONS = 5
FIELDS = (
    "name_ko", "name_en", "description_ko", "description_en", "hs_code", "hsk_code", "specifications",
    "certifications", "moq", "moq_unit", "price_min", "price_max", "currency", "photo_url",
)  # fmt: skip
OPTIONAL = ("description_ko", "description_en", "hs_code", "hsk_code", "moq", "moq_unit", "price_min",
            "price_max", "currency", "photo_url")  # fmt: skip
# The form fields the page turns into other shapes before the model sees them.
_TEXT_FIELDS = ("specifications", "certifications")


def _company_names(web: Web, items: list[Product]) -> dict[int, Company]:
    return {
        cid: companies.get_company(web.session, company_id=cid, actor=web.actor)
        for cid in {p.company_id for p in items}
    }


@router.get("/products")
def product_list(
    web: LoggedIn,
    q: str | None = None,
    hs_prefix: str | None = None,
    company_id: int | None = None,
    page: int = Query(1, ge=1),
) -> Response:
    raw = {"q": q, "hs_prefix": (hs_prefix or "").replace(".", "").strip() or None, "company_id": company_id}
    filters = list_filter(ProductFilter, raw)
    params = PageParams(page=page, size=PAGE_SIZE)
    items, total = service.list_products(web.session, actor=web.actor, filters=filters, params=params)
    company = (
        companies.get_company(web.session, company_id=company_id, actor=web.actor)
        if company_id is not None
        else None
    )
    context: dict[str, Any] = {
        "products": items,
        "companies": _company_names(web, items),
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "filters": {"q": q or "", "hs_prefix": hs_prefix or "", "company_id": company_id or ""},
        "company": company,
    }
    if web.wants_fragment("product-table"):
        return web.render("products/_product_table.html", context)
    return web.render("products/list.html", context)


def _parse_specifications(text: str) -> dict[str, str]:
    """'name: value' per line → {name: value}."""
    specs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise InvalidInput(
                f"line {number}: write one specification per line as 'name: value'", field="specifications"
            )
        specs[name.strip()] = value.strip()
    return specs


def _parse_certifications(text: str) -> list[str]:
    return [c.strip() for c in text.replace("\n", ",").split(",") if c.strip()]


def _model_input(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in form.items() if k not in _TEXT_FIELDS}
    data["specifications"] = _parse_specifications(form["specifications"])
    data["certifications"] = _parse_certifications(form["certifications"])
    for key in ("price_min", "price_max", "moq"):
        data[key] = data[key].replace(",", "")
    return data


def _form_context(web: Web, form: dict[str, str], errors: dict[str, str], company: Company) -> dict[str, Any]:
    return {
        "form": form,
        "errors": errors,
        "company": company,
        "currencies": reference.list_currencies(web.session),
    }


def _editable_company(web: Web, company_id: int, message: str) -> Company:
    company = companies.get_company(web.session, company_id=company_id, actor=web.actor)
    policy.require(policy.can_edit_company(web.actor, company), message)
    return company


def _reject(
    web: Web,
    form: dict[str, str],
    exc: ValidationError | ExportPilotError,
    company: Company,
    product: Product | None,
) -> FormRejected:
    if isinstance(exc, ValidationError):
        errors = validation_errors(web.lang, exc)
    else:
        errors = domain_errors(exc, FIELDS)
    context = _form_context(web, form, errors, company) | {"product": product}
    return FormRejected(web.render("products/form.html", context, status_code=422))


@router.get("/products/new")
def new_product(web: LoggedIn, company_id: int | None = None) -> Response:
    actor = web.actor
    if company_id is None:
        if actor.role == Role.exporter and actor.company_id is not None:
            company_id = actor.company_id
        else:
            # Products are added from their company's page, which knows the company.
            flash(web.request, N_("Open a company and choose “Add product”."))
            return RedirectResponse("/companies", status_code=303)
    company = _editable_company(web, company_id, "you may not add products to this company")
    form = dict.fromkeys(FIELDS, "")
    return web.render("products/form.html", _form_context(web, form, {}, company) | {"product": None})


@router.post("/products/new")
def create_product(web: LoggedIn, posted: PostedForm, company_id: int) -> Response:
    company = _editable_company(web, company_id, "you may not add products to this company")
    form = values(posted, FIELDS)
    try:
        data = ProductCreate.model_validate(non_empty(_model_input(form)) | {"company_id": company.id})
        product = service.create_product(web.session, data=data, actor=web.actor)
    except (ValidationError, ExportPilotError) as exc:
        if isinstance(exc, ExportPilotError) and exc.status_code in (401, 403, 404):
            raise
        raise _reject(web, form, exc, company, None) from exc
    flash(
        web.request,
        N_("Product %(name)s added."),
        name=product.name_ko if web.lang == "ko" else product.name_en,
    )
    return RedirectResponse(f"/products/{product.id}", status_code=303)


def _hs_lines(web: Web, code: str | None) -> list[HSCode]:
    """The product's HS subheading with its heading and chapter, most general first."""
    lines: list[HSCode] = []
    current = code
    while current:
        line = reference.get_hs_code(web.session, current, levels=(2, 4, 6))
        lines.insert(0, line)
        current = line.parent if line.level > 2 else None
    return lines


@router.get("/products/{product_id}")
def product_detail(web: LoggedIn, product_id: int, suggest: bool = False) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    return web.render("products/detail.html", _detail_context(web, product, suggest=suggest))


def _initial(product: Product) -> dict[str, str]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    form = {name: text(getattr(product, name)) for name in FIELDS if name not in _TEXT_FIELDS}
    form["specifications"] = "\n".join(f"{k}: {v}" for k, v in (product.specifications or {}).items())
    form["certifications"] = ", ".join(product.certifications or [])
    return form


@router.get("/products/{product_id}/edit")
def edit_product(web: LoggedIn, product_id: int) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    company = _editable_company(web, product.company_id, "you may not edit this product")
    context = _form_context(web, _initial(product), {}, company) | {"product": product}
    return web.render("products/form.html", context)


@router.post("/products/{product_id}/edit")
def update_product(web: LoggedIn, product_id: int, posted: PostedForm) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    company = _editable_company(web, product.company_id, "you may not edit this product")
    form = values(posted, FIELDS)
    try:
        data = ProductUpdate.model_validate(none_if_empty(_model_input(form), OPTIONAL))
        service.update_product(web.session, product_id=product.id, data=data, actor=web.actor)
    except (ValidationError, ExportPilotError) as exc:
        if isinstance(exc, ExportPilotError) and exc.status_code in (401, 403, 404):
            raise
        raise _reject(web, form, exc, company, product) from exc
    flash(web.request, N_("Changes saved."))
    return RedirectResponse(f"/products/{product.id}", status_code=303)


# --------------------------------------------------------------------------- HS suggestions and profile


def _profile_context(web: Web, product: Product, company: Company) -> dict[str, Any]:
    view = profiles.get_profile(web.session, product_id=product.id, actor=web.actor)
    return {
        "profile": view.profile,
        "profile_view": view,
        "can_edit_profile": policy.can_edit_profile(web.actor, company),
        "material_label": lambda name: material_label(name, web.lang),
    }


def _hs_context(web: Web, product: Product) -> dict[str, Any]:
    name, trains = hs.confirmed_by_name(web.session, product)
    return {
        "hs_confirmed_by": name,
        "hs_trains": trains,
        "can_see_suggestions": policy.can_view_hs_suggestions(web.actor, product),
        "can_confirm": policy.can_confirm_hs_code(web.actor, product, None),
        "is_staff": policy.is_staff(web.actor),
    }


def _suggestions(web: Web, product: Product) -> dict[str, Any]:
    """The classifier's suggestions for the page, or why there are none (no model: not an error page)."""
    try:
        found = hs.suggest_for_product(web.session, product_id=product.id, actor=web.actor, top=SUGGESTIONS)
    except Conflict as exc:
        return {"suggestions": None, "no_model": exc.message}
    return {"suggestions": found, "no_model": None}


def _detail_context(web: Web, product: Product, *, suggest: bool = False) -> dict[str, Any]:
    company = companies.get_company(web.session, company_id=product.company_id, actor=web.actor)
    context: dict[str, Any] = {
        "product": product,
        "company": company,
        "hs_lines": _hs_lines(web, product.hs_code),
        "can_edit": policy.can_edit_company(web.actor, company),
        "suggest": suggest,
        "hs_error": None,
    }
    context |= _hs_context(web, product) | _profile_context(web, product, company)
    if suggest and context["can_see_suggestions"]:
        context |= _suggestions(web, product)
    return context


@router.get("/products/{product_id}/hs-suggestions")
def hs_suggestions_fragment(web: LoggedIn, product_id: int) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    if not web.wants_fragment("hs-suggestions"):
        return RedirectResponse(f"/products/{product.id}?suggest=1#hs-suggestions", status_code=303)
    policy.require(
        policy.can_view_hs_suggestions(web.actor, product),
        "only staff and the product's exporter see its suggestions",
    )
    context = {"product": product, "hs_error": None} | _hs_context(web, product) | _suggestions(web, product)
    return web.render("products/_hs_suggestions.html", context)


@router.post("/products/{product_id}/hs-code")
def confirm_hs_code(web: LoggedIn, product_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("code", "source", "text_digest"))
    try:
        if form["source"] and form["source"] not in HSCodeSource.__members__:
            raise InvalidInput(
                f"source: {form['source']!r} is not model, advisor or exporter", field="source"
            )
        source = HSCodeSource(form["source"]) if form["source"] else None
        product = hs.confirm_hs_code(
            web.session,
            product_id=product_id,
            actor=web.actor,
            code=form["code"],
            source=source,
            digest=form["text_digest"] or None,
        )
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        # Shown next to the suggestions; the unit of work rolls back (nothing was written anyway).
        product = service.get_product(web.session, product_id=product_id, actor=web.actor)
        context = _detail_context(web, product, suggest=True) | {
            "hs_error": exc.message,
            "hs_code_input": form["code"],
        }
        raise FormRejected(web.render("products/detail.html", context, status_code=422)) from exc
    code = product.hs_code or ""
    flash(web.request, N_("HS code %(code)s confirmed."), code=f"{code[:4]}.{code[4:]}")
    return RedirectResponse(f"/products/{product.id}#hs", status_code=303)


@router.post("/products/{product_id}/profile/extract")
def extract_profile(web: LoggedIn, product_id: int, posted: PostedForm) -> Response:
    profiles.extract_profile_for(web.session, product_id=product_id, actor=web.actor)
    flash(web.request, N_("Profile extracted from the product's texts."))
    return RedirectResponse(f"/products/{product_id}#profile", status_code=303)


PROFILE_FIELDS = (
    "materials", "specifications", "certifications", "intended_uses", "differentiators", "keywords_ko",
    "keywords_en",
)  # fmt: skip
_PER_LINE = ("materials", "intended_uses", "differentiators")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _commas(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _spec_line(spec: Specification) -> str:
    if spec.text:
        return f"{spec.name}: {spec.text}"
    if spec.value is not None:
        return f"{spec.name}: {spec.value:g} {spec.unit or ''}".rstrip()
    return spec.name


def _profile_form(profile: ProductProfile) -> dict[str, str]:
    form = {name: "\n".join(getattr(profile, name)) for name in _PER_LINE}
    form["specifications"] = "\n".join(_spec_line(s) for s in profile.specifications)
    for name in ("certifications", "keywords_ko", "keywords_en"):
        form[name] = ", ".join(getattr(profile, name))
    return form


def _profile_input(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {name: _lines(form[name]) for name in _PER_LINE}
    for name in ("certifications", "keywords_ko", "keywords_en"):
        data[name] = _commas(form[name])
    specs = specifications_from_fields(_parse_specifications(form["specifications"]))
    data["specifications"] = [s.model_copy(update={"source": "edited"}).model_dump() for s in specs]
    return data


@router.get("/products/{product_id}/profile/edit")
def edit_profile(web: LoggedIn, product_id: int) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    company = companies.get_company(web.session, company_id=product.company_id, actor=web.actor)
    policy.require(policy.can_edit_profile(web.actor, company), "you may not edit this product")
    view = profiles.get_profile(web.session, product_id=product.id, actor=web.actor)
    context = {"product": product, "company": company, "form": _profile_form(view.profile), "errors": {}}
    return web.render("products/profile_form.html", context)


@router.post("/products/{product_id}/profile/edit")
def update_profile(web: LoggedIn, product_id: int, posted: PostedForm) -> Response:
    product = service.get_product(web.session, product_id=product_id, actor=web.actor)
    company = companies.get_company(web.session, company_id=product.company_id, actor=web.actor)
    policy.require(policy.can_edit_profile(web.actor, company), "you may not edit this product")
    form = values(posted, PROFILE_FIELDS)
    try:
        profile = ProductProfile.model_validate(_profile_input(form))
        profiles.update_profile(web.session, product_id=product.id, actor=web.actor, profile=profile)
    except (ValidationError, ExportPilotError) as exc:
        if isinstance(exc, ExportPilotError) and exc.status_code in (401, 403, 404):
            raise
        errors = (
            validation_errors(web.lang, exc)
            if isinstance(exc, ValidationError)
            else domain_errors(exc, PROFILE_FIELDS)
        )
        context = {"product": product, "company": company, "form": form, "errors": errors}
        raise FormRejected(web.render("products/profile_form.html", context, status_code=422)) from exc
    flash(web.request, N_("Profile saved."))
    return RedirectResponse(f"/products/{product.id}#profile", status_code=303)
