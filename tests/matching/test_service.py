"""Matching: the re-ranking signals (pure), retrieval with and without the text engine, and the rankings."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exportpilot.matching import retrieval
from exportpilot.matching import service as matching
from exportpilot.matching.explain import MESSAGES
from exportpilot.matching.rerank import (
    WEIGHTS_FOR_PRODUCTS,
    Decline,
    Need,
    Offer,
    score_match,
)
from exportpilot.models import Role, VerificationStatus
from tests.buyers.helpers import make_inquiry, make_introduction, trusted_buyer
from tests.factories import make_buyer, make_company, make_product, make_user


@pytest.fixture(autouse=True)
def _lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rankings here are asserted for the lexical retriever; the engine has its own test below."""
    monkeypatch.setattr(retrieval, "_engine", lambda: None)


def scored(need: Need, offer: Offer, text: float = 0.5, **kw):  # type: ignore[no-untyped-def]
    return score_match(text=text, need=need, offer=offer, weights=WEIGHTS_FOR_PRODUCTS, **kw)


def codes(signals) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.code for s in signals]


class TestReranking:
    def test_hs6_beats_hs4_beats_hs2_beats_different(self) -> None:
        need = Need(hs_codes=("821191",))
        scores = [scored(need, Offer(1, hs_code=c)).score for c in ("821191", "821192", "820110", "330499")]
        assert scores == sorted(scores, reverse=True) and len(set(scores)) == 4
        assert codes(scored(need, Offer(1, hs_code="821192")).explanation.matched)[-1] == "hs_same4"
        assert codes(scored(need, Offer(1, hs_code="330499")).explanation.missing) == ["hs_different"]

    def test_unknown_hs_is_missing_and_asked(self) -> None:
        s = scored(
            Need(quantity=Decimal(1), target_price=Decimal(1), destination="MEX"), Offer(1, hs_code="821191")
        )
        assert codes(s.explanation.missing) == ["hs_unknown"] and s.explanation.next_question.code == "ask_hs"

    def test_certifications_required_vs_held(self) -> None:
        need = Need(hs_codes=("821191",), certifications=("FDA", "LFGB"), quantity=Decimal(10))
        held = scored(need, Offer(1, hs_code="821191", certifications=("fda", "LFGB mark")))
        half = scored(need, Offer(1, hs_code="821191", certifications=("FDA",)))
        assert held.signals["certs"] == 1.0 and half.signals["certs"] == 0.5
        assert half.explanation.missing[0].params == {"certs": "LFGB"}
        assert half.explanation.next_question.code == "ask_certification"

    def test_moq_against_quantity(self) -> None:
        enough = scored(Need(quantity=Decimal(1000), unit="pcs"), Offer(1, moq=500, moq_unit="pcs"))
        short = scored(Need(quantity=Decimal(100), unit="pcs"), Offer(1, moq=500, moq_unit="pcs"))
        other_unit = scored(Need(quantity=Decimal(100), unit="kg"), Offer(1, moq=500, moq_unit="pcs"))
        assert (enough.signals["moq"], short.signals["moq"], other_unit.signals["moq"]) == (1.0, 0.2, 0.5)
        assert short.explanation.next_question.code == "ask_moq"
        assert codes(other_unit.explanation.assumed)[-2] == "moq_units"

    def test_price_against_target(self) -> None:
        offer = Offer(1, price_min=Decimal("10"), price_max=Decimal("14"), currency="USD")
        ok = scored(Need(target_price=Decimal("12"), currency="USD"), offer)
        low = scored(Need(target_price=Decimal("8"), currency="USD"), offer)
        other = scored(Need(target_price=Decimal("8"), currency="EUR"), offer)
        assert (
            ok.signals["price"] == 1.0
            and round(low.signals["price"], 2) == 0.6
            and other.signals["price"] == 0.5
        )
        assert codes(low.explanation.missing) == ["hs_unknown", "price_low"]

    def test_declines_lower_the_same_product_and_its_heading(self) -> None:
        need = Need(hs_codes=("821191",))
        base = scored(need, Offer(1, hs_code="821191")).score
        same = scored(need, Offer(1, hs_code="821191"), declines=[Decline(1, "821191", "price")])
        similar = scored(need, Offer(2, hs_code="821191"), declines=[Decline(1, "821199", "moq")] * 3)
        other = scored(need, Offer(2, hs_code="821191"), declines=[Decline(1, "330499", "moq")])
        assert round(base - same.score, 4) == 0.30 and codes(same.explanation.penalties) == ["declined_same"]
        assert (
            round(base - similar.score, 4) == 0.20 and similar.explanation.penalties[0].params["count"] == 3
        )
        assert other.score == base

    def test_next_question_order(self) -> None:
        offer = Offer(1, hs_code="821191")
        assert scored(Need(), offer).explanation.next_question.code == "ask_quantity"
        assert scored(Need(quantity=Decimal(1)), offer).explanation.next_question.code == "ask_price"
        full = Need(hs_codes=("821191",), quantity=Decimal(1), target_price=Decimal(1), destination="MEX")
        assert scored(full, offer).explanation.next_question.code == "ask_deadline"
        assert scored(Need(is_inquiry=False), offer).explanation.next_question.code == "ask_interest"

    def test_every_signal_has_a_message(self) -> None:
        s = scored(
            Need(hs_codes=("821191",), certifications=("CE",)), Offer(1, hs_code="821191"), trust=30, bar=40
        )
        for sig in [*s.explanation.matched, *s.explanation.missing, *s.explanation.assumed]:
            assert sig.code in MESSAGES and sig.text


class TestRetrieval:
    def test_lexical_ranks_the_closer_text_first(self) -> None:
        scores = retrieval.lexical_scores(
            "stainless steel kitchen knife", ["cosmetic face cream", "kitchen knife, stainless steel", ""]
        )
        assert scores[1] > scores[0] and scores[2] == 0.0
        assert retrieval.relative([0.2, 0.4, 0.0]) == [0.5, 1.0, 0.0]

    def test_engine_is_used_when_installed_and_falls_back_when_its_api_differs(self, monkeypatch) -> None:
        class Engine:
            def fit(self, corpus: list[str]) -> Engine:
                self.corpus = corpus
                return self

            def search(self, queries: list[str], top: int = 10) -> list[list[tuple[int, float]]]:
                return [[(1, 3.0), (0, -1.0)]]

        monkeypatch.setattr(retrieval, "_engine", lambda: Engine)
        scores, used = retrieval.text_scores("q", ["a", "b"])
        assert used == retrieval.ENGINE and scores == [0.0, 1.0]

        class Broken:
            def fit(self, corpus: list[str]) -> Broken:
                return self

        monkeypatch.setattr(retrieval, "_engine", lambda: Broken)
        assert retrieval.text_scores("knife", ["knife", "cream"])[1] == retrieval.LEXICAL


class TestMatchInquiry:
    def test_ranks_on_hs_and_explains(self, session) -> None:
        buyer = trusted_buyer(session)
        company = make_company(session)
        p6 = make_product(
            session, company, hs_code="821191", name_en="Chef knife", description_en="Stainless chef knife"
        )
        p4 = make_product(
            session, company, hs_code="821192", name_en="Utility knife", description_en="Utility knife"
        )
        cream = make_product(
            session,
            company,
            hs_code="330499",
            name_en="Face cream",
            description_en="Moisturising cream",
            description_ko="보습 크림",
            name_ko="크림",
        )
        inquiry = make_inquiry(
            session, buyer, hs_code="821191", text="Stainless steel chef knives for restaurants"
        )
        _, introducible, results, used = matching.match_inquiry(
            session, inquiry_id=inquiry.id, actor=make_user(session, Role.advisor), top=50
        )
        order = [r.product.id for r in results]
        assert introducible and used == "lexical"
        assert order.index(p6.id) < order.index(p4.id) < order.index(cream.id)
        top = results[order.index(p6.id)].scored.explanation
        assert "hs_same6" in codes(top.matched) and top.next_question is not None

    def test_a_declined_product_drops(self, session) -> None:
        buyer = trusted_buyer(session)
        company = make_company(session)
        a = make_product(
            session, company, hs_code="821191", name_en="Knife A", description_en="Stainless knife"
        )
        b = make_product(
            session, company, hs_code="821191", name_en="Knife B", description_en="Stainless knife"
        )
        inquiry = make_inquiry(session, buyer, hs_code="821191", text="Stainless knife wanted in quantity")
        adv = make_user(session, Role.advisor)
        before = {
            r.product.id: r.scored.score
            for r in matching.match_inquiry(session, inquiry_id=inquiry.id, actor=adv, top=50)[2]
        }
        assert abs(before[a.id] - before[b.id]) < 0.05
        from exportpilot.models import DeclineReason, IntroductionStage

        make_introduction(
            session, buyer, a, stage=IntroductionStage.declined, decline_reason=DeclineReason.price
        )
        after = matching.match_inquiry(session, inquiry_id=inquiry.id, actor=adv, top=50)[2]
        ids = [r.product.id for r in after]
        assert ids.index(b.id) < ids.index(a.id)
        declined = after[ids.index(a.id)].scored
        assert round(before[a.id] - declined.score, 4) == 0.30
        assert "declined_same" in codes(declined.explanation.penalties)
        # b shares a's HS heading: it is lowered a little, as a similar product
        assert round(before[b.id] - after[ids.index(b.id)].scored.score, 4) == 0.10

    def test_exporters_do_not_match_inquiries(self, session) -> None:
        from exportpilot.errors import PermissionDenied

        inquiry = make_inquiry(session, trusted_buyer(session))
        exporter = make_user(session, Role.exporter, company_id=make_company(session).id)
        with pytest.raises(PermissionDenied):
            matching.match_inquiry(session, inquiry_id=inquiry.id, actor=exporter)


class TestMatchProduct:
    def test_exporters_see_only_buyers_above_the_bar(self, session) -> None:
        company = make_company(session)
        product = make_product(
            session, company, hs_code="821191", name_en="Chef knife", description_en="Stainless knife"
        )
        good = trusted_buyer(session, hs_interests=["8211"], products_of_interest="stainless kitchen knives")
        weak = make_buyer(session, hs_interests=["821191"], products_of_interest="stainless kitchen knives")
        flagged = trusted_buyer(
            session,
            hs_interests=["8211"],
            products_of_interest="kitchen knives",
            verification_status=VerificationStatus.flagged,
        )
        inquiry = make_inquiry(session, good, hs_code="821191", text="Stainless chef knives, 2000 pcs")
        exporter = make_user(session, Role.exporter, company_id=company.id)
        _, results, _ = matching.match_product(session, product_id=product.id, actor=exporter, top=50)
        ids = [r.buyer.id for r in results]
        assert good.id in ids and weak.id not in ids and flagged.id not in ids
        best = results[ids.index(good.id)]
        assert best.inquiry is not None and best.inquiry.id == inquiry.id and best.introducible
        assert "trust" in codes(best.scored.explanation.matched)
        _, staff_view, _ = matching.match_product(
            session, product_id=product.id, actor=make_user(session, Role.advisor), top=50
        )
        weak_row = next(r for r in staff_view if r.buyer.id == weak.id)
        assert not weak_row.introducible and "trust_low" in codes(weak_row.scored.explanation.missing)

    def test_other_exporters_and_buyers_may_not_match_a_product(self, session) -> None:
        from exportpilot.errors import PermissionDenied

        product = make_product(session)
        for user in (
            make_user(session, Role.exporter, company_id=make_company(session).id),
            make_user(session, Role.buyer, buyer_id=make_buyer(session).id),
        ):
            with pytest.raises(PermissionDenied):
                matching.match_product(session, product_id=product.id, actor=user)
