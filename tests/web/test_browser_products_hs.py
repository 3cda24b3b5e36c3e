"""HS suggestions on the product page in a real headless Chromium: an advisor confirms one.

Its own live server (uvicorn on its own SQLite database, like ``test_browser.py``'s) whose model folder
holds the small real HS model of ``tests/hs_fixtures.py``; the firm, its product and the users are
registered through the API, as an agency admin would.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx
import pytest

from exportpilot.config import Settings
from exportpilot.products.hs_model import model_dir
from tests.factories import valid_brn
from tests.web.test_browser import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    _chromium_or_skip,
    _free_port,
    _prepare_database,
)

if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier

pytestmark = pytest.mark.browser

PASSWORD = "browser-hs-pass"
ADVISOR_EMAIL = "hs.expert@agency.example"
EXPORTER_EMAIL = "export@hanwoo-farm.example"


@pytest.fixture(scope="module")
def hs_server(tmp_path_factory: pytest.TempPathFactory, small_hs_model: HSClassifier) -> Iterator[str]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser-hs")
    url = f"sqlite:///{tmp / 'browser.db'}"
    _prepare_database(url)
    small_hs_model.save(model_dir(Settings(var_dir=tmp)))
    port = _free_port()
    env = {
        **os.environ,
        "EXPORTPILOT_DATABASE_URL": url,
        "EXPORTPILOT_ENVIRONMENT": "test",
        "EXPORTPILOT_SECRET_KEY": "browser-test-secret-key",
        "EXPORTPILOT_VAR_DIR": str(tmp),
    }
    log_path = tmp / "server.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "exportpilot.api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"the server exited with {proc.returncode}:\n{log_path.read_text()}")
            try:
                if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the server did not answer within 30 s:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def product_id(hs_server: str) -> int:
    api = httpx.Client(base_url=f"{hs_server}/api", timeout=60)
    token = api.post("/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()
    api.headers["Authorization"] = f"Bearer {token['access_token']}"

    def post(url: str, body: dict[str, object]) -> dict[str, object]:
        r = api.post(url, json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()

    company = post(
        "/companies",
        {
            "name_ko": "(주)횡성한우농장",
            "name_en": "Hoengseong Hanwoo Farm Co., Ltd.",
            "brn": valid_brn(779_001),
            "province": "KR-42",
            "industry": "agri_fishery",
        },
    )
    product = post(
        "/products",
        {
            "company_id": company["id"],
            "name_ko": "냉동 한우 등심",
            "name_en": "Frozen boneless beef sirloin",
            "description_ko": "뼈를 발라낸 냉동 한우 등심, 5 kg 진공 포장. HACCP 인증 작업장에서 가공합니다.",
            "description_en": "Meat of bovine animals, frozen, boneless sirloin in 5 kg vacuum packs. "
            "Processed in a HACCP-certified plant.",
            "certifications": ["HACCP"],
        },
    )
    post(
        "/users",
        {
            "email": ADVISOR_EMAIL,
            "full_name": "정품목",
            "password": PASSWORD,
            "role": "advisor",
            "language": "ko",
        },
    )
    post(
        "/users",
        {
            "email": EXPORTER_EMAIL,
            "full_name": "Lee Export",
            "password": PASSWORD,
            "role": "exporter",
            "language": "en",
            "company_id": company["id"],
        },
    )
    api.close()
    return int(product["id"])


def test_product_page_shows_suggestions_and_an_advisor_confirms_one(hs_server: str, product_id: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def login(email: str, lang: str):  # type: ignore[no-untyped-def]
                page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
                page.set_default_timeout(15_000)
                page.on("pageerror", lambda exc: problems.append(f"javascript error: {exc}"))
                page.on(
                    "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
                )
                page.goto(f"{hs_server}/login?lang={lang}")
                page.fill("#f-email", email)
                page.fill("#f-password", PASSWORD)
                page.locator("form button[type=submit]").click()
                expect(page).to_have_url(f"{hs_server}/")
                return page

            # The exporter (English) sees the suggestions for its product and may accept one.
            exporter = login(EXPORTER_EMAIL, "en")
            exporter.goto(f"{hs_server}/products/{product_id}")
            candidates = exporter.locator("li.hs-candidate")
            expect(candidates.first).to_be_visible(timeout=60_000)  # the first request loads the model
            expect(candidates).to_have_count(5)
            expect(candidates.first.locator(".confirm-hs")).to_have_text("Accept this code")
            expect(exporter.locator("#profile-certifications")).to_contain_text("HACCP")
            exporter.screenshot(path=str(ARTIFACTS / "product-hs-suggestions-en.png"), full_page=True)

            # The advisor (Korean) reads the evidence and confirms the best suggestion.
            advisor = login(ADVISOR_EMAIL, "ko")
            advisor.goto(f"{hs_server}/products/{product_id}")
            first = advisor.locator("li.hs-candidate").first
            expect(first).to_be_visible(timeout=60_000)
            code = first.get_attribute("data-code")
            assert code and re.fullmatch(r"\d{6}", code) and code.startswith("02")
            expect(first.locator(".match-score")).to_have_text(re.compile(r"^\d{1,3}%$"))
            expect(advisor.locator("#hs-review")).to_have_attribute(
                "data-needs-review", re.compile("true|false")
            )
            first.locator("summary").click()
            expect(first.locator("details")).to_contain_text("가장 가까운 분류 사례")
            expect(first.locator("details")).to_contain_text("품목분류표")
            advisor.screenshot(path=str(ARTIFACTS / "product-hs-suggestions-ko.png"), full_page=True)
            first.get_by_role("button", name="이 코드로 확정").click()

            expect(advisor).to_have_url(re.compile(rf"/products/{product_id}(#hs)?$"))
            expect(advisor.locator(".flash")).to_contain_text("확정했습니다")
            expect(advisor.locator("#hs-current")).to_have_attribute("data-code", code)
            provenance = advisor.locator("#hs-provenance")
            expect(provenance).to_have_attribute("data-source", "model")
            expect(provenance).to_contain_text("정품목")
            expect(provenance).to_contain_text("분류기 학습 데이터")
            # The confirmed code is now marked as current among the suggestions.
            current = advisor.locator(f'li.hs-candidate[data-code="{code}"]')
            expect(current).to_contain_text("현재 코드", timeout=60_000)
            advisor.screenshot(path=str(ARTIFACTS / "product-hs-confirmed-ko.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []

    # The API tells the same story.
    api = httpx.Client(base_url=f"{hs_server}/api", timeout=30)
    token = api.post("/auth/token", json={"email": ADVISOR_EMAIL, "password": PASSWORD}).json()[
        "access_token"
    ]
    product = api.get(f"/products/{product_id}", headers={"Authorization": f"Bearer {token}"}).json()
    api.close()
    assert product["hs_code"] == code and product["hs_source"] == "model"
