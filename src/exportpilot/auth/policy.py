"""Who may see and change what. Every rule lives here so that each denial has one place and one test.

- admin: sees and edits everything, assigns advisors;
- advisor: sees every firm and buyer, edits only firms assigned to them (and buyers);
- exporter: sees and edits only its own company and that company's products;
- buyer: sees and edits only its own buyer record.

Buyer finding (issue 6):
- agency staff import, screen (verify, flag, block) and merge buyers; only an admin lifts a block;
- a buyer posts and edits its own inquiries; staff post them on a buyer's behalf;
- an exporter sees a buyer only through matches and introductions, and the buyer's contact details
  (e-mail, phone, web site, contacts) only once the buyer, or an advisor on its behalf, accepted an
  introduction to the exporter's company;
- an introduction is answered (accepted or declined) by its buyer or by staff; the exporter may decline
  it; after acceptance both sides and staff record its progress.
"""

from __future__ import annotations

from exportpilot.errors import PermissionDenied
from exportpilot.models import (
    Buyer,
    Company,
    Inquiry,
    Introduction,
    IntroductionStage,
    Product,
    Role,
    User,
    VerificationStatus,
)

# Stages from which an introduction counts as accepted by the buyer (declined is not among them).
ACCEPTED_STAGES = frozenset(
    {
        IntroductionStage.accepted,
        IntroductionStage.contacted,
        IntroductionStage.meeting,
        IntroductionStage.sample,
        IntroductionStage.contract,
    }
)


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


def is_staff(user: User) -> bool:
    return user.role in (Role.admin, Role.advisor)


def can_import_buyers(user: User | None) -> bool:
    """Staff import buyer lists; ``None`` is the command line run by the operator."""
    return user is None or is_staff(user)


def can_screen_buyer(user: User, buyer: Buyer, new_status: VerificationStatus) -> bool:
    """Staff verify, flag and block buyers; lifting a block is an admin's decision."""
    if not is_staff(user):
        return False
    if buyer.verification_status == VerificationStatus.blocked and new_status != VerificationStatus.blocked:
        return user.role == Role.admin
    return True


def can_merge_buyers(user: User | None) -> bool:
    return user is None or is_staff(user)


def can_view_trust(user: User, buyer: Buyer) -> bool:
    """Staff and the buyer itself see the full evidence; exporters see it on matches only."""
    return can_view_buyer(user, buyer)


def can_view_inquiry(user: User, inquiry: Inquiry, *, introducible: bool) -> bool:
    """Staff and the buyer see its inquiries; exporters see open inquiries of buyers above the trust bar."""
    if is_staff(user):
        return True
    if user.role == Role.buyer:
        return user.buyer_id == inquiry.buyer_id
    return user.role == Role.exporter and introducible and inquiry.status.value == "open"


def can_post_inquiry(user: User, buyer: Buyer) -> bool:
    if is_staff(user):
        return True
    return user.role == Role.buyer and user.buyer_id == buyer.id


def can_edit_inquiry(user: User, inquiry: Inquiry) -> bool:
    if is_staff(user):
        return True
    return user.role == Role.buyer and user.buyer_id == inquiry.buyer_id


def can_match_inquiry(user: User, inquiry: Inquiry) -> bool:
    """Who may see the products matched to an inquiry: staff and the buyer who posted it."""
    return can_edit_inquiry(user, inquiry)


def can_match_product(user: User, product: Product) -> bool:
    """Who may see the buyers matched to a product: staff and the product's exporter."""
    if is_staff(user):
        return True
    return user.role == Role.exporter and user.company_id == product.company_id


def can_introduce(user: User, *, buyer: Buyer, product: Product) -> bool:
    """Staff introduce any pair; an exporter asks for its own products; a buyer for itself."""
    if is_staff(user):
        return True
    if user.role == Role.exporter:
        return user.company_id == product.company_id
    return user.role == Role.buyer and user.buyer_id == buyer.id


def can_view_introduction(user: User, intro: Introduction) -> bool:
    if is_staff(user):
        return True
    if user.role == Role.exporter:
        return user.company_id == intro.company_id
    return user.role == Role.buyer and user.buyer_id == intro.buyer_id


def can_answer_introduction(user: User, intro: Introduction) -> bool:
    """Accepting is the buyer's decision (or an advisor's on its behalf)."""
    if is_staff(user):
        return True
    return user.role == Role.buyer and user.buyer_id == intro.buyer_id


def can_decline_introduction(user: User, intro: Introduction) -> bool:
    """Either side may decline; the exporter only for its own company."""
    return can_answer_introduction(user, intro) or (
        user.role == Role.exporter and user.company_id == intro.company_id
    )


def can_record_progress(user: User, intro: Introduction) -> bool:
    """After acceptance, both sides and staff record contact, meeting, sample and contract."""
    return intro.stage in ACCEPTED_STAGES and can_view_introduction(user, intro)


def can_see_buyer_contacts(user: User, buyer: Buyer, introductions: list[Introduction]) -> bool:
    """Staff and the buyer always; an exporter only after an accepted introduction to its company."""
    if can_view_buyer(user, buyer):
        return True
    if user.role != Role.exporter or user.company_id is None:
        return False
    return any(
        i.buyer_id == buyer.id and i.company_id == user.company_id and i.stage in ACCEPTED_STAGES
        for i in introductions
    )


def can_view_funnel(user: User) -> bool:
    return is_staff(user)


def can_view_regional_dashboard(user: User) -> bool:
    return user.role in (Role.admin, Role.advisor)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_admin(user: User) -> None:
    require(user.role == Role.admin, "only an admin may do this")
