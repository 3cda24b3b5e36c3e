"""The event pages in-process: request → accept → schedule → agenda through the forms, in Korean and
English, with errors shown on the page."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from tests.events.conftest import World
from tests.web.conftest import csrf_of, html_lang, web_login

__all__ = ["web_login"]  # the fixture, imported for this module


def post(client, url: str, csrf: str, **data: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf, **data}, follow_redirects=True)


class TestEventPages:
    def test_request_accept_schedule_agenda(self, client, session: Session, world: World, web_login) -> None:
        eid = world.event.id
        csrf = web_login(world.buyer_users[0], lang="en")
        page = client.get(f"/events/{eid}")
        assert page.status_code == 200 and html_lang(page.text) == "en"
        assert 'id="request-form"' in page.text and "Hanbit Precision 2" in page.text
        r = post(
            client, f"/events/{eid}/requests", csrf, counterpart=str(world.exporters[0].id), priority="5"
        )
        assert r.status_code == 200 and "Meeting requested" in r.text
        assert "Waiting for an answer" in r.text

        client.cookies.clear()
        csrf = web_login(world.exporter_users[0], lang="ko")
        page = client.get(f"/events/{eid}")
        assert html_lang(page.text) == "ko" and "응답 대기" in page.text
        request_id = int(re.search(r'id="request-(\d+)"', page.text).group(1))
        r = post(client, f"/events/{eid}/requests/{request_id}/accept", csrf)
        assert "상담 요청을 수락했습니다." in r.text
        notes = client.get("/notifications")
        assert "Importadora 1에서 상담을 요청했습니다." in notes.text

        client.cookies.clear()
        csrf = web_login(world.advisor, lang="ko")
        r = post(client, f"/events/{eid}/schedule", csrf, time_limit="2")
        assert r.status_code == 200 and "상담 1건 배정" in r.text and 'id="last-run"' in r.text
        grid = client.get(f"/events/{eid}/grid")
        assert grid.status_code == 200 and "Importadora 1" in grid.text and "한빛정밀1" in grid.text

        client.cookies.clear()
        web_login(world.buyer_users[0], lang="en")
        agenda = client.get(f"/events/{eid}/agenda")
        assert agenda.status_code == 200 and "Agenda: Importadora 1" in agenda.text
        assert agenda.text.count('class="agenda-item"') == 1 and "Hanbit Precision 1" in agenda.text
        pdf = client.get(
            re.search(r'id="agenda-pdf" href="([^"]+)"', agenda.text).group(1).replace("&amp;", "&")
        )
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
        ics = client.get(
            re.search(r'id="agenda-ics" href="([^"]+)"', agenda.text).group(1).replace("&amp;", "&")
        )
        assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.content
        notes = client.get("/notifications")
        assert "meeting with Hanbit Precision 1 on 2026-12-09" in notes.text.replace("your ", "")
        csrf = csrf_of(notes.text)
        post(client, "/notifications/read", csrf)
        assert 'class="card notification unread"' not in client.get("/notifications").text

    def test_a_buyer_gets_the_forbidden_page_for_the_grid(self, client, world: World, web_login) -> None:
        web_login(world.buyer_users[0], lang="en")
        r = client.get(f"/events/{world.event.id}/grid")
        assert r.status_code == 403 and "You do not have access to this page" in r.text

    def test_bad_slots_are_shown_on_the_page(self, client, world: World, web_login) -> None:
        csrf = web_login(world.advisor, lang="en")
        r = post(
            client,
            f"/events/{world.event.id}/slots",
            csrf,
            days="2026-12-09",
            start="09:15",
            end="10:00",
            minutes="30",
            gap_minutes="0",
            break_start="",
            break_end="",
        )
        assert r.status_code == 422 and 'id="event-errors"' in r.text and "overlaps slot" in r.text

    def test_an_organiser_creates_an_event_and_a_bad_time_zone_is_marked(
        self, client, world: World, web_login
    ) -> None:
        csrf = web_login(world.advisor, lang="ko")
        bad = post(
            client, "/events", csrf, name="광주 상담회", type="in_person", timezone="Asia/Gwangju", tables="5"
        )
        assert bad.status_code == 422 and 'id="err-timezone"' in bad.text
        good = post(
            client, "/events", csrf, name="광주 상담회", type="online_week", timezone="Asia/Seoul", tables="5"
        )
        assert good.status_code == 200 and "광주 상담회" in good.text and "준비 중" in good.text

    def test_the_event_list_shows_only_visible_events(
        self, client, session: Session, world: World, web_login
    ) -> None:
        web_login(world.outsider, lang="en")
        page = client.get("/events")
        assert page.status_code == 200 and "부산 수출상담회" in page.text
        detail = client.get(f"/events/{world.event.id}")
        assert 'id="register-me"' in detail.text  # an open event: it may take part
