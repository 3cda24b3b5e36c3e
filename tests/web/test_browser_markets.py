"""The export-market page in a real headless Chromium: a company's ranking with the Plotly chart drawn
offline, the what-if control re-ranking through htmx, the CSV download, and the product page in Korean.

Its own live server (uvicorn on its own SQLite database, like ``test_browser.py``'s) whose var folder
holds a small real market model (the small trade folder of ``tests/trade``, fewer trees); the firm, its
product and current market are registered through the API, as an agency admin would.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import valid_brn
from tests.markets.conftest import small_panel, small_snapshot_dir  # noqa: F401
from tests.trade.conftest import shared_trade, small_trade_dir  # noqa: F401
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

pytestmark = pytest.mark.browser

PASSWORD = "browser-markets-pass"
EXPORTER_EMAIL = "export@busan-valves.example"
ADVISOR_EMAIL = "markets.advisor@agency.example"


@pytest.fixture(scope="module")
def markets_server(tmp_path_factory: pytest.TempPathFactory, small_snapshot_dir: Path) -> Iterator[str]:  # noqa: F811
    _chromium_or_skip()
    tmp = tmp_path_factory.mktemp("browser-markets")
    url = f"sqlite:///{tmp / 'browser.db'}"
    _prepare_database(url)
    shutil.copytree(small_snapshot_dir, tmp / "markets" / "model")
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
def company_id(markets_server: str) -> int:
    api = httpx.Client(base_url=f"{markets_server}/api", timeout=60)
    token = api.post("/auth/token", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}).json()
    api.headers["Authorization"] = f"Bearer {token['access_token']}"

    def send(method: str, url: str, body: dict[str, object]) -> dict[str, object]:
        r = api.request(method, url, json=body)
        assert r.status_code in (200, 201), r.text
        return r.json()  # type: ignore[no-any-return]

    company = send(
        "POST",
        "/companies",
        {
            "name_ko": "(주)부산밸브",
            "name_en": "Busan Valves Co., Ltd.",
            "brn": valid_brn(781_001),
            "province": "KR-26",
            "industry": "machinery",
            "exports": [{"year": 2024, "value_usd": 400000}],
        },
    )
    send(
        "POST",
        "/products",
        {
            "company_id": company["id"],
            "name_ko": "산업용 볼 밸브",
            "name_en": "Industrial ball valve",
            "hs_code": "848180",
        },
    )
    send(
        "PUT",
        f"/companies/{company['id']}/export-markets",
        {"year": 2024, "markets": [{"country": "VNM", "value_usd": 400000}]},
    )
    for email, role, lang in ((EXPORTER_EMAIL, "exporter", "en"), (ADVISOR_EMAIL, "advisor", "ko")):
        user: dict[str, object] = {
            "email": email,
            "full_name": "Kim Valve" if role == "exporter" else "박시장",
            "password": PASSWORD,
            "role": role,
            "language": lang,
        }
        if role == "exporter":
            user["company_id"] = company["id"]
        send("POST", "/users", user)
    api.close()
    return int(company["id"])  # type: ignore[call-overload]


def test_company_markets_chart_what_if_and_csv(markets_server: str, company_id: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def login(email: str, lang: str):  # type: ignore[no-untyped-def]
                context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
                page = context.new_page()
                page.set_default_timeout(20_000)
                page.on("pageerror", lambda exc: problems.append(f"javascript error: {exc}"))
                page.on(
                    "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
                )
                page.goto(f"{markets_server}/login?lang={lang}")
                page.fill("#f-email", email)
                page.fill("#f-password", PASSWORD)
                page.locator("form button[type=submit]").click()
                expect(page).to_have_url(f"{markets_server}/")
                return page

            # The exporter (English) opens its company's markets from the main menu's page.
            page = login(EXPORTER_EMAIL, "en")
            page.get_by_role("link", name="Export markets").click()
            page.locator("#my-company-markets").click()
            expect(page).to_have_url(re.compile(rf"/companies/{company_id}/markets$"))
            expect(page.locator("h1")).to_contain_text("Busan Valves")
            rows = page.locator("#market-table tbody tr")
            expect(rows).to_have_count(20)
            # Vietnam is its current market: listed as its position, not recommended.
            expect(page.locator('#current-markets tr[data-current="VNM"]')).to_be_visible()
            expect(page.locator('#market-table tr[data-partner="VNM"]')).to_have_count(0)
            # The chart is drawn by the bundled plotly.js (no network), one bar trace per evidence family.
            expect(page.locator("#market-chart .main-svg").first).to_be_visible()
            traces = page.evaluate("document.getElementById('market-chart').data.length")
            assert traces >= 5
            page.screenshot(path=str(ARTIFACTS / "markets-company-en.png"), full_page=True)

            # What-if: the best new market closes; htmx re-ranks the results in place.
            first = rows.first.get_attribute("data-partner")
            assert first and re.fullmatch(r"[A-Z]{3}", first)
            page.select_option("#f-block", first)
            page.get_by_role("button", name="Re-rank").click()
            expect(page.locator("#scenario")).to_be_visible()
            expect(page).to_have_url(re.compile(rf"block={first}"))
            expect(page.locator(f'#market-table tr[data-partner="{first}"]')).to_have_count(0)
            expect(rows.first).not_to_have_attribute("data-partner", first)
            expect(page.locator("#market-table thead")).to_contain_text("Displaced")
            expect(page.locator("#market-chart .main-svg").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "markets-company-whatif-en.png"), full_page=True)

            # The CSV has every market with the scenario's columns.
            with page.expect_download() as info:
                page.locator("#csv-download").click()
            text = Path(info.value.path()).read_text(encoding="utf-8")
            table = list(csv.DictReader(io.StringIO(text)))
            assert len(table) > 30 and {"rank", "partner_iso3", "displaced_usd", "c_position"} <= set(
                table[0]
            )
            blocked = next(r for r in table if r["partner_iso3"] == first)
            assert float(blocked["retained_share"]) == 0.0

            # The advisor (Korean) ranks markets for an HS code.
            advisor = login(ADVISOR_EMAIL, "ko")
            advisor.goto(f"{markets_server}/markets")
            advisor.fill("#f-product", "854231")
            advisor.get_by_role("button", name="시장 순위 보기").click()
            expect(advisor.locator("h1")).to_have_text("수출 유망시장")
            expect(advisor.locator('[data-hs="854231"]')).to_contain_text("기계류")
            expect(advisor.locator("#market-table tbody tr")).to_have_count(20)
            expect(advisor.locator("#market-chart .main-svg").first).to_be_visible()
            expect(advisor.locator("#market-table")).to_contain_text("미국")
            advisor.screenshot(path=str(ARTIFACTS / "markets-product-ko.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
