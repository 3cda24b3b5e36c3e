"""A small GENERATED demo event (not real): an export consultation meeting with demo buyers and exporters.

Built deterministically from the demo data set (the same seed gives the same event, requests and
schedule): the buyers and companies that have demo users take part, so a demo user who logs in finds
requests to answer, an agenda and notifications. The schedule is made by the engine without its
time-dependent search (``Scheduler(lns=False, bound=False)``), so it never depends on the machine's speed.
"""

from __future__ import annotations

import logging
import random
from datetime import date, time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from exportpilot.demo.generator import GENERATED_MARK, DemoData
from exportpilot.events import service
from exportpilot.events.scheduler import Scheduler
from exportpilot.events.schemas import (
    BreakIn,
    DayPlan,
    EventCreate,
    EventUpdate,
    InterpreterIn,
    ParticipantCreate,
    RequestCreate,
)
from exportpilot.models import (
    Event,
    EventInterpreter,
    EventParticipant,
    EventSlot,
    EventStatus,
    EventType,
    Meeting,
    MeetingRequest,
    Notification,
    ParticipantKind,
    Role,
)

log = logging.getLogger(__name__)

DEMO_EVENT_NAME = "[데모 · Demo] 2026 부산 수출상담회 Busan Export Consultation Meeting"
DEMO_DAYS = (date(2026, 12, 9), date(2026, 12, 10))
BUYERS = 10
EXPORTERS = 10


def clear_demo_events(session: Session) -> None:
    """Delete the generated events with everything in them."""
    events = select(Event.id).where(Event.is_generated.is_(True))
    ids = set(session.scalars(events))
    models = (Event, EventSlot, EventParticipant, EventInterpreter, MeetingRequest, Meeting, Notification)
    for obj in list(session.identity_map.values()):
        # Bulk deletes leave loaded rows in the session; a new row may reuse their id (SQLite).
        if (
            isinstance(obj, models)
            and (obj.id if isinstance(obj, Event) else obj.event_id) in ids
            and obj in session
        ):
            session.expunge(obj)
    for model in (Notification, Meeting, MeetingRequest, EventInterpreter, EventParticipant, EventSlot):
        session.execute(
            delete(model).where(model.event_id.in_(events)), execution_options={"synchronize_session": False}
        )
    session.execute(
        delete(Event).where(Event.is_generated.is_(True)), execution_options={"synchronize_session": False}
    )


def _pick(wanted: list[int], total: int, n: int) -> list[int]:
    out: list[int] = []
    for i in [*wanted, *range(total)]:
        if i not in out and len(out) < n:
            out.append(i)
    return out


def load_demo_events(
    session: Session, data: DemoData, *, company_ids: list[int], buyer_ids: list[int]
) -> dict[str, int]:
    """Write the demo event (slots, participants, requests, a schedule) for the demo rows just inserted."""
    buyer_idx = _pick(
        [u.buyer_index for u in data.users if u.role is Role.buyer and u.buyer_index is not None],
        len(buyer_ids),
        BUYERS,
    )
    company_idx = _pick(
        [u.company_index for u in data.users if u.role is Role.exporter and u.company_index is not None],
        len(company_ids),
        EXPORTERS,
    )
    if len(buyer_idx) < 2 or len(company_idx) < 2:
        return {}
    rng = random.Random(data.seed)
    event = service.create_event(
        session,
        data=EventCreate(
            name=DEMO_EVENT_NAME,
            type=EventType.in_person,
            timezone="Asia/Seoul",
            venue="BEXCO, Busan (demo)",
            tables=4,
        ),
        actor=None,
    )
    event.is_generated = True
    event.description = f"{GENERATED_MARK} 생성된 데모 행사입니다. A generated demo event."
    plan = DayPlan(
        days=list(DEMO_DAYS),
        start=time(9, 0),
        end=time(17, 0),
        minutes=40,
        gap_minutes=5,
        breaks=[BreakIn(start=time(12, 0), end=time(13, 0))],
    )
    slots = service.plan_slots(session, event_id=event.id, plan=plan, actor=None)
    buyers = []
    for i in buyer_idx:
        # Every third buyer comes for one day only.
        avail = [s.id for s in slots if s.day == DEMO_DAYS[i % 2]] if i % 3 == 0 else None
        buyers.append(
            service.register_participant(
                session,
                event_id=event.id,
                data=ParticipantCreate(
                    kind=ParticipantKind.buyer,
                    buyer_id=buyer_ids[i],
                    max_meetings=6,
                    available_slot_ids=avail,
                ),
                actor=None,
            )
        )
    exporters = [
        service.register_participant(
            session,
            event_id=event.id,
            data=ParticipantCreate(
                kind=ParticipantKind.exporter,
                company_id=company_ids[i],
                languages=["ko", "en"] if n % 2 == 0 else ["ko"],
                max_meetings=8,
            ),
            actor=None,
        )
        for n, i in enumerate(company_idx)
    ]
    foreign = sorted({lang for b in buyers for lang in b.languages if lang not in ("ko", "en")})
    service.set_interpreters(
        session,
        event_id=event.id,
        items=[InterpreterIn(language=lang, count=1) for lang in ["en", *foreign]],
        actor=None,
    )
    service.update_event(session, event_id=event.id, data=EventUpdate(status=EventStatus.open), actor=None)
    requests = 0
    for b in buyers:
        for e in rng.sample(exporters, k=min(4, len(exporters))):
            side = rng.choice(["buyer", "buyer", "exporter"])
            r = service.request_meeting(
                session,
                event_id=event.id,
                data=RequestCreate(
                    buyer_participant_id=b.id,
                    exporter_participant_id=e.id,
                    priority=rng.randint(1, 5),
                    on_behalf_of=side,
                ),
                actor=None,
            )
            requests += 1
            roll = rng.random()
            if roll < 0.25:  # both sides want it
                other = "exporter" if side == "buyer" else "buyer"
                service.request_meeting(
                    session,
                    event_id=event.id,
                    data=RequestCreate(
                        buyer_participant_id=b.id,
                        exporter_participant_id=e.id,
                        priority=rng.randint(2, 5),
                        on_behalf_of=other,
                    ),
                    actor=None,
                )
            elif roll < 0.75:
                service.respond(session, request_id=r.id, accept=True, actor=None)
            elif roll < 0.82:
                service.respond(session, request_id=r.id, accept=False, actor=None)
            # the rest wait for an answer: something for the demo users to accept or decline
    summary = service.run_schedule(
        session, event_id=event.id, actor=None, scheduler=Scheduler(time_limit=30, lns=False, bound=False)
    )
    counts = {
        "events": 1,
        "event_slots": len(slots),
        "event_requests": requests,
        "event_meetings": summary.meetings,
    }
    log.info("demo event loaded: %s", counts)
    return counts
