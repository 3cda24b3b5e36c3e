"""Who may see and change what. Every rule lives here so that each denial has one place and one test.

- admin: sees and edits everything, assigns advisors;
- advisor: sees every firm and buyer, edits only firms assigned to them (and buyers);
- exporter: sees and edits only its own company and that company's products;
- buyer: sees and edits only its own buyer record.
"""

from __future__ import annotations

from exportpilot.errors import PermissionDenied
from exportpilot.models import Buyer, Company, Role, User


def can_view_company(user: User, company: Company) -> bool:
    if user.role in (Role.admin, Role.advisor):
        return True
    return user.role == Role.exporter and user.company_id == company.id


def can_edit_company(user: User, company: Company) -> bool:
    if user.role == Role.admin:
        return True
    if user.role == Role.advisor:
        return company.advisor_id == user.id
    return user.role == Role.exporter and user.company_id == company.id


def can_create_company(user: User) -> bool:
    if user.role in (Role.admin, Role.advisor):
        return True
    return user.role == Role.exporter and user.company_id is None


def can_view_buyer(user: User, buyer: Buyer) -> bool:
    if user.role in (Role.admin, Role.advisor):
        return True
    return user.role == Role.buyer and user.buyer_id == buyer.id


def can_edit_buyer(user: User, buyer: Buyer) -> bool:
    return can_view_buyer(user, buyer)


def can_create_buyer(user: User) -> bool:
    if user.role in (Role.admin, Role.advisor):
        return True
    return user.role == Role.buyer and user.buyer_id is None


def can_verify_buyer(user: User) -> bool:
    return user.role in (Role.admin, Role.advisor)


def can_view_regional_dashboard(user: User) -> bool:
    return user.role in (Role.admin, Role.advisor)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_admin(user: User) -> None:
    require(user.role == Role.admin, "only an admin may do this")
