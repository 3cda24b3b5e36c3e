"""An export consultation meeting in a real headless Chromium: request → accept → schedule → agenda.

Reuses the live server of ``test_browser.py`` (uvicorn on its own SQLite database); the agency admin
seeds the firm, the buyer, their users and the event (slots, participants) through the API.
"""

from __future__ import annotations

import re

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

PASSWORD = "browser-events-pass"
BUYER_EMAIL = "purchasing@saigon-kitchen.example"
EXPORTER_EMAIL = "export@dongnam-steel.example"


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
            "name_ko": "(주)동남스틸웨어",
            "name_en": "Dongnam Steelware Co., Ltd.",
            "brn": valid_brn(779_001),
            "province": "KR-26",
            "industry": "household_goods",
        },
    )
    buyer = post(
        "/buyers", {"company_name": "Saigon Kitchen Co.", "country": "VN", "languages": ["vi", "en"]}
    )
    post(
        "/users",
        {"email": BUYER_EMAIL, "full_name": "Nguyễn Lan", "password": PASSWORD, "role": "buyer",
         "language": "en", "buyer_id": buyer["id"]},
    )  # fmt: skip
    post(
        "/users",
        {"email": EXPORTER_EMAIL, "full_name": "박수출", "password": PASSWORD, "role": "exporter",
         "language": "ko", "company_id": company["id"]},
    )  # fmt: skip
    event = post("/events", {"name": "2026 부산 수출상담회", "venue": "BEXCO", "tables": 4})
    eid = event["id"]
    post(
        f"/events/{eid}/slots/plan", {"days": ["2026-12-09"], "start": "09:00", "end": "12:00", "minutes": 30}
    )
    r = api.patch(f"/events/{eid}", json={"status": "open"})
    assert r.status_code == 200, r.text
    bp = post(
        f"/events/{eid}/participants",
        {"kind": "buyer", "buyer_id": buyer["id"], "timezone": "Asia/Ho_Chi_Minh"},
    )
    ep = post(
        f"/events/{eid}/participants",
        {"kind": "exporter", "company_id": company["id"], "languages": ["ko", "en"]},
    )
    api.close()
    return {"event": int(eid), "buyer_participant": int(bp["id"]), "exporter_participant": int(ep["id"])}


def test_request_accept_schedule_agenda(live_server: str, seeded: dict[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    event_url = f"{live_server}/events/{seeded['event']}"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def login(email: str, password: str, lang: str):  # type: ignore[no-untyped-def]
                page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
                page.set_default_timeout(15_000)
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

            # The buyer finds the event and asks for a meeting with the exporter.
            buyer = login(BUYER_EMAIL, PASSWORD, "en")
            buyer.get_by_role("link", name="Events").click()
            buyer.get_by_role("link", name="2026 부산 수출상담회").click()
            expect(buyer).to_have_url(event_url)
            buyer.select_option("#f-counterpart", str(seeded["exporter_participant"]))
            buyer.select_option("#f-priority", "5")
            buyer.locator("#request-meeting").click()
            expect(buyer.locator(".flash")).to_contain_text("Meeting requested")
            expect(buyer.locator("#request-table .badge.r-requested")).to_have_text("Waiting for an answer")

            # The exporter is notified and accepts, in Korean.
            exporter = login(EXPORTER_EMAIL, PASSWORD, "ko")
            exporter.get_by_role("link", name="알림").click()
            expect(exporter.locator("#notification-list")).to_contain_text(
                "Saigon Kitchen Co.에서 상담을 요청했습니다."
            )
            exporter.goto(event_url)
            exporter.locator("#request-table button.accept").click()
            expect(exporter.locator(".flash")).to_contain_text("상담 요청을 수락했습니다.")
            expect(exporter.locator("#request-table .badge.r-accepted")).to_be_visible()

            # The organiser runs the scheduler and sees the meeting on the grid.
            admin = login(ADMIN_EMAIL, ADMIN_PASSWORD, "ko")
            admin.goto(event_url)
            admin.fill("#f-time_limit", "3")
            admin.locator("#run-schedule").click()
            expect(admin.locator("#last-run")).to_contain_text("1")
            expect(admin.locator(".flash").first).to_contain_text("상담 일정을 저장했습니다.")
            admin.locator("#grid-link").click()
            expect(admin.locator("#grid td.m-scheduled")).to_have_count(1)
            expect(admin.locator("#grid")).to_contain_text("Saigon Kitchen Co.")
            admin.screenshot(path=str(ARTIFACTS / "event-grid-ko.png"), full_page=True)

            # The buyer's agenda: one meeting, in its own time zone, with PDF and iCalendar downloads.
            buyer.goto(event_url)
            buyer.locator("#my-agenda").click()
            expect(buyer).to_have_url(re.compile(r"/events/\d+/agenda$"))
            expect(buyer.locator(".agenda-item")).to_have_count(1)
            expect(buyer.locator(".agenda-item")).to_contain_text("Dongnam Steelware Co., Ltd.")
            expect(buyer.locator("body")).to_contain_text("Asia/Ho_Chi_Minh")
            buyer.screenshot(path=str(ARTIFACTS / "event-agenda-en.png"), full_page=True)
            pdf = buyer.request.get(live_server + str(buyer.locator("#agenda-pdf").get_attribute("href")))
            assert pdf.status == 200 and pdf.body().startswith(b"%PDF-")
            ics = buyer.request.get(live_server + str(buyer.locator("#agenda-ics").get_attribute("href")))
            assert ics.status == 200 and b"TZID=Asia/Ho_Chi_Minh" in ics.body()
            buyer.get_by_role("link", name="Notifications").click()
            expect(buyer.locator("#notification-list")).to_contain_text("meeting with Dongnam Steelware")
        finally:
            browser.close()
    assert problems == []
