"""Buyer finding in a real headless Chromium: inquiry → match → introduction → accept → contact details.

Reuses the live server of ``test_browser.py`` (uvicorn on its own SQLite database) and seeds the firm,
the buyer and their users through the API, as an agency admin would.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import httpx
import pytest

from tests.factories import valid_brn
from tests.web.test_browser import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    live_server,
)

__all__ = ["live_server"]  # the fixture, imported for this module

pytestmark = pytest.mark.browser

PASSWORD = "browser-matching-pass"
BUYER_EMAIL = "compras@cuchilleria-sol.com.mx"
EXPORTER_EMAIL = "export@hanbit.example"


@pytest.fixture(scope="module", autouse=True)
def _lexical_server() -> Iterator[None]:
    """The server ranks with the lexical retriever: the text engine's first fit is too slow for a test."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EXPORTPILOT_MATCHING_RETRIEVAL", "lexical")
        yield


@pytest.fixture(scope="module")
def seeded(live_server: str) -> dict[str, int]:
    api = httpx.Client(base_url=f"{live_server}/api", timeout=30)
    token = api.post("/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()[
        "access_token"
    ]
    api.headers["Authorization"] = f"Bearer {token}"

    def post(url: str, body: dict[str, object]) -> dict[str, object]:
        r = api.post(url, json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    company = post(
        "/companies",
        {
            "name_ko": "(주)한빛정밀",
            "name_en": "Hanbit Precision Co., Ltd.",
            "brn": valid_brn(778_001),
            "province": "KR-48",
            "industry": "machinery",
        },
    )
    product = post(
        "/products",
        {
            "company_id": company["id"],
            "name_ko": "스테인리스 셰프 나이프",
            "name_en": "Stainless steel chef knife",
            "description_ko": "몰리브덴강 일체형 주방용 칼",
            "description_en": "One-piece stainless steel chef knife, 20 cm",
            "hs_code": "8211.91",
            "moq": 500,
            "moq_unit": "pcs",
            "certifications": ["FDA"],
        },
    )
    buyer = post(
        "/buyers",
        {
            "company_name": "Cuchillería Sol, S.A. de C.V.",
            "country": "MX",
            "website": "https://www.cuchilleria-sol.com.mx",
            "email": BUYER_EMAIL,
            "phone": "+52 81 8123 4567",
            "hs_interests": ["8211"],
            "contacts": [{"name": "María López", "email": "maria@cuchilleria-sol.com.mx"}],
        },
    )
    post(
        f"/buyers/{buyer['id']}/verify",
        {"reason": "visited by the Monterrey trade office", "via": "overseas_office"},
    )
    post(
        "/users",
        {
            "email": BUYER_EMAIL,
            "full_name": "María López",
            "password": PASSWORD,
            "role": "buyer",
            "language": "en",
            "buyer_id": buyer["id"],
        },
    )
    post(
        "/users",
        {
            "email": EXPORTER_EMAIL,
            "full_name": "이수출",
            "password": PASSWORD,
            "role": "exporter",
            "language": "ko",
            "company_id": company["id"],
        },
    )
    api.close()
    return {"product": int(product["id"]), "buyer": int(buyer["id"])}


def test_inquiry_match_accept_reveals_contact_details(live_server: str, seeded: dict[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    assert os.environ.get("EXPORTPILOT_MATCHING_RETRIEVAL") == "lexical"
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def login(email: str, password: str, lang: str):  # type: ignore[no-untyped-def]
                page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
                page.set_default_timeout(10_000)
                page.on("pageerror", lambda exc: problems.append(f"javascript error: {exc}"))
                page.on(
                    "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
                )
                page.goto(f"{live_server}/login?lang={lang}")
                page.fill("#f-email", email)
                page.fill("#f-password", password)
                page.locator("form button[type=submit]").click()
                expect(page).to_have_url(f"{live_server}/")
                return page

            # The buyer posts an inquiry in Spanish through the form.
            buyer = login(BUYER_EMAIL, PASSWORD, "en")
            buyer.get_by_role("link", name="Inquiries").click()
            buyer.get_by_role("link", name="New inquiry").click()
            buyer.fill("#f-title", "Cuchillos de chef de acero inoxidable")
            buyer.fill(
                "#f-text",
                "Buscamos cuchillos de chef de acero inoxidable (stainless steel chef knife), 20 cm.",
            )
            buyer.fill("#f-language", "es")
            buyer.fill("#f-hs_code", "8211.91")
            buyer.fill("#f-quantity", "2000")
            buyer.select_option("#f-unit", "pcs")
            buyer.fill("#f-certifications", "FDA")
            buyer.get_by_role("button", name="Post inquiry").click()
            expect(buyer).to_have_url(re.compile(r"/inquiries/\d+$"))
            inquiry_url = buyer.url
            expect(buyer.locator(".flash")).to_contain_text("Inquiry posted")

            # The agency's advisor (admin here) sees the product ranked first, with why, and introduces it.
            advisor = login(ADMIN_EMAIL, ADMIN_PASSWORD, "ko")
            advisor.goto(inquiry_url)
            first = advisor.locator("article.match").first
            expect(first).to_have_attribute("data-product", str(seeded["product"]))
            expect(first.locator(".explain")).to_contain_text("같은 HS 소호 821191")
            expect(first.locator(".explain")).to_contain_text("요구 인증 보유: FDA")
            expect(first.locator(".next-question")).to_be_visible()
            advisor.screenshot(path=str(ARTIFACTS / "inquiry-matches-ko.png"), full_page=True)
            first.get_by_role("button", name="소개하기").click()
            expect(advisor).to_have_url(re.compile(r"/introductions/\d+$"))
            intro_url = advisor.url
            expect(advisor.locator("#stage")).to_have_text("소개됨")

            # The exporter sees the introduction, but not yet how to reach the buyer.
            exporter = login(EXPORTER_EMAIL, PASSWORD, "ko")
            exporter.goto(intro_url)
            expect(exporter.locator("#contact-hidden")).to_be_visible()
            expect(exporter.locator("body")).not_to_contain_text(BUYER_EMAIL)
            expect(exporter.locator("#accept")).to_have_count(0)

            # The buyer accepts.
            buyer.goto(intro_url)
            buyer.locator("#accept").click()
            expect(buyer.locator("#stage")).to_have_text("Accepted")

            # Now the exporter sees the contact details.
            exporter.reload()
            expect(exporter.locator("#contact-details")).to_contain_text(BUYER_EMAIL)
            expect(exporter.locator("#contact-details")).to_contain_text("María López")
            expect(exporter.locator("#stage")).to_have_text("수락")
            exporter.screenshot(path=str(ARTIFACTS / "introduction-accepted-ko.png"), full_page=True)

            # The exporter's "buyers for you" and the advisor's funnel show it too.
            exporter.get_by_role("link", name="추천 바이어").click()
            expect(exporter.locator(f'article.match[data-buyer="{seeded["buyer"]}"]')).to_be_visible()
            advisor.goto(f"{live_server}/funnel?by=market")
            expect(advisor.locator("#funnel-chart svg.main-svg").first).to_be_visible()
            expect(advisor.locator('tr[data-group="MEX"] td[data-stage="accepted"]')).to_have_text("1")
        finally:
            browser.close()
    assert problems == []
