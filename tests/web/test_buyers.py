"""Buyer pages: the list with country and verification filters, and one buyer's record."""

from __future__ import annotations

from exportpilot.models import BuyerContact, Country, Role, VerificationStatus
from tests.factories import make_buyer, make_company, make_user
from tests.web.conftest import html_lang


class TestBuyerList:
    def test_filters_by_country_and_verification(self, client, session, web_login) -> None:
        vn = make_buyer(session, company_name="필터 Saigon Imports", country_code="VNM",
                        verification_status=VerificationStatus.verified)  # fmt: skip
        us = make_buyer(session, company_name="필터 Texas Kitchen", country_code="USA")
        web_login(make_user(session, Role.advisor))

        def shown(**params: str) -> set[int]:
            page = client.get("/buyers", params={"q": "필터", **params}).text
            return {b.id for b in (vn, us) if f'href="/buyers/{b.id}"' in page}

        assert shown() == {vn.id, us.id}
        assert shown(country="VNM") == {vn.id}
        assert shown(country="us") == {us.id}
        assert shown(verification_status="verified") == {vn.id}
        assert shown(verification_status="unverified") == {us.id}
        assert client.get("/buyers?country=ZZ").status_code == 422
        part = client.get("/buyers?q=필터", headers={"HX-Request": "true", "HX-Target": "buyer-table"}).text
        assert "<html" not in part and "바이어 2곳" in part

    def test_country_names_follow_the_language(self, client, session, web_login) -> None:
        make_buyer(session, company_name="Hanoi Trading", country_code="VNM")
        viet_nam = session.get(Country, "VNM")
        web_login(make_user(session, Role.advisor))
        ko = client.get("/buyers?q=hanoi").text
        assert viet_nam.name_ko in ko and "검증 상태" in ko
        en = client.get("/buyers?q=hanoi&lang=en").text
        assert html_lang(en) == "en" and viet_nam.name_en in en and "Unverified" in en

    def test_exporter_is_refused(self, client, session, web_login) -> None:
        company = make_company(session)
        web_login(make_user(session, Role.exporter, company_id=company.id))
        r = client.get("/buyers")
        assert r.status_code == 403 and "introductions" in r.text

    def test_buyer_sees_only_its_own_record(self, client, session, web_login) -> None:
        mine, other = make_buyer(session), make_buyer(session)
        web_login(make_user(session, Role.buyer, buyer_id=mine.id))
        page = client.get("/buyers").text
        assert f'href="/buyers/{mine.id}"' in page and f'href="/buyers/{other.id}"' not in page
        assert client.get(f"/buyers/{other.id}").status_code == 403


class TestBuyerDetail:
    def test_shows_the_record(self, client, session, web_login) -> None:
        buyer = make_buyer(
            session,
            company_name="Saigon Kitchenware JSC",
            city="Ho Chi Minh City",
            annual_imports_usd=2_500_000,
            hs_interests=["8211", "821191"],
            languages=["vi", "en"],
            products_of_interest="kitchen knives",
        )
        buyer.contacts = [BuyerContact(name="Nguyen Van An", title="Purchasing manager", language="vi")]
        session.flush()
        web_login(make_user(session, Role.advisor))
        page = client.get(f"/buyers/{buyer.id}").text
        for text in ("Saigon Kitchenware JSC", "Ho Chi Minh City", "US$2,500,000", "8211", "821191",
                     "kitchen knives", "Nguyen Van An", "Purchasing manager", "베트남어"):  # fmt: skip
            assert text in page, text
