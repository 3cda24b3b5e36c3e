"""The generated demo event: loaded with the demo data, deterministic, replaced on reload."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exportpilot.demo.events import DEMO_EVENT_NAME
from exportpilot.demo.generator import GENERATED_MARK, DemoData, generate_demo
from exportpilot.demo.loader import load_demo
from exportpilot.events import service
from exportpilot.models import (
    Buyer,
    Company,
    Event,
    EventParticipant,
    Meeting,
    MeetingRequest,
    RequestStatus,
    User,
)


def _small() -> DemoData:
    data = generate_demo(7, companies=30, buyers=60)
    users = tuple(
        u
        for u in data.users
        if (u.company_index is None or u.company_index < 30) and (u.buyer_index is None or u.buyer_index < 60)
    )
    return dataclasses.replace(data, users=users)


def _schedule(session: Session) -> list[tuple[str, str, str, int]]:
    rows = session.execute(
        select(
            MeetingRequest.buyer_participant_id,
            MeetingRequest.exporter_participant_id,
            Meeting.slot_id,
            Meeting.table,
        )
        .join(Meeting, Meeting.request_id == MeetingRequest.id)
        .order_by(Meeting.slot_id, Meeting.table)
    ).all()
    # Names, not ids: PostgreSQL does not reuse the ids of deleted rows.
    parts = {
        p.id: session.get(Buyer, p.buyer_id).company_name  # type: ignore[union-attr]
        if p.buyer_id
        else session.get(Company, p.company_id).name_en  # type: ignore[union-attr]
        for p in session.scalars(select(EventParticipant))
    }
    slots = {s.id: s.label for e in session.scalars(select(Event)) for s in e.slots}
    return [(parts[b], parts[e], slots[s], t) for b, e, s, t in rows]


class TestDemoEvent:
    def test_loaded_marked_scheduled_and_deterministic(self, session: Session) -> None:
        data = _small()
        load_demo(session, data)
        event = session.scalars(select(Event).where(Event.is_generated.is_(True))).one()
        assert event.name == DEMO_EVENT_NAME and (event.description or "").startswith(GENERATED_MARK)
        assert event.status.value == "scheduled" and event.last_run and event.last_run["meetings"] > 10
        statuses = {r.status for r in session.scalars(select(MeetingRequest))}
        assert RequestStatus.requested in statuses and RequestStatus.accepted in statuses
        # A demo buyer user takes part and has notifications and an agenda.
        buyer_part = session.scalars(select(EventParticipant).where(EventParticipant.kind == "buyer")).first()
        user = session.scalars(select(User).where(User.buyer_id == buyer_part.buyer_id)).first()
        assert user is not None and service.list_notifications(session, actor=user)
        first = _schedule(session)

        load_demo(session, data)  # replaced, not duplicated, and the same again
        assert session.scalar(select(func.count()).select_from(Event)) == 1
        assert _schedule(session) == first
