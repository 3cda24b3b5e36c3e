"""The online consultation room in a real headless Chromium: an advisor at an overseas office publishes
availability → an exporter books a slot (shown in both time zones) → the advisor confirms → the exporter
sees the meeting link and downloads the iCalendar invite.

Reuses the live server of ``test_browser.py`` (uvicorn on its own SQLite database); the firm and the two
users are created through the API, as an agency admin would.
"""

from __future__ import annotations

import re

import httpx
import icalendar
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

PASSWORD = "browser-consult-pass"
ADVISOR_EMAIL = "hcmc.desk@agency.example"
EXPORTER_EMAIL = "export@sejin-food.example"


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
            "name_ko": "(주)세진푸드",
            "name_en": "Sejin Food Co., Ltd.",
            "brn": valid_brn(779_001),
            "province": "KR-44",
            "industry": "processed_food",
        },
    )
    post(
        "/users",
        {
            "email": ADVISOR_EMAIL,
            "full_name": "Tran Minh (호치민무역관)",
            "password": PASSWORD,
            "role": "advisor",
            "language": "en",
        },
    )
    post(
        "/users",
        {
            "email": EXPORTER_EMAIL,
            "full_name": "김수출",
            "password": PASSWORD,
            "role": "exporter",
            "language": "ko",
            "company_id": company["id"],
        },
    )
    api.close()
    return {"company": int(company["id"])}


def test_book_confirm_then_link_and_invite(live_server: str, seeded: dict[str, int]) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:

            def login(email: str, lang: str):  # type: ignore[no-untyped-def]
                context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
                page = context.new_page()
                page.set_default_timeout(10_000)
                page.on("pageerror", lambda exc: problems.append(f"javascript error: {exc}"))
                page.on(
                    "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
                )
                page.goto(f"{live_server}/login?lang={lang}")
                page.fill("#f-email", email)
                page.fill("#f-password", PASSWORD)
                page.locator("form button[type=submit]").click()
                expect(page).to_have_url(f"{live_server}/")
                return page

            # The advisor in Ho Chi Minh City publishes office hours in the office's own time zone.
            advisor = login(ADVISOR_EMAIL, "en")
            advisor.get_by_role("link", name="Consultations").click()
            advisor.get_by_role("link", name="My availability").first.click()
            advisor.get_by_role("link", name="+ Publish availability").click()
            advisor.fill("#f-office", "호치민무역관 (Ho Chi Minh City)")
            advisor.fill("#f-city", "Ho Chi Minh City")
            advisor.select_option("#f-country_code", "VNM")
            advisor.fill("#f-timezone", "Asia/Ho_Chi_Minh")
            days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            advisor.fill("#f-windows", "\n".join(f"{d} 09:00-17:00" for d in days))
            advisor.fill("#f-languages", "ko vi en")
            advisor.check("input[name=topics][value=market_entry]")
            advisor.check("input[name=topics][value=certification]")
            advisor.get_by_role("button", name="Save").click()
            expect(advisor).to_have_url(f"{live_server}/consultations/availability")
            expect(advisor.locator(".flash")).to_contain_text("Availability published")
            expect(advisor.locator("#availability-table")).to_contain_text("sun 09:00-17:00")

            # The exporter, in Korean, sees the slots in Seoul time and in Ho Chi Minh City time.
            exporter = login(EXPORTER_EMAIL, "ko")
            exporter.get_by_role("link", name="화상상담").click()
            expect(exporter.locator("h1")).to_have_text("상담 예약")
            first_row = exporter.locator("tr.slot").first
            expect(first_row).to_contain_text("UTC+09:00")
            expect(first_row).to_contain_text("Asia/Ho_Chi_Minh")
            # The htmx filter swaps the slot list only; the address follows.
            exporter.select_option("#f-topic", "certification")
            expect(exporter).to_have_url(re.compile(r"topic=certification"))
            expect(exporter.locator("tr.slot").first).to_be_visible()
            exporter.screenshot(path=str(ARTIFACTS / "consultation-slots-ko.png"), full_page=True)
            # Not the very first slot: it may start right at the minimum-notice cut-off.
            exporter.locator("a.book-slot").nth(2).click()
            expect(exporter.locator("#time-mine")).to_contain_text("Asia/Seoul")
            expect(exporter.locator("#time-theirs")).to_contain_text("Asia/Ho_Chi_Minh")
            mine = exporter.locator("#time-mine .big").inner_text()
            theirs = exporter.locator("#time-theirs .big").inner_text()
            h_mine = int(re.search(r"(\d{2}):\d{2}–", mine).group(1))  # type: ignore[union-attr]
            h_theirs = int(re.search(r"(\d{2}):\d{2}–", theirs).group(1))  # type: ignore[union-attr]
            assert (h_mine - h_theirs) % 24 == 2  # Seoul is two hours ahead of Ho Chi Minh City
            exporter.select_option("#f-topic", "certification")
            exporter.fill("#f-notes", "베트남 HACCP 인증 절차 문의")
            exporter.get_by_role("button", name="상담 신청").click()
            expect(exporter).to_have_url(re.compile(r"/consultations/bookings/\d+$"))
            booking_url = exporter.url
            expect(exporter.locator("#status")).to_have_text("확정 대기")
            expect(exporter.locator("#meeting-pending")).to_be_visible()
            expect(exporter.locator("#meeting-link")).to_have_count(0)
            expect(exporter.locator("#confirm")).to_have_count(0)

            # The advisor finds it among their consultations and confirms it.
            advisor.get_by_role("link", name="My consultations").first.click()
            row = advisor.locator("#booking-table tbody tr").first
            expect(row).to_contain_text("Awaiting confirmation")
            row.locator("a").first.click()
            expect(advisor).to_have_url(booking_url)
            advisor.locator("#confirm").click()
            expect(advisor.locator("#status")).to_have_text("Confirmed")
            link = advisor.locator("#meeting-link").inner_text()
            assert re.fullmatch(r"https://meet\.jit\.si/exportpilot-\d+-[0-9a-f]{16}", link), link

            # The exporter now sees the link and downloads the invite.
            exporter.reload()
            expect(exporter.locator("#status")).to_have_text("확정")
            expect(exporter.locator("#meeting-link")).to_have_text(link)
            exporter.screenshot(path=str(ARTIFACTS / "consultation-confirmed-ko.png"), full_page=True)
            with exporter.expect_download() as download_info:
                exporter.locator("#ics-download").click()
            download = download_info.value
            assert download.suggested_filename.startswith(
                "consultation-"
            ) and download.suggested_filename.endswith(".ics")
            path = download.path()
            assert path is not None
            with open(path, "rb") as fh:
                cal = icalendar.Calendar.from_ical(fh.read())
            event = cal.walk("VEVENT")[0]
            assert str(cal["METHOD"]) == "REQUEST" and str(event["STATUS"]) == "CONFIRMED"
            assert str(event["URL"]) == link
            attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee")}
            assert attendees == {ADVISOR_EMAIL, EXPORTER_EMAIL}
            assert event.decoded("DTSTART").tzinfo is not None

            exporter.get_by_role("link", name="내 상담").first.click()
            expect(exporter.locator("#booking-table a.meeting")).to_have_attribute("href", link)
        finally:
            browser.close()
    assert problems == []
