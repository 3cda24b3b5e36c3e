"""Export consultation meeting pages: events, requests with accept/decline, the organiser's grid, a
participant's agenda with PDF and iCalendar downloads, and the notifications list."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from exportpilot.auth import policy
from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.events import agenda as agendas
from exportpilot.events import service
from exportpilot.events.repository import EventRepository
from exportpilot.events.schemas import (
    DayPlan,
    EventCreate,
    EventUpdate,
    ParticipantCreate,
    RequestCreate,
    ScheduleRun,
)
from exportpilot.models import Event, EventStatus, EventType, ParticipantKind, RequestStatus
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash
from exportpilot.web.events import labels
from exportpilot.web.forms import FormRejected, non_empty, validation_errors, values
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)

EVENT_FIELDS = ("name", "type", "timezone", "venue", "tables", "working_start", "working_end")


def _labels() -> dict[str, Any]:
    return {
        "type_labels": labels.EVENT_TYPE,
        "status_labels": labels.EVENT_STATUS,
        "request_labels": labels.REQUEST_STATUS,
        "meeting_labels": labels.MEETING_STATUS,
        "side_labels": labels.SIDE,
        "kind_labels": labels.KIND,
    }


def _rejected(exc: ExportPilotError) -> bool:
    """Errors shown next to the form (bad input, a conflict); others become error pages."""
    return exc.status_code in (409, 422)


# Events ---------------------------------------------------------------------------------------------------


def _list_page(
    web: Web, form: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    events = service.list_events(web.session, actor=web.actor)
    repo = EventRepository(web.session)
    mine = {p.event_id for p in repo.participants_of_user(web.actor)}
    context = {
        "events": events,
        "mine": mine,
        "form": form,
        "errors": errors,
        "types": list(EventType),
        "can_organise": policy.can_organise_event(web.actor),
        **_labels(),
    }
    return web.render("events/list.html", context, status_code=status_code)


@router.get("/events")
def event_list(web: LoggedIn) -> Response:
    form = {"name": "", "type": "in_person", "timezone": "Asia/Seoul", "venue": "", "tables": "10"}
    form.update(working_start="08:00", working_end="20:00")
    return _list_page(web, form, {})


@router.post("/events")
def create_event(web: LoggedIn, posted: PostedForm) -> Response:
    form = values(posted, EVENT_FIELDS)
    try:
        event = service.create_event(
            web.session, data=EventCreate.model_validate(non_empty(form)), actor=web.actor
        )
    except ValidationError as exc:
        raise FormRejected(_list_page(web, form, validation_errors(web.lang, exc), 422)) from exc
    flash(web.request, N_("Event created. Plan its slots and register the participants."))
    return RedirectResponse(f"/events/{event.id}", status_code=303)


def _detail(
    web: Web, event: Event, errors: dict[str, str] | None = None, status_code: int = 200
) -> HTMLResponse:
    actor = web.actor
    session = web.session
    repo = EventRepository(session)
    organiser = policy.can_organise_event(actor)
    names = service.names_of_event(session, event.id)
    participants = list(service.list_participants(session, event_id=event.id, actor=actor))
    me = service.my_participant(session, event_id=event.id, actor=actor)
    requests = list(service.list_requests(session, event_id=event.id, actor=actor))
    by_id = {p.id: p for p in repo.participants(event.id)}
    rows = []
    for r in requests:
        b, e = by_id[r.buyer_participant_id], by_id[r.exporter_participant_id]
        rows.append(
            {
                "r": r,
                "buyer": names[b.id][web.lang],
                "exporter": names[e.id][web.lang],
                "weight": service.request_weight(r),
                "can_respond": r.status == RequestStatus.requested
                and policy.can_respond_to_request(actor, r, b, e)
                and (organiser or (me is not None and not _asked_by(me, r))),
                "can_withdraw": r.status in (RequestStatus.requested, RequestStatus.accepted)
                and policy.can_withdraw_request(actor, r, b, e),
            }
        )
    meetings = service.list_meetings(session, event_id=event.id, actor=actor)
    slots = {s.id: s for s in repo.slots(event.id)}
    meeting_rows = [
        {
            "m": m,
            "slot": slots[m.slot_id],
            "buyer": names[r.buyer_participant_id][web.lang],
            "exporter": names[r.exporter_participant_id][web.lang],
        }
        for m, r in meetings
    ]
    requested_pairs = {(r.buyer_participant_id, r.exporter_participant_id) for r in requests}
    counterparts = []
    if me is not None and me.active:
        other_kind = ParticipantKind.exporter if me.kind == ParticipantKind.buyer else ParticipantKind.buyer
        for p in participants:
            if p.kind != other_kind or not p.active:
                continue
            pair = (me.id, p.id) if me.kind == ParticipantKind.buyer else (p.id, me.id)
            counterparts.append({"p": p, "name": names[p.id][web.lang], "requested": pair in requested_pairs})
    slot_list = list(slots.values())
    days = [(d, [s for s in slot_list if s.day == d]) for d in service.days_of(slot_list)]
    context = {
        "event": event,
        "organiser": organiser,
        "me": me,
        "my_name": names[me.id][web.lang] if me is not None else "",
        "participants": [
            {"p": p, "name": names[p.id][web.lang], "tz": service.participant_timezone(event, p)}
            for p in participants
        ]
        if organiser
        else [],
        "buyers": [p for p in participants if p.kind == ParticipantKind.buyer and p.active],
        "exporters": [p for p in participants if p.kind == ParticipantKind.exporter and p.active],
        "names": names,
        "requests": rows,
        "meetings": meeting_rows,
        "counterparts": counterparts,
        "days": days,
        "slot_count": len(slot_list),
        "interpreters": len(repo.interpreters(event.id)),
        "can_register": me is None
        and not organiser
        and event.status in (EventStatus.open, EventStatus.scheduled)
        and (web.actor.buyer_id is not None or web.actor.company_id is not None),
        "open": event.status in (EventStatus.open, EventStatus.scheduled),
        "errors": errors or {},
        "run": event.last_run or {},
        **_labels(),
    }
    return web.render("events/detail.html", context, status_code=status_code)


def _asked_by(me: Any, r: Any) -> bool:
    """Whether ``me`` is the side that made request ``r`` (it cannot answer its own request)."""
    side = "buyer" if me.kind == ParticipantKind.buyer else "exporter"
    return str(r.requested_by.value) == side


@router.get("/events/{event_id}")
def event_detail(web: LoggedIn, event_id: int) -> Response:
    return _detail(web, service.get_event(web.session, event_id=event_id, actor=web.actor))


def _act(web: Web, event_id: int, action: Any, message: str) -> Response:
    """Run ``action``; on bad input or a conflict, show the event page again with the reason."""
    try:
        action()
    except ValidationError as exc:
        event = service.get_event(web.session, event_id=event_id, actor=web.actor)
        errors = validation_errors(web.lang, exc)
        raise FormRejected(_detail(web, event, {"__all__": "; ".join(errors.values())}, 422)) from exc
    except ExportPilotError as exc:
        if not _rejected(exc):
            raise
        event = service.get_event(web.session, event_id=event_id, actor=web.actor)
        raise FormRejected(_detail(web, event, {"__all__": exc.message}, exc.status_code)) from exc
    flash(web.request, message)
    return RedirectResponse(f"/events/{event_id}", status_code=303)


@router.post("/events/{event_id}/status")
def set_status(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("status",))
    return _act(
        web,
        event_id,
        lambda: service.update_event(
            web.session, event_id=event_id, data=EventUpdate.model_validate(non_empty(form)), actor=web.actor
        ),
        N_("Event status changed."),
    )


@router.post("/events/{event_id}/slots")
def plan_slots(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("days", "start", "end", "minutes", "gap_minutes", "break_start", "break_end"))
    data: dict[str, Any] = non_empty(form)
    data["days"] = [d for d in form["days"].replace(",", " ").split() if d]
    breaks = []
    if form["break_start"] and form["break_end"]:
        breaks.append({"start": form["break_start"], "end": form["break_end"]})
    data["breaks"] = breaks
    data.pop("break_start", None)
    data.pop("break_end", None)
    return _act(
        web,
        event_id,
        lambda: service.plan_slots(
            web.session, event_id=event_id, plan=DayPlan.model_validate(data), actor=web.actor
        ),
        N_("Slots added."),
    )


def _participant_data(form: dict[str, str]) -> ParticipantCreate:
    data: dict[str, Any] = non_empty(form)
    if "languages" in data:
        data["languages"] = data["languages"].replace(",", " ").split()
    if "available_slot_ids" in data:
        data["available_slot_ids"] = data["available_slot_ids"].replace(",", " ").split()
    return ParticipantCreate.model_validate(data)


@router.post("/events/{event_id}/participants")
def register(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("kind", "buyer_id", "company_id", "languages", "max_meetings", "timezone"))
    if form["kind"] == "buyer":
        form["company_id"] = ""
    elif form["kind"] == "exporter":
        form["buyer_id"] = ""
    return _act(
        web,
        event_id,
        lambda: service.register_participant(
            web.session, event_id=event_id, data=_participant_data(form), actor=web.actor
        ),
        N_("Participant registered."),
    )


@router.post("/events/{event_id}/register-me")
def register_me(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    actor = web.actor
    form = values(posted, ("languages", "max_meetings", "timezone"))
    if actor.buyer_id is not None:
        form.update(kind="buyer", buyer_id=str(actor.buyer_id), company_id="")
    elif actor.company_id is not None:
        form.update(kind="exporter", company_id=str(actor.company_id), buyer_id="")
    else:
        raise InvalidInput("register a company or a buyer record first")
    return _act(
        web,
        event_id,
        lambda: service.register_participant(
            web.session, event_id=event_id, data=_participant_data(form), actor=actor
        ),
        N_("You are registered for this event."),
    )


@router.post("/events/{event_id}/requests")
def create_request(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    form = values(
        posted, ("buyer_participant_id", "exporter_participant_id", "counterpart", "priority", "note")
    )
    me = service.my_participant(web.session, event_id=event_id, actor=web.actor)
    if me is not None and form["counterpart"]:
        key = "exporter_participant_id" if me.kind == ParticipantKind.buyer else "buyer_participant_id"
        own = "buyer_participant_id" if me.kind == ParticipantKind.buyer else "exporter_participant_id"
        form[key], form[own] = form["counterpart"], str(me.id)
    form.pop("counterpart")
    return _act(
        web,
        event_id,
        lambda: service.request_meeting(
            web.session,
            event_id=event_id,
            data=RequestCreate.model_validate(non_empty(form)),
            actor=web.actor,
        ),
        N_("Meeting requested. The other side is notified."),
    )


@router.post("/events/{event_id}/requests/{request_id}/accept")
def accept(web: LoggedIn, event_id: int, request_id: int, posted: PostedForm) -> Response:
    return _act(
        web,
        event_id,
        lambda: service.respond(web.session, request_id=request_id, accept=True, actor=web.actor),
        N_("Request accepted."),
    )


@router.post("/events/{event_id}/requests/{request_id}/decline")
def decline(web: LoggedIn, event_id: int, request_id: int, posted: PostedForm) -> Response:
    return _act(
        web,
        event_id,
        lambda: service.respond(web.session, request_id=request_id, accept=False, actor=web.actor),
        N_("Request declined."),
    )


@router.post("/events/{event_id}/requests/{request_id}/withdraw")
def withdraw(web: LoggedIn, event_id: int, request_id: int, posted: PostedForm) -> Response:
    return _act(
        web,
        event_id,
        lambda: service.withdraw_request(web.session, request_id=request_id, actor=web.actor),
        N_("Request withdrawn."),
    )


@router.post("/events/{event_id}/recommend")
def recommend(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    added: list[Any] = []

    def run() -> None:
        added.extend(service.recommend_pairs(web.session, event_id=event_id, actor=web.actor))

    response = _act(web, event_id, run, N_("Recommended pairs added."))
    if not added:
        web.request.session["flash"] = [[N_("No new recommended pairs: the matching engine found none."), {}]]
    return response


@router.post("/events/{event_id}/schedule")
def run_schedule(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    form = values(posted, ("time_limit",))
    summary: list[Any] = []

    def run() -> None:
        data = ScheduleRun.model_validate(non_empty(form))
        summary.append(
            service.run_schedule(web.session, event_id=event_id, actor=web.actor, time_limit=data.time_limit)
        )

    response = _act(web, event_id, run, N_("Schedule stored."))
    s = summary[0]
    flash(
        web.request,
        N_("%(meetings)s meetings scheduled (%(new)s new, %(moved)s moved); participants notified."),
        meetings=s.meetings,
        new=s.new,
        moved=s.moved,
    )
    return response


@router.post("/events/{event_id}/confirm")
def confirm(web: LoggedIn, event_id: int, posted: PostedForm) -> Response:
    return _act(
        web,
        event_id,
        lambda: service.confirm_meetings(web.session, event_id=event_id, actor=web.actor),
        N_("Meetings confirmed: re-scheduling keeps them where they are."),
    )


@router.post("/events/{event_id}/meetings/{meeting_id}/cancel")
def cancel(web: LoggedIn, event_id: int, meeting_id: int, posted: PostedForm) -> Response:
    return _act(
        web,
        event_id,
        lambda: service.cancel_meeting(web.session, meeting_id=meeting_id, actor=web.actor),
        N_("Meeting cancelled. Both sides are notified."),
    )


# Grid and agenda ------------------------------------------------------------------------------------------


@router.get("/events/{event_id}/grid")
def grid_page(web: LoggedIn, event_id: int) -> Response:
    event, rows = agendas.grid(web.session, event_id=event_id, actor=web.actor, lang=web.lang)
    return web.render("events/grid.html", {"event": event, "rows": rows, **_labels()})


@router.get("/events/{event_id}/agenda")
def agenda_page(web: LoggedIn, event_id: int, participant: int | None = None) -> Response:
    if participant is None:
        me = service.my_participant(web.session, event_id=event_id, actor=web.actor)
        if me is None:
            raise InvalidInput(
                "you do not take part in this event: choose a participant", field="participant"
            )
        participant = me.id
    agenda = agendas.build_agenda(web.session, participant_id=participant, actor=web.actor, lang=web.lang)
    if agenda.event.id != event_id:
        raise InvalidInput(f"participant {participant} is not in event {event_id}", field="participant")
    context = {"agenda": agenda, "event": agenda.event, "days": agenda.days(), **_labels()}
    return web.render("events/agenda.html", context)


# Notifications --------------------------------------------------------------------------------------------


@router.get("/notifications")
def notifications_page(web: LoggedIn) -> Response:
    items = service.list_notifications(web.session, actor=web.actor)
    events = {e.id: e for e in service.list_events(web.session, actor=web.actor)}
    return web.render("events/notifications.html", {"items": items, "events": events})


@router.post("/notifications/read")
def read_all(web: LoggedIn, posted: PostedForm) -> Response:
    service.mark_read(web.session, notification_id=None, actor=web.actor)
    flash(web.request, N_("All notifications marked read."))
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/{notification_id}/read")
def read_one(web: LoggedIn, notification_id: int, posted: PostedForm) -> Response:
    service.mark_read(web.session, notification_id=notification_id, actor=web.actor)
    return RedirectResponse("/notifications", status_code=303)
