"""The events service on a real database: slots, participants, requests, scheduling and re-scheduling."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from exportpilot.errors import Conflict, InvalidInput
from exportpilot.events import service
from exportpilot.events.check import check_schedule
from exportpilot.events.schemas import (
    BreakIn,
    DayPlan,
    EventCreate,
    InterpreterIn,
    ParticipantCreate,
    RequestCreate,
    SlotIn,
)
from exportpilot.models import (
    Buyer,
    Company,
    Meeting,
    MeetingStatus,
    Notification,
    RequestSide,
    RequestStatus,
)
from tests.events.conftest import DAY, World
from tests.factories import make_buyer, make_product


def ask(session: Session, w: World, b: int, e: int, *, by: str = "buyer", priority: int = 3):
    """Request b×e as that side's user."""
    actor = w.buyer_users[b] if by == "buyer" else w.exporter_users[e]
    data = RequestCreate(
        buyer_participant_id=w.buyers[b].id, exporter_participant_id=w.exporters[e].id, priority=priority
    )
    return service.request_meeting(session, event_id=w.event.id, data=data, actor=actor)


def accepted(session: Session, w: World, b: int, e: int, priority: int = 3):
    r = ask(session, w, b, e, priority=priority)
    return service.respond(session, request_id=r.id, accept=True, actor=w.exporter_users[e])


class TestEventsAndSlots:
    def test_time_zone_is_validated_with_zoneinfo(self) -> None:
        with pytest.raises(ValidationError, match="not an IANA time zone"):
            EventCreate(name="x", timezone="Mars/Olympus")
        assert EventCreate(name="x", timezone="America/Mexico_City").timezone == "America/Mexico_City"

    def test_day_plan_skips_breaks_and_labels_slots(self, session: Session, world: World) -> None:
        plan = DayPlan(
            days=[DAY + timedelta(days=1)],
            start=time(9, 0),
            end=time(13, 0),
            minutes=40,
            gap_minutes=5,
            breaks=[BreakIn(start=time(10, 30), end=time(11, 0))],
        )
        slots = service.plan_slots(session, event_id=world.event.id, plan=plan, actor=world.advisor)
        local = [service.aware(s.starts_at).astimezone(service.ZoneInfo("Asia/Seoul")) for s in slots]
        assert [f"{t:%H:%M}" for t in local] == ["09:00", "09:45", "11:00", "11:45"]
        assert [s.label for s in slots] == ["D2-01", "D2-02", "D2-03", "D2-04"]  # the second day
        assert all(s.day == DAY + timedelta(days=1) for s in slots)

    def test_a_slot_ending_before_it_starts_is_named(self, session: Session, world: World) -> None:
        start = datetime(2026, 12, 11, 10, 0)
        bad = SlotIn(label="late", start=start, end=start - timedelta(minutes=30))
        with pytest.raises(InvalidInput, match=r"slot 1 \('late'\) ends .* before it starts"):
            service.add_slots(session, event_id=world.event.id, slots=[bad], actor=world.advisor)

    def test_overlapping_slots_are_named(self, session: Session, world: World) -> None:
        clash = SlotIn(label="X", start=datetime(2026, 12, 9, 9, 15), end=datetime(2026, 12, 9, 9, 45))
        with pytest.raises(InvalidInput, match=r"slot 1 \('X'\) .* overlaps slot 'D1-01'"):
            service.add_slots(session, event_id=world.event.id, slots=[clash], actor=world.advisor)
        a = SlotIn(label="A", start=datetime(2026, 12, 12, 9, 0), end=datetime(2026, 12, 12, 10, 0))
        b = SlotIn(label="B", start=datetime(2026, 12, 12, 9, 30), end=datetime(2026, 12, 12, 10, 30))
        with pytest.raises(InvalidInput, match="slot 2 \\('B'\\) .* overlaps slot 'A'"):
            service.add_slots(session, event_id=world.event.id, slots=[a, b], actor=world.advisor)

    def test_times_with_an_offset_are_kept_and_stored_in_utc(self, session: Session, world: World) -> None:
        start = datetime.fromisoformat("2026-12-12T09:00:00-06:00")
        (slot,) = service.add_slots(
            session,
            event_id=world.event.id,
            slots=[SlotIn(label="MX", start=start, end=start + timedelta(minutes=30))],
            actor=world.advisor,
        )
        assert service.aware(slot.starts_at) == start
        assert slot.day.isoformat() == "2026-12-13"  # the venue's (Seoul) date


class TestParticipants:
    def test_defaults_come_from_the_buyer_and_the_event(self, session: Session, world: World) -> None:
        b = world.buyers[2]
        assert b.languages == ["zh", "en"]
        assert service.participant_timezone(world.event, b) == "Asia/Seoul"
        assert service.working_hours(world.event, b) == (time(8, 0), time(20, 0))

    def test_registering_twice_is_a_conflict(self, session: Session, world: World) -> None:
        data = ParticipantCreate(kind="buyer", buyer_id=world.buyers[0].buyer_id)
        with pytest.raises(Conflict, match="already registered"):
            service.register_participant(session, event_id=world.event.id, data=data, actor=world.advisor)

    def test_unknown_buyer_is_bad_input(self, session: Session, world: World) -> None:
        data = ParticipantCreate(kind="buyer", buyer_id=999_999)
        with pytest.raises(InvalidInput, match="no buyer 999999"):
            service.register_participant(session, event_id=world.event.id, data=data, actor=world.advisor)

    def test_impossible_availability_is_refused(self, session: Session, world: World) -> None:
        online = service.create_event(
            session, data=EventCreate(name="Online week", type="online_week", tables=3), actor=world.advisor
        )
        slots = service.plan_slots(
            session,
            event_id=online.id,
            plan=DayPlan(days=[DAY], start=time(9, 0), end=time(12, 0), minutes=60),
            actor=world.advisor,
        )
        assert all(s.online for s in slots)
        buyer = make_buyer(session)
        # 11:00-12:00 in Seoul is 20:00-21:00 the day before in Mexico City: outside 08:00-20:00.
        ok = ParticipantCreate(
            kind="buyer", buyer_id=buyer.id, timezone="America/Mexico_City", available_slot_ids=[slots[0].id]
        )
        bad = ok.model_copy(update={"available_slot_ids": [slots[2].id]})
        with pytest.raises(InvalidInput, match="impossible availability"):
            service.register_participant(session, event_id=online.id, data=bad, actor=world.advisor)
        with pytest.raises(InvalidInput, match="no slot at all"):
            service.register_participant(
                session,
                event_id=online.id,
                data=ok.model_copy(update={"available_slot_ids": []}),
                actor=world.advisor,
            )
        with pytest.raises(InvalidInput, match="not slots of this event"):
            service.register_participant(
                session,
                event_id=online.id,
                data=ok.model_copy(update={"available_slot_ids": [world.slots[0].id]}),
                actor=world.advisor,
            )
        p = service.register_participant(session, event_id=online.id, data=ok, actor=world.advisor)
        assert p.available_slot_ids == [slots[0].id]


class TestRequests:
    def test_request_notifies_the_other_side(self, session: Session, world: World) -> None:
        r = ask(session, world, 0, 0, priority=5)
        assert (r.status, r.requested_by, r.buyer_priority, r.mutual) == (
            RequestStatus.requested,
            RequestSide.buyer,
            5,
            False,
        )
        notes = service.list_notifications(session, actor=world.exporter_users[0])
        assert [n.kind for n in notes] == ["request_received"]
        assert "Importadora 1" in notes[0].message and "상담을 요청" in notes[0].message  # Korean user

    def test_both_sides_asking_is_mutual_and_weighs_more(self, session: Session, world: World) -> None:
        one_way = accepted(session, world, 1, 1, priority=4)
        ask(session, world, 0, 0, priority=4)
        mutual = ask(session, world, 0, 0, by="exporter", priority=4)
        assert mutual.status == RequestStatus.accepted and mutual.mutual
        assert service.request_weight(mutual) > service.request_weight(one_way)
        assert [n.kind for n in service.list_notifications(session, actor=world.buyer_users[0])] == [
            "request_mutual"
        ]

    def test_asking_twice_is_a_conflict(self, session: Session, world: World) -> None:
        ask(session, world, 0, 0)
        with pytest.raises(Conflict, match="already requested"):
            ask(session, world, 0, 0)

    def test_decline_and_ask_again(self, session: Session, world: World) -> None:
        r = ask(session, world, 0, 1)
        service.respond(session, request_id=r.id, accept=False, actor=world.exporter_users[1])
        assert r.status == RequestStatus.declined
        assert [n.kind for n in service.list_notifications(session, actor=world.buyer_users[0])] == [
            "request_declined"
        ]
        with pytest.raises(Conflict, match="not waiting for an answer"):
            service.respond(session, request_id=r.id, accept=True, actor=world.exporter_users[1])
        again = ask(session, world, 0, 1, priority=2)
        assert again.id == r.id and again.status == RequestStatus.requested

    def test_wrong_kinds_and_other_events_are_bad_input(self, session: Session, world: World) -> None:
        data = RequestCreate(
            buyer_participant_id=world.exporters[0].id, exporter_participant_id=world.exporters[1].id
        )
        with pytest.raises(InvalidInput, match="is an exporter"):
            service.request_meeting(session, event_id=world.event.id, data=data, actor=world.advisor)
        data = RequestCreate(buyer_participant_id=999_999, exporter_participant_id=world.exporters[1].id)
        with pytest.raises(InvalidInput, match="no participant 999999 in this event"):
            service.request_meeting(session, event_id=world.event.id, data=data, actor=world.advisor)
        with pytest.raises(ValidationError):
            RequestCreate(buyer_participant_id=1, exporter_participant_id=2, priority=9)

    def test_organiser_proposal_is_accepted_by_either_side(self, session: Session, world: World) -> None:
        data = RequestCreate(
            buyer_participant_id=world.buyers[2].id, exporter_participant_id=world.exporters[2].id
        )
        r = service.request_meeting(session, event_id=world.event.id, data=data, actor=world.advisor)
        assert r.requested_by == RequestSide.organiser
        assert len(service.list_notifications(session, actor=world.buyer_users[2])) == 1
        service.respond(session, request_id=r.id, accept=True, actor=world.buyer_users[2], priority=5)
        assert (r.status, r.buyer_priority) == (RequestStatus.accepted, 5)

    def test_recommendations_without_products_add_nothing(self, session: Session, world: World) -> None:
        assert service.recommend_pairs(session, event_id=world.event.id, actor=world.advisor) == []

    def test_recommendations_come_from_the_matching_engine(self, session: Session, world: World) -> None:
        knives = world.exporters[1]
        make_product(
            session,
            session.get(Company, knives.company_id),
            name_en="Stainless steel chef knife",
            description_en="Stainless steel chef knife for restaurants",
            hs_code="821191",
        )
        buyer = session.get(Buyer, world.buyers[0].buyer_id)
        buyer.hs_interests, buyer.products_of_interest = ["821191"], "stainless steel kitchen knives"
        session.flush()
        added = service.recommend_pairs(session, event_id=world.event.id, actor=world.advisor, per_exporter=1)
        assert [(r.buyer_participant_id, r.exporter_participant_id) for r in added] == [
            (world.buyers[0].id, knives.id)
        ]
        r = added[0]
        assert r.requested_by == RequestSide.organiser and r.match_score and r.match_score > 0
        assert service.request_weight(r) > 2  # the score adds to the weight
        assert (
            service.recommend_pairs(session, event_id=world.event.id, actor=world.advisor, per_exporter=1)
            == []
        )


class TestScheduling:
    def test_run_stores_a_feasible_schedule_and_notifies(self, session: Session, world: World) -> None:
        for b in range(3):
            for e in range(3):
                accepted(session, world, b, e)
        before = session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1))
        summary = service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=3)
        assert summary.requests == 9 and summary.meetings == 9 and summary.new == 9
        assert summary.weight <= summary.upper_bound + 1e-6 and summary.gap == pytest.approx(0.0)
        problem = service.build_problem(session, world.event)
        meetings = [
            service.engine.Meeting(
                str(r.buyer_participant_id),
                str(r.exporter_participant_id),
                str(m.slot_id),
                m.table,
                m.interpreter,
            )
            for m in session.scalars(select(Meeting).where(Meeting.event_id == world.event.id))
            for r in [session.get(service.MeetingRequest, m.request_id)]
        ]
        assert check_schedule(problem.instance, meetings) == []
        assert world.event.status.value == "scheduled" and world.event.last_run["meetings"] == 9
        new = session.scalars(select(Notification).where(Notification.id > (before or 0))).all()
        assert {n.kind for n in new} == {"meeting_scheduled"}
        assert len(new) == 18  # one per side of each meeting (one user each)

    def test_rescheduling_keeps_confirmed_meetings_and_fills_freed_slots(
        self, session: Session, world: World
    ) -> None:
        # One table, three slots used: the buyer 0 meets every exporter.
        for e in range(3):
            accepted(session, world, 0, e)
        service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=2)
        meetings = {m.request_id: m for m in session.scalars(select(Meeting))}
        first = next(iter(meetings.values()))
        service.confirm_meetings(
            session, event_id=world.event.id, actor=world.advisor, meeting_ids=[first.id]
        )
        fixed_at = (first.slot_id, first.table)
        cancelled = next(m for m in meetings.values() if m.id != first.id)
        service.cancel_meeting(session, meeting_id=cancelled.id, actor=world.buyer_users[0], reason="flight")
        assert cancelled.status == MeetingStatus.cancelled and cancelled.sequence == 1
        late = accepted(session, world, 1, 0)  # a late request
        summary = service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=2)
        assert summary.fixed == 1 and summary.meetings == 3 and summary.new == 1
        assert (first.slot_id, first.table, first.status) == (*fixed_at, MeetingStatus.confirmed)
        assert cancelled.status == MeetingStatus.cancelled  # a cancelled pair does not come back
        assert session.get(service.MeetingRequest, cancelled.request_id).status == RequestStatus.withdrawn
        assert service.EventRepository(session).meeting_of_request(late.id) is not None

    def test_an_impossible_confirmed_meeting_is_refused_and_nothing_is_written(
        self, session: Session, world: World
    ) -> None:
        accepted(session, world, 0, 0)
        service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=1)
        m = session.scalars(select(Meeting)).one()
        service.confirm_meetings(session, event_id=world.event.id, actor=world.advisor)
        # The buyer now says it is not there in that slot.
        world.buyers[0].available_slot_ids = [s.id for s in world.slots if s.id != m.slot_id]
        session.flush()
        accepted(session, world, 1, 1)
        with pytest.raises(InvalidInput, match="cannot attend"):
            service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=1)
        assert len(session.scalars(select(Meeting)).all()) == 1

    def test_interpreters_limit_meetings_without_a_common_language(
        self, session: Session, world: World
    ) -> None:
        # Buyer 1 speaks only Spanish, exporter 0 only Korean: they need an "es" interpreter.
        accepted(session, world, 1, 0)
        service.set_interpreters(
            session,
            event_id=world.event.id,
            items=[InterpreterIn(language="es", count=0)],
            actor=world.advisor,
        )
        assert (
            service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=1).meetings
            == 0
        )
        service.set_interpreters(
            session,
            event_id=world.event.id,
            items=[InterpreterIn(language="es", count=1, slot_ids=[world.slots[2].id])],
            actor=world.advisor,
        )
        service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=1)
        m = session.scalars(select(Meeting)).one()
        assert (m.slot_id, m.interpreter) == (world.slots[2].id, "es")

    def test_an_event_without_slots_cannot_be_scheduled(self, session: Session, world: World) -> None:
        empty = service.create_event(session, data=EventCreate(name="Empty"), actor=world.advisor)
        with pytest.raises(InvalidInput, match="no slots yet"):
            service.run_schedule(session, event_id=empty.id, actor=world.advisor, time_limit=1)

    def test_withdrawing_a_participant_cancels_its_meetings(self, session: Session, world: World) -> None:
        accepted(session, world, 0, 0)
        accepted(session, world, 0, 1)
        service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=1)
        assert (
            service.withdraw_participant(
                session, participant_id=world.buyers[0].id, actor=world.buyer_users[0]
            )
            == 2
        )
        assert {m.status for m in session.scalars(select(Meeting))} == {MeetingStatus.cancelled}
        kinds = [n.kind for n in service.list_notifications(session, actor=world.exporter_users[1])]
        assert kinds[0] == "participant_withdrawn"

    def test_notifications_are_marked_read(self, session: Session, world: World) -> None:
        ask(session, world, 0, 0)
        ask(session, world, 1, 0)
        user = world.exporter_users[0]
        assert service.unread_count(session, actor=user) == 2
        first = service.list_notifications(session, actor=user)[0]
        assert service.mark_read(session, notification_id=first.id, actor=user) == 1
        assert service.unread_count(session, actor=user) == 1
        assert service.mark_read(session, notification_id=None, actor=user) == 1
        assert service.unread_count(session, actor=user) == 0
