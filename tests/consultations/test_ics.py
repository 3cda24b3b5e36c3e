"""The iCalendar invite, parsed back with ``icalendar``: parties, time zones, UID, REQUEST and CANCEL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy.orm import Session

from exportpilot.consultations import service
from exportpilot.models import ConsultationBooking, Role
from tests.consultations.helpers import NOW, Room, book, make_room, publish, weekdays
from tests.factories import make_user

TUESDAY_9_HCMC = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


@pytest.fixture
def room(session: Session) -> Room:
    return make_room(session)


@pytest.fixture
def booking(session: Session, room: Room) -> ConsultationBooking:
    a = publish(session, room.advisor, weekdays("09:00", "12:00"))
    return book(session, room.exporter, a, TUESDAY_9_HCMC, notes="HACCP 인증 문의")


def _parse(
    session: Session, booking: ConsultationBooking, actor
) -> tuple[icalendar.Calendar, icalendar.Event]:  # type: ignore[no-untyped-def]
    name, content = service.invite(session, booking_id=booking.id, actor=actor)
    assert name == f"consultation-{booking.id}.ics"
    assert content.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = icalendar.Calendar.from_ical(content)
    events = cal.walk("VEVENT")
    assert len(events) == 1
    return cal, events[0]


def _attendees(event: icalendar.Event) -> dict[str, str]:
    found = event.get("attendee")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): str(a.params["PARTSTAT"]) for a in found}


class TestInvite:
    def test_a_requested_consultation_is_a_tentative_request_to_both_parties(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        cal, ev = _parse(session, booking, room.exporter)
        assert str(cal["METHOD"]) == "REQUEST"
        assert str(ev["STATUS"]) == "TENTATIVE"
        assert str(ev["UID"]) == booking.ical_uid and int(ev["SEQUENCE"]) == 0
        assert _attendees(ev) == {room.advisor.email: "NEEDS-ACTION", room.exporter.email: "ACCEPTED"}
        assert str(ev["ORGANIZER"]) == f"mailto:{room.advisor.email}"
        assert "meet.jit.si" not in ev.to_ical().decode()  # no link before confirmation
        assert "HACCP 인증 문의" in str(ev["DESCRIPTION"])

    def test_times_carry_the_exporters_zone_and_name_the_same_instant(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        cal, ev = _parse(session, booking, room.advisor)
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        assert str(start.tzinfo) == "Asia/Seoul" and ev["DTSTART"].params["TZID"] == "Asia/Seoul"
        assert (start.hour, start.minute) == (11, 0)
        assert start == TUESDAY_9_HCMC and end - start == timedelta(minutes=30)
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Seoul"]
        description = str(ev["DESCRIPTION"])
        assert "2026-03-03 11:00 (UTC+09:00) Asia/Seoul" in description
        assert "2026-03-03 09:00 (UTC+07:00) Asia/Ho_Chi_Minh" in description

    def test_confirmation_adds_the_link_and_keeps_the_uid(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        service.confirm_booking(session, booking_id=booking.id, actor=room.advisor, now=NOW)
        cal, ev = _parse(session, booking, room.exporter)
        assert str(cal["METHOD"]) == "REQUEST" and str(ev["STATUS"]) == "CONFIRMED"
        assert str(ev["UID"]) == booking.ical_uid and int(ev["SEQUENCE"]) == 1
        assert str(ev["LOCATION"]) == booking.meeting_link == str(ev["URL"])
        assert _attendees(ev)[room.advisor.email] == "ACCEPTED"

    def test_cancellation_sends_cancel_for_the_same_uid(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        uid = booking.ical_uid
        service.confirm_booking(session, booking_id=booking.id, actor=room.advisor, now=NOW)
        service.cancel_booking(
            session, booking_id=booking.id, actor=room.exporter, reason="출장 일정 변경", now=NOW
        )
        cal, ev = _parse(session, booking, room.advisor)
        assert str(cal["METHOD"]) == "CANCEL" and str(ev["STATUS"]) == "CANCELLED"
        assert str(ev["UID"]) == uid and int(ev["SEQUENCE"]) == 2
        assert "출장 일정 변경" in str(ev["DESCRIPTION"])
        assert "meet.jit.si" not in ev.to_ical().decode()

    def test_a_decline_is_a_cancel_too(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        service.decline_booking(session, booking_id=booking.id, actor=room.advisor, reason="휴가", now=NOW)
        cal, ev = _parse(session, booking, room.exporter)
        assert str(cal["METHOD"]) == "CANCEL" and int(ev["SEQUENCE"]) == 1

    def test_the_same_state_gives_the_same_file(
        self, session: Session, room: Room, booking: ConsultationBooking
    ) -> None:
        first = service.invite(session, booking_id=booking.id, actor=room.exporter)[1]
        assert service.invite(session, booking_id=booking.id, actor=room.advisor)[1] == first

    def test_a_firm_booked_by_staff_has_its_exporters_and_the_booker_as_attendees(
        self, session: Session, room: Room
    ) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        hq = make_user(session, Role.advisor, full_name="본부 담당")
        b = book(session, hq, a, TUESDAY_9_HCMC, company_id=room.company.id)
        _, ev = _parse(session, b, room.exporter)
        assert set(_attendees(ev)) == {room.advisor.email, hq.email, room.exporter.email}

    def test_unique_uids(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        one = book(session, room.exporter, a, TUESDAY_9_HCMC)
        two = book(session, room.exporter, a, TUESDAY_9_HCMC + timedelta(hours=1))
        assert one.ical_uid != two.ical_uid and one.meeting_token != two.meeting_token
