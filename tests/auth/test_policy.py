"""Every rule of the access policy, allowed and denied."""

from exportpilot.auth import policy
from exportpilot.models import Buyer, Company, Role, User


def user(role: Role, uid: int = 1, company_id: int | None = None, buyer_id: int | None = None) -> User:
    return User(id=uid, role=role, company_id=company_id, buyer_id=buyer_id, email="x@y.z", full_name="x")


COMPANY = Company(id=10, advisor_id=2)
OTHER = Company(id=11, advisor_id=3)
BUYER = Buyer(id=20)


class TestCompanyPolicy:
    def test_admin_sees_and_edits_all(self) -> None:
        a = user(Role.admin)
        assert policy.can_view_company(a, OTHER) and policy.can_edit_company(a, OTHER)

    def test_advisor_sees_all_edits_only_assigned(self) -> None:
        adv = user(Role.advisor, uid=2)
        assert policy.can_view_company(adv, COMPANY) and policy.can_view_company(adv, OTHER)
        assert policy.can_edit_company(adv, COMPANY)
        assert not policy.can_edit_company(adv, OTHER)

    def test_exporter_only_own_company(self) -> None:
        ex = user(Role.exporter, uid=5, company_id=10)
        assert policy.can_view_company(ex, COMPANY) and policy.can_edit_company(ex, COMPANY)
        assert not policy.can_view_company(ex, OTHER)
        assert not policy.can_edit_company(ex, OTHER)

    def test_exporter_without_company_may_register_one_only(self) -> None:
        assert policy.can_create_company(user(Role.exporter))
        assert not policy.can_create_company(user(Role.exporter, company_id=10))

    def test_buyer_sees_no_company(self) -> None:
        b = user(Role.buyer, buyer_id=20)
        assert not policy.can_view_company(b, COMPANY)
        assert not policy.can_edit_company(b, COMPANY)
        assert not policy.can_create_company(b)


class TestBuyerPolicy:
    def test_staff_see_buyers(self) -> None:
        assert policy.can_view_buyer(user(Role.admin), BUYER)
        assert policy.can_view_buyer(user(Role.advisor), BUYER)

    def test_buyer_only_own_record(self) -> None:
        assert policy.can_view_buyer(user(Role.buyer, buyer_id=20), BUYER)
        assert not policy.can_view_buyer(user(Role.buyer, buyer_id=21), BUYER)
        assert not policy.can_edit_buyer(user(Role.buyer, buyer_id=21), BUYER)

    def test_exporter_sees_no_buyer_record(self) -> None:
        assert not policy.can_view_buyer(user(Role.exporter, company_id=10), BUYER)

    def test_only_staff_verify(self) -> None:
        assert policy.can_verify_buyer(user(Role.advisor))
        assert not policy.can_verify_buyer(user(Role.buyer, buyer_id=20))
        assert not policy.can_verify_buyer(user(Role.exporter))
