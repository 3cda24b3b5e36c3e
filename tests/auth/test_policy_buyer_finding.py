"""The access rules of buyer finding (issue 6), each allowed and denied."""

from __future__ import annotations

import pytest

from exportpilot.auth import policy
from exportpilot.models import (
    Buyer,
    Inquiry,
    InquiryStatus,
    Introduction,
    IntroductionStage,
    Product,
    Role,
    User,
    VerificationStatus,
)


def user(role: Role, uid: int = 1, company_id: int | None = None, buyer_id: int | None = None) -> User:
    return User(id=uid, role=role, company_id=company_id, buyer_id=buyer_id, email="x@y.z", full_name="x")


ADMIN, ADVISOR = user(Role.admin), user(Role.advisor, uid=2)
EXPORTER, OTHER_EXPORTER = user(Role.exporter, 3, company_id=10), user(Role.exporter, 4, company_id=11)
BUYER_USER, OTHER_BUYER = user(Role.buyer, 5, buyer_id=20), user(Role.buyer, 6, buyer_id=21)
BUYER = Buyer(id=20, verification_status=VerificationStatus.unverified)
BLOCKED = Buyer(id=22, verification_status=VerificationStatus.blocked)
PRODUCT = Product(id=30, company_id=10)
INQUIRY = Inquiry(id=40, buyer_id=20, status=InquiryStatus.open)
CLOSED = Inquiry(id=41, buyer_id=20, status=InquiryStatus.closed)


def intro(stage: IntroductionStage) -> Introduction:
    return Introduction(id=50, buyer_id=20, company_id=10, product_id=30, stage=stage)


class TestRegistry:
    def test_import_and_merge_are_for_staff_and_the_command_line(self) -> None:
        for check in (policy.can_import_buyers, policy.can_merge_buyers):
            assert check(None) and check(ADMIN) and check(ADVISOR)
            assert not check(EXPORTER) and not check(BUYER_USER)

    def test_screening(self) -> None:
        for status in (VerificationStatus.verified, VerificationStatus.flagged, VerificationStatus.blocked):
            assert policy.can_screen_buyer(ADVISOR, BUYER, status)
            assert not policy.can_screen_buyer(BUYER_USER, BUYER, status)
            assert not policy.can_screen_buyer(EXPORTER, BUYER, status)
        assert not policy.can_screen_buyer(ADVISOR, BLOCKED, VerificationStatus.verified)
        assert policy.can_screen_buyer(ADMIN, BLOCKED, VerificationStatus.verified)
        assert policy.can_screen_buyer(ADVISOR, BLOCKED, VerificationStatus.blocked)

    def test_trust_evidence(self) -> None:
        assert policy.can_view_trust(ADVISOR, BUYER) and policy.can_view_trust(BUYER_USER, BUYER)
        assert not policy.can_view_trust(EXPORTER, BUYER) and not policy.can_view_trust(OTHER_BUYER, BUYER)


class TestInquiries:
    def test_view(self) -> None:
        assert policy.can_view_inquiry(ADVISOR, INQUIRY, introducible=False)
        assert policy.can_view_inquiry(BUYER_USER, INQUIRY, introducible=False)
        assert not policy.can_view_inquiry(OTHER_BUYER, INQUIRY, introducible=True)
        assert policy.can_view_inquiry(EXPORTER, INQUIRY, introducible=True)
        assert not policy.can_view_inquiry(EXPORTER, INQUIRY, introducible=False)
        assert not policy.can_view_inquiry(EXPORTER, CLOSED, introducible=True)

    def test_post_edit_and_match(self) -> None:
        assert policy.can_post_inquiry(ADVISOR, BUYER) and policy.can_post_inquiry(BUYER_USER, BUYER)
        assert not policy.can_post_inquiry(OTHER_BUYER, BUYER) and not policy.can_post_inquiry(
            EXPORTER, BUYER
        )
        for check in (policy.can_edit_inquiry, policy.can_match_inquiry):
            assert check(ADMIN, INQUIRY) and check(BUYER_USER, INQUIRY)
            assert not check(OTHER_BUYER, INQUIRY) and not check(EXPORTER, INQUIRY)

    def test_match_product(self) -> None:
        assert policy.can_match_product(ADVISOR, PRODUCT) and policy.can_match_product(EXPORTER, PRODUCT)
        assert not policy.can_match_product(OTHER_EXPORTER, PRODUCT)
        assert not policy.can_match_product(BUYER_USER, PRODUCT)


class TestIntroductions:
    def test_who_introduces(self) -> None:
        assert policy.can_introduce(ADVISOR, buyer=BUYER, product=PRODUCT)
        assert policy.can_introduce(EXPORTER, buyer=BUYER, product=PRODUCT)
        assert policy.can_introduce(BUYER_USER, buyer=BUYER, product=PRODUCT)
        assert not policy.can_introduce(OTHER_EXPORTER, buyer=BUYER, product=PRODUCT)
        assert not policy.can_introduce(OTHER_BUYER, buyer=BUYER, product=PRODUCT)

    def test_parties(self) -> None:
        i = intro(IntroductionStage.introduced)
        assert all(policy.can_view_introduction(u, i) for u in (ADMIN, ADVISOR, EXPORTER, BUYER_USER))
        assert not policy.can_view_introduction(OTHER_EXPORTER, i)
        assert not policy.can_view_introduction(OTHER_BUYER, i)

    def test_accept_is_the_buyers_and_decline_either_sides(self) -> None:
        i = intro(IntroductionStage.introduced)
        assert policy.can_answer_introduction(BUYER_USER, i) and policy.can_answer_introduction(ADVISOR, i)
        assert not policy.can_answer_introduction(EXPORTER, i)
        assert policy.can_decline_introduction(EXPORTER, i) and policy.can_decline_introduction(BUYER_USER, i)
        assert not policy.can_decline_introduction(OTHER_EXPORTER, i)

    @pytest.mark.parametrize("stage", list(IntroductionStage))
    def test_progress_only_after_acceptance(self, stage: IntroductionStage) -> None:
        accepted = stage in policy.ACCEPTED_STAGES
        assert policy.can_record_progress(EXPORTER, intro(stage)) == accepted
        assert not policy.can_record_progress(OTHER_EXPORTER, intro(stage))

    @pytest.mark.parametrize("stage", list(IntroductionStage))
    def test_contact_details(self, stage: IntroductionStage) -> None:
        i = intro(stage)
        revealed = stage not in (IntroductionStage.introduced, IntroductionStage.declined)
        assert policy.can_see_buyer_contacts(EXPORTER, BUYER, [i]) == revealed
        assert not policy.can_see_buyer_contacts(OTHER_EXPORTER, BUYER, [i])
        assert policy.can_see_buyer_contacts(ADVISOR, BUYER, [])
        assert policy.can_see_buyer_contacts(BUYER_USER, BUYER, [])
        assert not policy.can_see_buyer_contacts(OTHER_BUYER, BUYER, [i])

    def test_funnel(self) -> None:
        assert policy.can_view_funnel(ADMIN) and policy.can_view_funnel(ADVISOR)
        assert not policy.can_view_funnel(EXPORTER) and not policy.can_view_funnel(BUYER_USER)
