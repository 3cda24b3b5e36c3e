"""The demo loader publishes overseas offices' availability: generated, deterministic, replaced on reload."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from exportpilot.consultations import service
from exportpilot.consultations.schemas import SlotQuery
from exportpilot.demo.consultations import OFFICES
from exportpilot.demo.generator import DEMO_EMAIL_DOMAIN, DemoData, generate_demo
from exportpilot.demo.loader import load_demo
from exportpilot.models import AdvisorAvailability, Role, User
from tests.consultations.helpers import NOW, book, make_room, publish, weekdays


@pytest.fixture(scope="module")
def small_demo() -> DemoData:
    return generate_demo(7, companies=20, buyers=30)


def _demo_availability(session: Session) -> list[tuple[str, str, str, str, list[str]]]:
    rows = session.scalars(
        select(AdvisorAvailability)
        .where(AdvisorAvailability.is_generated.is_(True))
        .order_by(AdvisorAvailability.id)
    ).all()
    out = []
    for a in rows:
        advisor = session.get(User, a.advisor_id)
        assert advisor is not None
        out.append(
            (
                a.office,
                a.timezone,
                advisor.email,
                advisor.role.value,
                [w.label() for w in service.windows_of(a)],
            )
        )
    return out


class TestDemoAvailability:
    def test_four_overseas_offices_hosted_by_demo_advisors(
        self, session: Session, small_demo: DemoData
    ) -> None:
        load_demo(session, small_demo)
        found = _demo_availability(session)
        assert [(office, tz) for office, tz, *_ in found] == [(o.office, o.timezone) for o in OFFICES]
        assert {tz for _, tz, *_ in found} == {
            "Asia/Ho_Chi_Minh",
            "Europe/Berlin",
            "America/Los_Angeles",
            "Asia/Dubai",
        }
        assert all(
            email.endswith("@" + DEMO_EMAIL_DOMAIN) and role == Role.advisor.value
            for _, _, email, role, _ in found
        )
        assert len({email for _, _, email, _, _ in found}) == len(OFFICES)
        assert "thu 22:00-01:00" in found[2][4]  # Los Angeles: one window runs past midnight

    def test_the_same_every_time_and_replaced_on_reload(self, session: Session, small_demo: DemoData) -> None:
        load_demo(session, small_demo)
        first = _demo_availability(session)
        load_demo(session, small_demo)
        assert _demo_availability(session) == first
        count = len(
            session.scalars(
                select(AdvisorAvailability.id).where(AdvisorAvailability.is_generated.is_(True))
            ).all()
        )
        assert count == len(OFFICES)

    def test_exporters_can_book_demo_slots(self, session: Session, small_demo: DemoData) -> None:
        load_demo(session, small_demo)
        room = make_room(session)
        tz, _, slots = service.list_slots(session, actor=room.exporter, query=SlotQuery(days=7), now=NOW)
        offices = {s.availability.office for s in slots}
        assert offices == {o.office for o in OFFICES}
        la = next(s for s in slots if s.availability.timezone == "America/Los_Angeles")
        assert la.local(tz)[0].hour in (8, 9)  # 16:00 in Los Angeles is the next morning in Seoul
        booking = book(session, room.exporter, la.availability, la.starts_at)
        assert booking.advisor_id == la.advisor.id

    def test_reload_removes_bookings_with_demo_advisors_and_keeps_real_availability(
        self, session: Session, small_demo: DemoData
    ) -> None:
        load_demo(session, small_demo)
        room = make_room(session)
        real = publish(session, room.advisor, weekdays("09:00", "12:00"))
        demo = session.scalars(
            select(AdvisorAvailability).where(AdvisorAvailability.is_generated.is_(True))
        ).first()
        assert demo is not None
        slot = next(iter(service.availability_starts(demo, NOW + timedelta(days=2), NOW + timedelta(days=9))))
        booking = book(session, room.exporter, demo, slot)
        booking_id = booking.id
        load_demo(session, small_demo)
        session.expire_all()
        assert session.get(type(booking), booking_id) is None
        assert session.get(AdvisorAvailability, real.id) is not None
