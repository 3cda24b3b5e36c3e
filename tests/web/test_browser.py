"""The pages in a real headless Chromium against a real server (uvicorn) on its own SQLite database.

Drives Debian's /usr/bin/chromium through Playwright; never downloads a browser. Without Chromium the
test is skipped with the reason, or fails when the environment variable CI is set.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import sessionmaker

from exportpilot.companies import service as companies
from exportpilot.companies.schemas import AnnualExport, CompanyCreate
from exportpilot.db.migrate import upgrade
from exportpilot.db.session import make_engine, unit_of_work
from exportpilot.models import Buyer, ExportStatus, Role, VerificationStatus
from exportpilot.reference.loader import load_reference
from exportpilot.users import service as users
from exportpilot.users.schemas import UserCreate
from tests.factories import valid_brn

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
ADMIN_EMAIL = "admin@agency.example"
ADMIN_PASSWORD = "browser-test-password"

# A few firms across the regions, registered through the companies service, so the chart has a shape.
SEED = [
    ("(주)부산마린텍", "Busan Marine Tech Co., Ltd.", "KR-26", "machinery", 2),
    ("경남정밀(주)", "Gyeongnam Precision Co., Ltd.", "KR-48", "machinery", 3),
    ("서울뷰티랩", "Seoul Beauty Lab", "KR-11", "cosmetics", 3),
    ("경기바이오(주)", "Gyeonggi Bio Inc.", "KR-41", "medical_devices", 2),
    ("대구섬유", "Daegu Textile", "KR-27", "textiles_apparel", 2),
    ("충북스마트팜", "Chungbuk Smart Farm", "KR-43", "agri_fishery", 1),
    ("광주광융합", "Gwangju Photonics", "KR-29", "electronic_components", 1),
    ("강원청정식품", "Gangwon Clean Foods", "KR-42", "processed_food", 1),
    ("전주한지공방", "Jeonju Hanji Studio", "KR-45", "household_goods", 1),
    ("제주화장품(주)", "Jeju Cosmetics Co., Ltd.", "KR-49", "cosmetics", 1),
]


def _chromium_or_skip() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: install Debian's chromium (scripts/ensure-browser.sh) for the browser test"
    )
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare_database(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(sessionmaker(bind=engine, expire_on_commit=False)) as session:
        load_reference(session)
        admin = users.create_user(
            session,
            data=UserCreate(
                email=ADMIN_EMAIL, full_name="김지원", password=ADMIN_PASSWORD, role=Role.admin, language="ko"
            ),
            actor=None,
        )
        for i, (name_ko, name_en, province, industry, copies) in enumerate(SEED):
            for n in range(copies):
                companies.create_company(
                    session,
                    data=CompanyCreate(
                        name_ko=name_ko if n == 0 else f"{name_ko} {n + 1}공장",
                        name_en=name_en if n == 0 else f"{name_en} Plant {n + 1}",
                        brn=valid_brn(900_000 + i * 10 + n),
                        province=province,
                        industry=industry,
                        employees=20 + 7 * i + n,
                        export_status=ExportStatus.initial if i % 3 else ExportStatus.growing,
                        exports=[
                            AnnualExport(year=2023, value_usd=90_000 * (i + 1)),
                            AnnualExport(year=2024, value_usd=150_000 * (i + 1)),
                        ],
                    ),
                    actor=admin,
                )
        for i, status in enumerate(VerificationStatus):
            session.add(
                Buyer(company_name=f"Importer {i + 1}", country_code="VNM", verification_status=status)
            )
    engine.dispose()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'browser.db'}"
    _prepare_database(url)
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


def test_register_company_and_product_in_both_languages(live_server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    brn = valid_brn(777_001)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="ko-KR")
            page.set_default_timeout(10_000)
            page.on("pageerror", lambda exc: problems.append(f"javascript error: {exc}"))
            page.on(
                "response",
                lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
            )

            # Anonymous: sent to the login form, in Korean by default.
            page.goto(f"{live_server}/companies")
            expect(page).to_have_url(re.compile(r"/login\?next=%2Fcompanies$"))
            expect(page.locator("html")).to_have_attribute("lang", "ko")
            page.fill("#f-email", ADMIN_EMAIL)
            page.fill("#f-password", ADMIN_PASSWORD)
            page.get_by_role("button", name="로그인").click()
            expect(page).to_have_url(f"{live_server}/companies")

            # The dashboard draws the Plotly chart from the locally served plotly.js.
            page.get_by_role("link", name="대시보드").click()
            expect(page.locator("#region-chart svg.main-svg").first).to_be_visible()
            expect(page.locator("#region-chart .bars path")).to_have_count(8)
            expect(page.locator("[data-kpi=companies]")).to_have_text("17")
            page.screenshot(path=str(ARTIFACTS / "dashboard-ko.png"), full_page=True)

            # Register a company through the form.
            page.goto(f"{live_server}/companies")
            page.get_by_role("link", name="기업 등록").click()
            page.fill("#f-name_ko", "(주)한빛정밀")
            page.fill("#f-name_en", "Hanbit Precision Co., Ltd.")
            page.fill("#f-brn", f"{brn[:3]}-{brn[3:5]}-{brn[5:]}")
            page.select_option("#f-province", "KR-48")
            page.select_option("#f-industry", "machinery")
            page.fill("#f-employees", "42")
            page.select_option("#f-export_status", "growing")
            page.fill("#f-founded_year", "1998")
            page.fill("#f-website", "https://hanbit.example")
            page.fill("#f-description", "정밀 절삭공구와 주방용 칼을 만드는 창원의 강소기업입니다.")
            years = page.locator("input[name=export_year]")
            amounts = page.locator("input[name=export_value]")
            for row, (year, value) in enumerate([("2023", "420000"), ("2024", "655000"), ("2025", "910000")]):
                years.nth(row).fill(year)
                amounts.nth(row).fill(value)
            page.get_by_role("button", name="저장").click()
            expect(page).to_have_url(re.compile(r"/companies/\d+$"))
            expect(page.locator("h1")).to_have_text("(주)한빛정밀")
            expect(page.locator(".flash")).to_contain_text("등록했습니다")
            expect(page.locator(".facts")).to_contain_text("동남권")
            expect(page.locator(".facts")).to_contain_text("경남제주지역본부")
            company_url = page.url

            # Add a product to it.
            page.get_by_role("link", name="+ 제품 추가").click()
            page.fill("#f-name_ko", "스테인리스 주방용 칼")
            page.fill("#f-name_en", "Stainless steel kitchen knife")
            page.fill("#f-description_ko", "몰리브덴 바나듐강 일체형 셰프 나이프, 20cm")
            page.fill("#f-description_en", "One-piece molybdenum-vanadium steel chef's knife, 20 cm")
            page.fill("#f-hs_code", "8211.91")
            page.fill("#f-moq", "500")
            page.fill("#f-moq_unit", "pcs")
            page.fill("#f-price_min", "12.50")
            page.fill("#f-price_max", "18")
            page.select_option("#f-currency", "USD")
            page.fill("#f-certifications", "CE, FDA")
            page.fill("#f-specifications", "재질: 스테인리스강\n길이: 20 cm")
            page.get_by_role("button", name="저장").click()
            expect(page).to_have_url(re.compile(r"/products/\d+$"))
            expect(page.locator(".hs-tree")).to_contain_text("821191")

            # Both are listed; the company filter swaps only the table (htmx) and updates the address.
            page.goto(f"{live_server}/companies")
            table = page.locator("#company-table")
            page.fill("#f-q", "한빛")
            expect(table.locator("tbody tr")).to_have_count(1)
            expect(table).to_contain_text("(주)한빛정밀")
            expect(page).to_have_url(re.compile(r"q=%ED%95%9C%EB%B9%9B"))
            page.select_option("#f-region", "capital")
            expect(table.locator("td.empty")).to_be_visible()
            page.goto(f"{live_server}/products")
            expect(page.locator("#product-table")).to_contain_text("스테인리스 주방용 칼")

            # Language switch: the interface changes from Korean to English and back.
            page.goto(company_url)
            expect(page.locator("nav.mainnav")).to_contain_text("기업")
            page.locator("#lang-switch a[data-lang=en]").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
            expect(page.locator("nav.mainnav")).to_contain_text("Companies")
            expect(page.locator("h1")).to_have_text("Hanbit Precision Co., Ltd.")
            expect(page.locator(".facts")).to_contain_text("Southeast Region")
            page.goto(f"{live_server}/")  # the choice is remembered
            expect(page.get_by_role("heading", name="Regional dashboard")).to_be_visible()
            page.locator("#lang-switch a[data-lang=ko]").click()
            expect(page.get_by_role("heading", name="권역별 현황")).to_be_visible()

            page.goto(company_url)
            expect(page.locator("html")).to_have_attribute("lang", "ko")
            page.screenshot(path=str(ARTIFACTS / "company-ko.png"), full_page=True)
            page.goto(f"{live_server}/")
            expect(page.locator("#region-chart svg.main-svg").first).to_be_visible()
            page.screenshot(path=str(ROOT / "docs" / "screenshot.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []


def test_missing_chromium_is_skipped_locally_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="is missing"):
        _chromium_or_skip()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        _chromium_or_skip()
