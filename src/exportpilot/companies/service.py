"""Companies: the Korean SMEs the agency serves."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.companies.repository import CompanyRepository
from exportpilot.companies.schemas import CompanyCreate, CompanyFilter, CompanyUpdate
from exportpilot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.brn import format_brn
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Company, CompanyExport, Role, User
from exportpilot.reference import service as reference
from exportpilot.reference.industries import get_industry


def get_company(session: Session, *, company_id: int, actor: User) -> Company:
    """Return a company the actor may see."""
    company = CompanyRepository(session).get(company_id)
    if company is None:
        raise NotFound(f"company {company_id} not found")
    policy.require(policy.can_view_company(actor, company), "you may not see this company")
    return company


def list_companies(
    session: Session, *, actor: User, filters: CompanyFilter, params: PageParams
) -> tuple[list[Company], int]:
    """List the companies the actor may see."""
    if actor.role == Role.buyer:
        raise PermissionDenied("buyers cannot browse the company registry")
    repo = CompanyRepository(session)
    only = None
    if actor.role == Role.exporter:
        only = actor.company_id if actor.company_id is not None else -1
    if filters.province:
        filters = filters.model_copy(
            update={"province": reference.get_province(session, filters.province).code}
        )
    items, total = repo.paginate(repo.filtered(filters, only_id=only), params)
    return list(items), total


def _check_unique_brn(repo: CompanyRepository, brn: str, company_id: int | None = None) -> None:
    existing = repo.by_brn(brn)
    if existing is not None and existing.id != company_id:
        raise Conflict(f"a company with business registration number {format_brn(brn)} exists", field="brn")


def create_company(session: Session, *, data: CompanyCreate, actor: User) -> Company:
    """Register a company; an advisor becomes its advisor, an exporter its member."""
    policy.require(policy.can_create_company(actor), "you may not register a company")
    repo = CompanyRepository(session)
    _check_unique_brn(repo, data.brn)
    province = reference.get_province(session, data.province, field="province")
    fields = data.model_dump(exclude={"province", "exports"})
    fields["industry"] = get_industry(data.industry).code
    company = Company(**fields, province_code=province.code)
    company.exports = [CompanyExport(year=e.year, value_usd=e.value_usd) for e in data.exports]
    if actor.role == Role.advisor:
        company.advisor_id = actor.id
    repo.add(company)
    if actor.role == Role.exporter:
        actor.company_id = company.id
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="company",
        entity_id=company.id,
        changes=data.model_dump(mode="json"),
    )
    return company


def update_company(session: Session, *, company_id: int, data: CompanyUpdate, actor: User) -> Company:
    """Change a company the actor may edit."""
    company = get_company(session, company_id=company_id, actor=actor)
    policy.require(policy.can_edit_company(actor, company), "you may not edit this company")
    repo = CompanyRepository(session)
    updates: dict[str, Any] = data.model_dump(exclude_unset=True, exclude={"exports", "province"})
    for required in ("name_ko", "name_en", "brn", "industry", "employees", "export_status"):
        if required in updates and updates[required] is None:
            raise InvalidInput(f"{required} cannot be empty", field=required)
    if "brn" in updates:
        _check_unique_brn(repo, updates["brn"], company.id)
    if "industry" in updates:
        updates["industry"] = get_industry(updates["industry"]).code
    if data.province is not None:
        updates["province_code"] = reference.get_province(session, data.province, field="province").code
    changes = audit.diff(company, updates)
    if data.exports is not None:
        old = {e.year: e.value_usd for e in company.exports}
        new = {e.year: e.value_usd for e in data.exports}
        if old != new:
            company.exports = [CompanyExport(year=y, value_usd=v) for y, v in sorted(new.items())]
            changes["exports"] = [old, new]
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="update", entity="company", entity_id=company.id, changes=changes
        )
    return company


def delete_company(session: Session, *, company_id: int, actor: User) -> None:
    """Delete a company and its products (admins only)."""
    company = get_company(session, company_id=company_id, actor=actor)
    policy.require_admin(actor)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="company",
        entity_id=company.id,
        changes={"name_ko": company.name_ko, "brn": company.brn},
    )
    CompanyRepository(session).delete(company)


def assign_advisor(session: Session, *, company_id: int, advisor_id: int | None, actor: User) -> Company:
    """Assign (or unassign) the advisor in charge of a company (admins only)."""
    policy.require_admin(actor)
    company = get_company(session, company_id=company_id, actor=actor)
    if advisor_id is not None:
        advisor = session.get(User, advisor_id)
        if advisor is None or advisor.role != Role.advisor or not advisor.is_active:
            raise InvalidInput(f"user {advisor_id} is not an active advisor", field="advisor_id")
    changes = audit.diff(company, {"advisor_id": advisor_id})
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="assign", entity="company", entity_id=company.id, changes=changes
        )
    return company


def count_by_region(session: Session, *, actor: User) -> list[tuple[str, str, str, int]]:
    """Count the companies in each region of 5극 3특 (agency staff only)."""
    policy.require(policy.can_view_regional_dashboard(actor), "only agency staff see the regional counts")
    return [tuple(row) for row in CompanyRepository(session).counts_by_region()]  # type: ignore[misc]


def get_advisor(session: Session, *, company_id: int, actor: User) -> User | None:
    """Return the advisor in charge of a company the actor may see."""
    company = get_company(session, company_id=company_id, actor=actor)
    return session.get(User, company.advisor_id) if company.advisor_id is not None else None
