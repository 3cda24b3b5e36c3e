"""The access rules of product analysis (auth/policy.py): every denial, and what is allowed."""

from __future__ import annotations

import pytest

from exportpilot.auth import policy
from exportpilot.models import Company, Product, Role, User


def user(role: Role, *, uid: int = 1, company_id: int | None = None, active: bool = True) -> User:
    return User(id=uid, role=role, company_id=company_id, is_active=active, email=f"u{uid}@x", full_name="U")


COMPANY = Company(id=10, advisor_id=2)
PRODUCT = Product(id=100, company_id=10)
ADMIN = user(Role.admin, uid=1)
ADVISOR_IN_CHARGE = user(Role.advisor, uid=2)
OTHER_ADVISOR = user(Role.advisor, uid=3)
OWNER = user(Role.exporter, uid=4, company_id=10)
OTHER_EXPORTER = user(Role.exporter, uid=5, company_id=11)
EXPORTER_WITHOUT_COMPANY = user(Role.exporter, uid=6)
BUYER = user(Role.buyer, uid=7)


class TestClassify:
    def test_anyone_logged_in(self) -> None:
        for u in (ADMIN, OTHER_ADVISOR, OWNER, BUYER):
            assert policy.can_classify_hs(u)

    def test_denied_without_a_user_or_to_a_deactivated_one(self) -> None:
        assert not policy.can_classify_hs(None)
        assert not policy.can_classify_hs(user(Role.advisor, active=False))


class TestSuggestions:
    def test_staff_and_the_owner_see_them(self) -> None:
        for u in (ADMIN, ADVISOR_IN_CHARGE, OTHER_ADVISOR, OWNER):
            assert policy.can_view_hs_suggestions(u, PRODUCT)

    @pytest.mark.parametrize("who", [OTHER_EXPORTER, EXPORTER_WITHOUT_COMPANY, BUYER])
    def test_denied(self, who: User) -> None:
        assert not policy.can_view_hs_suggestions(who, PRODUCT)


class TestConfirm:
    @pytest.mark.parametrize("source", [None, "model", "advisor"])
    def test_any_advisor_or_admin_confirms_or_corrects(self, source: str | None) -> None:
        for u in (ADMIN, ADVISOR_IN_CHARGE, OTHER_ADVISOR):
            assert policy.can_confirm_hs_code(u, PRODUCT, source)

    @pytest.mark.parametrize("source", [None, "model", "exporter"])
    def test_the_owner_accepts_or_states_its_own(self, source: str | None) -> None:
        assert policy.can_confirm_hs_code(OWNER, PRODUCT, source)

    def test_staff_denied_speaking_for_the_exporter(self) -> None:
        assert not policy.can_confirm_hs_code(OTHER_ADVISOR, PRODUCT, "exporter")

    def test_owner_denied_speaking_for_the_agency(self) -> None:
        assert not policy.can_confirm_hs_code(OWNER, PRODUCT, "advisor")

    @pytest.mark.parametrize("who", [OTHER_EXPORTER, EXPORTER_WITHOUT_COMPANY, BUYER])
    @pytest.mark.parametrize("source", [None, "model", "advisor", "exporter"])
    def test_others_denied(self, who: User, source: str | None) -> None:
        assert not policy.can_confirm_hs_code(who, PRODUCT, source)

    def test_only_staff_decisions_train_the_classifier(self) -> None:
        assert policy.hs_confirmation_trains(ADMIN) and policy.hs_confirmation_trains(OTHER_ADVISOR)
        assert not policy.hs_confirmation_trains(OWNER)
        assert not policy.hs_confirmation_trains(None)


class TestProfile:
    def test_whoever_edits_the_product_edits_its_profile(self) -> None:
        for u in (ADMIN, ADVISOR_IN_CHARGE, OWNER):
            assert policy.can_edit_profile(u, COMPANY)

    @pytest.mark.parametrize("who", [OTHER_ADVISOR, OTHER_EXPORTER, EXPORTER_WITHOUT_COMPANY, BUYER])
    def test_denied(self, who: User) -> None:
        assert not policy.can_edit_profile(who, COMPANY)
