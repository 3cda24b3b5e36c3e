"""`/api/events`: export consultation meetings — events, slots, participants, requests, the schedule,
agendas (JSON, HTML, PDF, iCalendar), the organiser's grid and CSV export, notifications."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from sqlalchemy.orm import Session

from exportpilot.api.deps import CurrentUser, SessionDep
from exportpilot.errors import NotFound
from exportpilot.events import agenda as agendas
from exportpilot.events import service
from exportpilot.events.repository import EventRepository
from exportpilot.events.schemas import (
    AgendaItemRead,
    AgendaRead,
    CancelIn,
    ConfirmIn,
    DayPlan,
    EventCreate,
    EventRead,
    EventUpdate,
    GridCell,
    GridRead,
    GridRow,
    InterpreterRead,
    InterpretersSet,
    MeetingRead,
    NotificationRead,
    ParticipantCreate,
    ParticipantRead,
    ParticipantUpdate,
    RecommendIn,
    RequestCreate,
    RequestRead,
    RespondIn,
    RunSummary,
    ScheduleRun,
    SlotRead,
    SlotsCreate,
)
from exportpilot.models import EventParticipant, Meeting, MeetingRequest

router = APIRouter(prefix="/events", tags=["events"])


def _participant_read(session: Session, p: EventParticipant) -> ParticipantRead:
    event = service.get_event(session, event_id=p.event_id, actor=None)
    names = service.names_of_event(session, p.event_id)
    return ParticipantRead.model_validate(service.participant_view(session, event, p, names))


def _request_read(session: Session, r: MeetingRequest) -> RequestRead:
    return RequestRead.model_validate(service.request_view(r, service.names_of_event(session, r.event_id)))


def _meeting_read(
    session: Session, m: Meeting, r: MeetingRequest, names: dict[int, dict[str, str]]
) -> MeetingRead:
    slot = next(s for s in EventRepository(session).slots(m.event_id) if s.id == m.slot_id)
    return MeetingRead(
        id=m.id,
        event_id=m.event_id,
        request_id=m.request_id,
        slot_id=m.slot_id,
        slot_label=slot.label,
        starts_at=service.aware(slot.starts_at),
        ends_at=service.aware(slot.ends_at),
        table=m.table,
        interpreter=m.interpreter,
        status=m.status,
        sequence=m.sequence,
        buyer_participant_id=r.buyer_participant_id,
        exporter_participant_id=r.exporter_participant_id,
        buyer_name=names[r.buyer_participant_id]["en"],
        exporter_name=names[r.exporter_participant_id]["en"],
    )


# Notifications first: "/notifications" must not be read as an event id.


@router.get(
    "/notifications", response_model=list[NotificationRead], summary="Your notifications, newest first"
)
def my_notifications(session: SessionDep, user: CurrentUser, unread: bool = False) -> list[NotificationRead]:
    return [
        NotificationRead.model_validate(n)
        for n in service.list_notifications(session, actor=user, unread_only=unread)
    ]


@router.post("/notifications/read", summary="Mark all your notifications read")
def read_all(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    return {"marked": service.mark_read(session, notification_id=None, actor=user)}


@router.post("/notifications/{notification_id}/read", summary="Mark one notification read")
def read_one(notification_id: int, session: SessionDep, user: CurrentUser) -> dict[str, int]:
    return {"marked": service.mark_read(session, notification_id=notification_id, actor=user)}


# Events ---------------------------------------------------------------------------------------------------


@router.get("", response_model=list[EventRead], summary="Events you may see (staff: drafts too)")
def list_events(session: SessionDep, user: CurrentUser) -> list[EventRead]:
    return [EventRead.model_validate(e) for e in service.list_events(session, actor=user)]


@router.post(
    "", response_model=EventRead, status_code=status.HTTP_201_CREATED, summary="Create an event (staff)"
)
def create_event(body: EventCreate, session: SessionDep, user: CurrentUser) -> EventRead:
    return EventRead.model_validate(service.create_event(session, data=body, actor=user))


@router.get("/{event_id}", response_model=EventRead, summary="One event")
def get_event(event_id: int, session: SessionDep, user: CurrentUser) -> EventRead:
    return EventRead.model_validate(service.get_event(session, event_id=event_id, actor=user))


@router.patch("/{event_id}", response_model=EventRead, summary="Change an event, e.g. open it (staff)")
def update_event(event_id: int, body: EventUpdate, session: SessionDep, user: CurrentUser) -> EventRead:
    return EventRead.model_validate(service.update_event(session, event_id=event_id, data=body, actor=user))


# Slots and interpreters -----------------------------------------------------------------------------------


@router.get("/{event_id}/slots", response_model=list[SlotRead], summary="The event's slots in time order")
def list_slots(event_id: int, session: SessionDep, user: CurrentUser) -> list[SlotRead]:
    event = service.get_event(session, event_id=event_id, actor=user)
    return [SlotRead.model_validate(s) for s in EventRepository(session).slots(event.id)]


@router.post(
    "/{event_id}/slots",
    response_model=list[SlotRead],
    status_code=status.HTTP_201_CREATED,
    summary="Add slots (staff); overlapping slots or an end before the start are refused, naming the slot",
)
def add_slots(event_id: int, body: SlotsCreate, session: SessionDep, user: CurrentUser) -> list[SlotRead]:
    rows = service.add_slots(session, event_id=event_id, slots=body.slots, actor=user)
    return [SlotRead.model_validate(s) for s in rows]


@router.post(
    "/{event_id}/slots/plan",
    response_model=list[SlotRead],
    status_code=status.HTTP_201_CREATED,
    summary="Add the slots of a day plan: days, opening hours, slot minutes, breaks (staff)",
)
def plan_slots(event_id: int, body: DayPlan, session: SessionDep, user: CurrentUser) -> list[SlotRead]:
    rows = service.plan_slots(session, event_id=event_id, plan=body, actor=user)
    return [SlotRead.model_validate(s) for s in rows]


@router.get("/{event_id}/interpreters", response_model=list[InterpreterRead], summary="Interpreters per slot")
def list_interpreters(event_id: int, session: SessionDep, user: CurrentUser) -> list[InterpreterRead]:
    event = service.get_event(session, event_id=event_id, actor=user)
    return [InterpreterRead.model_validate(i) for i in EventRepository(session).interpreters(event.id)]


@router.put(
    "/{event_id}/interpreters",
    response_model=list[InterpreterRead],
    summary="Set interpreters per language (and slot) (staff); without any, interpretation is not limited",
)
def set_interpreters(
    event_id: int, body: InterpretersSet, session: SessionDep, user: CurrentUser
) -> list[InterpreterRead]:
    rows = service.set_interpreters(session, event_id=event_id, items=body.interpreters, actor=user)
    return [InterpreterRead.model_validate(i) for i in rows]


# Participants ---------------------------------------------------------------------------------------------


@router.get("/{event_id}/participants", response_model=list[ParticipantRead], summary="Participants")
def list_participants(event_id: int, session: SessionDep, user: CurrentUser) -> list[ParticipantRead]:
    return [
        _participant_read(session, p)
        for p in service.list_participants(session, event_id=event_id, actor=user)
    ]


@router.post(
    "/{event_id}/participants",
    response_model=ParticipantRead,
    status_code=status.HTTP_201_CREATED,
    summary="Register a buyer or an exporter's company (staff; or a buyer or exporter itself, once open)",
)
def register(
    event_id: int, body: ParticipantCreate, session: SessionDep, user: CurrentUser
) -> ParticipantRead:
    return _participant_read(
        session, service.register_participant(session, event_id=event_id, data=body, actor=user)
    )


@router.patch(
    "/{event_id}/participants/{participant_id}",
    response_model=ParticipantRead,
    summary="Change a participant's languages, cap, availability or time zone",
)
def update_participant(
    event_id: int, participant_id: int, body: ParticipantUpdate, session: SessionDep, user: CurrentUser
) -> ParticipantRead:
    p = service.update_participant(session, participant_id=participant_id, data=body, actor=user)
    return _participant_read(session, p)


@router.post(
    "/{event_id}/participants/{participant_id}/withdraw",
    summary="Withdraw a participant: its requests are withdrawn, its meetings cancelled, counterparts told",
)
def withdraw_participant(
    event_id: int, participant_id: int, session: SessionDep, user: CurrentUser
) -> dict[str, int]:
    return {"cancelled": service.withdraw_participant(session, participant_id=participant_id, actor=user)}


@router.get(
    "/{event_id}/participants/{participant_id}/agenda",
    summary="A participant's agenda in its language and local time: JSON, HTML, PDF or iCalendar",
    responses={
        200: {
            "content": {
                "application/json": {},
                "text/html": {},
                "application/pdf": {},
                "text/calendar": {},
            }
        }
    },
    response_model=AgendaRead,
)
def get_agenda(
    event_id: int,
    participant_id: int,
    session: SessionDep,
    user: CurrentUser,
    format: Annotated[
        Literal["json", "html", "pdf", "ics"], Query(description="the agenda's format")
    ] = "json",
    lang: Annotated[Literal["ko", "en"] | None, Query(description="default: the participant's")] = None,
) -> Response | AgendaRead:
    agenda = agendas.build_agenda(session, participant_id=participant_id, actor=user, lang=lang)
    if agenda.event.id != event_id:
        raise NotFound(f"no participant {participant_id} in event {event_id}")
    stem = f"agenda-event{event_id}-participant{participant_id}"
    if format == "html":
        return Response(agendas.agenda_html(agenda), media_type="text/html; charset=utf-8")
    if format == "pdf":
        return Response(
            agendas.agenda_pdf(agenda),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{stem}.pdf"'},
        )
    if format == "ics":
        return Response(
            agendas.agenda_ics(agenda),
            media_type="text/calendar; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stem}.ics"'},
        )
    return AgendaRead(
        event_id=agenda.event.id,
        event_name=agenda.event.name,
        participant_id=agenda.participant.id,
        name=agenda.name,
        timezone=agenda.timezone,
        language=agenda.lang,
        items=[
            AgendaItemRead(
                meeting_id=i.meeting_id,
                uid=i.uid,
                status=i.status,
                slot_label=i.slot_label,
                starts_at=i.start,
                ends_at=i.end,
                local_start=i.local_start.isoformat(),
                local_end=i.local_end.isoformat(),
                table=i.table,
                interpreter=i.interpreter,
                online=i.online,
                counterpart=i.counterpart,
                counterpart_country=i.counterpart_country,
            )
            for i in agenda.items
        ],
    )


# Requests -------------------------------------------------------------------------------------------------


@router.get(
    "/{event_id}/requests", response_model=list[RequestRead], summary="Requests (staff: all; others: own)"
)
def list_requests(event_id: int, session: SessionDep, user: CurrentUser) -> list[RequestRead]:
    names = service.names_of_event(session, event_id)
    return [
        RequestRead.model_validate(service.request_view(r, names))
        for r in service.list_requests(session, event_id=event_id, actor=user)
    ]


@router.post(
    "/{event_id}/requests",
    response_model=RequestRead,
    status_code=status.HTTP_201_CREATED,
    summary="Request a meeting with a priority (as yourself; staff on a side's behalf or as the organiser)",
)
def create_request(event_id: int, body: RequestCreate, session: SessionDep, user: CurrentUser) -> RequestRead:
    return _request_read(session, service.request_meeting(session, event_id=event_id, data=body, actor=user))


@router.post(
    "/{event_id}/requests/{request_id}/accept", response_model=RequestRead, summary="Accept a request"
)
def accept(
    event_id: int, request_id: int, session: SessionDep, user: CurrentUser, body: RespondIn | None = None
) -> RequestRead:
    r = service.respond(
        session,
        request_id=request_id,
        accept=True,
        actor=user,
        priority=body.priority if body else None,
        note=body.note if body else None,
    )
    return _request_read(session, r)


@router.post(
    "/{event_id}/requests/{request_id}/decline", response_model=RequestRead, summary="Decline a request"
)
def decline(
    event_id: int, request_id: int, session: SessionDep, user: CurrentUser, body: RespondIn | None = None
) -> RequestRead:
    r = service.respond(
        session, request_id=request_id, accept=False, actor=user, note=body.note if body else None
    )
    return _request_read(session, r)


@router.post(
    "/{event_id}/requests/{request_id}/withdraw",
    response_model=RequestRead,
    summary="Withdraw a request (its meeting, if any, is cancelled)",
)
def withdraw(event_id: int, request_id: int, session: SessionDep, user: CurrentUser) -> RequestRead:
    return _request_read(session, service.withdraw_request(session, request_id=request_id, actor=user))


@router.post(
    "/{event_id}/recommendations",
    response_model=list[RequestRead],
    summary="Add the matching engine's recommended pairs among the participants as organiser requests",
)
def recommend(
    event_id: int, session: SessionDep, user: CurrentUser, body: RecommendIn | None = None
) -> list[RequestRead]:
    body = body or RecommendIn()
    rows = service.recommend_pairs(
        session, event_id=event_id, actor=user, per_exporter=body.per_exporter, min_score=body.min_score
    )
    names = service.names_of_event(session, event_id)
    return [RequestRead.model_validate(service.request_view(r, names)) for r in rows]


# The schedule ---------------------------------------------------------------------------------------------


@router.post(
    "/{event_id}/schedule",
    response_model=RunSummary,
    summary="Schedule the accepted requests (staff): confirmed meetings stay; stored in one transaction",
)
def run_schedule(
    event_id: int, session: SessionDep, user: CurrentUser, body: ScheduleRun | None = None
) -> RunSummary:
    body = body or ScheduleRun()
    return service.run_schedule(
        session, event_id=event_id, actor=user, time_limit=body.time_limit, seed=body.seed
    )


@router.post("/{event_id}/confirm", summary="Confirm scheduled meetings (staff): re-scheduling keeps them")
def confirm(
    event_id: int, session: SessionDep, user: CurrentUser, body: ConfirmIn | None = None
) -> dict[str, int]:
    ids = body.meeting_ids if body else None
    return {"confirmed": service.confirm_meetings(session, event_id=event_id, actor=user, meeting_ids=ids)}


@router.get(
    "/{event_id}/meetings", response_model=list[MeetingRead], summary="Meetings (staff: all; others: own)"
)
def list_meetings(
    event_id: int, session: SessionDep, user: CurrentUser, include_cancelled: bool = False
) -> list[MeetingRead]:
    names = service.names_of_event(session, event_id)
    return [
        _meeting_read(session, m, r, names)
        for m, r in service.list_meetings(
            session, event_id=event_id, actor=user, include_cancelled=include_cancelled
        )
    ]


@router.post(
    "/{event_id}/meetings/{meeting_id}/cancel", response_model=MeetingRead, summary="Cancel a meeting"
)
def cancel_meeting(
    event_id: int, meeting_id: int, session: SessionDep, user: CurrentUser, body: CancelIn | None = None
) -> MeetingRead:
    m = service.cancel_meeting(
        session, meeting_id=meeting_id, actor=user, reason=body.reason if body else None
    )
    r = session.get(MeetingRequest, m.request_id)
    assert r is not None
    return _meeting_read(session, m, r, service.names_of_event(session, event_id))


@router.get(
    "/{event_id}/grid", response_model=GridRead, summary="The organiser's grid: slots × tables (staff)"
)
def get_grid(event_id: int, session: SessionDep, user: CurrentUser) -> GridRead:
    event, rows = agendas.grid(session, event_id=event_id, actor=user)
    return GridRead(
        event_id=event.id,
        tables=event.tables,
        rows=[
            GridRow(
                slot_id=row.slot.id,
                label=row.slot.label,
                starts_at=row.start,
                ends_at=row.end,
                cells=[
                    GridCell(
                        meeting_id=c[0].id,
                        buyer_name=c[1],
                        exporter_name=c[2],
                        status=c[0].status,
                        interpreter=c[0].interpreter,
                    )
                    if c
                    else None
                    for c in row.cells
                ],
            )
            for row in rows
        ],
    )


@router.get(
    "/{event_id}/schedule.csv",
    summary="The schedule as CSV: buyer_id, exporter_id, slot_id, table, then times and names (staff)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def schedule_csv(event_id: int, session: SessionDep, user: CurrentUser) -> Response:
    return Response(
        agendas.schedule_csv(session, event_id=event_id, actor=user),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="schedule-event{event_id}.csv"'},
    )


@router.get(
    "/{event_id}/notifications",
    response_model=list[NotificationRead],
    summary="Every notification the event caused (staff)",
)
def event_notifications(event_id: int, session: SessionDep, user: CurrentUser) -> list[NotificationRead]:
    return [
        NotificationRead.model_validate(n)
        for n in service.event_notifications(session, event_id=event_id, actor=user)
    ]
