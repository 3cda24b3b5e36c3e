"""The consultation-room pages in Korean and English, in process: book, follow, confirm, publish."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape

import icalendar
import pytest
from sqlalchemy.orm import Session

from exportpilot.models import ConsultationBooking, Role
from tests.consultations.helpers import Room, make_room
from tests.factories import make_company, make_user
from tests.web.conftest import field_error, web_login

__all__ = ["web_login"]  # the fixture, imported for this module

EVERY_DAY = "\n".join(f"{d} 09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))


@pytest.fixture
def room(session: Session) -> Room:
    return make_room(session)


def _publish(client, csrf: str, **change: str):  # type: ignore[no-untyped-def]
    form = {
        "csrf_token": csrf,
        "office": "호치민무역관",
        "city": "Ho Chi Minh City",
        "country_code": "VNM",
        "timezone": "Asia/Ho_Chi_Minh",
        "slot_minutes": "30",
        "languages": "ko vi",
        "markets": "",
        "windows": EVERY_DAY,
        "is_active": "on",
        **change,
    }
    return client.post("/consultations/availability/new", data=form, follow_redirects=False)


def _book_links(page: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'<a class="button primary book-slot" href="([^"]+)"', page)]


def _later_link(page: str) -> str:
    """A slot an hour or more after the first (which may start right at the minimum-notice cut-off)."""
    links = _book_links(page)
    starts = [
        datetime.fromisoformat(re.search(r"start=([^&]+)", u).group(1).replace("Z", "+00:00")) for u in links
    ]  # type: ignore[union-attr]
    return next(u for u, s in zip(links, starts, strict=True) if s >= starts[0] + timedelta(hours=1))


def _book(client, link: str, **extra: str):  # type: ignore[no-untyped-def]
    form_page = client.get(link)
    assert form_page.status_code == 200, form_page.text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form_page.text))
    data = {**hidden, "topic": "market_entry", "notes": "베트남 진출 상담", **extra}
    return client.post("/consultations/book", data=data, follow_redirects=False)


class TestAvailabilityEditor:
    def test_an_advisor_publishes_edits_and_removes(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        csrf = web_login(room.advisor, lang="en")
        form = client.get("/consultations/availability/new")
        assert form.status_code == 200 and "Publish availability" in form.text
        r = _publish(client, csrf, topics="certification")
        assert r.status_code == 303, r.text
        listing = client.get("/consultations/availability")
        assert "Availability published." in listing.text
        assert "mon 09:00-17:00" in listing.text and "Asia/Ho_Chi_Minh" in listing.text
        availability_id = re.search(r'data-availability="(\d+)"', listing.text).group(1)  # type: ignore[union-attr]
        edit = client.get(f"/consultations/availability/{availability_id}/edit")
        assert "sun 09:00-17:00" in edit.text and 'value="certification" checked' in edit.text
        saved = client.post(
            f"/consultations/availability/{availability_id}/edit",
            data={**dict(_publish_fields(csrf)), "windows": "2030-01-07 21:00-01:00", "slot_minutes": "60"},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text
        assert "2030-01-07 21:00-01:00" in client.get("/consultations/availability").text
        removed = client.post(
            f"/consultations/availability/{availability_id}/delete",
            data={"csrf_token": csrf},
            follow_redirects=False,
        )
        assert removed.status_code == 303
        assert "Nothing published yet." in client.get("/consultations/availability").text

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"windows": "someday 09:00-10:00"}, "windows", "neither a weekday"),
            ({"timezone": "Saigon"}, "timezone", "not an IANA time zone"),
            ({"office": ""}, "office", "This field is required."),
            ({"slot_minutes": "abc"}, "slot_minutes", "Enter a whole number."),
        ],
    )
    def test_bad_input_is_shown_next_to_the_field(  # type: ignore[no-untyped-def]
        self, client, web_login, room: Room, change: dict, field: str, message: str
    ) -> None:
        csrf = web_login(room.advisor, lang="en")
        r = _publish(client, csrf, **change)
        assert r.status_code == 422
        assert message in (field_error(r.text, field) or "")
        assert "Nothing published yet." in client.get("/consultations/availability").text

    def test_exporters_do_not_edit_availability(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        csrf = web_login(room.exporter)
        assert client.get("/consultations/availability").status_code == 403
        assert _publish(client, csrf).status_code == 403

    def test_a_form_without_its_csrf_token_is_refused(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        web_login(room.advisor)
        assert _publish(client, "forged").status_code == 403


def _publish_fields(csrf: str) -> list[tuple[str, str]]:
    return [
        ("csrf_token", csrf),
        ("office", "호치민무역관"),
        ("city", "Ho Chi Minh City"),
        ("country_code", "VNM"),
        ("timezone", "Asia/Ho_Chi_Minh"),
        ("slot_minutes", "30"),
        ("languages", "ko vi"),
        ("markets", ""),
        ("is_active", "on"),
    ]


class TestBooking:
    def test_book_confirm_and_see_the_link_in_korean(
        self, client, web_login, room: Room, session: Session
    ) -> None:  # type: ignore[no-untyped-def]
        _publish(client, web_login(room.advisor))
        client.cookies.clear()
        web_login(room.exporter, lang="ko")
        page = client.get("/consultations")
        assert page.status_code == 200
        assert "상담 예약" in page.text and "Asia/Seoul" in page.text and "Asia/Ho_Chi_Minh" in page.text
        assert "UTC+09:00" in page.text and "UTC+07:00" in page.text
        link = _later_link(page.text)

        form_page = client.get(link)
        assert "내 시간" in form_page.text and "전문위원 시간" in form_page.text
        r = _book(client, link)
        assert r.status_code == 303, r.text
        detail_url = r.headers["location"]
        detail = client.get(detail_url)
        assert "상담을 신청했습니다" in detail.text
        assert 'id="meeting-pending"' in detail.text and 'id="confirm"' not in detail.text

        # The advisor confirms on the same page; then the exporter sees the link.
        client.cookies.clear()
        csrf = web_login(room.advisor, lang="en")
        advisor_view = client.get(detail_url)
        assert 'id="confirm"' in advisor_view.text
        confirmed = client.post(f"{detail_url}/confirm", data={"csrf_token": csrf}, follow_redirects=True)
        assert "Consultation confirmed" in confirmed.text
        client.cookies.clear()
        web_login(room.exporter, lang="ko")
        detail = client.get(detail_url)
        booking = session.get(ConsultationBooking, int(detail_url.rsplit("/", 1)[1]))
        assert booking is not None and booking.meeting_link
        assert f'id="meeting-link" href="{booking.meeting_link}"' in detail.text
        ics = client.get(f"{detail_url}/invite.ics")
        assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
        assert str(icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]["URL"]) == booking.meeting_link
        listing = client.get("/consultations/bookings")
        assert "확정" in listing.text and booking.meeting_link in listing.text

    def test_a_taken_slot_is_a_409_page_with_the_reason(  # type: ignore[no-untyped-def]
        self, client, web_login, room: Room, session: Session
    ) -> None:
        _publish(client, web_login(room.advisor))
        client.cookies.clear()
        web_login(room.exporter, lang="en")
        link = _later_link(client.get("/consultations").text)
        assert _book(client, link).status_code == 303
        client.cookies.clear()
        web_login(make_user(session, Role.exporter, company_id=make_company(session).id), lang="en")
        r = _book(client, link)
        assert r.status_code == 409
        assert "the advisor already has a consultation" in unescape(r.text)

    def test_a_missing_topic_is_marked(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        _publish(client, web_login(room.advisor))
        client.cookies.clear()
        web_login(room.exporter, lang="en")
        r = _book(client, _later_link(client.get("/consultations").text), topic="")
        assert r.status_code == 422
        assert field_error(r.text, "topic") == "This field is required."

    def test_the_slot_list_is_an_htmx_fragment_when_asked(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        _publish(client, web_login(room.advisor))
        r = client.get(
            "/consultations", params={"tz": "Europe/Berlin", "days": "2"},
            headers={"HX-Request": "true", "HX-Target": "slot-list"},
        )  # fmt: skip
        assert r.status_code == 200
        assert "<html" not in r.text and 'id="slot-count"' in r.text and "Europe/Berlin" in r.text

    def test_bad_filters_are_a_422_page(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        web_login(room.exporter, lang="en")
        assert client.get("/consultations", params={"tz": "Mars/Base"}).status_code == 422
        assert client.get("/consultations", params={"days": "99"}).status_code == 422

    def test_buyers_and_outsiders_are_kept_out(self, client, web_login, room: Room, session: Session) -> None:  # type: ignore[no-untyped-def]
        _publish(client, web_login(room.advisor))
        client.cookies.clear()
        web_login(room.exporter)
        r = _book(client, _later_link(client.get("/consultations").text))
        detail_url = r.headers["location"]
        client.cookies.clear()
        web_login(make_user(session, Role.buyer))
        assert client.get("/consultations").status_code == 403
        assert "/consultations" not in client.get("/").text.split("<main")[0]  # no menu entry
        client.cookies.clear()
        csrf = web_login(make_user(session, Role.exporter, company_id=make_company(session).id))
        assert client.get(detail_url).status_code == 403
        assert client.get(f"{detail_url}/invite.ics").status_code == 403
        assert client.post(f"{detail_url}/cancel", data={"csrf_token": csrf}).status_code == 403
        client.cookies.clear()
        csrf = web_login(room.exporter)
        assert client.post(f"{detail_url}/confirm", data={"csrf_token": csrf}).status_code == 403

    def test_the_exporter_cancels(self, client, web_login, room: Room) -> None:  # type: ignore[no-untyped-def]
        _publish(client, web_login(room.advisor))
        client.cookies.clear()
        csrf = web_login(room.exporter, lang="en")
        detail_url = _book(client, _later_link(client.get("/consultations").text)).headers["location"]
        r = client.post(
            f"{detail_url}/cancel", data={"csrf_token": csrf, "reason": "일정 변경"}, follow_redirects=True
        )
        assert "Consultation cancelled." in r.text and "일정 변경" in r.text
        assert 'id="cancel"' not in r.text
