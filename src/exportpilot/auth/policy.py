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

Export consultation meetings (issue 5):
- agency staff (advisors, admins) organise events: create them, plan slots, register participants,
  set interpreters, add recommended pairs, run the scheduler, confirm and export the schedule;
- buyers and exporters see events once they are open, register themselves, and see only their own
  participation: their requests (made or received), their agenda and their notifications;
- a side requests meetings as itself; the other side (or staff) accepts or declines; the requesting
  side (or staff) withdraws; either side of a meeting (or staff) cancels it.

Online consultation room (issue 5):
- an advisor publishes and edits only their own availability, an admin anyone's; staff and exporters
  browse it (buyers do not);
- an exporter books consultations only for its own company; staff book on a firm's behalf;
- a booking is seen only by its parties: its advisor, the firm's exporters, whoever booked it, admins;
- only the booking's advisor (or an admin) confirms or declines it; either side cancels it.

Product analysis (issue 4):
- anyone logged in may classify free text into HS codes (the classifier reads only the text sent);
- a product's HS suggestions are seen by staff and by the product's exporter;
- any advisor (HS classification is an expert task across firms) or admin confirms or corrects a
  product's HS code; the product's exporter may accept one of the classifier's suggestions or state
  its own code; only staff decisions become training data of the classifier;
- a product's profile is seen by whoever sees the product and edited (or re-extracted) by whoever
  edits the product.
"""

from __future__ import annotations

from exportpilot.errors import PermissionDenied
from exportpilot.models import (
    Buyer,
    Company,
    ConsultationBooking,
    Event,
    EventParticipant,
    EventStatus,
    Inquiry,
    Introduction,
    IntroductionStage,
    MeetingRequest,
    Notification,
    ParticipantKind,
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


def can_organise_event(user: User | None) -> bool:
    """Staff organise events; ``None`` is the operator at the command line."""
    return user is None or is_staff(user)


def can_view_event(user: User | None, event: Event) -> bool:
    """Staff see every event, others only events that are no longer drafts."""
    return can_organise_event(user) or event.status != EventStatus.draft


def owns_participant(user: User | None, participant: EventParticipant) -> bool:
    """Whether ``user`` is the buyer or the exporter behind ``participant``."""
    if user is None:
        return False
    if participant.kind == ParticipantKind.buyer:
        return user.role == Role.buyer and user.buyer_id is not None and user.buyer_id == participant.buyer_id
    return (
        user.role == Role.exporter
        and user.company_id is not None
        and user.company_id == participant.company_id
    )


def can_register_participant(
    user: User | None, event: Event, *, buyer_id: int | None, company_id: int | None
) -> bool:
    """Staff register anyone; a buyer or an exporter registers itself, once the event is open."""
    if can_organise_event(user):
        return True
    assert user is not None
    if event.status not in (EventStatus.open, EventStatus.scheduled):
        return False
    if user.role == Role.buyer:
        return buyer_id is not None and company_id is None and user.buyer_id == buyer_id
    if user.role == Role.exporter:
        return company_id is not None and buyer_id is None and user.company_id == company_id
    return False


def can_view_participant(user: User | None, participant: EventParticipant) -> bool:
    """A participant's details and agenda: staff and the participant itself."""
    return can_organise_event(user) or owns_participant(user, participant)


def can_request_as(user: User | None, participant: EventParticipant) -> bool:
    """Staff request on anyone's behalf; a buyer or an exporter only as itself."""
    return can_view_participant(user, participant)


def can_view_request(
    user: User | None, request: MeetingRequest, buyer: EventParticipant, exporter: EventParticipant
) -> bool:
    return can_organise_event(user) or owns_participant(user, buyer) or owns_participant(user, exporter)


def can_respond_to_request(
    user: User | None, request: MeetingRequest, buyer: EventParticipant, exporter: EventParticipant
) -> bool:
    """The side that was asked answers (either side for a pair the organiser proposed), or staff."""
    if can_organise_event(user):
        return True
    if request.requested_by == "buyer":
        return owns_participant(user, exporter)
    if request.requested_by == "exporter":
        return owns_participant(user, buyer)
    return owns_participant(user, buyer) or owns_participant(user, exporter)


def can_withdraw_request(
    user: User | None, request: MeetingRequest, buyer: EventParticipant, exporter: EventParticipant
) -> bool:
    """The side that asked (either side once both want the meeting), or staff."""
    if can_organise_event(user):
        return True
    if request.mutual or request.requested_by == "organiser":
        return owns_participant(user, buyer) or owns_participant(user, exporter)
    side = buyer if request.requested_by == "buyer" else exporter
    return owns_participant(user, side)


def can_cancel_meeting(user: User | None, buyer: EventParticipant, exporter: EventParticipant) -> bool:
    """Either side of a meeting, or staff."""
    return can_organise_event(user) or owns_participant(user, buyer) or owns_participant(user, exporter)


def can_view_notification(
    user: User, notification: Notification, participant: EventParticipant | None
) -> bool:
    """A notification is for its user, or for every user of its participant."""
    if notification.user_id is not None:
        return notification.user_id == user.id
    return participant is not None and owns_participant(user, participant)


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_admin(user: User) -> None:
    require(user.role == Role.admin, "only an admin may do this")


# Online consultation room -----------------------------------------------------------------------------
# ``None`` is the operator at the command line, who acts as an admin.


def _operator_or_admin(user: User | None) -> bool:
    return user is None or user.role == Role.admin


def can_view_availability(user: User | None) -> bool:
    """Staff and exporters browse advisors' published availability; buyers do not."""
    return user is None or user.role in (Role.admin, Role.advisor, Role.exporter)


def can_manage_availability(user: User | None, advisor_id: int) -> bool:
    """An advisor publishes and edits only their own availability; an admin anyone's."""
    if _operator_or_admin(user):
        return True
    assert user is not None
    return user.role == Role.advisor and user.id == advisor_id


def can_book_consultation(user: User | None, company: Company) -> bool:
    """An exporter books only for its own company; staff book on a firm's behalf."""
    if user is None or is_staff(user):
        return True
    return user.role == Role.exporter and user.company_id is not None and user.company_id == company.id


def can_view_booking(user: User | None, booking: ConsultationBooking) -> bool:
    """Only the parties: the advisor, the firm's exporters, whoever booked it, and admins."""
    if _operator_or_admin(user):
        return True
    assert user is not None
    if user.id in (booking.advisor_id, booking.requested_by_id):
        return True
    return (
        user.role == Role.exporter and user.company_id is not None and user.company_id == booking.company_id
    )


def can_decide_booking(user: User | None, booking: ConsultationBooking) -> bool:
    """Only the booking's advisor (or an admin) confirms or declines it."""
    if _operator_or_admin(user):
        return True
    assert user is not None
    return user.role == Role.advisor and user.id == booking.advisor_id


def can_cancel_booking(user: User | None, booking: ConsultationBooking) -> bool:
    """Either side cancels: the advisor, the firm (its exporters or whoever booked for it), an admin."""
    return can_view_booking(user, booking)


def can_classify_hs(user: User | None) -> bool:
    """Anyone logged in classifies text; the classifier reads nothing but the text it is sent."""
    return user is not None and user.is_active


def _own_product(user: User, product: Product) -> bool:
    return (
        user.role == Role.exporter and user.company_id is not None and user.company_id == product.company_id
    )


def can_view_hs_suggestions(user: User, product: Product) -> bool:
    """Staff and the product's exporter see its HS suggestions."""
    return is_staff(user) or _own_product(user, product)


def can_confirm_hs_code(user: User, product: Product, source: str | None) -> bool:
    """Who may set a product's HS code from which source (``None``: from any source open to them).

    Staff accept a suggestion (``model``) or set their own code (``advisor``); the product's exporter
    accepts a suggestion (``model``) or states its own code (``exporter``).
    """
    if is_staff(user):
        return source in (None, "model", "advisor")
    if _own_product(user, product):
        return source in (None, "model", "exporter")
    return False


def hs_confirmation_trains(user: User | None) -> bool:
    """Only agency staff's confirmations become training data of the HS classifier."""
    return user is not None and is_staff(user)


def can_edit_profile(user: User, company: Company) -> bool:
    """A product's profile is edited by whoever may edit the product."""
    return can_edit_company(user, company)


# Export-market recommendation (issue 3) ---------------------------------------------------------------
# Market rankings for a product come from public trade statistics: staff and exporters see them (buyers
# do not: it is an exporter's tool). A company's own ranking uses its products and current markets, so it
# is seen like the company (its exporters, any staff); its current markets are recorded by whoever may
# edit the company.


def can_view_market_ranking(user: User) -> bool:
    return user.role in (Role.admin, Role.advisor, Role.exporter)


def can_view_company_markets(user: User, company: Company) -> bool:
    return can_view_company(user, company)


def can_edit_company_markets(user: User, company: Company) -> bool:
    return can_edit_company(user, company)
