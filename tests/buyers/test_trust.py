"""The trust score: one class per component of the pure function, then the total."""

from __future__ import annotations

from exportpilot.buyers import trust
from exportpilot.buyers.trust import InquiryFacts, TrustFacts, compute_trust
from exportpilot.models import VerificationSource, VerificationStatus


def facts(**kw) -> TrustFacts:  # type: ignore[no-untyped-def]
    base = {"company_name": "Distribuidora Sol S.A. de C.V.", "country_iso2": "MX"}
    return TrustFacts(**{**base, **kw})


def codes(component: trust.TrustComponent) -> list[str]:
    return [e.code for e in component.evidence]


class TestIdentity:
    def test_points_by_who_verified(self) -> None:
        office = trust.identity(
            facts(status=VerificationStatus.verified, verified_via=VerificationSource.overseas_office)
        )
        advisor = trust.identity(
            facts(status=VerificationStatus.verified, verified_via=VerificationSource.advisor)
        )
        none = trust.identity(facts())
        flagged = trust.identity(facts(status=VerificationStatus.flagged))
        assert (office.points, advisor.points, none.points, flagged.points) == (30, 25, 0, 0)
        assert codes(office) == ["identity_office"] and codes(flagged) == ["identity_flagged"]


class TestDomains:
    def test_consistent_company_domain(self) -> None:
        c = trust.domains(facts(website="https://www.sol.com.mx", email="compras@sol.com.mx"))
        assert c.points == 15 and codes(c) == ["domains_agree", "domain_matches_name"]

    def test_different_domains_unlike_the_name(self) -> None:
        c = trust.domains(facts(website="https://cheap-goods.com", email="boss@other-mail.net"))
        assert c.points == 0 and codes(c) == ["domains_differ", "domain_unlike_name"]

    def test_single_domain_and_free_mail(self) -> None:
        c = trust.domains(facts(website="https://sol.com.mx", email="sol.compras@gmail.com"))
        assert c.points == 3 + 8 and codes(c) == ["email_free_mail", "domain_single", "domain_matches_name"]

    def test_nothing_to_check(self) -> None:
        assert trust.domains(facts()).points == 0 and codes(trust.domains(facts())) == ["domains_none"]


class TestActivity:
    def test_counts_inquiries_replies_and_meetings_with_caps(self) -> None:
        c = trust.activity(facts(inquiries=(InquiryFacts("a"),) * 5, answer_hours=(1.0, 2.0), meetings=1))
        assert [e.points for e in c.evidence] == [6, 4, 4] and c.points == 14
        assert trust.activity(facts(meetings=9)).points == 8


class TestResponsiveness:
    def test_unknown_without_introductions(self) -> None:
        c = trust.responsiveness(facts())
        assert c.points == 0 and codes(c) == ["responsiveness_unknown"]

    def test_share_answered_and_speed(self) -> None:
        fast = trust.responsiveness(facts(introductions_due=2, answer_hours=(5.0, 30.0)))
        assert fast.points == 15
        slow = trust.responsiveness(facts(introductions_due=4, answer_hours=(200.0,)))
        assert slow.points == round(10 * 1 / 4) and codes(slow)[-1] == "responsiveness_slow"
        week = trust.responsiveness(facts(introductions_due=1, answer_hours=(100.0,)))
        assert week.points == 10 + 2


class TestSpecificity:
    def test_share_of_structured_fields(self) -> None:
        full = InquiryFacts(
            "x", hs_code=True, quantity=True, target_price=True, destination=True, certifications=True
        )
        bare = InquiryFacts("y")
        c = trust.specificity(facts(inquiries=(full, bare)))
        assert c.points == 10 and c.evidence[0].params == {"percent": 50}
        assert trust.specificity(facts(inquiries=(full,))).points == 20
        assert codes(trust.specificity(facts())) == ["specificity_none"]

    def test_names_what_is_often_missing(self) -> None:
        c = trust.specificity(
            facts(inquiries=(InquiryFacts("x", hs_code=True), InquiryFacts("y", hs_code=True)))
        )
        missing = c.evidence[-1]
        assert missing.code == "specificity_often_missing" and "hs_code" not in missing.params["fields"]
        assert "Often missing: quantity, target price" in missing.text()


class TestSignals:
    def test_clean(self) -> None:
        c = trust.signals(facts(website="https://sol.com.mx", phone="+52 81 8123 4567"))
        assert c.points == 0 and codes(c) == ["signal_none"]

    def test_free_mail_for_a_large_importer(self) -> None:
        c = trust.signals(facts(email="sol@gmail.com", annual_imports_usd=5_000_000))
        assert c.points == -15 and codes(c) == ["signal_free_mail_large"]
        assert trust.signals(facts(email="sol@gmail.com", annual_imports_usd=50_000)).points == 0

    def test_phone_of_another_country(self) -> None:
        c = trust.signals(facts(phone="+84 28 3822 1234"))
        assert c.points == -10 and codes(c) == ["signal_phone_country"]
        assert c.evidence[0].params["phone_country"] == "VN"
        assert trust.signals(facts(phone="81 8123 4567")).points == 0  # not international: cannot tell

    def test_domain_of_another_country(self) -> None:
        c = trust.signals(facts(website="https://sol.com.vn"))
        assert c.points == -10 and codes(c) == ["signal_tld_country"]
        assert trust.signals(facts(website="https://sol.io")).points == 0

    def test_many_near_identical_inquiries(self) -> None:
        spam = tuple(InquiryFacts(f"URGENT need best price for all products now {i}") for i in range(3))
        c = trust.signals(facts(inquiries=spam))
        assert c.points == -15 and c.evidence[0].params == {"count": 3}
        varied = (
            InquiryFacts("kitchen knives 500 pcs"),
            InquiryFacts("cosmetic cream 2 t"),
            InquiryFacts("o-rings"),
        )
        assert trust.signals(facts(inquiries=varied)).points == 0

    def test_duplicates_and_flag(self) -> None:
        c = trust.signals(
            facts(duplicate_ids=(7, 3), status=VerificationStatus.flagged, status_reason="fake docs")
        )
        assert c.points == -30 and codes(c) == ["signal_duplicate", "signal_flagged"]
        assert c.evidence[0].params["ids"] == "#3, #7"

    def test_floor(self) -> None:
        c = trust.signals(
            facts(
                email="x@gmail.com",
                annual_imports_usd=10**7,
                phone="+84 28 3822 1234",
                website="https://x.com.vn",
                duplicate_ids=(1,),
                status=VerificationStatus.flagged,
                inquiries=tuple(InquiryFacts("same text again") for _ in range(4)),
            )
        )
        assert c.points == trust.SIGNALS_FLOOR


class TestTotal:
    def test_sums_and_clamps(self) -> None:
        good = compute_trust(
            facts(
                status=VerificationStatus.verified,
                verified_via=VerificationSource.overseas_office,
                website="https://sol.com.mx",
                email="c@sol.com.mx",
            )
        )
        assert good.score == 45 and [c.code for c in good.components] == list(trust.COMPONENT_MAX)
        assert compute_trust(facts(phone="+84 28 3822 1234", duplicate_ids=(1,))).score == 0

    def test_blocked_scores_zero(self) -> None:
        s = compute_trust(
            facts(status=VerificationStatus.blocked, status_reason="fraud", website="https://sol.com.mx")
        )
        assert s.score == 0 and s.blocked and "signal_blocked" in codes(s.component("signals"))
