"""Matching pages in Korean and English: inquiry with matches, introductions, buyers for you, funnel."""

from __future__ import annotations

import re

import pytest

from exportpilot.buyers.trust import REASONS
from exportpilot.matching import retrieval
from exportpilot.matching.explain import MESSAGES
from exportpilot.models import Inquiry, Introduction, IntroductionStage, Role
from exportpilot.web.buyers import labels as buyer_labels
from exportpilot.web.matching import labels as matching_labels
from tests.buyers.helpers import count, make_inquiry, trusted_buyer
from tests.factories import make_company, make_product, make_user
from tests.web.conftest import csrf_of, field_error, html_lang


@pytest.fixture(autouse=True)
def _lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retrieval, "_engine", lambda: None)


@pytest.fixture
def world(session):  # type: ignore[no-untyped-def]
    company = make_company(session, name_ko="한빛정밀", name_en="Hanbit Precision")
    product = make_product(
        session,
        company,
        hs_code="821191",
        name_ko="스테인리스 셰프 나이프",
        name_en="Stainless chef knife",
        description_en="Stainless steel chef knife",
    )
    buyer = trusted_buyer(
        session,
        company_name="Cuchillería Sol S.A. de C.V.",
        slug="sol",
        country_code="MEX",
        website="https://www.sol.com.mx",
        email="compras@sol.com.mx",
        phone="+52 81 8123 4567",
    )
    inquiry = make_inquiry(
        session,
        buyer,
        title="Cuchillos de cocina",
        hs_code="821191",
        text="Buscamos cuchillos de cocina de acero inoxidable (stainless steel chef knife).",
    )
    return {
        "company": company,
        "product": product,
        "buyer": buyer,
        "inquiry": inquiry,
        "buyer_user": make_user(session, Role.buyer, buyer_id=buyer.id),
        "exporter": make_user(session, Role.exporter, company_id=company.id),
        "advisor": make_user(session, Role.advisor),
    }


class TestLabels:
    def test_web_labels_repeat_the_domain_messages(self) -> None:
        assert buyer_labels.REASONS == REASONS
        assert matching_labels.MESSAGES == MESSAGES
        assert set(matching_labels.STAGES) == set(IntroductionStage)


class TestInquiryPage:
    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("ko", ["매칭 제품", "다음에 물어볼 질문", "같은 HS 소호"]),
            ("en", ["Matching products", "Next question to ask", "Same HS subheading"]),
        ],
    )
    def test_matches_with_explanations_in_both_languages(
        self, client, session, web_login, world, lang, words
    ) -> None:
        web_login(world["advisor"], lang=lang)
        page = client.get(f"/inquiries/{world['inquiry'].id}")
        assert page.status_code == 200 and html_lang(page.text) == lang
        for w in words:
            assert w in page.text, w
        assert f'data-product="{world["product"].id}"' in page.text

    def test_post_an_inquiry_through_the_form(self, client, session, web_login, world) -> None:
        csrf = web_login(world["buyer_user"], lang="en")
        form = client.get("/inquiries/new").text
        assert f'name="buyer_id" value="{world["buyer"].id}"' in form
        before = count(session, Inquiry)
        bad = {
            "csrf_token": csrf,
            "buyer_id": str(world["buyer"].id),
            "title": "Knives",
            "text": "Stainless knives wanted",
            "quantity": "100",
            "unit": "pcs",
            "currency": "",
            "target_price": "3.5",
        }
        r = client.post("/inquiries/new", data=bad)
        assert r.status_code == 422 and field_error(r.text, "currency") and count(session, Inquiry) == before
        r = client.post("/inquiries/new", data=bad | {"currency": "USD"}, follow_redirects=False)
        assert r.status_code == 303 and re.match(r"/inquiries/\d+$", r.headers["location"])
        assert count(session, Inquiry) == before + 1


class TestIntroductionPages:
    def test_introduce_accept_and_reveal(self, client, session, web_login, world) -> None:
        csrf = web_login(world["advisor"], lang="en")
        r = client.post(
            "/introductions",
            data={
                "csrf_token": csrf,
                "buyer_id": world["buyer"].id,
                "product_id": world["product"].id,
                "inquiry_id": world["inquiry"].id,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        url = r.headers["location"]
        client.post("/logout", data={"csrf_token": csrf})

        web_login(world["exporter"], lang="ko")
        page = client.get(url).text
        assert (
            'id="contact-hidden"' in page
            and "compras@sol.com.mx" not in page
            and "바이어가 이 소개를 수락하면" in page
        )
        assert 'id="accept"' not in page
        client.post("/logout", data={"csrf_token": csrf_of(page)})

        csrf = web_login(world["buyer_user"], lang="en")
        page = client.get(url).text
        assert 'id="accept"' in page
        r = client.post(f"{url}/accept", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303
        client.post("/logout", data={"csrf_token": csrf})

        web_login(world["exporter"], lang="en")
        page = client.get(url).text
        assert 'id="contact-details"' in page and "compras@sol.com.mx" in page and "+52 81 8123 4567" in page
        intro = session.get(Introduction, int(url.rsplit("/", 1)[1]))
        assert intro.stage == IntroductionStage.accepted

    def test_record_a_contract_with_its_value(self, client, session, web_login, world) -> None:
        csrf = web_login(world["advisor"], lang="ko")
        url = client.post(
            "/introductions",
            data={"csrf_token": csrf, "buyer_id": world["buyer"].id, "product_id": world["product"].id},
            follow_redirects=False,
        ).headers["location"]
        client.post(f"{url}/accept", data={"csrf_token": csrf})
        r = client.post(
            f"{url}/advance", data={"csrf_token": csrf, "stage": "contract", "contract_value": ""}
        )
        assert r.status_code == 422 and "contract_value" in r.text
        r = client.post(
            f"{url}/advance",
            data={
                "csrf_token": csrf,
                "stage": "contract",
                "contract_value": "12,000",
                "contract_currency": "USD",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        page = client.get(url).text
        assert "계약" in page and "US$12,000.00" in page
        listing = client.get("/introductions?stage=contract").text
        assert f'href="{url}"' in listing


class TestBuyersForYou:
    @pytest.mark.parametrize("lang", ["ko", "en"])
    def test_exporter_sees_screened_buyers_without_contacts(
        self, client, session, web_login, world, lang
    ) -> None:
        web_login(world["exporter"], lang=lang)
        page = client.get("/buyers-for-you")
        assert page.status_code == 200 and html_lang(page.text) == lang
        assert f'data-buyer="{world["buyer"].id}"' in page.text
        assert "compras@sol.com.mx" not in page.text and "8123 4567" not in page.text
        assert ("추천 바이어" if lang == "ko" else "Buyers for you") in page.text

    def test_buyers_are_refused(self, client, session, web_login, world) -> None:
        web_login(world["buyer_user"])
        assert client.get("/buyers-for-you").status_code == 403


class TestFunnelPage:
    @pytest.mark.parametrize(("lang", "title"), [("ko", "성과 퍼널"), ("en", "Outcomes funnel")])
    def test_renders_the_chart_and_counts(self, client, session, web_login, world, lang, title) -> None:
        csrf = web_login(world["advisor"], lang=lang)
        client.post(
            "/introductions",
            data={"csrf_token": csrf, "buyer_id": world["buyer"].id, "product_id": world["product"].id},
        )
        for by in ("region", "advisor", "market"):
            page = client.get(f"/funnel?by={by}")
            assert page.status_code == 200 and title in page.text and 'id="funnel-chart"' in page.text
        page = client.get("/funnel?by=market").text
        assert re.search(
            r'data-group="MEX"><th scope="row">[^<]+</th><td class="num" data-stage="introduced">1<', page
        )

    def test_exporters_are_refused(self, client, session, web_login, world) -> None:
        web_login(world["exporter"])
        assert client.get("/funnel").status_code == 403
