"""Products of the companies, with their HS codes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.companies.service import get_company
from exportpilot.errors import InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Company, HSCodeSource, Product, ProfileSource, Role, User
from exportpilot.products.profile import profile_of
from exportpilot.products.repository import ProductRepository
from exportpilot.products.schemas import ProductCreate, ProductFilter, ProductUpdate
from exportpilot.reference import service as reference


def _validate_codes(session: Session, fields: dict[str, Any]) -> None:
    if fields.get("hs_code"):
        fields["hs_code"] = reference.get_hs_code(session, fields["hs_code"], field="hs_code").code
    if (
        fields.get("hsk_code")
        and fields.get("hs_code")
        and not fields["hsk_code"].startswith(fields["hs_code"])
    ):
        raise InvalidInput("hsk_code must start with the 6 digits of hs_code", field="hsk_code")
    if fields.get("currency"):
        fields["currency"] = reference.get_currency(session, fields["currency"], field="currency").code


# Fields whose change re-extracts a profile that nobody edited by hand.
PROFILE_INPUTS = frozenset(
    {"name_ko", "name_en", "description_ko", "description_en", "specifications", "certifications"}
)


def refresh_profile(product: Product) -> None:
    """Re-extract the product's profile from its texts, unless a person edited it."""
    if product.profile_source == ProfileSource.edited:
        return
    product.profile = profile_of(product).model_dump(mode="json", exclude_none=True)
    product.profile_source = ProfileSource.extracted
    product.profile_updated_at = datetime.now(UTC)


def _code_set_by(actor: User) -> HSCodeSource:
    return HSCodeSource.exporter if actor.role == Role.exporter else HSCodeSource.advisor


def get_product(session: Session, *, product_id: int, actor: User) -> Product:
    """Return a product the actor may see."""
    product = ProductRepository(session).get(product_id)
    if product is None:
        raise NotFound(f"product {product_id} not found")
    company = session.get(Company, product.company_id)
    assert company is not None
    policy.require(policy.can_view_company(actor, company), "you may not see this product")
    return product


def list_products(
    session: Session, *, actor: User, filters: ProductFilter, params: PageParams
) -> tuple[list[Product], int]:
    """List the products the actor may see."""
    if actor.role == Role.buyer:
        raise PermissionDenied("buyers cannot browse the product registry")
    only = None
    if actor.role == Role.exporter:
        only = actor.company_id if actor.company_id is not None else -1
    repo = ProductRepository(session)
    items, total = repo.paginate(repo.filtered(filters, only_company=only), params)
    return list(items), total


def create_product(session: Session, *, data: ProductCreate, actor: User) -> Product:
    """Add a product to a company the actor may edit."""
    company = get_company(session, company_id=data.company_id, actor=actor)
    policy.require(policy.can_edit_company(actor, company), "you may not add products to this company")
    fields = data.model_dump()
    _validate_codes(session, fields)
    if fields.get("hs_code"):
        fields["hs_source"] = _code_set_by(actor)
    product = Product(**fields)
    refresh_profile(product)
    product = ProductRepository(session).add(product)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="product",
        entity_id=product.id,
        changes=data.model_dump(mode="json"),
    )
    return product


def update_product(session: Session, *, product_id: int, data: ProductUpdate, actor: User) -> Product:
    """Change a product of a company the actor may edit."""
    product = get_product(session, product_id=product_id, actor=actor)
    company = session.get(Company, product.company_id)
    assert company is not None
    policy.require(policy.can_edit_company(actor, company), "you may not edit this product")
    updates = data.model_dump(exclude_unset=True)
    for required in ("name_ko", "name_en"):
        if required in updates and updates[required] is None:
            raise InvalidInput(f"{required} cannot be empty", field=required)
    merged = {"hs_code": product.hs_code, "hsk_code": product.hsk_code, **updates}
    _validate_codes(session, merged)
    for key in ("hs_code", "currency"):
        if key in updates:
            updates[key] = merged[key]
    lo = updates.get("price_min", product.price_min)
    hi = updates.get("price_max", product.price_max)
    if lo is not None and hi is not None and lo > hi:
        raise InvalidInput("price_min is above price_max", field="price_min")
    if "hs_code" in updates and updates["hs_code"] != product.hs_code:
        # A code typed into the product form is the editor's own, not yet confirmed by anyone.
        updates |= {
            "hs_source": _code_set_by(actor) if updates["hs_code"] else None,
            "hs_confirmed_by_id": None,
            "hs_confirmed_at": None,
            "hs_confirmed_text": None,
            "hs_model_probability": None,
        }
    changes = audit.diff(product, updates)
    if PROFILE_INPUTS & changes.keys():
        refresh_profile(product)
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="update", entity="product", entity_id=product.id, changes=changes
        )
    return product


def delete_product(session: Session, *, product_id: int, actor: User) -> None:
    """Delete a product of a company the actor may edit."""
    product = get_product(session, product_id=product_id, actor=actor)
    company = session.get(Company, product.company_id)
    assert company is not None
    policy.require(policy.can_edit_company(actor, company), "you may not delete this product")
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="product",
        entity_id=product.id,
        changes={"name_en": product.name_en},
    )
    ProductRepository(session).delete(product)
