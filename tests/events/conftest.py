"""A small event in the database: staff, three buyers and three exporters (each with a user), six slots."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy.orm import Session

from exportpilot.events import service
from exportpilot.events.schemas import DayPlan, EventCreate, EventUpdate, ParticipantCreate
from exportpilot.models import Event, EventParticipant, EventSlot, EventStatus, Role, User
from tests.factories import make_buyer, make_company, make_user

DAY = date(2026, 12, 9)


@dataclass
class World:
    admin: User
    advisor: User
    event: Event
    slots: list[EventSlot]
    buyers: list[EventParticipant]
    exporters: list[EventParticipant]
    buyer_users: list[User]
    exporter_users: list[User]
    outsider: User  # a buyer user who takes no part


def build_world(session: Session, *, tables: int = 2, status: EventStatus = EventStatus.open) -> World:
    admin = make_user(session, Role.admin, language="ko")
    advisor = make_user(session, Role.advisor, language="ko")
    event = service.create_event(
        session,
        data=EventCreate(name="부산 수출상담회", venue="BEXCO", tables=tables, timezone="Asia/Seoul"),
        actor=advisor,
    )
    slots = service.plan_slots(
        session,
        event_id=event.id,
        plan=DayPlan(days=[DAY], start=time(9, 0), end=time(12, 0), minutes=30),
        actor=advisor,
    )
    langs = [["en"], ["es"], ["zh", "en"]]
    buyers, buyer_users = [], []
    for i in range(3):
        b = make_buyer(session, company_name=f"Importadora {i + 1}", languages=langs[i], country_code="MEX")
        buyer_users.append(make_user(session, Role.buyer, buyer_id=b.id, language="en"))
        buyers.append(
            service.register_participant(
                session, event_id=event.id, data=ParticipantCreate(kind="buyer", buyer_id=b.id), actor=advisor
            )
        )
    exporters, exporter_users = [], []
    for i in range(3):
        c = make_company(session, name_ko=f"한빛정밀{i + 1}", name_en=f"Hanbit Precision {i + 1}")
        exporter_users.append(make_user(session, Role.exporter, company_id=c.id, language="ko"))
        exporters.append(
            service.register_participant(
                session,
                event_id=event.id,
                data=ParticipantCreate(
                    kind="exporter", company_id=c.id, languages=["ko", "en"] if i else ["ko"]
                ),
                actor=advisor,
            )
        )
    outsider_buyer = make_buyer(session, company_name="Outsider Ltd")
    outsider = make_user(session, Role.buyer, buyer_id=outsider_buyer.id)
    if status != EventStatus.draft:
        service.update_event(session, event_id=event.id, data=EventUpdate(status=status), actor=advisor)
    return World(admin, advisor, event, slots, buyers, exporters, buyer_users, exporter_users, outsider)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)
