"""The consultation room's rules on a real database: availability, slots, booking, decisions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exportpilot.config import get_settings
from exportpilot.consultations import service
from exportpilot.consultations.schemas import (
    AvailabilityCreate,
    AvailabilityFilter,
    AvailabilityUpdate,
    BookingCreate,
    BookingFilter,
    SlotQuery,
)
from exportpilot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import AuditEntry, ConsultationStatus, Role
from tests.consultations.helpers import NOW, Room, book, make_room, publish, weekdays
from tests.factories import make_company, make_user

SEOUL = ZoneInfo("Asia/Seoul")
HCMC = ZoneInfo("Asia/Ho_Chi_Minh")
TUESDAY_9_HCMC = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)  # 09:00 in Ho Chi Minh City, 11:00 in Seoul


@pytest.fixture
def room(session: Session) -> Room:
    return make_room(session)


def _slots(session: Session, actor, now: datetime = NOW, **query) -> list[service.Slot]:  # type: ignore[no-untyped-def]
    return service.list_slots(session, actor=actor, query=SlotQuery.model_validate(query), now=now)[2]


class TestAvailability:
    def test_an_advisor_publishes_windows_in_the_office_time_zone(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00", range(5)), languages=["KO", "vi"])
        assert a.advisor_id == room.advisor.id
        assert a.timezone == "Asia/Ho_Chi_Minh"
        assert a.markets == ["VNM"]  # default: the office's country
        assert a.languages == ["ko", "vi"]
        assert [w.label() for w in service.windows_of(a)][0] == "mon 09:00-12:00"
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "advisor_availability", AuditEntry.entity_id == str(a.id)
            )
        ).one()
        assert entry.actor_id == room.advisor.id and entry.action == "create"

    def test_an_admin_publishes_for_an_advisor_and_must_say_which(self, session: Session, room: Room) -> None:
        admin = make_user(session, Role.admin)
        data = AvailabilityCreate(
            office="Frankfurt", city="Frankfurt", country_code="DE", timezone="Europe/Berlin",
            windows=weekdays("09:00", "11:00", range(1)),
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="advisor_id"):
            service.create_availability(session, data=data, actor=admin)
        data.advisor_id = room.advisor.id
        a = service.create_availability(session, data=data, actor=admin)
        assert a.advisor_id == room.advisor.id and a.country_code == "DEU"

    def test_only_advisors_host(self, session: Session, room: Room) -> None:
        admin = make_user(session, Role.admin)
        data = AvailabilityCreate(
            advisor_id=room.exporter.id, office="X", city="X", country_code="VN", timezone="Asia/Ho_Chi_Minh",
            windows=weekdays("09:00", "11:00", range(1)),
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="not an active advisor"):
            service.create_availability(session, data=data, actor=admin)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"timezone": "Saigon"}, "timezone"),
            ({"country_code": "XX"}, "country_code"),
            ({"slot_minutes": 90}, "windows"),  # the 09:00-10:00 window is shorter than one slot
            ({"valid_from": date(2026, 4, 1), "valid_until": date(2026, 3, 1)}, "valid_until"),
            ({"languages": ["zz"]}, "languages"),
            ({"markets": ["Atlantis"]}, "markets"),
        ],
    )
    def test_bad_input_names_the_field_and_writes_nothing(
        self, session: Session, room: Room, change: dict, field: str
    ) -> None:
        windows = [{"weekday": 0, "start": "09:00", "end": "10:00"}]
        with pytest.raises(InvalidInput) as err:
            publish(session, room.advisor, windows, **change)
        assert err.value.field == field
        assert service.list_availabilities(session, actor=room.advisor, filters=AvailabilityFilter()) == []

    def test_a_window_listed_twice_is_refused(self, session: Session, room: Room) -> None:
        with pytest.raises(InvalidInput, match="listed twice"):
            publish(session, room.advisor, weekdays("09:00", "10:00", range(1)) * 2)

    def test_update_replaces_windows_and_records_the_change(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00", range(5)))
        service.update_availability(
            session,
            availability_id=a.id,
            data=AvailabilityUpdate(
                windows=[{"date": "2026-03-10", "start": "21:00", "end": "01:00"}], city="HCMC"
            ),
            actor=room.advisor,
        )
        assert [w.label() for w in service.windows_of(a)] == ["2026-03-10 21:00-01:00"]
        assert a.city == "HCMC"
        entry = session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "advisor_availability", AuditEntry.action == "update"
            )
        ).one()
        assert set(entry.changes) == {"city", "windows"}

    def test_a_longer_slot_must_still_fit_the_windows(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "10:00", range(1)))
        with pytest.raises(InvalidInput, match="shorter than one 90-minute slot") as err:
            service.update_availability(
                session, availability_id=a.id, data=AvailabilityUpdate(slot_minutes=90), actor=room.advisor
            )
        assert err.value.field == "slot_minutes"

    def test_delete_waits_for_upcoming_consultations(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        booking = book(session, room.exporter, a, TUESDAY_9_HCMC)
        with pytest.raises(Conflict, match="upcoming consultation"):
            service.delete_availability(session, availability_id=a.id, actor=room.advisor, now=NOW)
        service.cancel_booking(session, booking_id=booking.id, actor=room.exporter, now=NOW)
        service.delete_availability(session, availability_id=a.id, actor=room.advisor, now=NOW)
        session.expire_all()
        assert (
            service.get_booking(session, booking_id=booking.id, actor=room.exporter).availability_id is None
        )
        with pytest.raises(NotFound):
            service.get_availability(session, availability_id=a.id, actor=room.advisor)

    def test_filters_by_market_and_topic(self, session: Session, room: Room) -> None:
        vn = publish(session, room.advisor, weekdays("09:00", "10:00", range(1)), topics=["certification"])
        de = publish(
            session, room.advisor, weekdays("09:00", "10:00", range(1)),
            timezone="Europe/Berlin", country_code="DEU", markets=["DEU", "AUT", "CH"],
        )  # fmt: skip
        assert de.markets == ["DEU", "AUT", "CHE"]
        found = service.list_availabilities(
            session, actor=room.exporter, filters=AvailabilityFilter(market="AT")
        )
        assert [a.id for a in found] == [de.id]
        found = service.list_availabilities(
            session, actor=room.exporter, filters=AvailabilityFilter(topic="logistics")
        )
        assert [a.id for a in found] == [de.id]  # vn offers certification only; de offers any topic
        found = service.list_availabilities(
            session, actor=room.exporter, filters=AvailabilityFilter(topic="certification")
        )
        assert {a.id for a in found} == {vn.id, de.id}


class TestSlots:
    def test_slots_in_both_time_zones_after_the_minimum_notice(self, session: Session, room: Room) -> None:
        publish(session, room.advisor, weekdays("09:00", "12:00", range(5)))
        slots = _slots(session, room.exporter, days=3)
        # Now is Monday 09:00 in Seoul; 24 hours' notice leaves Monday out entirely.
        first = slots[0]
        assert first.starts_at == TUESDAY_9_HCMC
        seoul, hcmc = first.local(SEOUL), first.local(HCMC)
        assert (seoul[0].strftime("%a %H:%M"), hcmc[0].strftime("%a %H:%M")) == ("Tue 11:00", "Tue 09:00")
        assert len(slots) == 6 * 2  # Tuesday and Wednesday, six 30-minute slots each
        assert all(s.ends_at - s.starts_at == timedelta(minutes=30) for s in slots)

    def test_the_days_asked_are_the_exporters_days(self, session: Session, room: Room) -> None:
        # 22:00-23:00 in Ho Chi Minh City is 00:00-01:00 the next day in Seoul.
        publish(session, room.advisor, [{"weekday": 1, "start": "22:00", "end": "23:00"}])
        slots = _slots(session, room.exporter, **{"from": "2026-03-04", "days": 1})
        assert [s.local(SEOUL)[0].strftime("%a %d %H:%M") for s in slots] == ["Wed 04 00:00", "Wed 04 00:30"]
        assert [s.local(HCMC)[0].strftime("%a %d %H:%M") for s in slots] == ["Tue 03 22:00", "Tue 03 22:30"]
        assert _slots(session, room.exporter, **{"from": "2026-03-03", "days": 1}) == []
        in_hcmc = _slots(
            session, room.exporter, **{"from": "2026-03-03", "days": 1, "tz": "Asia/Ho_Chi_Minh"}
        )
        assert len(in_hcmc) == 2

    def test_booked_slots_disappear_and_come_back_when_freed(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "10:00", range(1, 2)))
        other = make_user(session, Role.exporter, company_id=make_company(session).id)
        assert len(_slots(session, other, days=7)) == 2
        booking = book(session, room.exporter, a, TUESDAY_9_HCMC)
        assert [s.starts_at for s in _slots(session, other, days=7)] == [
            TUESDAY_9_HCMC + timedelta(minutes=30)
        ]
        service.decline_booking(
            session, booking_id=booking.id, actor=room.advisor, reason="travelling", now=NOW
        )
        assert len(_slots(session, other, days=7)) == 2

    def test_an_exporter_does_not_see_slots_when_its_company_is_busy(
        self, session: Session, room: Room
    ) -> None:
        first = publish(session, room.advisor, weekdays("09:00", "10:00", range(1, 2)))
        second_advisor = make_user(session, Role.advisor)
        publish(
            session, second_advisor, weekdays("03:00", "04:00", range(1, 2)),
            timezone="Europe/Berlin", country_code="DEU", office="Frankfurt", city="Frankfurt",
        )  # fmt: skip
        # Tuesday 09:00 in HCMC is 03:00 in Frankfurt: both advisors offer the same instant.
        assert [s.starts_at for s in _slots(session, room.exporter, days=7)].count(TUESDAY_9_HCMC) == 2
        book(session, room.exporter, first, TUESDAY_9_HCMC)
        mine = [s.starts_at for s in _slots(session, room.exporter, days=7)]
        assert TUESDAY_9_HCMC not in mine
        staff_view = [s.starts_at for s in _slots(session, second_advisor, days=7)]
        assert staff_view.count(TUESDAY_9_HCMC) == 1  # the Frankfurt advisor is still free then

    def test_filters_market_topic_language_and_advisor(self, session: Session, room: Room) -> None:
        publish(
            session,
            room.advisor,
            weekdays("09:00", "10:00", range(1, 2)),
            topics=["certification"],
            languages=["ko"],
        )
        assert _slots(session, room.exporter, days=7, market="VN")
        assert not _slots(session, room.exporter, days=7, market="DEU")
        assert not _slots(session, room.exporter, days=7, topic="logistics")
        assert _slots(session, room.exporter, days=7, topic="certification")
        assert not _slots(session, room.exporter, days=7, language="en")
        assert not _slots(session, room.exporter, days=7, advisor_id=room.exporter.id)

    def test_inactive_and_out_of_date_availability_offers_nothing(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "10:00"), valid_from=date(2026, 3, 5))
        assert _slots(session, room.exporter, days=7)[0].local(HCMC)[0].date() == date(2026, 3, 5)
        service.update_availability(
            session, availability_id=a.id, data=AvailabilityUpdate(is_active=False), actor=room.advisor
        )
        assert _slots(session, room.exporter, days=7) == []

    def test_nothing_beyond_the_horizon(self, session: Session, room: Room) -> None:
        publish(session, room.advisor, weekdays("09:00", "10:00"))
        horizon = get_settings().consultation_horizon_days
        late = NOW + timedelta(days=horizon - 1)
        slots = _slots(session, room.exporter, days=5, **{"from": late.date().isoformat()})
        assert slots and all(s.starts_at <= NOW + timedelta(days=horizon) for s in slots)
        assert len(slots) < 5 * 2

    def test_buyers_are_not_in_the_consultation_room(self, session: Session, room: Room) -> None:
        buyer = make_user(session, Role.buyer)
        with pytest.raises(PermissionDenied):
            _slots(session, buyer)
        with pytest.raises(PermissionDenied):
            service.list_availabilities(session, actor=buyer, filters=AvailabilityFilter())

    def test_an_unknown_time_zone_is_bad_input(self, session: Session, room: Room) -> None:
        with pytest.raises(InvalidInput) as err:
            _slots(session, room.exporter, tz="Mars/Olympus_Mons")
        assert err.value.field == "tz"


class TestBooking:
    def test_an_exporter_books_a_published_slot(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        local = TUESDAY_9_HCMC.astimezone(SEOUL)  # any offset names the same instant
        b = book(session, room.exporter, a, local, notes="HACCP 인증 문의", language="ko")
        assert b.status == ConsultationStatus.requested
        assert (b.company_id, b.advisor_id, b.requested_by_id) == (
            room.company.id,
            room.advisor.id,
            room.exporter.id,
        )
        session.expire_all()
        assert service.as_utc(b.starts_at) == TUESDAY_9_HCMC
        assert service.as_utc(b.ends_at) == TUESDAY_9_HCMC + timedelta(minutes=30)
        assert (b.exporter_timezone, b.advisor_timezone, b.market) == (
            "Asia/Seoul",
            "Asia/Ho_Chi_Minh",
            "VNM",
        )
        assert b.meeting_link is None and service.shown_link(b) is None

    @pytest.mark.parametrize(
        ("start", "reason"),
        [
            (TUESDAY_9_HCMC + timedelta(minutes=10), "not one of the published 30-minute slots"),
            (TUESDAY_9_HCMC + timedelta(hours=6), "not one of the published"),
            (NOW - timedelta(days=1), "in the past"),
            (NOW + timedelta(hours=3), "at least 24 hours ahead"),
            (NOW + timedelta(days=200), "at most 90 days ahead"),
            (TUESDAY_9_HCMC + timedelta(seconds=30), "whole minute"),
        ],
    )
    def test_a_start_outside_the_published_slots_is_refused(
        self, session: Session, room: Room, start: datetime, reason: str
    ) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        with pytest.raises(InvalidInput, match=reason) as err:
            book(session, room.exporter, a, start)
        assert err.value.field == "starts_at"

    def test_the_advisor_is_not_booked_twice(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        book(session, room.exporter, a, TUESDAY_9_HCMC)
        other = make_user(session, Role.exporter, company_id=make_company(session).id)
        with pytest.raises(Conflict, match="the advisor already has a consultation"):
            book(session, other, a, TUESDAY_9_HCMC)

    def test_overlapping_slots_of_two_availabilities_conflict_too(self, session: Session, room: Room) -> None:
        half_hourly = publish(session, room.advisor, weekdays("09:00", "12:00"))
        hourly = publish(session, room.advisor, weekdays("08:30", "11:30"), slot_minutes=60)
        book(session, room.exporter, hourly, TUESDAY_9_HCMC - timedelta(minutes=30))  # 08:30-09:30
        other = make_user(session, Role.exporter, company_id=make_company(session).id)
        with pytest.raises(Conflict, match="the advisor already has"):
            book(session, other, half_hourly, TUESDAY_9_HCMC)  # 09:00-09:30

    def test_the_exporter_is_not_booked_twice(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        berlin_advisor = make_user(session, Role.advisor)
        b = publish(
            session, berlin_advisor, weekdays("03:00", "05:00"),
            timezone="Europe/Berlin", country_code="DEU", slot_minutes=60,
        )  # fmt: skip
        first = book(session, room.exporter, a, TUESDAY_9_HCMC + timedelta(minutes=30))  # 02:30-03:00 UTC
        with pytest.raises(Conflict, match=f"already has consultation {first.id}"):
            book(session, room.exporter, b, TUESDAY_9_HCMC)  # 02:00-03:00 UTC overlaps

    @pytest.mark.parametrize(
        ("extra", "field"),
        [
            ({"topic": "logistics"}, "topic"),
            ({"market": "DEU"}, "market"),
            ({"market": "XX"}, "market"),
            ({"language": "fr"}, "language"),
            ({"exporter_timezone": "Seoul"}, "exporter_timezone"),
        ],
    )
    def test_what_the_office_does_not_offer_is_refused(
        self, session: Session, room: Room, extra: dict, field: str
    ) -> None:
        a = publish(
            session, room.advisor, weekdays("09:00", "12:00"), topics=["market_entry"], languages=["ko", "vi"]
        )
        with pytest.raises(InvalidInput) as err:
            book(session, room.exporter, a, TUESDAY_9_HCMC, **extra)
        assert err.value.field == field

    def test_unknown_availability_is_bad_input(self, session: Session, room: Room) -> None:
        data = BookingCreate(availability_id=999_999, starts_at=TUESDAY_9_HCMC, topic="other")
        with pytest.raises(InvalidInput) as err:
            service.book(session, data=data, actor=room.exporter, now=NOW)
        assert err.value.field == "availability_id"

    def test_an_inactive_availability_is_a_conflict(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"), is_active=False)
        with pytest.raises(Conflict, match="no longer open"):
            book(session, room.exporter, a, TUESDAY_9_HCMC)

    def test_a_start_without_utc_offset_is_refused_by_the_schema(self) -> None:
        with pytest.raises(ValidationError, match="timezone"):
            BookingCreate(availability_id=1, starts_at=datetime(2026, 3, 3, 9, 0), topic="other")

    def test_a_window_past_midnight_is_bookable_after_midnight(self, session: Session, room: Room) -> None:
        la = ZoneInfo("America/Los_Angeles")
        a = publish(
            session, room.advisor, [{"weekday": 0, "start": "22:00", "end": "01:00"}],
            timezone="America/Los_Angeles", country_code="USA",
        )  # fmt: skip
        start = datetime(2026, 3, 10, 0, 30, tzinfo=la)  # Tuesday 00:30, in Monday's window
        b = book(session, room.exporter, a, start)
        assert service.as_utc(b.ends_at).astimezone(la).strftime("%a %H:%M") == "Tue 01:00"
        with pytest.raises(InvalidInput, match="not one of the published"):
            book(session, room.exporter, a, datetime(2026, 3, 10, 1, 0, tzinfo=la))

    def test_the_night_the_clocks_spring_forward(self, session: Session, room: Room) -> None:
        la = ZoneInfo("America/Los_Angeles")
        a = publish(
            session, room.advisor, [{"weekday": 6, "start": "01:00", "end": "04:00"}],
            timezone="America/Los_Angeles", country_code="USA", slot_minutes=60,
        )  # fmt: skip
        slots = _slots(session, room.exporter, **{"from": "2026-03-08", "days": 2})
        assert [s.local(la)[0].strftime("%H:%M %Z") for s in slots] == ["01:00 PST", "03:00 PDT"]
        b = book(session, room.exporter, a, datetime(2026, 3, 8, 10, 0, tzinfo=UTC))
        assert service.as_utc(b.starts_at).astimezone(la).strftime("%H:%M %Z") == "03:00 PDT"
        with pytest.raises(InvalidInput, match="not one of the published"):
            book(session, room.exporter, a, datetime(2026, 3, 8, 11, 0, tzinfo=UTC))  # 04:00 PDT: the end

    def test_the_night_the_clocks_fall_back_offers_01_00_twice(self, session: Session, room: Room) -> None:
        la = ZoneInfo("America/Los_Angeles")
        a = publish(
            session, room.advisor, [{"weekday": 6, "start": "01:00", "end": "03:00"}],
            timezone="America/Los_Angeles", country_code="USA", slot_minutes=60,
        )  # fmt: skip
        now = datetime(2026, 10, 20, tzinfo=UTC)
        slots = _slots(session, room.exporter, now=now, **{"from": "2026-11-01", "days": 2})
        assert [s.local(la)[0].strftime("%H:%M %Z") for s in slots] == ["01:00 PDT", "01:00 PST", "02:00 PST"]
        first = book(session, room.exporter, a, slots[0].starts_at, now=now)
        other = make_user(session, Role.exporter, company_id=make_company(session).id)
        second = book(session, other, a, slots[1].starts_at, now=now)  # the same wall time, an hour later
        assert service.as_utc(second.starts_at) - service.as_utc(first.starts_at) == timedelta(hours=1)


class TestWhoMayBook:
    def test_an_exporter_books_only_for_its_own_company(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        other = make_company(session)
        with pytest.raises(PermissionDenied, match="own company"):
            book(session, room.exporter, a, TUESDAY_9_HCMC, company_id=other.id)
        with pytest.raises(PermissionDenied, match="own company"):
            book(session, room.exporter, a, TUESDAY_9_HCMC, company_id=999_999)

    def test_an_exporter_without_a_company_cannot_book(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        with pytest.raises(PermissionDenied, match="not linked to a company"):
            book(session, make_user(session, Role.exporter), a, TUESDAY_9_HCMC)

    def test_buyers_cannot_book(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        with pytest.raises(PermissionDenied):
            book(session, make_user(session, Role.buyer), a, TUESDAY_9_HCMC, company_id=room.company.id)

    def test_staff_book_for_a_firm_they_name(self, session: Session, room: Room) -> None:
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        hq_advisor = make_user(session, Role.advisor)
        with pytest.raises(InvalidInput) as err:
            book(session, hq_advisor, a, TUESDAY_9_HCMC)
        assert err.value.field == "company_id"
        b = book(session, hq_advisor, a, TUESDAY_9_HCMC, company_id=room.company.id)
        assert b.requested_by_id == hq_advisor.id
        # The firm's exporter sees it, since it is its company's consultation.
        assert service.get_booking(session, booking_id=b.id, actor=room.exporter).id == b.id


class TestDecisions:
    def _booked(self, session: Session, room: Room):  # type: ignore[no-untyped-def]
        a = publish(session, room.advisor, weekdays("09:00", "12:00"))
        return book(session, room.exporter, a, TUESDAY_9_HCMC)

    def test_the_advisor_confirms_and_the_link_is_made(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        assert b.status == ConsultationStatus.confirmed
        assert b.meeting_link == f"https://meet.jit.si/exportpilot-{b.id}-{b.meeting_token}"
        assert len(b.meeting_token) == 16 and service.shown_link(b) == b.meeting_link
        assert (b.decided_by_id, b.ical_sequence) == (room.advisor.id, 1)
        assert service.as_utc(b.decided_at) == NOW

    def test_the_link_follows_the_configured_template(
        self, session: Session, room: Room, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv(
            "EXPORTPILOT_CONSULTATION_LINK_TEMPLATE",
            "https://video.agency.example/{date}/{company_id}-{token}",
        )
        get_settings.cache_clear()
        try:
            b = self._booked(session, room)
            service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()
        assert b.meeting_link == f"https://video.agency.example/20260303/{room.company.id}-{b.meeting_token}"

    def test_only_the_advisor_or_an_admin_confirms(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        for someone in (room.exporter, make_user(session, Role.advisor)):
            with pytest.raises(PermissionDenied):
                service.confirm_booking(session, booking_id=b.id, actor=someone, now=NOW)
            with pytest.raises(PermissionDenied):
                service.decline_booking(session, booking_id=b.id, actor=someone, now=NOW)
        service.confirm_booking(session, booking_id=b.id, actor=make_user(session, Role.admin), now=NOW)
        assert b.status == ConsultationStatus.confirmed

    def test_decisions_happen_once(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        with pytest.raises(Conflict, match="already confirmed"):
            service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        with pytest.raises(Conflict, match="already confirmed"):
            service.decline_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)

    def test_too_late_to_confirm_or_cancel_once_it_started(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        later = TUESDAY_9_HCMC + timedelta(minutes=5)
        with pytest.raises(Conflict, match="too late"):
            service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=later)
        with pytest.raises(Conflict, match="no longer be cancelled"):
            service.cancel_booking(session, booking_id=b.id, actor=room.exporter, now=later)

    def test_either_side_cancels_and_the_link_is_no_longer_shown(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        service.confirm_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        service.cancel_booking(session, booking_id=b.id, actor=room.exporter, reason="일정 변경", now=NOW)
        assert (b.status, b.cancelled_by_id, b.status_reason) == (
            ConsultationStatus.cancelled, room.exporter.id, "일정 변경",
        )  # fmt: skip
        assert service.shown_link(b) is None and b.ical_sequence == 2
        with pytest.raises(Conflict, match="already cancelled"):
            service.cancel_booking(session, booking_id=b.id, actor=room.advisor, now=NOW)
        availability = service.get_availability(
            session, availability_id=b.availability_id, actor=room.exporter
        )
        b2 = book(session, room.exporter, availability, TUESDAY_9_HCMC)  # the slot is free again
        service.cancel_booking(session, booking_id=b2.id, actor=room.advisor, now=NOW)
        assert b2.cancelled_by_id == room.advisor.id

    def test_others_neither_see_nor_cancel(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        outsiders = [
            make_user(session, Role.advisor),
            make_user(session, Role.exporter, company_id=make_company(session).id),
            make_user(session, Role.buyer),
        ]
        for outsider in outsiders:
            with pytest.raises(PermissionDenied):
                service.get_booking(session, booking_id=b.id, actor=outsider)
            with pytest.raises(PermissionDenied):
                service.cancel_booking(session, booking_id=b.id, actor=outsider, now=NOW)
            with pytest.raises(PermissionDenied):
                service.invite(session, booking_id=b.id, actor=outsider)

    def test_lists_show_each_side_only_its_own(self, session: Session, room: Room) -> None:
        b = self._booked(session, room)
        params = PageParams(page=1, size=50)

        def ids(actor) -> list[int]:  # type: ignore[no-untyped-def]
            return [
                x.id
                for x in service.list_bookings(session, actor=actor, filters=BookingFilter(), params=params)[
                    0
                ]
            ]

        assert ids(room.advisor) == [b.id]
        assert ids(room.exporter) == [b.id]
        assert b.id in ids(make_user(session, Role.admin))
        assert ids(make_user(session, Role.advisor)) == []
        assert ids(make_user(session, Role.exporter, company_id=make_company(session).id)) == []
        with pytest.raises(PermissionDenied):
            ids(make_user(session, Role.buyer))
        status_filter = BookingFilter(status="confirmed")
        assert (
            service.list_bookings(session, actor=room.advisor, filters=status_filter, params=params)[1] == 0
        )
