"""The export-market pages in Korean and English: product and company rankings, what-if via htmx, CSV,
access, and a clear message when no trade data is loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportpilot.models import Role
from tests.factories import make_company, make_product, make_user
from tests.web.conftest import html_lang

HTMX = {"HX-Request": "true", "HX-Target": "market-results"}


def _partners(page: str) -> list[str]:
    table = page.split('id="market-table"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'data-partner="([A-Z]{3})"', table)


@pytest.mark.usefixtures("market_var_dir")
class TestProductPage:
    def test_korean_and_english(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        web_login(make_user(session, Role.advisor), lang="ko")
        page = client.get("/markets", params={"product": "Machines"})
        assert page.status_code == 200, page.text
        assert html_lang(page.text) == "ko" and "수출 유망시장" in page.text
        assert 'id="market-chart"' in page.text and "Plotly.newPlot" in page.text
        assert "/static/vendor/plotly.min.js" in page.text
        partners = _partners(page.text)
        assert len(partners) == 20 and "KOR" not in partners
        assert "미국" in page.text  # country names in the page's language
        english = client.get("/markets", params={"product": "854231", "lang": "en"})
        assert html_lang(english.text) == "en" and "Export markets" in english.text
        assert 'data-hs="854231"' in english.text and "United States" in english.text

    def test_empty_form_then_bad_product(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        web_login(make_user(session, Role.exporter), lang="en")
        form = client.get("/markets")
        assert (
            form.status_code == 200 and 'id="product-form"' in form.text and "market-table" not in form.text
        )
        bad = client.get("/markets", params={"product": "Spaceships"})
        assert bad.status_code == 404 and 'id="market-problem"' in bad.text and "Spaceships" in bad.text

    def test_what_if_fragment_and_csv(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        web_login(make_user(session, Role.advisor), lang="en")
        before = _partners(client.get("/markets", params={"product": "Machines"}).text)
        params = {"product": "Machines", "block": before[0], "tariff_country": "USA", "tariff_pct": "25"}
        fragment = client.get("/markets", params=params, headers=HTMX)
        assert fragment.status_code == 200, fragment.text
        assert fragment.text.lstrip().startswith('<div id="market-results">') and "<html" not in fragment.text
        assert 'id="scenario"' in fragment.text and "Displaced" in fragment.text
        after = _partners(fragment.text)
        assert before[0] not in after  # the closed market falls out of the top 20
        csv = client.get("/markets.csv", params=params)
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert csv.text.splitlines()[0].startswith("rank,partner_iso3,") and "displaced_usd" in csv.text
        bad = client.get("/markets", params={**params, "tariff_pct": "-3"}, headers=HTMX)
        assert bad.status_code == 422 and 'id="err-tariff"' in bad.text and 'id="market-table"' in bad.text

    def test_buyers_may_not(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        web_login(make_user(session, Role.buyer), lang="en")
        assert client.get("/markets", params={"product": "Machines"}).status_code == 403


@pytest.mark.usefixtures("market_var_dir")
class TestCompanyPage:
    def test_exporter_records_a_market_and_sees_it_as_its_position(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        company = make_company(session, name_en="Busan Valves")
        make_product(session, company, hs_code="848180")
        csrf = web_login(make_user(session, Role.exporter, company_id=company.id), lang="en")
        page = client.get(f"/companies/{company.id}/markets")
        assert page.status_code == 200, page.text
        assert "Busan Valves" in page.text and 'id="market-form"' in page.text
        saved = client.post(
            f"/companies/{company.id}/markets/exports",
            data={"csrf_token": csrf, "year": "2024", "country": "VNM", "value_usd": "250000"},
            follow_redirects=True,
        )
        assert saved.status_code == 200 and "Export markets saved." in saved.text
        assert 'data-current="VNM"' in saved.text and "VNM" not in _partners(saved.text)
        assert 'data-market="VNM"' in saved.text
        no_csrf = client.post(
            f"/companies/{company.id}/markets/exports",
            data={"year": "2024", "country": "THA", "value_usd": "1"},
        )
        assert no_csrf.status_code == 403
        other = make_company(session)
        assert client.get(f"/companies/{other.id}/markets").status_code == 403
        csv = client.get(f"/companies/{company.id}/markets.csv")
        assert csv.status_code == 200 and "VNM" in csv.text

    def test_advisor_sees_any_company_and_one_without_hs_codes(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        web_login(make_user(session, Role.advisor), lang="ko")
        company = make_company(session)
        make_product(session, company, hs_code=None)
        page = client.get(f"/companies/{company.id}/markets")
        assert page.status_code == 409 and 'id="market-problem"' in page.text and "HS" in page.text
        assert 'id="market-form"' not in page.text  # advisors edit only the firms assigned to them


def test_no_trade_data_says_how_to_load_it(client, session, web_login, empty_var_dir: Path) -> None:  # type: ignore[no-untyped-def]
    web_login(make_user(session, Role.advisor), lang="ko")
    page = client.get("/markets", params={"product": "Machines"})
    assert page.status_code == 200
    assert 'id="no-trade-data"' in page.text and "exportpilot data load ots" in page.text
    assert "market-table" not in page.text
