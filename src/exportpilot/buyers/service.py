"""Overseas buyers: the importers the agency introduces to Korean exporters."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.buyers.repository import BuyerRepository
from exportpilot.buyers.schemas import BuyerCreate, BuyerFilter, BuyerUpdate, ContactIn
from exportpilot.errors import Conflict, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Buyer, BuyerContact, Role, User
from exportpilot.reference import service as reference


def _normalise(session: Session, fields: dict[str, Any]) -> None:
    if fields.get("country"):
        fields["country_code"] = reference.get_country(session, fields.pop("country"), field="country").iso3
    else:
        fields.pop("country", None)
    if fields.get("languages"):
        fields["languages"] = [
            reference.get_language(session, c, field="languages").code for c in fields["languages"]
        ]
    for code in fields.get("hs_interests") or []:
        if len(code) == 6 or len(code) == 4 or len(code) == 2:
            reference.get_hs_code(session, code, field="hs_interests", levels=(2, 4, 6))


def _contacts(session: Session, contacts: list[ContactIn]) -> list[BuyerContact]:
    out = []
    for c in contacts:
        if c.language:
            reference.get_language(session, c.language, field="contacts.language")
        out.append(BuyerContact(**c.model_dump()))
    return out


def get_buyer(session: Session, *, buyer_id: int, actor: User) -> Buyer:
    """Return a buyer the actor may see."""
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} not found")
    policy.require(policy.can_view_buyer(actor, buyer), "you may not see this buyer")
    return buyer


def list_buyers(
    session: Session, *, actor: User, filters: BuyerFilter, params: PageParams
) -> tuple[list[Buyer], int]:
    """List the buyers the actor may see."""
    if actor.role == Role.exporter:
        raise PermissionDenied("exporters see buyers only through introductions")
    only = None
    if actor.role == Role.buyer:
        only = actor.buyer_id if actor.buyer_id is not None else -1
    if filters.country:
        filters = filters.model_copy(update={"country": reference.get_country(session, filters.country).iso3})
    repo = BuyerRepository(session)
    items, total = repo.paginate(repo.filtered(filters, only_id=only), params)
    return list(items), total


def create_buyer(session: Session, *, data: BuyerCreate, actor: User) -> Buyer:
    """Register an overseas buyer; a buyer user registers its own company."""
    policy.require(policy.can_create_buyer(actor), "you may not register a buyer")
    fields = data.model_dump(exclude={"contacts"})
    _normalise(session, fields)
    repo = BuyerRepository(session)
    if repo.by_name_country(fields["company_name"], fields["country_code"]) is not None:
        raise Conflict(
            f"a buyer named {fields['company_name']!r} in {fields['country_code']} is already registered",
            field="company_name",
        )
    buyer = Buyer(**fields)
    buyer.contacts = _contacts(session, data.contacts)
    repo.add(buyer)
    if actor.role == Role.buyer:
        actor.buyer_id = buyer.id
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="buyer",
        entity_id=buyer.id,
        changes=data.model_dump(mode="json"),
    )
    return buyer


def update_buyer(session: Session, *, buyer_id: int, data: BuyerUpdate, actor: User) -> Buyer:
    """Change a buyer the actor may edit; only agency staff set the verification status."""
    buyer = get_buyer(session, buyer_id=buyer_id, actor=actor)
    policy.require(policy.can_edit_buyer(actor, buyer), "you may not edit this buyer")
    updates = data.model_dump(exclude_unset=True, exclude={"contacts"})
    if "verification_status" in updates:
        policy.require(policy.can_verify_buyer(actor), "only agency staff may change the verification status")
    if updates.get("company_name", "") is None or ("country" in updates and updates["country"] is None):
        from exportpilot.errors import InvalidInput

        raise InvalidInput("company_name and country cannot be empty", field="company_name")
    _normalise(session, updates)
    changes = audit.diff(buyer, updates)
    if data.contacts is not None:
        buyer.contacts = _contacts(session, data.contacts)
        changes["contacts"] = [c.model_dump(mode="json") for c in data.contacts]
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="update", entity="buyer", entity_id=buyer.id, changes=changes
        )
    return buyer


def delete_buyer(session: Session, *, buyer_id: int, actor: User) -> None:
    """Delete a buyer (admins only)."""
    buyer = get_buyer(session, buyer_id=buyer_id, actor=actor)
    policy.require_admin(actor)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="buyer",
        entity_id=buyer.id,
        changes={"company_name": buyer.company_name},
    )
    BuyerRepository(session).delete(buyer)
