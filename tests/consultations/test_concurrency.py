"""Two bookings of one slot at the same moment: the database lets one win, the other gets a 409.

The race needs two real connections and committed rows, so these tests commit to the test database
and delete what they made afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from exportpilot.db.session import unit_of_work
from exportpilot.errors import Conflict
from exportpilot.models import (
    AdvisorAvailability,
    AuditEntry,
    Company,
    ConsultationBooking,
    ConsultationStatus,
    User,
)
from tests.consultations.helpers import NOW, book, make_room, publish, weekdays
from tests.factories import make_company, make_user

SLOT = NOW + timedelta(days=1, hours=2)  # Tuesday 09:00 in Ho Chi Minh City


@pytest.fixture
def committed(engine: Engine) -> Iterator[dict[str, int]]:
    """An advisor with published availability and two firms with an exporter each, committed."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as s:
        room = make_room(s)
        availability = publish(s, room.advisor, weekdays("09:00", "12:00"))
        rival_company = make_company(s)
        rival = make_user(s, company_id=rival_company.id)
        ids = {
            "advisor": room.advisor.id,
            "availability": availability.id,
            "exporter": room.exporter.id,
            "company": room.company.id,
            "rival": rival.id,
            "rival_company": rival_company.id,
        }
    yield ids
    with unit_of_work(factory) as s:
        users = [ids["advisor"], ids["exporter"], ids["rival"]]
        bookings = list(
            s.scalars(select(ConsultationBooking.id).where(ConsultationBooking.advisor_id == ids["advisor"]))
        )
        s.execute(
            delete(AuditEntry).where(
                AuditEntry.actor_id.in_(users)
                | (
                    (AuditEntry.entity == "consultation_booking")
                    & AuditEntry.entity_id.in_([str(b) for b in bookings])
                )
            )
        )
        s.execute(delete(ConsultationBooking).where(ConsultationBooking.advisor_id == ids["advisor"]))
        s.execute(delete(AdvisorAvailability).where(AdvisorAvailability.id == ids["availability"]))
        s.execute(delete(User).where(User.id.in_(users)))
        s.execute(delete(Company).where(Company.id.in_([ids["company"], ids["rival_company"]])))


def _row(ids: dict[str, int], company: int, status: str, token: str) -> dict[str, Any]:
    return {
        "advisor_id": ids["advisor"],
        "company_id": company,
        "starts_at": SLOT,
        "ends_at": SLOT + timedelta(minutes=30),
        "advisor_timezone": "Asia/Ho_Chi_Minh",
        "exporter_timezone": "Asia/Seoul",
        "office": "HCMC",
        "city": "HCMC",
        "topic": "market_entry",
        "status": status,
        "meeting_token": token,
        "ical_uid": f"{token}@test",
        "ical_sequence": 0,
        "is_generated": False,
        "created_at": NOW,
        "updated_at": NOW,
    }


class TestUniqueActiveSlot:
    def test_the_index_refuses_a_second_active_booking_of_the_same_start(
        self, engine: Engine, committed: dict[str, int]
    ) -> None:
        with Session(engine) as s:
            s.execute(insert(ConsultationBooking), [_row(committed, committed["company"], "requested", "a")])
            with pytest.raises(IntegrityError):
                s.execute(
                    insert(ConsultationBooking),
                    [_row(committed, committed["rival_company"], "confirmed", "b")],
                )
            s.rollback()

    def test_declined_and_cancelled_bookings_free_the_slot(
        self, engine: Engine, committed: dict[str, int]
    ) -> None:
        with Session(engine) as s:
            rows = [
                _row(committed, committed["company"], "cancelled", "a"),
                _row(committed, committed["company"], "declined", "b"),
                _row(committed, committed["company"], "requested", "c"),
            ]
            s.execute(insert(ConsultationBooking), rows)
            count = s.scalar(
                select(func.count()).where(ConsultationBooking.advisor_id == committed["advisor"])
            )
            assert count == 3
            s.rollback()


class TestRace:
    def test_the_second_of_two_simultaneous_bookings_gets_a_conflict(
        self, engine: Engine, committed: dict[str, int]
    ) -> None:
        """A books and holds its transaction open; B passes the service's checks (it cannot see A's
        uncommitted row) and reaches its INSERT, which waits; A commits; B's INSERT hits the index."""
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        b_inserting = threading.Event()
        outcome: dict[str, Any] = {}

        def about_to_insert(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if threading.current_thread().name == "rival" and statement.startswith(
                "INSERT INTO consultation_bookings"
            ):
                b_inserting.set()

        def rival() -> None:
            try:
                with unit_of_work(factory) as s:
                    availability = s.get(AdvisorAvailability, committed["availability"])
                    assert availability is not None
                    outcome["booking"] = book(s, s.get(User, committed["rival"]), availability, SLOT).id
            except Exception as exc:  # noqa: BLE001 - handed to the test thread
                outcome["error"] = exc

        event.listen(engine, "before_cursor_execute", about_to_insert)
        try:
            a = factory()
            availability = a.get(AdvisorAvailability, committed["availability"])
            assert availability is not None
            first = book(a, a.get(User, committed["exporter"]), availability, SLOT)
            thread = threading.Thread(target=rival, name="rival")
            thread.start()
            assert b_inserting.wait(20), f"the rival never reached its insert: {outcome}"
            thread.join(0.3)  # let its INSERT start waiting for A's transaction
            a.commit()
            a.close()
            thread.join(20)
        finally:
            event.remove(engine, "before_cursor_execute", about_to_insert)
        assert "booking" not in outcome
        error = outcome.get("error")
        assert isinstance(error, Conflict), repr(error)
        assert error.status_code == 409
        assert "booked by someone else a moment ago" in error.message
        with Session(engine) as s:
            statuses = s.scalars(
                select(ConsultationBooking.status).where(
                    ConsultationBooking.advisor_id == committed["advisor"]
                )
            ).all()
        assert statuses == [ConsultationStatus.requested]
        assert first.company_id == committed["company"]
