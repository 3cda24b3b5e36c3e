"""The home page: the regional dashboard for agency staff, own records for exporters and buyers."""

from __future__ import annotations

import re

from exportpilot.models import Role, VerificationStatus
from tests.factories import make_buyer, make_company, make_product, make_user


def region_count(page: str, code: str) -> int:
    match = re.search(rf'data-region="{code}">([\d,]+)<', page)
    assert match, f"no count for region {code}"
    return int(match.group(1).replace(",", ""))


def kpi(page: str, name: str) -> int:
    match = re.search(rf'data-kpi="{name}">([\d,]+)<', page)
    assert match, f"no {name} tile"
    return int(match.group(1).replace(",", ""))


class TestStaffDashboard:
    def test_counts_by_region_and_totals(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        before = client.get("/").text
        southeast, capital, jeju = (region_count(before, c) for c in ("southeast", "capital", "jeju"))
        companies, products, buyers = (kpi(before, k) for k in ("companies", "products", "buyers"))

        busan = make_company(session, province_code="KR-26")
        make_company(session, province_code="KR-48")
        make_company(session, province_code="KR-11")
        make_product(session, busan)
        make_buyer(session, verification_status=VerificationStatus.flagged)

        page = client.get("/").text
        assert region_count(page, "southeast") == southeast + 2
        assert region_count(page, "capital") == capital + 1
        assert region_count(page, "jeju") == jeju
        assert kpi(page, "companies") == companies + 3
        assert kpi(page, "products") == products + 1
        assert kpi(page, "buyers") == buyers + 1
        assert re.search(r'data-status="flagged">\d+<', page)

    def test_every_region_of_5_poles_3_special_is_charted(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.admin))
        page = client.get("/").text
        for code in ("capital", "southeast", "daegyeong", "central", "honam", "gangwon", "jeonbuk", "jeju"):
            region_count(page, code)
        assert '<script src="/static/vendor/plotly.min.js"></script>' in page
        assert 'id="region-chart"' in page and "Plotly.newPlot" in page
        assert "수도권" in page and "동남권" in page

    def test_chart_labels_follow_the_language(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.admin, language="en"))
        page = client.get("/").text
        assert "Capital Region" in page and "수도권" not in page


class TestMemberHome:
    def test_exporter_without_company_is_invited_to_register(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.exporter))
        page = client.get("/").text
        assert "기업을 등록하세요" in page and 'href="/companies/new"' in page
        assert 'id="region-chart"' not in page

    def test_exporter_sees_its_company_not_the_regional_counts(self, client, session, web_login) -> None:
        company = make_company(session, name_ko="(주)다온식품")
        make_product(session, company)
        web_login(make_user(session, Role.exporter, company_id=company.id))
        page = client.get("/").text
        assert "(주)다온식품" in page
        assert 'href="/products">1<' in page
        assert "data-region" not in page

    def test_buyer_sees_its_record(self, client, session, web_login) -> None:
        buyer = make_buyer(session, company_name="Saigon Kitchenware JSC")
        web_login(make_user(session, Role.buyer, buyer_id=buyer.id))
        page = client.get("/").text
        assert f'href="/buyers/{buyer.id}"' in page and "Saigon Kitchenware JSC" in page
