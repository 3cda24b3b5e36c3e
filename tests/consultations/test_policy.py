"""The consultation room's access rules (auth/policy.py): each allowed case and each denial."""

from __future__ import annotations

from exportpilot.auth import policy
from exportpilot.models import Company, ConsultationBooking, Role, User


def user(role: Role, uid: int, company_id: int | None = None) -> User:
    return User(id=uid, role=role, company_id=company_id, email=f"u{uid}@x.example", full_name="x")


ADVISOR = user(Role.advisor, 2)
OTHER_ADVISOR = user(Role.advisor, 3)
HQ_ADVISOR = user(Role.advisor, 4)  # booked on the firm's behalf
ADMIN = user(Role.admin, 1)
EXPORTER = user(Role.exporter, 5, company_id=10)
COLLEAGUE = user(Role.exporter, 6, company_id=10)  # another exporter user of the same firm
OTHER_EXPORTER = user(Role.exporter, 7, company_id=11)
LOOSE_EXPORTER = user(Role.exporter, 8)  # not linked to a company
BUYER = user(Role.buyer, 9)
COMPANY = Company(id=10)
OTHER_COMPANY = Company(id=11)
BOOKING = ConsultationBooking(id=100, advisor_id=2, company_id=10, requested_by_id=5)
BOOKED_BY_HQ = ConsultationBooking(id=101, advisor_id=2, company_id=10, requested_by_id=4)


class TestAvailability:
    def test_staff_and_exporters_browse(self) -> None:
        for someone in (ADMIN, ADVISOR, EXPORTER, None):
            assert policy.can_view_availability(someone)

    def test_buyers_do_not_browse(self) -> None:
        assert not policy.can_view_availability(BUYER)

    def test_an_advisor_manages_their_own(self) -> None:
        assert policy.can_manage_availability(ADVISOR, ADVISOR.id)
        assert policy.can_manage_availability(ADMIN, ADVISOR.id)
        assert policy.can_manage_availability(None, ADVISOR.id)

    def test_an_advisor_does_not_manage_anothers(self) -> None:
        assert not policy.can_manage_availability(OTHER_ADVISOR, ADVISOR.id)

    def test_exporters_and_buyers_do_not_manage_availability(self) -> None:
        assert not policy.can_manage_availability(EXPORTER, EXPORTER.id)
        assert not policy.can_manage_availability(BUYER, BUYER.id)


class TestBooking:
    def test_an_exporter_books_for_its_own_company(self) -> None:
        assert policy.can_book_consultation(EXPORTER, COMPANY)

    def test_an_exporter_does_not_book_for_another_company(self) -> None:
        assert not policy.can_book_consultation(EXPORTER, OTHER_COMPANY)

    def test_an_exporter_without_a_company_books_for_none(self) -> None:
        assert not policy.can_book_consultation(LOOSE_EXPORTER, COMPANY)

    def test_buyers_do_not_book(self) -> None:
        assert not policy.can_book_consultation(BUYER, COMPANY)

    def test_staff_book_on_a_firms_behalf(self) -> None:
        for someone in (ADMIN, HQ_ADVISOR, None):
            assert policy.can_book_consultation(someone, OTHER_COMPANY)


class TestSeeing:
    def test_the_parties_see_a_booking(self) -> None:
        for someone in (ADVISOR, EXPORTER, COLLEAGUE, ADMIN, None):
            assert policy.can_view_booking(someone, BOOKING)
        assert policy.can_view_booking(HQ_ADVISOR, BOOKED_BY_HQ)

    def test_another_advisor_does_not_see_it(self) -> None:
        assert not policy.can_view_booking(OTHER_ADVISOR, BOOKING)
        assert not policy.can_view_booking(HQ_ADVISOR, BOOKING)

    def test_another_company_does_not_see_it(self) -> None:
        assert not policy.can_view_booking(OTHER_EXPORTER, BOOKING)
        assert not policy.can_view_booking(LOOSE_EXPORTER, BOOKING)

    def test_buyers_do_not_see_it(self) -> None:
        assert not policy.can_view_booking(BUYER, BOOKING)


class TestDeciding:
    def test_the_advisor_or_an_admin_confirms(self) -> None:
        for someone in (ADVISOR, ADMIN, None):
            assert policy.can_decide_booking(someone, BOOKING)

    def test_the_exporter_does_not_confirm(self) -> None:
        assert not policy.can_decide_booking(EXPORTER, BOOKING)

    def test_another_advisor_does_not_confirm(self) -> None:
        assert not policy.can_decide_booking(OTHER_ADVISOR, BOOKING)
        assert not policy.can_decide_booking(HQ_ADVISOR, BOOKED_BY_HQ)  # booking it is not hosting it


class TestCancelling:
    def test_either_side_cancels(self) -> None:
        for someone in (ADVISOR, EXPORTER, COLLEAGUE, ADMIN):
            assert policy.can_cancel_booking(someone, BOOKING)
        assert policy.can_cancel_booking(HQ_ADVISOR, BOOKED_BY_HQ)

    def test_outsiders_do_not_cancel(self) -> None:
        for someone in (OTHER_ADVISOR, OTHER_EXPORTER, BUYER):
            assert not policy.can_cancel_booking(someone, BOOKING)
