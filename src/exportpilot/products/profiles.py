"""Product profiles: read, re-extract and edit the structured profile stored on a product."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.models import Company, Product, ProfileSource, User
from exportpilot.products.profile import ProductProfile, profile_of
from exportpilot.products.service import get_product


@dataclass(frozen=True)
class ProfileView:
    """A product's profile, and whether it is stored or a fresh extraction not saved yet."""

    product: Product
    profile: ProductProfile
    source: ProfileSource | None
    updated_at: datetime | None

    @property
    def stored(self) -> bool:
        return self.source is not None


def _view(product: Product) -> ProfileView:
    if product.profile is None:
        return ProfileView(product, profile_of(product), None, None)
    return ProfileView(
        product,
        ProductProfile.model_validate(product.profile),
        product.profile_source,
        product.profile_updated_at,
    )


def _company(session: Session, product: Product) -> Company:
    company = session.get(Company, product.company_id)
    assert company is not None
    return company


def get_profile(session: Session, *, product_id: int, actor: User) -> ProfileView:
    """Return a product's stored profile, or a fresh extraction when none is stored yet."""
    return _view(get_product(session, product_id=product_id, actor=actor))


def _changes(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """``{part: [old, new]}`` for each part of the profile that changed."""
    old = old or {}
    return {key: [old.get(key), value] for key, value in new.items() if old.get(key) != value}


def _store(
    session: Session, product: Product, profile: ProductProfile, source: ProfileSource, actor: User | None
) -> ProfileView:
    new = profile.model_dump(mode="json", exclude_none=True)
    changes = _changes(product.profile, new)
    if product.profile_source != source:
        changes["source"] = [product.profile_source, source]
    product.profile = new
    product.profile_source = source
    product.profile_updated_at = datetime.now(UTC)
    session.flush()
    if changes:
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="product",
            entity_id=product.id,
            changes={f"profile.{k}": v for k, v in changes.items()},
        )
    return _view(product)


def extract_profile_for(session: Session, *, product_id: int, actor: User) -> ProfileView:
    """Extract the profile from the product's current texts and store it (replacing any edits)."""
    product = get_product(session, product_id=product_id, actor=actor)
    policy.require(
        policy.can_edit_profile(actor, _company(session, product)), "you may not edit this product"
    )
    return _store(session, product, profile_of(product), ProfileSource.extracted, actor)


def update_profile(session: Session, *, product_id: int, actor: User, profile: ProductProfile) -> ProfileView:
    """Store a profile written by a person; later text changes no longer re-extract it."""
    product = get_product(session, product_id=product_id, actor=actor)
    policy.require(
        policy.can_edit_profile(actor, _company(session, product)), "you may not edit this product"
    )
    return _store(session, product, profile, ProfileSource.edited, actor)
